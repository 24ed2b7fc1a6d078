"""What the emulator runs inside a Lambda's process, under the runtime's own CPython.

Standard library only, and run as a script with ``-I -S``: the function sees the stdlib,
then the paths Lambda gives it (the code, the layers under ``python/``, the runtime's
boto3), and nothing from the emulator's environment. It bridges the ports the function
may dial into its network namespace (see :mod:`byodkim.emulator.relay`), installs a root
log handler as Lambda's runtime does, runs the handler with the event from stdin and a
context object, and writes the result, or the error as Lambda reports it, to a file.
"""

from __future__ import annotations

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

    def __init__(self, spec: dict[str, Any]) -> None:
        self.function_name = spec["function_name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec["function_arn"]
        self.memory_limit_in_mb = str(spec["memory"])
        self.aws_request_id = spec["request_id"]
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


class _LambdaFormatter(logging.Formatter):
    """Lambda's Python runtime format: level, time, request id, message."""

    def __init__(self, request_id: str) -> None:
        super().__init__(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t" + request_id + "\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
        )
        self.converter = time.gmtime


def main() -> None:
    """Run one invocation as described by the JSON spec in ``argv[1]``.

    As Lambda splits a cold run: the init (the interpreter, the bridges, importing the handler's
    module, layers included) is timed apart from the invoke, and the function's timeout counts
    from the handler's call, so an import that is slow here (a process per run, a loaded machine)
    is reported as Init Duration and does not eat the handler's time.
    """
    spec = json.loads(sys.argv[1])
    for port, protocol, path in spec.get("bridges", []):
        (_bridge_tcp if protocol == "tcp" else _bridge_udp)(int(port), path)
    sys.path[:0] = spec["paths"]
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_LambdaFormatter(spec["request_id"]))
    logging.getLogger().addHandler(handler)
    event = json.loads(sys.stdin.read() or "{}")
    module_name, _, function_name = spec["handler"].rpartition(".")
    outcome: dict[str, Any]
    written = threading.Lock()  # the result is written once: by the run, or by the timeout
    invoked: float | None = None
    try:
        function = getattr(importlib.import_module(module_name), function_name)
        invoked = time.monotonic()
        watchdog = threading.Timer(float(spec["timeout"]), _time_out, args=(spec, written))
        watchdog.daemon = True
        watchdog.start()
        outcome = {"result": function(event, Context(spec))}
        json.dumps(outcome)  # Lambda serialises the result; what cannot be is an error
    except Exception as exc:  # noqa: BLE001 - every error is the function's, reported as Lambda does
        trace = traceback.format_exception(exc)
        sys.stdout.write(f"[ERROR] {type(exc).__name__}: {exc}\n{''.join(trace)}")
        outcome = {
            "error": {
                "errorMessage": str(exc),
                "errorType": type(exc).__name__,
                "requestId": spec["request_id"],
                "stackTrace": [line.rstrip("\n") for line in traceback.format_tb(exc.__traceback__)],
            }
        }
    outcome["durationMs"] = 0.0 if invoked is None else (time.monotonic() - invoked) * 1000
    _write(spec, written, outcome)


def _write(spec: dict[str, Any], written: threading.Lock, outcome: dict[str, Any]) -> None:
    if not written.acquire(blocking=False):
        time.sleep(60)  # the timeout is writing its answer and ends the process
    sys.stdout.flush()
    with open(spec["result"], "w", encoding="utf-8") as out:  # noqa: PTH123 - stdlib-only, no pathlib needed
        json.dump(outcome, out)


def _time_out(spec: dict[str, Any], written: threading.Lock) -> None:
    """End the run as Lambda does at the function's timeout: the handler is not asked, the process goes."""
    timeout = float(spec["timeout"])
    error = {"errorMessage": f"Task timed out after {timeout:.2f} seconds", "errorType": "Sandbox.Timedout"}
    _write(spec, written, {"error": error, "durationMs": timeout * 1000})
    os._exit(0)


if __name__ == "__main__":
    main()
