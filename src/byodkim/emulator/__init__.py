"""The local AWS emulator: moto's server in its own process, extended for BYODKIM.

Start it with :class:`Emulator` (tests, the sandbox) or ``byodkim emulator`` (people).
Clients reach it through the standard ``AWS_ENDPOINT_URL``; nothing else changes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Self

from byodkim.deployment import DKIM_WINDOW_SECONDS, default_region
from byodkim.errors import ByodkimError

EMULATOR_SES_RATE = "200"  # calls per second clients of the emulator pace SES at, unless told otherwise
CONTROL = "/_byodkim"  # our control endpoints; moto's own stay under /moto-api


def client_environment(endpoint: str, region: str) -> dict[str, str]:
    """Return the variables a client needs to reach the emulator, with dummy credentials."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        # The emulated SES throttles only when told to (emulator --ses-rate); pacing clients at
        # SES's default 1 call/s would only slow every local run down.
        "BYODKIM_SES_RATE": os.environ.get("BYODKIM_SES_RATE", EMULATOR_SES_RATE),
    }


@dataclass
class Emulator:
    """One emulator server process on 127.0.0.1."""

    port: int = 0
    dns_servers: list[str] = field(default_factory=list)  # HOST:PORT the emulated SES queries
    dkim_window: float = DKIM_WINDOW_SECONDS  # seconds before PENDING turns FAILED, as in SES
    region: str = field(default_factory=default_region)  # the Sceptre config's, for the printed environment
    log_path: Path | None = None  # the server's own log (moto's warnings, tracebacks); a temp file if None
    clock_speed: float = 1.0  # emulated seconds per real second: schedules and alarm periods pass faster
    lambda_network: str = "auto"  # where functions run: isolated (own namespace), host, or auto
    ses_rate: float = 0.0  # SES calls/s per region and API family before it throttles (0: never)
    _process: subprocess.Popen[str] | None = field(default=None, init=False, repr=False)
    _own_log: bool = field(default=False, init=False, repr=False)  # a temporary log made here, not one given

    @property
    def pid(self) -> int | None:
        """Return the server process's id while it runs (benchmarks read its CPU from /proc)."""
        return self._process.pid if self._process is not None else None

    @property
    def endpoint(self) -> str:
        """Return the endpoint URL."""
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """Return the client environment for this emulator (clients paced at its SES rate, when it has one)."""
        env = client_environment(self.endpoint, self.region)
        if self.ses_rate:
            env["BYODKIM_SES_RATE"] = f"{self.ses_rate:g}"
        return env

    def start(self, timeout: float = 60.0) -> Self:
        """Start the server process and wait until it serves."""
        args = [sys.executable, "-m", "byodkim.emulator.server", "--port", str(self.port)]
        args += ["--dkim-window", str(self.dkim_window), "--clock-speed", str(self.clock_speed)]
        args += ["--lambda-network", self.lambda_network, "--ses-rate", str(self.ses_rate)]
        for server in self.dns_servers:
            args += ["--dns", server]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["BYODKIM_SES_RATE"] = self.environment()["BYODKIM_SES_RATE"]  # for the functions it runs
        if self.log_path is None:
            handle, name = tempfile.mkstemp(prefix="byodkim-emulator-", suffix=".log")
            os.close(handle)
            self.log_path, self._own_log = Path(name), True
        # A file, not a pipe: nobody reads the server's stderr, and a full pipe would stall it.
        with self.log_path.open("w") as log:
            self._process = subprocess.Popen(  # noqa: S603 - our own module with fixed arguments
                args, stdout=subprocess.PIPE, stderr=log, text=True, env=env, start_new_session=True
            )
        assert self._process.stdout is not None  # noqa: S101 - PIPE was requested
        line = _read_line(self._process.stdout, timeout)
        if not line.startswith("ready "):
            self._own_log = False  # named in the error below: kept, even empty
            self.stop()
            raise ByodkimError(f"the emulator did not start: {line or 'no output'}", f"see {self.log_path}")
        self.port = int(line.split()[1])
        return self

    def control(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST to one of the emulator's control endpoints and return its JSON answer."""
        body = json.dumps(payload or {}).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback http by construction
            f"{self.endpoint}{path}", data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read().decode() or "{}"
        result: dict[str, Any] = json.loads(text) if text.startswith("{") else {}
        return result

    def reset(self) -> None:
        """Forget every resource (moto's reset) and every injected fault."""
        self.control(f"{CONTROL}/reset")
        self.control("/moto-api/reset")

    def wait(self) -> None:
        """Block until the server process ends."""
        if self._process is not None:
            self._process.wait()

    def stop(self) -> None:
        """Stop the server process."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process = None
        if self._own_log and self.log_path is not None and self.log_path.exists() and not self.log_path.stat().st_size:
            self.log_path.unlink()  # nothing went wrong: an empty temporary log would only pile up in /tmp

    def __enter__(self) -> Self:
        return self.start() if self._process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _read_line(stream: IO[str], timeout: float) -> str:
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                return stream.readline().strip()
        return ""
    finally:
        selector.close()
