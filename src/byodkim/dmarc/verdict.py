"""One domain's summary: the receivers' verdicts, the selector's record, failing sources, and the p= verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from byodkim.dmarc.tally import DAY, Tally, iso

if TYPE_CHECKING:
    from byodkim.dmarc.tally import DomainState, Request


@dataclass(frozen=True)
class SelectorFailure:
    """Mail signed with a rollout selector that a receiver did not pass."""

    org_name: str
    source_ip: str
    selector: str
    result: str  # the receiver's raw DKIM result: fail, permerror, temperror...
    messages: int


@dataclass(frozen=True)
class FailingSource:
    """A sending source whose mail failed DMARC: what it is, from the receivers' own words."""

    source_ip: str
    header_from: str
    envelope_from: str
    dkim: str  # the raw DKIM results, e.g. "d=other.example s=s1 pass"
    spf: str
    messages: int
    org_names: tuple[str, ...]


@dataclass(frozen=True)
class PolicyVerdict:
    """What quarantine or reject would have done to the last days' mail, and whether moving is safe."""

    policy: str  # p= as the latest report published it
    begin: int
    end: int
    messages: int
    would_fail: int  # messages failing DMARC: quarantined or rejected under a stricter p=
    organisations: int
    days: int
    selector_failed: int
    blockers: tuple[tuple[str, str, str], ...]  # (key, what was seen, what is needed)

    @property
    def pass_share(self) -> float:
        """Return the percentage of the window's mail that passed DMARC."""
        return 100.0 * (self.messages - self.would_fail) / self.messages if self.messages else 0.0

    @property
    def safe(self) -> bool:
        """Return whether p= may tighten: every bar cleared."""
        return not self.blockers


@dataclass(frozen=True)
class DomainSummary:
    """Everything the reports say about one domain."""

    domain: str
    begin: int
    end: int
    reports: int
    total: Tally
    orgs: tuple[tuple[str, Tally], ...]  # most messages first
    sources: tuple[tuple[str, Tally], ...]
    signed: int
    signed_pass: int
    selector_failures: tuple[SelectorFailure, ...]
    failing: tuple[FailingSource, ...]
    verdict: PolicyVerdict

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON form (one entry of ``summary.domains``)."""
        verdict = self.verdict
        return {
            "domain": self.domain,
            "begin": iso(self.begin),
            "end": iso(self.end),
            "reports": self.reports,
            **self.total.as_dict(),
            "organisations": [{"org_name": name, **tally.as_dict()} for name, tally in self.orgs],
            "sources": [{"source_ip": ip, **tally.as_dict()} for ip, tally in self.sources],
            "selector": {
                "signed": self.signed,
                "passed": self.signed_pass,
                "failures": [vars(failure) for failure in self.selector_failures],
            },
            "failing_sources": [{**vars(s), "org_names": list(s.org_names)} for s in self.failing],
            "policy": {
                "p": verdict.policy,
                "begin": iso(verdict.begin),
                "end": iso(verdict.end),
                "messages": verdict.messages,
                "would_fail": verdict.would_fail,
                "pass_share": round(verdict.pass_share, 2),
                "organisations": verdict.organisations,
                "days": verdict.days,
                "safe": verdict.safe,
                "blockers": [{"reason": k, "seen": seen, "needed": need} for k, seen, need in verdict.blockers],
            },
        }


def _by_messages(items: dict[str, Tally]) -> tuple[tuple[str, Tally], ...]:
    return tuple(sorted(items.items(), key=lambda item: (-item[1].messages, item[0])))


def _verdict(state: DomainState, request: Request) -> PolicyVerdict:
    last_day = (state.end - 1) // DAY if state.end > state.begin else state.end // DAY
    first_day = last_day - request.days + 1
    days = [day for day in state.days if day >= first_day]
    window = Tally()
    for day in days:
        tally = state.days[day]
        window.messages += tally.messages
        window.dmarc_pass += tally.dmarc_pass
    orgs = set().union(*(state.day_orgs.get(day, set()) for day in days)) if days else set()
    selector_failed = sum(state.day_selector_failed.get(day, 0) for day in days)
    verdict = PolicyVerdict(
        policy=state.policy,
        begin=first_day * DAY,
        end=(last_day + 1) * DAY,
        messages=window.messages,
        would_fail=window.messages - window.dmarc_pass,
        organisations=len(orgs),
        days=len(days),
        selector_failed=selector_failed,
        blockers=(),
    )
    blockers = []
    if verdict.messages == 0:
        blockers.append(("no_mail", "0", "1"))
    elif verdict.pass_share < request.threshold:
        blockers.append(("pass_share", f"{verdict.pass_share:.2f}", f"{request.threshold:g}"))
    if verdict.organisations < request.min_orgs:
        blockers.append(("organisations", str(verdict.organisations), str(request.min_orgs)))
    if verdict.days < request.min_days:
        blockers.append(("days", str(verdict.days), str(request.min_days)))
    if selector_failed:
        blockers.append(("selector", str(selector_failed), "0"))
    return PolicyVerdict(**{**vars(verdict), "blockers": tuple(blockers)})


def domain_summary(domain: str, state: DomainState, request: Request) -> DomainSummary:
    """Return the summary of one domain's counters."""
    failures = tuple(
        SelectorFailure(org, ip, selector, result, count)
        for (org, ip, selector, result), count in sorted(state.selector_failures.items(), key=lambda i: -i[1])
    )
    failing = tuple(
        FailingSource(ip, header_from, envelope_from, dkim, spf, count, tuple(sorted(orgs)))
        for (ip, header_from, envelope_from, dkim, spf), (count, orgs) in sorted(
            state.failing.items(), key=lambda item: (-item[1][0], item[0])
        )
    )
    return DomainSummary(
        domain=domain,
        begin=state.begin,
        end=state.end,
        reports=state.reports,
        total=state.total,
        orgs=_by_messages(state.orgs),
        sources=_by_messages(state.sources),
        signed=state.signed,
        signed_pass=state.signed_pass,
        selector_failures=failures,
        failing=failing,
        verdict=_verdict(state, request),
    )
