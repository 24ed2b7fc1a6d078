"""How the emulated SES reads Easy DKIM's CNAMEs from DNS (BYODKIM records are judged by dkimpy).

Queries go through :func:`byodkim.dnscheck.servers.query`, the one query (UDP, then TCP
when truncated) every DNS check uses.
"""

from __future__ import annotations

from byodkim.dnscheck.servers import Server, query


def _server(spec: str) -> Server:
    host, _, port = spec.rpartition(":")
    return Server(spec, host or spec, int(port or 53))


def cname_target(name: str, servers: list[str], timeout: float = 1.0) -> str | None:
    """Return the CNAME target at ``name`` (no root dot) on the first server that has one."""
    import dns.exception
    import dns.rdatatype

    for spec in servers:
        try:
            answer = query(_server(spec), f"{name}.", "CNAME", timeout)
        except (dns.exception.DNSException, OSError, ValueError):
            continue
        for rrset in answer.answer:
            if rrset.rdtype == dns.rdatatype.CNAME:
                return str(next(iter(rrset)).target.to_text()).rstrip(".")
    return None
