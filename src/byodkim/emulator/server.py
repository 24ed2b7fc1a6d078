"""The emulator's server process: moto plus byodkim's extension, on loopback.

Run as ``python -m byodkim.emulator.server``; prints ``ready PORT`` once it serves.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from byodkim.deployment import DKIM_WINDOW_SECONDS

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="byodkim-emulator")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dns", action="append", default=[], help="HOST:PORT of a name server SES queries")
    parser.add_argument("--dkim-window", type=float, default=DKIM_WINDOW_SECONDS)
    parser.add_argument("--clock-speed", type=float, default=1.0, help="emulated seconds per real second")
    parser.add_argument("--lambda-network", choices=("auto", "isolated", "host"), default="auto")
    parser.add_argument("--ses-rate", type=float, default=0.0, help="SES calls/s per region and family (0: off)")
    args = parser.parse_args(argv)

    _before_moto()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    from byodkim import gc_policy
    from byodkim.emulator import cfn, receiving, route53dns
    from byodkim.emulator.extension import wrap
    from byodkim.emulator.handler import Handler
    from byodkim.emulator.settings import Settings
    from byodkim.emulator.state import State

    settings = Settings(
        dns_servers=list(args.dns),
        dkim_window=args.dkim_window,
        clock_speed=args.clock_speed,
        lambda_network=args.lambda_network,
        ses_rate_at_start=args.ses_rate,
    )
    state = State.create(settings)
    cfn.install(state)
    receiving.install(state)
    route53dns.install(state)
    app = wrap(DomainDispatcherApplication(create_backend_app), state)

    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=Handler)
    workdir = tempfile.TemporaryDirectory(prefix="byodkim-emulator-")
    state.start_services(server.server_port, Path(workdir.name))
    gc_policy.settle()  # moto's modules and models live as long as the server: no collection walks them again

    def stop(_signum: int, _frame: FrameType | None) -> None:
        # Done here and ended at once: the interpreter's own shutdown (moto's modules and state)
        # took 0.35-0.5 s of every stop, and each test file and sandbox stops an emulator.
        server.server_close()
        _remove(Path(workdir.name))
        sys.stdout.flush()
        sys.stderr.flush()  # the server's log
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    _exit_with_parent(lambda: _remove(Path(workdir.name)))
    sys.stdout.write(f"ready {server.server_port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if state.runtime is not None:
            state.runtime.reset()  # the functions' execution environments end with their Lambda
        _remove(Path(workdir.name))


def _before_moto() -> None:
    """Set the process up before moto is imported: its collector, DNS, botocore's models, EC2's catalogue."""
    from byodkim import gc_policy
    from byodkim.aws.session import models_read_once
    from byodkim.dnscheck.servers import without_dns_over_https
    from byodkim.emulator import moto_deferred

    gc_policy.for_a_tool()  # a fifth of the start's CPU was the collector, walking moto's imports
    without_dns_over_https()  # the emulated SES asks BIND over UDP and TCP
    models_read_once()  # moto's imports make sessions; botocore's JSON parsed once on this machine
    moto_deferred.before_import()


def _remove(folder: Path) -> None:
    """Delete the emulator's scratch folder, whose function code is kept read-only."""
    import shutil
    import stat

    for path in [folder, *folder.rglob("*")] if folder.exists() else []:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    shutil.rmtree(folder, ignore_errors=True)


def _exit_with_parent(cleanup: Callable[[], None]) -> None:
    """Stop when the process that started us is gone, even if it was killed without cleanup."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        cleanup()
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


if __name__ == "__main__":
    main()
