"""The endpoint a client reaches: refuse a local one where nothing answers (a stopped sandbox's).

`byodkim sandbox --keep` and `byodkim emulator` export ``AWS_ENDPOINT_URL`` (and test
credentials, which outrank ``AWS_PROFILE``). Left set after the sandbox stops, every call
goes to a dead local port: botocore retries it for seconds, then says only that it cannot
connect. Asked before each call, the refusal names the sandbox and the line that leaves it.
A non-local endpoint (a VPC endpoint, a proxy) is never probed: only this machine's
addresses, which cannot be AWS.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Mapping

# What `sandbox --keep` and `emulator` may export, in the order they print it: the unset line
# names those of them still set, so it is exactly what the shell has to drop.
SANDBOX_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "BYODKIM_SES_RATE",
    "BYODKIM_NAMESERVERS",
    "BYODKIM_SCEPTRE_DIR",
)
# Names that mean this machine without asking a resolver (RFC 6761 reserves .localhost; the
# two ip6- names are Debian's /etc/hosts spellings of ::1).
_LOCAL_NAMES = ("localhost", "ip6-localhost", "ip6-loopback")
_PROBE_SECONDS = 1.0


def local_address(url: str) -> tuple[str, int] | None:
    """Return (host, port) when ``url`` names this machine (loopback or unspecified), else ``None``.

    Every spelling a client accepts counts: ``localhost.``, ``[::1]``, ``0.0.0.0``, ``127.1``,
    ``::ffff:127.0.0.1``, no port (the scheme's).
    """
    try:
        parts = urlsplit(url.strip() if "://" in url else f"http://{url.strip()}")
        host, port = parts.hostname, parts.port
    except ValueError:  # a port out of range or not a number: botocore refuses it itself
        return None
    if not host:
        return None
    if not _is_local(host):
        return None
    return host, port or (443 if parts.scheme == "https" else 80)


def _is_local(host: str) -> bool:
    name = host.lower().rstrip(".")
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])  # an IPv6 zone (fe80::1%eth0) is not part of it
    except ValueError:
        try:  # the short forms the C resolver still takes: 127.1, 2130706433, 0x7f.1
            address = ipaddress.ip_address(socket.inet_aton(name))
        except OSError:
            return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def answers(host: str, port: int) -> bool:
    """Return whether something accepts a TCP connection at (host, port), on any address the name has."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    for family, kind, proto, _name, address in found:
        with socket.socket(family, kind, proto) as probe:
            probe.settimeout(_PROBE_SECONDS)
            try:
                probe.connect(address)
            except OSError:
                continue
            return True
    return False


def refuse_dead_local(url: str | None, environ: Mapping[str, str] | None = None) -> None:
    """Raise (exit 2) when ``url`` is a local endpoint nothing answers on: a stopped sandbox's environment."""
    if not url:
        return
    where = local_address(url)
    if where is None or answers(*where):
        return
    environ = os.environ if environ is None else environ
    variable = next((n for n, v in environ.items() if n.startswith("AWS_ENDPOINT_URL") and v == url), "")
    raise InputError(
        say("aws.dead_local_endpoint", variable=variable or "AWS_ENDPOINT_URL", url=url),
        say("aws.dead_local_endpoint_hint", unset=unset_line(environ, also=variable)),
    )


def unset_line(environ: Mapping[str, str], also: str = "") -> str:
    """Return ``unset NAME ...`` for the sandbox's variables set in ``environ`` (and ``also``)."""
    names = [name for name in SANDBOX_VARIABLES if name in environ]
    if also and also not in names:
        names.insert(0, also)
    return "unset " + " ".join(names or ["AWS_ENDPOINT_URL"])
