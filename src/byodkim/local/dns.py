"""A real authoritative name server (BIND) on loopback, for the sandbox and the tests.

Runs Debian's ``named`` in the foreground with a private config, so it needs no
system service, no rndc key and no root-owned paths; changes are made with
RFC 2136 dynamic updates, as a DNS team's tooling would.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Self

from byodkim.errors import ByodkimError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Sequence

_INSTALL_HINT = "install BIND: apt-get install bind9 (Debian/Ubuntu)"


def named_binary() -> str:
    """Return the path of ``named``, or refuse with how to install it."""
    found = shutil.which("named") or ("/usr/sbin/named" if Path("/usr/sbin/named").exists() else None)
    if found is None:
        raise ByodkimError("BIND's `named` is not installed", _INSTALL_HINT)
    return found


def free_port() -> int:
    """Return a loopback port that is free for both UDP and TCP right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise ByodkimError("no free loopback port for the name server")


def zone_text(origin: str, serial: int = 1, records: list[str] | None = None) -> str:
    """Return a minimal zone: SOA, one NS on loopback, and ``records`` (zone-file lines)."""
    lines = [
        "$TTL 300",
        f"@ IN SOA ns1.{origin}. hostmaster.{origin}. ( {serial} 3600 600 86400 60 )",
        f"@ IN NS ns1.{origin}.",
        "ns1 IN A 127.0.0.1",
        *(records or []),
    ]
    return "\n".join(lines) + "\n"


@dataclass
class LocalNameServer:
    """One ``named`` process serving the given zones on host:port (a second server: 127.0.0.2, same port)."""

    zones: dict[str, str]
    port: int = 0
    workdir: Path | None = None
    host: str = "127.0.0.1"  # any loopback address: a zone's second server, or a delegated zone's own
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _tempdir: tempfile.TemporaryDirectory[str] | None = field(default=None, init=False, repr=False)

    @property
    def address(self) -> tuple[str, int]:
        """Return (host, port)."""
        return (self.host, self.port)

    @property
    def spec(self) -> str:
        """Return ``HOST:PORT``, the form ``--nameserver`` takes."""
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> Self:
        """Write the config and zones, start ``named`` and wait until it answers."""
        binary = named_binary()
        if self.workdir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="byodkim-named-")
            self.workdir = Path(self._tempdir.name)
        self.workdir.mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = free_port()
        conf = self.workdir / "named.conf"
        conf.write_text(self._config(), encoding="ascii")
        for origin, text in self.zones.items():
            (self.workdir / f"{origin}.zone").write_text(text, encoding="ascii")
        log = (self.workdir / "named.log").open("wb")
        self._process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own config
            [binary, "-g", "-n", "1", "-c", str(conf)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, before exec
        )
        log.close()
        self._wait_ready(timeout)
        return self

    def _config(self) -> str:
        assert self.workdir is not None  # noqa: S101 - set by start()
        work = self.workdir.as_posix()
        updaters = "127.0.0.1;" + ("" if self.host == "127.0.0.1" else f" {self.host};")
        zones = "".join(
            f'zone "{origin}" {{ type primary; file "{work}/{origin}.zone"; allow-update {{ {updaters} }}; }};\n'
            for origin in self.zones
        )
        return (
            "options {\n"
            f'  directory "{work}";\n'
            f'  pid-file "{work}/named.pid";\n'
            f'  session-keyfile "{work}/session.key";\n'
            f'  managed-keys-directory "{work}";\n'
            f"  listen-on port {self.port} {{ {self.host}; }};\n"
            "  listen-on-v6 { none; };\n"
            "  recursion no;\n"
            "  dnssec-validation no;\n"
            "  notify no;\n"
            "};\n"
            "controls { };\n"
            f"{zones}"
        )

    def _wait_ready(self, timeout: float) -> None:
        import dns.exception
        import dns.message
        import dns.query

        deadline = time.monotonic() + timeout
        origin = next(iter(self.zones))
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise ByodkimError(f"named exited at start: {self.log_tail()}")
            # A short wait per probe: a query sent before named listens is lost (no error over UDP), and
            # waiting 0.5 s for it made every start 0.57 s where named answers within 0.07 s. A slow
            # named is asked again until the deadline.
            with contextlib.suppress(dns.exception.DNSException, OSError):
                dns.query.udp(dns.message.make_query(origin, "SOA"), self.host, timeout=0.05, port=self.port)
                return
            time.sleep(0.05)
        self.stop()
        raise ByodkimError(f"named did not answer within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self, lines: int = 5) -> str:
        """Return the last lines of named's log, for error messages."""
        if self.workdir is None:
            return ""
        path = self.workdir / "named.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return " | ".join(text.strip().splitlines()[-lines:])

    def update(
        self,
        origin: str,
        *,
        add: Sequence[tuple[str, int, str, Sequence[str]]] = (),
        delete: Sequence[str] = (),
    ) -> None:
        """Apply an RFC 2136 update: delete names' TXT, then add (name, ttl, type, rdata strings)."""
        update_zone(self.host, self.port, origin, add=add, delete=delete)

    def stop(self) -> None:
        """Stop named and remove its temporary folder."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None
            self.workdir = None

    def __enter__(self) -> Self:
        return self.start() if self._process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _die_with_parent() -> None:
    """In the child before exec: have Linux send named SIGTERM when the process that started it dies.

    A sandbox killed without cleanup (a closed terminal, SIGKILL) must not leave named running.
    """
    import contextlib
    import ctypes
    import signal as signals

    with contextlib.suppress(OSError):  # not Linux: named then outlives a killed parent, as before
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signals.SIGTERM)  # PR_SET_PDEATHSIG


def update_zone(
    address: str,
    port: int,
    origin: str,
    *,
    add: Sequence[tuple[str, int, str, Sequence[str]]] = (),
    delete: Sequence[str] = (),
) -> None:
    """Send an RFC 2136 update to the server at ``address:port`` (the sandbox's BIND accepts them from loopback)."""
    import dns.exception
    import dns.query
    import dns.rcode
    import dns.update

    message = dns.update.UpdateMessage(origin)
    for name in delete:
        message.delete(_absolute(name), "TXT")
    for name, ttl, rdtype, rdatas in add:
        for rdata in rdatas:
            message.add(_absolute(name), ttl, rdtype, rdata)
    try:
        response = dns.query.tcp(message, address, timeout=5, port=port)
    except (OSError, dns.exception.DNSException) as exc:
        unreachable = say("sandbox.unreachable", address=address, port=port, why=str(exc))
        raise ByodkimError(unreachable, say("sandbox.running")) from None
    if response.rcode() != dns.rcode.NOERROR:
        raise ByodkimError(say("sandbox.update_refused", rcode=dns.rcode.to_text(response.rcode())))


def _absolute(name: str) -> str:
    return name if name.endswith(".") else f"{name}."
