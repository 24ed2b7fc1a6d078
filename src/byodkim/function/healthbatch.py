"""One batch of the fanned-out fleet health check (function/fanout.py): DNS every period, SES from the list.

A domain is read in full (GetEmailIdentity) when the planner says it is its turn, or when its
listed status changed since its last read while the batch's reads allow; between reads, SES's
view is the list's status over what the last full read found, kept in the domain's health
parameter beside its conditions. A domain never read in full since the fan-out started is
"not read yet" (quiet) until its turn, except that a private key in its record is told at once.

A batch holds itself to its time, whatever the plan assumed: it starts no domain once
``HAND_ON_SHARE`` of the function's time limit has passed, makes no SES read whose slot would
come after that (SES slower than planned: throttled by other callers), and queues the domains it
did not check as a batch of their own (same period, same planner's stamp), so a slow name server
or a loaded account costs a batch more invocations instead of a timeout, as long as the domains
in flight at that point finish in the time left (one domain's SES answers and DNS check: well
under a second each on AWS, against 36 s of a 120 s limit). Its answer says where its time
went (``seconds``): the reads, the DNS checks and the rest, summed over its threads.
"""

from __future__ import annotations

import json
import math
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from byodkim.aws import pacing
from byodkim.aws.guards import read_statuses
from byodkim.aws.ses import RegionStatus
from byodkim.aws.sqs import send_bodies
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

if TYPE_CHECKING:
    from collections.abc import Iterator

    from byodkim.dnscheck.check import Report

# The share of the function's time limit after which a batch starts no domain. The domains in flight
# then finish: each is at most one paced read per region (the planned reads were counted at the start)
# and one DNS check, and eight of them at once take far less than the 30% left (docs/fleet.md).
HAND_ON_SHARE = 0.7


class BatchCheck(HealthCheck):
    """The health check of one queued batch."""

    _kept: dict[str, dict[str, str]]  # each domain's health parameter, read for the batch at once

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - HealthCheck's
        super().__init__(*args, **kwargs)
        self._kept = {}
        self._spent: dict[str, float] = {}  # seconds per part of the work, summed over the threads
        self._late = 0  # domains handed on at a read whose slot came past the deadline
        self._lock = threading.Lock()

    @contextmanager
    def _timed(self, part: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            with self._lock:
                self._spent[part] = self._spent.get(part, 0.0) + time.monotonic() - started

    def run_batch(self, body: dict[str, Any]) -> dict[str, Any]:
        """Check one batch the planner queued (function/fanout.py): DNS for each domain, SES from the list or read.

        A domain is read in full (GetEmailIdentity) when the planner says it is its turn, or when
        its listed status changed since its last read, as long as the batch's reads allow; else
        SES's view is the list's status over what the last full read found.
        """
        from concurrent.futures import ThreadPoolExecutor

        started = time.monotonic()
        deadline = started + self.config.health_time_limit * HAND_ON_SHARE
        reads = _Reads(int(body["batchReads"]))
        self.period = str(body.get("period", "-"))
        raw = list(body["domains"])
        entries = [
            (
                DomainSpec(str(e["domain"]), str(e.get("selector") or ""), tuple(e["regions"])),
                bool(e.get("full")),
                dict(e.get("listed") or {}),
            )
            for e in raw
        ]
        for spec, full, _listed in entries:  # the planned reads first: the planner counted them
            if full:
                reads.take_planned(spec.regions)
        # Every domain's memory of its last checks in one GetParameters per ten domains, not a call each.
        names = [self.config.deployment.parameter(spec.domain, "health") for spec, _full, _listed in entries]
        with self._timed("parameters"):
            found = read_parameters(self.aws.client("ssm", self.region), names)
        self._kept = {name: _remembered(found.get(name)) for name in names}

        def one(index: int) -> list[Finding] | None:
            spec, full, listed = entries[index]
            # The first domain always: a batch handed on makes progress however late it starts.
            late = index > 0 and bool(self.config.health_queue_url)
            if late and time.monotonic() > deadline:
                return None
            try:
                # A read whose slot comes past the deadline is not made either (SES slower than planned):
                # the domain is handed on before anything of it is written.
                with self._timed("domains"), pacing.deadline(deadline if late else math.inf):
                    return self._check_listed(spec, listed, reads if not full else None)
            except pacing.Late:
                with self._lock:
                    self._late += 1
                return None
            except DnsUnreachableError as exc:
                return [Finding(spec.domain, r, SILENT, "-", spec.selector, str(exc)) for r in spec.regions]

        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(one, range(len(entries))))
        left = [i for i, found_ in enumerate(outcomes) if found_ is None]
        for i in left:  # not read: not this batch's reads
            if entries[i][1]:
                reads.give_back(entries[i][0].regions)
        done = [entries[i][0] for i, found_ in enumerate(outcomes) if found_ is not None]
        findings = [f for found_ in outcomes if found_ is not None for f in found_]
        answer = self._fleet_result(done, findings, float(body["at"]))
        if left:
            self._hand_on(body, [raw[i] for i in left])
        spent = {part: round(seconds, 3) for part, seconds in sorted(self._spent.items())}
        return {
            **answer,
            "period": body.get("period"),
            "fullReads": reads.made,
            "handedOn": len(left),
            "lateReads": self._late,
            "seconds": {"wall": round(time.monotonic() - started, 3), **spent},
        }

    def _hand_on(self, body: dict[str, Any], domains: list[Any]) -> None:
        """Queue the domains this batch did not start as a batch of their own, as the planner made it."""
        # "hops": how many batches handed these domains on before (the answer's handedOn is a count of domains).
        rest = {**body, "domains": domains, "hops": int(body.get("hops") or 0) + 1}
        send_bodies(self.aws, self.region, self.config.health_queue_url, [json.dumps(rest, separators=(",", ":"))])

    def _dns(self, domain: str, selector: str) -> tuple[Report, bool]:
        with self._timed("dns"):
            return super()._dns(domain, selector)

    def _previous(self, name: str) -> dict[str, str]:
        """Return a domain's memory as the batch's one read found it (read alone if not among them)."""
        return self._kept[name] if name in self._kept else super()._previous(name)

    def _read(self, domain: str, regions: tuple[str, ...], reads: _Reads | None) -> dict[str, RegionStatus]:
        """Read SES in full in ``regions``; past the deadline (pacing.Late), out-of-turn reads go back to the budget."""
        try:
            with self._timed("reads"):
                return {s.region: s for s in read_statuses(self.aws, domain, regions)}
        except pacing.Late:
            if reads is not None:
                reads.give_back(regions)
            raise

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
        statuses = self._read(spec.domain, tuple(wanted), reads) if wanted else {}
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

    def give_back(self, regions: tuple[str, ...]) -> None:
        """Return a planned read that was not made (its domain handed on to another batch)."""
        with self._lock:
            for region in regions:
                self.used[region] -= 1
            self.made -= len(regions)

    def take(self, region: str) -> bool:
        with self._lock:
            if self.used.get(region, 0) >= self.budget:
                return False
            self.used[region] = self.used.get(region, 0) + 1
            self.made += 1
            return True
