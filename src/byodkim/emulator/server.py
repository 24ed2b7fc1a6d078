"""The emulator's server process: moto plus byodkim's extension, on loopback.

Run as ``python -m byodkim.emulator.server``; prints ``ready PORT`` once it serves.
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING

from byodkim.deployment import DKIM_WINDOW_SECONDS

if TYPE_CHECKING:
    from types import FrameType


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="byodkim-emulator")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dns", action="append", default=[], help="HOST:PORT of a name server SES queries")
    parser.add_argument("--dkim-window", type=float, default=DKIM_WINDOW_SECONDS)
    args = parser.parse_args(argv)

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from byodkim.emulator import cfn
    from byodkim.emulator.extension import wrap
    from byodkim.emulator.state import Settings, State

    state = State.create(Settings(dns_servers=list(args.dns), dkim_window=args.dkim_window))
    cfn.install(state)
    app = wrap(DomainDispatcherApplication(create_backend_app), state)
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=MotoRequestHandler)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    _exit_with_parent()
    sys.stdout.write(f"ready {server.server_port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _exit_with_parent() -> None:
    """Stop when the process that started us is gone, even if it was killed without cleanup."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


if __name__ == "__main__":
    main()
