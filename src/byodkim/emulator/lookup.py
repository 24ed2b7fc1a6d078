"""How the emulated SES reads DKIM keys from DNS: TXT at the name, CNAME followed once.

Queries go through :func:`byodkim.dnscheck.servers.query`, the one query (UDP, then TCP
when truncated) every DNS check uses.
"""

from __future__ import annotations

import contextlib

from byodkim.dnscheck.servers import Server, query


def _server(spec: str) -> Server:
    host, _, port = spec.rpartition(":")
    return Server(spec, host or spec, int(port or 53))


def published_keys(name: str, servers: list[str], timeout: float = 1.0) -> list[bytes]:
    """Return the public keys (SubjectPublicKeyInfo DER) published at ``name`` on any of ``servers``."""
    import dns.exception
    import dns.rdatatype

    from byodkim.dkim.keyload import public_from_b64
    from byodkim.dkim.record import parse_tags
    from byodkim.errors import KeyFileError

    found: list[bytes] = []
    for spec in servers:
        target = name if name.endswith(".") else f"{name}."
        for _hop in range(2):  # the name, then one CNAME target, as receivers do
            try:
                answer = query(_server(spec), target, "TXT", timeout)
            except (dns.exception.DNSException, OSError, ValueError):
                break
            cname = next((r for r in answer.answer if r.rdtype == dns.rdatatype.CNAME), None)
            for rrset in answer.answer:
                if rrset.rdtype != dns.rdatatype.TXT:
                    continue
                for rdata in rrset:
                    tags = parse_tags(b"".join(rdata.strings).decode("utf-8", "replace"))
                    if tags and tags.get("p"):
                        with contextlib.suppress(KeyFileError):
                            found.append(public_from_b64(tags["p"], name).der)
            if cname is None or any(r.rdtype == dns.rdatatype.TXT for r in answer.answer):
                break
            target = next(iter(cname)).target.to_text()
    return found


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
