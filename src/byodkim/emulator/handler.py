"""The emulator's HTTP request handler: a connection stays open between requests, as AWS's endpoints keep it.

Werkzeug's development server ends every answer with ``Connection: close``: it cannot tell
where a request body it did not read ends, so it drains the socket and closes it. Every call a
client made was a new connection: a connect on the client, and on the server a new thread, a
selector to drain, a shutdown and a close. botocore keeps a pool of connections to reuse, as it
does with AWS; the emulator gave it none to keep.

Here a request whose body is framed by ``Content-Length`` (every AWS protocol's, none of
them chunked) is read whole before the application sees it, so the next request on the
connection starts exactly where this one ended, and the answer is written with its own
``Content-Length`` and no ``Connection: close``. Anything else (a chunked or otherwise framed
body, a length not in plain ASCII digits, one over 256 MB) goes through werkzeug's own handling,
which closes the connection after answering. ``benchmarks/emulator_calls.py`` measures a call's CPU either way.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from moto.moto_server.werkzeug_app import MotoRequestHandler

if TYPE_CHECKING:
    from collections.abc import Callable

# Status codes whose answers carry no body and no Content-Length (RFC 9110, 6.4.1 and 8.6).
_NO_BODY = frozenset({204, 304})
# Framing is this handler's own: the application's values for these would contradict it.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})
_BAD_REQUEST = 400
_DIGITS = re.compile(r"[0-9]+")
_LARGEST_BODY = 256 * 1024 * 1024  # read whole into memory below this; above, werkzeug streams it
ABORT = "byodkim.abort"  # the environ key of the call that ends the connection with a reset


class Handler(MotoRequestHandler):
    """Moto's request handler, answering on a kept connection where the request's framing allows it."""

    # An answer is two writes, its head then its body; without this, the body waited for the
    # client's delayed ACK of the head (Nagle's algorithm): 16 ms a call.
    disable_nagle_algorithm = True
    _aborted = False

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log a request only when it was refused or failed (4xx, 5xx), with its method, path and status.

        A line for every request said only ``POST / 200`` (no operation), 4,000 of them a test
        session, and formatting them was a twentieth of the server's CPU.
        """
        if isinstance(code, int) and code >= _BAD_REQUEST:
            super().log_request(code, size)

    def run_wsgi(self) -> None:
        """Answer one request: on the kept connection when its body's length is known, else as werkzeug does."""
        length = _content_length(self.headers)
        if length is None:
            super().run_wsgi()  # werkzeug's way: answered with Connection: close, then closed
            return
        body = self.rfile.read(length) if length else b""
        if len(body) != length:  # the client went away mid-body: nothing to answer
            self.close_connection = True
            return
        if "close" in _tokens(self.headers.get_all("Connection") or []):  # also in a list: "TE, close"
            self.close_connection = True  # http.server recognises only the whole value "close"
        self.environ = environ = self.make_environ()
        environ["wsgi.input"] = io.BytesIO(body)
        environ[ABORT] = self._abort
        try:
            status, headers, chunks = _call(self.server.app, environ)
        except Exception as error:  # noqa: BLE001 - any failure of the application is answered, as werkzeug does
            if not self._aborted:
                self._werkzeug_failure(error)  # the request was read whole: the connection can go on
            return
        if self._aborted:
            return
        try:
            self._send(status, headers, b"".join(chunks))
        except OSError:  # the application closed the socket (a reset fault), or the client went away
            self.close_connection = True

    def _abort(self) -> None:
        """End the connection at once, unanswered, with a TCP reset (the ``reset`` fault): every reference closed."""
        import socket
        import struct

        self._aborted = True
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for stream in (self.rfile, self.wfile, self.connection):
            stream.close()  # the descriptor closes with its last reference, and a zero linger makes that a reset

    def _send(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        self.send_response(code, reason)
        given = None
        for name, value in headers:
            if name.lower() == "content-length":
                given = value
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, _latin1(value))
        if self.close_connection:  # the client asked (Connection: close, or HTTP/1.0): said, as RFC 9112 asks
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":  # it asked to keep the connection: said, or it would close
            self.send_header("Connection", "keep-alive")
        if not (100 <= code < 200 or code in _NO_BODY):  # noqa: PLR2004 - the informational range
            # A HEAD answer states the length a GET would have, and sends none of it.
            self.send_header("Content-Length", given if self.command == "HEAD" and given else str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD" and code not in _NO_BODY:
            self.wfile.write(body)

    def _werkzeug_failure(self, error: Exception) -> None:
        """Answer as werkzeug answers an application that raised: its 500 page, the traceback in the log."""
        from werkzeug.debug.tbtools import DebugTraceback
        from werkzeug.exceptions import InternalServerError

        status, headers, chunks = _call(InternalServerError(), self.environ)
        try:
            self._send(status, headers, b"".join(chunks))
        except OSError:  # the socket is gone (a reset fault): nothing can be answered
            self.close_connection = True
        self.server.log("error", f"Error on request:\n{DebugTraceback(error).render_traceback_text()}")


def _content_length(headers: Any) -> int | None:  # noqa: ANN401 - http.client's message
    """Return the request body's length when ``Content-Length`` alone frames it (0 when there is none), else None.

    Only ASCII digits (``int`` also reads "²" and "٤٣"), and at most ``_LARGEST_BODY``: a larger body
    is werkzeug's to stream, not this handler's to hold.
    """
    if "Transfer-Encoding" in headers:
        return None
    values = headers.get_all("Content-Length") or []
    if not values:
        return 0
    text = values[0].strip()
    if len(values) > 1 or not _DIGITS.fullmatch(text) or len(text) > len(str(_LARGEST_BODY)):
        return None
    length = int(text)
    return length if length <= _LARGEST_BODY else None


def _tokens(values: list[str]) -> set[str]:
    """Return the options of ``Connection`` headers, lower case (RFC 9110, 7.6.1: a comma-separated list)."""
    return {token.strip().lower() for value in values for token in value.split(",")}


def _latin1(value: str) -> str:
    """Return a header value http.server can write: as given when Latin-1 holds it, else its UTF-8 bytes.

    A header such as S3's ``Content-Disposition`` from ``response-content-disposition`` can carry
    Japanese; http.server encodes header values as Latin-1 and raised, and the client got no answer.
    """
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8").decode("latin-1")
    return value


def _call(
    app: Callable[[dict[str, Any], Any], Any], environ: dict[str, Any]
) -> tuple[str, list[tuple[str, str]], list[bytes]]:
    """Run a WSGI application and return its status, headers and body chunks."""
    started: list[Any] = []
    chunks: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:  # noqa: ANN401
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return chunks.append

    result = app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not started:
        raise RuntimeError("the application returned without calling start_response")
    return started[0], started[1], chunks
