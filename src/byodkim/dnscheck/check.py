"""Check that the DKIM record is live on every authoritative name server, with this key.

Each server is asked directly (no cache between us and it), all at once, so one
dead server costs one timeout. Each answer is judged the way a receiving mail
server reads it, and the usual publishing mistakes are named with their fix.
"""

from __future__ import annotations

import errno
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from byodkim.dkim.names import record_name
from byodkim.dnscheck.judge import (
    ERROR,
    NOT_AUTHORITATIVE,
    OK,
    REFUSED,
    SERVFAIL,
    TIMEOUT,
    UNREACHABLE,
    Check,
    ServerAnswer,
    fingerprint_of,
    judge,
)
from byodkim.dnscheck.servers import Server, discover, query
from byodkim.messages import Said, say

# Errors that mean this host has no route to the address (an IPv6 address seen from a Lambda
# outside a dual-stack VPC): they say nothing about the server.
_NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL}
_SILENT = {
    TIMEOUT,
    ERROR,
    REFUSED,
    SERVFAIL,
    UNREACHABLE,
    NOT_AUTHORITATIVE,
}  # outcomes that say nothing about the record


@dataclass
class Report:
    """Every server's answer for one record."""

    name: str
    zone: str | None
    fingerprint: str
    servers: list[ServerAnswer]
    hints: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def by_server(self) -> dict[str, list[ServerAnswer]]:
        """Return the answers grouped by name server (one server may have an A and an AAAA address)."""
        grouped: dict[str, list[ServerAnswer]] = {}
        for answer in self.servers:
            grouped.setdefault(answer.host or answer.server, []).append(answer)
        return grouped

    def server_ok(self, answers: list[ServerAnswer]) -> bool:
        """Return whether one server publishes the key: every address reached agrees, and one was reached."""
        reached = [a for a in answers if a.outcome != UNREACHABLE]
        return bool(reached) and all(a.ok for a in reached)

    @property
    def ok(self) -> bool:
        """Return whether every server publishes the key and there was at least one."""
        grouped = self.by_server()
        return bool(grouped) and all(self.server_ok(answers) for answers in grouped.values())

    @property
    def answered(self) -> bool:
        """Return whether any server said something about the record (not a timeout, refusal or no route)."""
        return any(a.outcome not in _SILENT for a in self.servers)

    @property
    def unroutable(self) -> list[str]:
        """Return the servers none of whose addresses this host can route to: unchecked, not failing."""
        return [
            server
            for server, answers in self.by_server().items()
            if answers and all(a.outcome == UNREACHABLE for a in answers)
        ]

    def unroutable_sentence(self) -> str:
        """Return why some servers cannot be checked from this host ("" when all can), and where they can."""
        hosts = self.unroutable
        if not hosts:
            return ""
        families = {"IPv6" if "IPv6" in a.detail else "IPv4" for a in self.servers if a.outcome == UNREACHABLE}
        family = "/".join(sorted(families))
        if len(hosts) == len(self.by_server()):
            return say("dns.unroutable_zone", family=family)
        return say("dns.unroutable_hosts", hosts=", ".join(hosts), family=family)

    def summary(self) -> str:
        """Return one line: how many servers have it right (and why some could not be checked)."""
        grouped = self.by_server()
        good = sum(self.server_ok(answers) for answers in grouped.values())
        why = self.unroutable_sentence()
        if why:
            return say("dns.summary_why", good=good, total=len(grouped), name=self.name, why=why)
        return say("dns.summary", good=good, total=len(grouped), name=self.name)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {**asdict(self), "ok": self.ok}


def check(request: Check) -> Report:
    """Ask every authoritative server for the record, all at once, and judge each answer."""
    start = time.monotonic()
    name = record_name(request.domain, request.selector)
    zone = None
    servers = list(request.servers)
    if not servers:
        zone, servers = discover(name, request.discovery_port, request.timeout)
    if request.lean:  # one of many checks side by side: they are the concurrency, not the servers
        answers = [replace(_ask(s, request, name), host=s.host) for s in servers]
    else:
        with ThreadPoolExecutor(max_workers=min(32, len(servers))) as pool:
            answers = list(pool.map(lambda s: replace(_ask(s, request, name), host=s.host), servers))
    report = Report(name, zone, fingerprint_of(request.expected), answers, seconds=time.monotonic() - start)
    report.hints = _hints(report)
    return report


def _ask(server: Server, request: Check, name: str) -> ServerAnswer:
    import dns.exception
    import dns.flags
    import dns.rcode

    start = time.monotonic()
    try:
        answer = query(server, f"{name}.", "TXT", request.timeout)
    except dns.exception.Timeout:
        return ServerAnswer(
            server.label,
            TIMEOUT,
            detail=say("dns.no_answer", seconds=f"{request.timeout:g}"),
            seconds=time.monotonic() - start,
        )
    except OSError as exc:
        if exc.errno in _NO_ROUTE:
            family = "IPv6" if ":" in server.address else "IPv4"
            detail = say("dns.no_route_family", family=family)
            return ServerAnswer(server.label, UNREACHABLE, detail=detail, seconds=time.monotonic() - start)
        keyed = exc.args[0] if exc.args and isinstance(exc.args[0], Said) else None  # e.g. TcpBlockedError
        return ServerAnswer(server.label, ERROR, detail=keyed or str(exc), seconds=time.monotonic() - start)
    except dns.exception.DNSException as exc:
        return ServerAnswer(server.label, ERROR, detail=str(exc), seconds=time.monotonic() - start)
    rcode = answer.rcode()
    if rcode == dns.rcode.REFUSED:
        return ServerAnswer(
            server.label,
            REFUSED,
            detail=say("dns.refused"),
            seconds=time.monotonic() - start,
        )
    if rcode == dns.rcode.SERVFAIL:
        return ServerAnswer(server.label, SERVFAIL, detail=say("dns.servfail"), seconds=time.monotonic() - start)
    if not answer.flags & dns.flags.AA:
        # Only the zone's own servers speak for it: a referral or a cached answer is not the record.
        kind = "dns.referral" if answer.authority and not answer.answer else "dns.not_authoritative"
        return ServerAnswer(
            server.label,
            NOT_AUTHORITATIVE,
            detail=say(kind),
            seconds=time.monotonic() - start,
        )
    result = judge(answer, server, request, name)
    result.serial = None if request.lean and result.ok else _serial(server, request)
    if request.signing is not None:
        _ask_a_receiver(result, server, request)
    result.seconds = time.monotonic() - start
    return result


def _ask_a_receiver(result: ServerAnswer, server: Server, request: Check) -> None:
    """Add dkimpy's verdict on this server's answer; a disagreement with ours is said, not hidden."""
    from byodkim.dnscheck import receiver

    assert request.signing is not None  # noqa: S101 - checked by the caller
    result.receiver = receiver.verdict(
        request.signing, request.domain, request.selector, server, request.timeout, request.discovery_port
    )
    if (result.receiver == receiver.PASS) != result.ok:
        ours = say("dns.publishes") if result.ok else say(f"outcome.{result.outcome}")
        result.warnings.append(say("dns.disagree", ours=ours, theirs=result.receiver))


def _serial(server: Server, request: Check) -> int | None:
    import dns.exception
    import dns.rdatatype

    try:
        answer = query(server, f"{request.domain}.", "SOA", request.timeout)
    except (dns.exception.DNSException, OSError):
        return None
    for rrset in (*answer.answer, *answer.authority):
        if rrset.rdtype == dns.rdatatype.SOA:
            return int(next(iter(rrset)).serial)
    return None


def _hints(report: Report) -> list[str]:
    hints: list[str] = []
    outcomes = {s.outcome for s in report.servers} - {UNREACHABLE}  # says nothing about the record
    if OK in outcomes and outcomes != {OK}:
        serials = sorted({s.serial for s in report.servers if s.serial is not None})
        lag = say("dns.lag_serials", serials=", ".join(map(str, serials))) if len(serials) > 1 else say("dns.lag")
        hints.append(lag)
    if TIMEOUT in outcomes:
        hints.append(say("dns.silent"))
    return hints
