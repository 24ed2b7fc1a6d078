"""How the emulated SES reads Easy DKIM's CNAMEs from DNS (BYODKIM records are judged by dkimpy).

Queries go through :func:`byodkim.dnscheck.servers.query`, the one query (UDP, then TCP
when truncated) every DNS check uses.
"""

from __future__ import annotations

from byodkim.dnscheck.servers import Server, query


def server_of(spec: str) -> Server:
    """Return the emulator's ``HOST:PORT`` name-server setting as a Server."""
    host, _, port = spec.rpartition(":")
    return Server(spec, host or spec, int(port or 53))


def cname_target(name: str, servers: list[str], timeout: float = 1.0) -> str | None:
    """Return the CNAME target at ``name`` (no root dot) on the first server that has one."""
    import dns.exception
    import dns.rdatatype

    for spec in servers:
        try:
            answer = query(server_of(spec), f"{name}.", "CNAME", timeout)
        except (dns.exception.DNSException, OSError, ValueError):
            continue
        for rrset in answer.answer:
            if rrset.rdtype == dns.rdatatype.CNAME:
                return str(next(iter(rrset)).target.to_text()).rstrip(".")
    return None


def mail_from_ready(domain: str, region: str, servers: list[str], timeout: float = 1.0) -> bool:
    """Return whether ``domain`` has SES's feedback MX for ``region`` and an SPF record that includes amazonses.com."""
    import dns.exception
    import dns.rdatatype

    mx_ok = spf_ok = False
    for spec in servers:
        try:
            mx = query(server_of(spec), f"{domain}.", "MX", timeout)
            txt = query(server_of(spec), f"{domain}.", "TXT", timeout)
        except (dns.exception.DNSException, OSError, ValueError):
            continue
        exchanges = [str(r.exchange).rstrip(".") for s in mx.answer if s.rdtype == dns.rdatatype.MX for r in s]
        texts = [b"".join(r.strings).decode() for s in txt.answer if s.rdtype == dns.rdatatype.TXT for r in s]
        mx_ok = mx_ok or f"feedback-smtp.{region}.amazonses.com" in exchanges
        spf_ok = spf_ok or any(t.startswith("v=spf1") and "include:amazonses.com" in t for t in texts)
    return mx_ok and spf_ok
