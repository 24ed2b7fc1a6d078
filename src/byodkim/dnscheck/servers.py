"""Which name servers to ask, and the one query every DNS check uses (UDP, then TCP when truncated)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    import dns.message
    import dns.resolver


def without_dns_over_https() -> None:
    """Tell dnspython this process never sends DNS over HTTPS: it then does not import httpx at its first query.

    byodkim asks name servers over UDP and TCP only. Where httpx is installed (parsedmarc brings
    it), dnspython imported it with h2 and httpcore at ``import dns.query``: 50 ms of CPU in each
    command, emulator and test worker that asks DNS. For the entry points only (the command, the
    emulator, the tests): a library must not switch a feature off in the process that loads it.
    ``dns._features.force`` is dnspython's own switch for this; without it, nothing changes.
    """
    try:
        from dns import _features
    except ImportError:
        return
    force = getattr(_features, "force", None)
    if callable(force):
        force("doh", False)  # noqa: FBT003 - dnspython's signature


@dataclass(frozen=True)
class Server:
    """One name server to ask: a label for people and the address to send to."""

    label: str
    address: str
    port: int = 53
    host: str = ""  # the name server this address belongs to; a server counts once, whatever its addresses

    @property
    def server(self) -> str:
        """Return what identifies the server: its host name, or the address it was given as."""
        return self.host or self.label

    @property
    def spec(self) -> str:
        """Return ``HOST:PORT`` (``[v6]:PORT``), the form ``--nameserver`` and the Lambda's NAMESERVERS take."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"


def parse_server(spec: str) -> list[Server]:
    """Parse ``HOST[:PORT]`` (``[v6]:PORT`` for IPv6); a host name is resolved to its addresses."""
    text = spec.strip()
    host, port = text, 53
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = _port(rest.lstrip(":") or "53", spec)
    elif text.count(":") == 1:
        host, raw = text.split(":")
        port = _port(raw, spec)
    if not host:
        raise InputError(say("dns.server_no_host", spec=spec), say("dns.server_form"))
    if _is_ip(host):
        return [Server(spec, host, port)]
    import dns.exception
    import dns.resolver

    addresses: list[str] = []
    for rdtype in ("A", "AAAA"):
        try:
            addresses += [r.to_text() for r in dns.resolver.resolve(host, rdtype, lifetime=5)]
        except dns.exception.DNSException:
            continue
    if not addresses:
        raise InputError(say("dns.server_no_address", spec=spec, host=host), say("dns.server_no_address_hint"))
    return [Server(f"{host} ({a})", a, port, host) for a in addresses]


def parse_servers(specs: tuple[str, ...] | list[str]) -> tuple[Server, ...]:
    """Parse every ``--nameserver`` given (an empty result means: discover the zone's servers)."""
    return tuple(server for spec in specs for server in parse_server(spec))


def _port(raw: str, spec: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:  # noqa: PLR2004
        raise InputError(say("dns.server_bad_port", spec=spec), say("dns.server_form"))
    return int(raw)


def _is_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def discover(
    name: str, port: int = 53, timeout: float = 3.0, resolver: dns.resolver.Resolver | None = None
) -> tuple[str, list[Server]]:
    """Return the zone holding ``name`` and its authoritative servers' addresses.

    ``resolver`` defaults to the system's; tests give one that asks a local server.
    """
    import dns.exception
    import dns.resolver

    resolver = resolver or dns.resolver.get_default_resolver()
    try:
        zone = dns.resolver.zone_for_name(name, resolver=resolver, lifetime=timeout).to_text().rstrip(".")
        hosts = sorted(r.target.to_text().rstrip(".") for r in resolver.resolve(zone, "NS", lifetime=timeout))
    except dns.exception.DNSException as exc:
        raise InputError(say("ns.no_zone", name=name, cause=str(exc)), say("ns.no_zone_hint")) from None
    servers = []
    for host in hosts:
        for rdtype in ("A", "AAAA"):
            try:
                servers += [
                    Server(f"{host} ({r.to_text()})", r.to_text(), port, host)
                    for r in resolver.resolve(host, rdtype, lifetime=timeout)
                ]
            except dns.exception.DNSException:
                continue
    if not servers:
        raise InputError(say("ns.no_address", zone=zone), say("ns.give"))
    return zone, servers


def query(server: Server, qname: str, rdtype: str, timeout: float) -> dns.message.Message:
    """Ask ``server`` itself (no recursion) over UDP, and again over TCP when the answer is truncated."""
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query

    message = dns.message.make_query(qname, rdtype)
    message.flags &= ~dns.flags.RD  # ask the server what it holds, not what it can find
    answer = dns.query.udp(message, server.address, port=server.port, timeout=timeout)
    if answer.flags & dns.flags.TC:
        try:
            answer = dns.query.tcp(message, server.address, port=server.port, timeout=timeout)
        except ConnectionRefusedError:
            raise TcpBlockedError(server, "dns.tcp_refused") from None
        except dns.exception.Timeout:
            raise TcpBlockedError(server, "dns.tcp_filtered") from None
    return answer


class TcpBlockedError(ConnectionError):  # an OSError: every caller already treats those as "no answer"
    """The answer was too large for UDP (TC set) and TCP 53 did not carry it: a firewall's doing, mostly."""

    def __init__(self, server: Server, key: str) -> None:
        from byodkim.messages import say

        super().__init__(say(key, server=server.spec))  # keyed, so a Japanese screen gets it in Japanese
