"""Reports added up per domain: the receivers' verdicts, the rollout's selector, and whether to tighten p=.

Reports are added one at a time and dropped: what is kept is counters per domain, reporting
organisation, source, and day, so a year of reports for a hundred domains stays small.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from byodkim.dkim.names import organizational
from byodkim.dmarc.tally import DAY, DomainState, Request, Tally, iso
from byodkim.dmarc.verdict import DomainSummary, domain_summary

if TYPE_CHECKING:
    from byodkim.dmarc.model import AuthResult, Report, Row


def report_entry(report: Report) -> dict[str, Any]:
    """Return one report as the ``reports`` list of ``-o json`` has it."""
    return {
        "file": report.file,
        "org_name": report.org_name,
        "report_id": report.report_id,
        "domain": report.domain,
        "begin": iso(report.begin),
        "end": iso(report.end),
        "messages": report.messages,
        "dkim_aligned": report.count("dkim_aligned"),
        "spf_aligned": report.count("spf_aligned"),
        "dmarc_pass": report.count("dmarc_pass"),
    }


def aligned(signer: str, header_from: str) -> bool:
    """Return whether a signature's ``d=`` aligns with the From domain (relaxed, DMARC's default).

    One inside the other aligns without the list (no one signs as a public suffix). Siblings
    (``a.goo.ne.jp``, ``b.goo.ne.jp``) need the Public Suffix List; where it is not installed (the
    Lambda's layer carries only cryptography and dnspython) they count as not aligned.
    """
    if signer == header_from or header_from.endswith("." + signer) or signer.endswith("." + header_from):
        return True
    return _has_psl() and organizational(signer) == organizational(header_from)


@functools.cache
def _has_psl() -> bool:
    import importlib.util

    return importlib.util.find_spec("publicsuffixlist") is not None


def describe(results: tuple[AuthResult, ...]) -> str:
    """Return raw results as one short text: ``d=goo.ne.jp s=sel pass; d=amazonses.com s=x pass``."""
    words = []
    for result in results:
        where = f"d={result.domain}" + (f" s={result.selector}" if result.selector else "")
        where += f" ({result.scope})" if result.scope else ""
        words.append(f"{where} {result.result or '?'}")
    return "; ".join(words) or "-"


class Summariser:
    """Add reports one by one (duplicates once), then read the summary."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self._selectors = {s.lower() for s in request.selectors}
        self._seen: set[bytes] = set()
        self._domains: dict[str, DomainState] = {}
        self.duplicates: list[dict[str, str]] = []

    def wanted(self, report: Report) -> bool:
        """Return whether ``report`` is in the request's domain and period."""
        if self.request.domain is not None and report.domain != self.request.domain:
            return False
        return self.request.since is None or report.end >= self.request.since

    def add(self, report: Report) -> bool:
        """Count ``report``; return False when it is a copy of one already counted (organisation + report ID)."""
        report_id = report.report_id.removeprefix("<").removesuffix(">")  # RFC 9990 allows <id>
        key = hashlib.blake2b(f"{report.org_name.lower()}\0{report_id}".encode(), digest_size=16).digest()
        if key in self._seen:
            self.duplicates.append({"file": report.file, "org_name": report.org_name, "report_id": report.report_id})
            return False
        self._seen.add(key)
        state = self._domains.setdefault(report.domain, DomainState(report.begin, report.end))
        state.begin, state.end = min(state.begin, report.begin), max(state.end, report.end)
        if report.end >= state.policy_at:
            state.policy, state.policy_at = report.policy, report.end
        state.reports += 1
        day = report.begin // DAY
        state.day_orgs.setdefault(day, set()).add(report.org_name)
        for row in report.rows:
            self._row(state, report, day, row)
        return True

    def _row(self, state: DomainState, report: Report, day: int, row: Row) -> None:
        state.total.add(row)
        state.orgs.setdefault(report.org_name, Tally()).add(row)
        state.sources.setdefault(row.source_ip, Tally()).add(row)
        state.days.setdefault(day, Tally()).add(row)
        from_domain = row.header_from or report.domain
        if self._selectors:
            ours = [r for r in row.dkim if r.selector.lower() in self._selectors and aligned(r.domain, from_domain)]
            if ours:
                state.signed += row.count
                if any(r.result == "pass" for r in ours):
                    state.signed_pass += row.count
                else:
                    key = (report.org_name, row.source_ip, ours[0].selector, ours[0].result or "?")
                    state.selector_failures[key] = state.selector_failures.get(key, 0) + row.count
                    state.day_selector_failed[day] = state.day_selector_failed.get(day, 0) + row.count
        if not row.dmarc_pass:
            key5 = (row.source_ip, from_domain, row.envelope_from, describe(row.dkim), describe(row.spf))
            count, orgs = state.failing.get(key5, (0, set()))
            orgs.add(report.org_name)
            state.failing[key5] = (count + row.count, orgs)

    def summary(self) -> Summary:
        """Return the summary of every report counted so far."""
        domains = tuple(domain_summary(name, self._domains[name], self.request) for name in sorted(self._domains))
        return Summary(self.request, domains, tuple(self.duplicates))


@dataclass(frozen=True)
class Summary:
    """Every domain's summary, and the copies left out."""

    request: Request
    domains: tuple[DomainSummary, ...]
    duplicates: tuple[dict[str, str], ...]

    @property
    def ok(self) -> bool:
        """Return False when mail signed with a rollout selector failed aligned DKIM at some receiver."""
        return all(not d.selector_failures for d in self.domains)

    def as_dict(self) -> dict[str, Any]:
        """Return the ``summary`` of ``-o json``."""
        return {
            "ok": self.ok,
            "selectors": list(self.request.selectors),
            "duplicates": list(self.duplicates),
            "domains": [d.as_dict() for d in self.domains],
        }
