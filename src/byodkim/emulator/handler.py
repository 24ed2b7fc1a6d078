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
body, a malformed length) goes through werkzeug's own handling, which closes the connection
after answering. ``benchmarks/emulator_calls.py`` measures a call's CPU either way.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from moto.moto_server.werkzeug_app import MotoRequestHandler

if TYPE_CHECKING:
    from collections.abc import Callable

# Status codes whose answers carry no body and no Content-Length (RFC 9110, 6.4.1 and 8.6).
_NO_BODY = frozenset({204, 304})
# Framing is this handler's own: the application's values for these would contradict it.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})
_BAD_REQUEST = 400


class Handler(MotoRequestHandler):
    """Moto's request handler, answering on a kept connection where the request's framing allows it."""

    # An answer is one write; without this, a client's next request on the connection waited for
    # a delayed ACK (Nagle's algorithm): 16 ms a call.
    disable_nagle_algorithm = True

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
        self.environ = environ = self.make_environ()
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            status, headers, chunks = _call(self.server.app, environ)
        except Exception as error:  # noqa: BLE001 - any failure of the application is answered, as werkzeug does
            self._werkzeug_failure(error)  # the request was read whole: the connection can go on
            return
        try:
            self._send(status, headers, b"".join(chunks))
        except OSError:  # the application closed the socket (a reset fault), or the client went away
            self.close_connection = True

    def _send(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        self.send_response(code, reason)
        given = None
        for name, value in headers:
            if name.lower() == "content-length":
                given = value
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        if self.close_connection:  # the client asked (Connection: close, or HTTP/1.0): said, as RFC 9112 asks
            self.send_header("Connection", "close")
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
    """Return the request body's length when ``Content-Length`` alone frames it (0 when there is none), else None."""
    if "Transfer-Encoding" in headers:
        return None
    values = headers.get_all("Content-Length") or []
    if not values:
        return 0
    if len(values) > 1 or not values[0].strip().isdigit():
        return None
    return int(values[0].strip())


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
