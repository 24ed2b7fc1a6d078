"""One batch of the fanned-out fleet health check (function/fanout.py): DNS every period, SES from the list.

A domain is read in full (GetEmailIdentity) when the planner says it is its turn, or when its
listed status changed since its last read while the batch's reads allow; between reads, SES's
view is the list's status over what the last full read found, kept in the domain's health
parameter beside its conditions. A domain never read in full since the fan-out started is
"not read yet" (quiet) until its turn, except that a private key in its record is told at once.
"""

from __future__ import annotations

import threading
from typing import Any

from byodkim.aws.guards import read_statuses
from byodkim.aws.ses import RegionStatus
from byodkim.aws.ssm import read_parameters
from byodkim.deployment import DomainSpec
from byodkim.errors import DnsUnreachableError
from byodkim.function.health import (
    KEY_PUBLISHED,
    SENDING,
    SILENT,
    UNREAD,
    Finding,
    HealthCheck,
    _remembered,
    _sending,
    condition_of,
    dns_condition,
)


class BatchCheck(HealthCheck):
    """The health check of one queued batch."""

    _kept: dict[str, dict[str, str]]  # each domain's health parameter, read for the batch at once

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - HealthCheck's
        super().__init__(*args, **kwargs)
        self._kept = {}

    def run_batch(self, body: dict[str, Any]) -> dict[str, Any]:
        """Check one batch the planner queued (function/fanout.py): DNS for each domain, SES from the list or read.

        A domain is read in full (GetEmailIdentity) when the planner says it is its turn, or when
        its listed status changed since its last read, as long as the batch's reads allow; else
        SES's view is the list's status over what the last full read found.
        """
        from concurrent.futures import ThreadPoolExecutor

        reads = _Reads(int(body["batchReads"]))
        self.period = str(body.get("period", "-"))
        entries = [
            (
                DomainSpec(str(e["domain"]), str(e.get("selector") or ""), tuple(e["regions"])),
                bool(e.get("full")),
                dict(e.get("listed") or {}),
            )
            for e in body["domains"]
        ]
        for spec, full, _listed in entries:  # the planned reads first: the planner counted them
            if full:
                reads.take_planned(spec.regions)
        # Every domain's memory of its last checks in one GetParameters per ten domains, not a call each.
        names = [self.config.deployment.parameter(spec.domain, "health") for spec, _full, _listed in entries]
        found = read_parameters(self.aws.client("ssm", self.region), names)
        self._kept = {name: _remembered(found.get(name)) for name in names}

        def one(entry: tuple[DomainSpec, bool, dict[str, Any]]) -> list[Finding]:
            spec, full, listed = entry
            try:
                return self._check_listed(spec, listed, reads if not full else None)
            except DnsUnreachableError as exc:
                return [Finding(spec.domain, r, SILENT, "-", spec.selector, str(exc)) for r in spec.regions]

        with ThreadPoolExecutor(8) as pool:
            findings = [f for found in pool.map(one, entries) for f in found]
        answer = self._fleet_result([e[0] for e in entries], findings, float(body["at"]))
        return {**answer, "period": body.get("period"), "fullReads": reads.made}

    def _previous(self, name: str) -> dict[str, str]:
        """Return a domain's memory as the batch's one read found it (read alone if not among them)."""
        return self._kept[name] if name in self._kept else super()._previous(name)

    def _check_listed(self, spec: DomainSpec, listed: dict[str, Any], reads: _Reads | None) -> list[Finding]:
        """Check one domain of a batch; ``reads`` None: its turn for a full read in every region."""
        previous = self._previous(self.config.deployment.parameter(spec.domain, "health"))
        keep: dict[str, str] = {k: v for k, v in previous.items() if k.endswith(_CACHED)}
        wanted = []
        for region in spec.regions:
            word = _listed_word(listed.get(region))
            before = previous.get(f"{region} listed")
            # A change since its last read is read out of turn; a domain never read waits for its turn
            # (quiet, "not read yet"): the fan-out's first period would otherwise spend every batch's
            # reads on first reads, past the plan, and its consumers fall behind the period.
            if reads is None or (before is not None and before != word and reads.take(region)):
                wanted.append(region)
        statuses = {s.region: s for s in read_statuses(self.aws, spec.domain, tuple(wanted))} if wanted else {}
        for region, found in statuses.items():  # what a read found stands for SES until the next one
            keep.update(_cache(found, _listed_word(listed.get(region)), self.period))
        views = {r: statuses.get(r) or _from_list(r, listed.get(r), keep) for r in spec.regions}
        selector = next(
            (s.tokens[0] for s in views.values() if s is not None and s.origin == "EXTERNAL" and s.tokens), None
        )
        unread = [r for r, s in views.items() if s is None]
        if selector is None and unread:
            selector = spec.selector or None
        record, report = None, None
        if selector is not None:
            report, key_known = self._dns(spec.domain, selector)
            record = dns_condition(report, key_known=key_known)
        findings = []
        for region, seen in views.items():
            if seen is not None:
                condition, detail = condition_of(seen, record, sending=_sending(previous, region))
                findings.append(Finding(spec.domain, region, condition, seen.status or "NO IDENTITY", selector, detail))
            elif record is not None and record[0] == KEY_PUBLISHED:  # the worst news waits for no read
                findings.append(Finding(spec.domain, region, KEY_PUBLISHED, "-", selector, record[1]))
            else:
                findings.append(Finding(spec.domain, region, UNREAD, "-", selector, "its first full read is due"))
                # Not a change: what the last checks found stays as it was until the read.
                keep.update({k: v for k, v in previous.items() if k in (region, f"{region} {SENDING}")})
        told = [f for f in findings if f.condition != UNREAD]
        self._notify_changes(spec.domain, told, report, previous, keep)
        return findings


# -- a fanned-out batch's memory of SES between full reads (kept in the domain's health parameter) --------

_CACHED = (" listed", " origin", " selector", " signing", " dkim", " read")


def _listed_word(seen: object) -> str:
    """Return what ListEmailIdentities said of one identity, as one comparable word."""
    if not isinstance(seen, dict):
        return "none"
    return f"{seen.get('status')}/{'sending' if seen.get('sending') else 'not sending'}"


def _cache(seen: RegionStatus, word: str, period: str) -> dict[str, str]:
    """Return what a full read found, to stand for SES until the next one (the list tells changes meanwhile)."""
    r = seen.region
    return {
        f"{r} listed": word,
        f"{r} origin": (seen.origin or "-") if seen.exists else "none",
        f"{r} selector": (seen.tokens or ["-"])[0],
        f"{r} signing": "-" if seen.signing_enabled is None else ("yes" if seen.signing_enabled else "no"),
        f"{r} dkim": seen.status or "-",
        f"{r} read": period,  # the planner's run that read it last: each domain's cycle can be shown
    }


def _from_list(region: str, seen: object, kept: dict[str, str]) -> RegionStatus | None:
    """Return SES's view from the list and the last full read; ``None`` when the domain was never read in full."""
    if not isinstance(seen, dict):
        return RegionStatus(region, exists=False)
    origin = kept.get(f"{region} origin")
    if origin is None or origin == "none":
        return None
    word = _listed_word(seen)
    # Unchanged since the read: SES's DKIM status is the one read. Changed and not read again (the batch's
    # reads were spent): the list's status is SES's word for the domain's DKIM now.
    status = kept.get(f"{region} dkim") if kept.get(f"{region} listed") == word else str(seen.get("status"))
    signing = {"yes": True, "no": False}.get(kept.get(f"{region} signing", "-"))
    selector = kept.get(f"{region} selector", "-")
    return RegionStatus(
        region,
        exists=True,
        origin=None if origin == "-" else origin,
        signing_enabled=signing,
        status=None if status in (None, "-") else status,
        tokens=[] if selector == "-" else [selector],
        verified_for_sending=bool(seen.get("sending")),
    )


class _Reads:
    """A batch's full reads per region: the planned ones, then out-of-turn ones while the budget lasts."""

    def __init__(self, budget: int) -> None:
        self.budget, self.made = budget, 0
        self.used: dict[str, int] = {}
        self._lock = threading.Lock()

    def take_planned(self, regions: tuple[str, ...]) -> None:
        with self._lock:
            for region in regions:
                self.used[region] = self.used.get(region, 0) + 1
            self.made += len(regions)

    def take(self, region: str) -> bool:
        with self._lock:
            if self.used.get(region, 0) >= self.budget:
                return False
            self.used[region] = self.used.get(region, 0) + 1
            self.made += 1
            return True
