"""What the emulator runs inside a Lambda's process, under the runtime's own CPython.

Standard library only, and run as a script with ``-I -S``: the function sees the stdlib,
then the paths Lambda gives it (the code, the layers under ``python/``, the runtime's
boto3), and nothing from the emulator's environment. It bridges the ports the function
may dial into its network namespace (see :mod:`byodkim.emulator.relay`), installs a root
log handler as Lambda's runtime does, runs the handler with the event from stdin and a
context object per invocation, and answers with the result, or the error as Lambda reports it.
One process is one execution environment: it serves invocations one at a time until its
stdin closes (see :func:`main`).
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import logging
import os
import socket
import sys
import threading
import time
import traceback
from typing import Any


class Context:
    """The subset of Lambda's context object handlers use."""

    def __init__(self, spec: dict[str, Any], request_id: str) -> None:
        self.function_name = spec["function_name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec["function_arn"]
        self.memory_limit_in_mb = str(spec["memory"])
        self.aws_request_id = request_id
        self.log_group_name = spec["log_group"]
        self.log_stream_name = spec["log_stream"]
        self._deadline = time.monotonic() + float(spec["timeout"])

    def get_remaining_time_in_millis(self) -> int:
        """Return the milliseconds left before the function times out."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes until ``source`` closes, then close both directions (the relay uses it too)."""
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for end in (sink, source):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()


def _bridge_tcp(port: int, path: str) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)

    def serve(conn: socket.socket) -> None:
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(path)
        except OSError:
            conn.close()
            return
        threading.Thread(target=pump, args=(upstream, conn), daemon=True).start()
        pump(conn, upstream)

    def accept() -> None:
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


def _bridge_udp(port: int, path: str) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", port))

    def serve(query: bytes, client: tuple[str, int]) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as upstream:
            upstream.settimeout(6.0)
            try:
                upstream.connect(path)
                upstream.sendall(len(query).to_bytes(2, "big") + query)
                head = upstream.recv(2, socket.MSG_WAITALL)
                answer = upstream.recv(int.from_bytes(head, "big"), socket.MSG_WAITALL)
            except OSError:
                return
        if answer:
            server.sendto(answer, client)

    def receive() -> None:
        while True:
            query, client = server.recvfrom(65535)
            threading.Thread(target=serve, args=(query, client), daemon=True).start()

    threading.Thread(target=receive, daemon=True).start()


class _RequestId(logging.Filter):
    """Stamp each record with the running invocation's request id, as Lambda's runtime does."""

    def __init__(self) -> None:
        super().__init__()
        self.request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


class _LambdaFormatter(logging.Formatter):
    """Lambda's Python runtime format: level, time, request id, message."""

    def __init__(self) -> None:
        super().__init__(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
        )
        self.converter = time.gmtime


def _log_to(path: str) -> None:
    """Point the process's stdout and stderr (file descriptors 1 and 2, so a child's output too) at ``path``."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(target, 1)
    os.dup2(target, 2)
    os.close(target)


def main() -> None:
    """Be one execution environment, as described by the JSON spec in ``argv[1]``.

    The host sends one invocation per line on stdin (its request id, its payload in base64, the
    file its log goes to) and reads one answer per line on the process's first stdout, which this
    keeps to itself: the function's own stdout and stderr go to each invocation's log file.
    The environment lives on between invocations, as Lambda's does, so what the handler's module
    keeps (a configuration read once, a client, a rate limiter's state) carries to the next run.
    The first invocation pays the init (the bridges, importing the handler's module, layers
    included), timed apart as Lambda's Init Duration; the function's timeout counts from the
    handler's call. An init that fails ends the environment (Lambda starts over on the next
    invocation); so does a timeout, as Lambda resets an environment whose invoke timed out. A
    handler's exception is only that invocation's error. End of stdin ends the environment.
    """
    spec = json.loads(sys.argv[1])
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    _log_to(os.devnull)
    started = time.monotonic()
    for port, protocol, path in spec.get("bridges", []):
        (_bridge_tcp if protocol == "tcp" else _bridge_udp)(int(port), path)
    sys.path[:0] = spec["paths"]
    stamp = _RequestId()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_LambdaFormatter())
    handler.addFilter(stamp)
    logging.getLogger().addHandler(handler)
    line = sys.stdin.readline()
    module_name, _, function_name = spec["handler"].rpartition(".")
    function: Any = None
    first = True
    while line:
        request = json.loads(line)
        stamp.request_id = request["request_id"]
        _log_to(request["log"])
        init_ms = 0.0
        if function is None:
            try:
                function = getattr(importlib.import_module(module_name), function_name)
            except Exception as exc:  # noqa: BLE001 - the function's init failed: reported, and the environment ends
                _answer(answers, threading.Lock(), {**_failed(exc, request), "durationMs": 0.0, "cold": True})
                return
            init_ms = (time.monotonic() - started) * 1000
        outcome = _invoke(function, spec, request, answers)
        _answer(answers, outcome.pop("_written"), {**outcome, "initMs": init_ms, "cold": first})
        first = False
        _log_to(os.devnull)  # what a background thread writes between invocations is nobody's log
        line = sys.stdin.readline()


def _invoke(function: Any, spec: dict[str, Any], request: dict[str, Any], answers: Any) -> dict[str, Any]:  # noqa: ANN401
    written = threading.Lock()  # the answer is given once: by the run, or by the timeout
    event = json.loads(base64.b64decode(request["payload"]) or b"{}")
    invoked = time.monotonic()
    watchdog = threading.Timer(float(spec["timeout"]), _time_out, args=(spec, written, answers))
    watchdog.daemon = True
    watchdog.start()
    outcome: dict[str, Any]
    try:
        outcome = {"result": function(event, Context(spec, request["request_id"]))}
        json.dumps(outcome)  # Lambda serialises the result; what cannot be is an error
    except Exception as exc:  # noqa: BLE001 - every error is the function's, reported as Lambda does
        outcome = _failed(exc, request)
    outcome["durationMs"] = (time.monotonic() - invoked) * 1000
    watchdog.cancel()
    return {**outcome, "_written": written}


def _failed(exc: Exception, request: dict[str, Any]) -> dict[str, Any]:
    trace = traceback.format_exception(exc)
    sys.stdout.write(f"[ERROR] {type(exc).__name__}: {exc}\n{''.join(trace)}")
    return {
        "error": {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "requestId": request["request_id"],
            "stackTrace": [line.rstrip("\n") for line in traceback.format_tb(exc.__traceback__)],
        }
    }


def _answer(answers: Any, written: threading.Lock, outcome: dict[str, Any]) -> None:  # noqa: ANN401 - a text file
    if not written.acquire(blocking=False):
        time.sleep(60)  # the timeout is giving its answer and ends the process
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    answers.write(json.dumps(outcome) + "\n")
    answers.flush()


def _time_out(spec: dict[str, Any], written: threading.Lock, answers: Any) -> None:  # noqa: ANN401
    """End the run as Lambda does at the function's timeout: the handler is not asked, the environment goes."""
    timeout = float(spec["timeout"])
    error = {"errorMessage": f"Task timed out after {timeout:.2f} seconds", "errorType": "Sandbox.Timedout"}
    _answer(answers, written, {"error": error, "durationMs": timeout * 1000, "initMs": 0.0})
    os._exit(0)


if __name__ == "__main__":
    main()
    # The environment ends as Lambda ends one (the runtime's process is killed): no interpreter
    # shutdown. Python's own freed every object boto3 and the handler made, with a last full
    # collection: 0.1 s of a cold start's 0.7 s of CPU under pyenv's 3.12, which Lambda never spends.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)
