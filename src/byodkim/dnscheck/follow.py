"""Follow a CNAME the way a resolver does: to the target zone's own authoritative servers.

A delegated selector (``s1._domainkey.example.com CNAME s1.dkim.provider.net.``) has its TXT
on the provider's servers, which the domain's servers neither hold nor know. A resolver asks
the target's zone: through the referral the server that gave the CNAME hands out (the zone's
parent delegating it), or through DNS (the zone's NS records). Each hop is kept, so a person
can see where the answer came from. byodkim's reading and the receiver's (dkimpy) both use
this, so the two read the same record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from byodkim.dnscheck.servers import Server, discover, query

if TYPE_CHECKING:
    import dns.message

MAX_HOPS = 8  # CNAME chains and referrals together; resolvers stop at about this many


@dataclass
class Followed:
    """The TXT records at the end of a CNAME chain, and how they were reached."""

    texts: list[list[bytes]] = field(default_factory=list)  # each TXT record's character-strings, as served
    hops: list[str] = field(default_factory=list)
    problem: str = ""  # why nothing authoritative was reached ("" when an answer was)


def follow(target: str, first: Server, timeout: float, port: int = 53) -> Followed:
    """Return the TXT records at ``target`` as its zone's authoritative servers serve them.

    ``first`` is the server that answered with the CNAME: asked first, since it may serve the
    target too or delegate it (a referral, followed with its glue). Otherwise the target's zone
    and servers are found through DNS; discovered servers are asked on ``port``.
    """
    result = Followed()
    servers, seen = [first], set()
    name = target if target.endswith(".") else target + "."
    discovered = False
    for _hop in range(MAX_HOPS):
        answer, server = _first_answer(servers, name, timeout, result)
        if answer is None or server is None:
            if discovered:
                result.problem = result.problem or f"no server of {name.rstrip('.')}'s zone answered"
                return result
            try:
                zone, servers = discover(name.rstrip("."), port, timeout)
            except Exception as exc:  # noqa: BLE001 - discover raises InputError; any failure ends the chain here
                result.problem = f"cannot find the servers of {name.rstrip('.')}: {getattr(exc, 'message', exc)}"
                return result
            discovered = True
            result.hops.append(f"{name.rstrip('.')}: zone {zone} found through DNS, servers {_labels(servers)}")
            continue
        # Glue addresses are asked on the referring server's port: one deployment's servers share
        # one (53 in the world; a sandbox's own elsewhere).
        texts, cname, referral = _read(answer, name, server.port)
        if texts:
            result.texts = texts
            result.hops.append(f"{name.rstrip('.')}: TXT from {server.label}")
            return result
        if cname is not None:
            result.hops.append(f"{name.rstrip('.')}: CNAME to {cname.rstrip('.')} ({server.label})")
            if cname in seen:
                result.problem = f"the CNAME chain loops at {cname.rstrip('.')}"
                return result
            seen.add(cname)
            name, servers = cname, [server]
            continue
        if referral:
            result.hops.append(f"{name.rstrip('.')}: referred by {server.label} to {_labels(referral)}")
            servers = referral
            continue
        if _authoritative(answer):
            result.hops.append(f"{name.rstrip('.')}: no TXT record ({server.label}, authoritative)")
            return result
        servers = []  # neither an answer nor a referral: find the zone through DNS
    result.problem = result.problem or f"more than {MAX_HOPS} hops following the CNAME"
    return result


def _first_answer(
    servers: list[Server], name: str, timeout: float, result: Followed
) -> tuple[dns.message.Message | None, Server | None]:
    """Return the first usable answer (authoritative, or a referral) from ``servers``, in turn."""
    import dns.exception
    import dns.rcode

    for server in servers:
        try:
            answer = query(server, name, "TXT", timeout)
        except (dns.exception.DNSException, OSError) as exc:
            result.problem = f"{server.label}: {exc or type(exc).__name__}"
            continue
        if answer.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            result.problem = f"{server.label}: {dns.rcode.to_text(answer.rcode())}"
            continue
        if _authoritative(answer) or (answer.authority and not answer.answer and _has_ns(answer)):
            return answer, server
        result.problem = f"{server.label} does not serve {name.rstrip('.')}"
    return None, None


def _authoritative(answer: dns.message.Message) -> bool:
    import dns.flags

    return bool(answer.flags & dns.flags.AA)


def _has_ns(answer: dns.message.Message) -> bool:
    import dns.rdatatype

    return any(rrset.rdtype == dns.rdatatype.NS for rrset in answer.authority)


def _read(answer: dns.message.Message, name: str, port: int) -> tuple[list[list[bytes]], str | None, list[Server]]:
    """Return the TXT records at ``name``, the CNAME it points to, or the servers a referral names."""
    import dns.name
    import dns.rdatatype

    owner = dns.name.from_text(name)
    texts: list[list[bytes]] = []
    cname = None
    for rrset in answer.answer:
        if rrset.name != owner:
            continue
        if rrset.rdtype == dns.rdatatype.TXT:
            texts += [list(r.strings) for r in rrset]
        elif rrset.rdtype == dns.rdatatype.CNAME:
            cname = next(iter(rrset)).target.to_text()
    if texts or cname is not None or _authoritative(answer):
        return texts, cname, []
    return [], None, _referral(answer, port)


def _referral(answer: dns.message.Message, port: int) -> list[Server]:
    """Return the delegated servers' addresses: the glue, or else each name server's addresses through DNS."""
    import dns.exception
    import dns.rdatatype
    import dns.resolver

    hosts = sorted({r.target.to_text() for s in answer.authority if s.rdtype == dns.rdatatype.NS for r in s})
    glue = {
        (s.name.to_text(), r.to_text())
        for s in answer.additional
        if s.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
        for r in s
    }
    servers = []
    for host in hosts:
        addresses = sorted(address for owner, address in glue if owner == host)
        if not addresses:
            for rdtype in ("A", "AAAA"):
                try:
                    addresses += [r.to_text() for r in dns.resolver.resolve(host, rdtype, lifetime=3.0)]
                except dns.exception.DNSException:
                    continue
        servers += [Server(f"{host.rstrip('.')} ({a})", a, port, host.rstrip(".")) for a in addresses]
    return servers


def _labels(servers: list[Server]) -> str:
    return ", ".join(s.label for s in servers) or "none"
