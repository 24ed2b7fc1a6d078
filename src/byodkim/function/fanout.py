"""The fleet health check on Lambda's own fan-out: a planner invocation and batch consumers fed by SQS.

One invocation covers about 800 domain-regions in Lambda's 15 minutes at SES's 1 call/s
(every domain read with GetEmailIdentity). With a queue (``HEALTH_QUEUE_URL``), the scheduled
health run is a planner instead: it lists the identities of every region (ListEmailIdentities,
one call per 1,000), picks the domains whose turn it is for a full read (GetEmailIdentity), packs
every declared domain into batches and sends them to the queue, and returns. The function then
consumes the queue through an event source mapping at most ``HEALTH_CONCURRENCY`` at a time.

The arithmetic, all in one place (:class:`Pace`):

- SES allows the account ``rate`` calls per second per region. ``concurrency`` consumers and one
  more invocation (the planner; phase 7 and rotations when they run) may call SES at once, so each
  invocation paces itself at ``rate / (concurrency + 1)``: together they never exceed the rate.
- Per period, the consumers together read at most ``rate x period x concurrency / (concurrency + 1)
  x USE`` identities per region (``USE`` leaves each consumer time for its DNS checks, a cold
  start, throttling retries and status changes read out of turn). The list calls come off that
  first. A fleet of ``D`` domain-regions per region is then fully read in ``cycle = ceil(D / reads
  per period)`` periods: each domain at least every ``cycle x period`` (:attr:`Pace.full_read_hours`).
- A batch holds at most ``batch_reads`` full reads per region (the reads at the pace fill at most
  ``BATCH_SHARE`` of the function's time limit) and at most ``MAX_BATCH_DOMAINS`` domains (the DNS
  checks, eight at a time, with time for a dead name server's timeouts).

Every domain's record is checked on its authoritative servers every period; the list's status
tells a change in SES within the period, and a domain whose listed status changed is read in full
at once (out of turn, within the batch's reads).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from byodkim.aws.sqs import send_bodies
from byodkim.aws.ssm import read_parameter

if TYPE_CHECKING:
    from collections.abc import Mapping

    from byodkim.aws.session import Aws
    from byodkim.deployment import DomainSpec
    from byodkim.function.config import ManagerConfig

log = logging.getLogger(__name__)

# The share of the consumers' SES rate the plan spends on turns. The rest is each consumer's time for
# what is not a paced read (its DNS checks, a cold start, throttling retries, changes read out of turn)
# and room in the account for what else calls SES: operators' commands, phase 7, a rotation. At 0.8 a
# consumer had 20% of its time for all of that and fell behind its period (docs/performance.md).
USE = 0.65
BATCH_SHARE = 0.5  # the share of the function's time limit a batch's planned SES reads may take
MAX_BATCH_DOMAINS = 100  # DNS checks per batch: 100 / 8 threads x a 2 s timeout stays under 30 s
LIST_PAGE = 1000  # ListEmailIdentities' largest page
DEFAULT_PERIOD = 900.0  # phase 8's default schedule (15 minutes)
BODY_VERSION = 1


@dataclass(frozen=True)
class Pace:
    """How fast each invocation may call SES, and what that buys per period (see the module's docstring)."""

    rate: float  # SES calls per second the account has, per region
    concurrency: int  # consumers at most at once (the event source mapping's MaximumConcurrency)
    period: float  # seconds between planner runs
    time_limit: float  # the function's timeout, seconds

    @property
    def per_invocation(self) -> float:
        """Return the SES calls per second one invocation may make (planner and consumers alike)."""
        return self.rate / (self.concurrency + 1)

    def reads_per_period(self, identities: int) -> int:
        """Return how many full reads per region the consumers make in one period, after the list calls."""
        lists = max(1, math.ceil(identities / LIST_PAGE))
        spend = self.rate * self.period * self.concurrency / (self.concurrency + 1) * USE
        return max(1, math.floor(spend) - lists)

    def cycle(self, identities: int) -> int:
        """Return in how many periods every one of ``identities`` (the most in any region) is read in full."""
        return max(1, math.ceil(identities / self.reads_per_period(identities)))

    def full_read_hours(self, identities: int) -> float:
        """Return the longest time between two full reads of one domain, in hours."""
        return self.cycle(identities) * self.period / 3600

    @property
    def batch_reads(self) -> int:
        """Return the most full reads per region one batch may carry."""
        return max(1, math.floor(self.time_limit * BATCH_SHARE * self.per_invocation))

    def as_dict(self, identities: int) -> dict[str, Any]:
        """Return the plan's figures, JSON-ready (the planner's answer and the docs state them)."""
        return {
            "sesRate": self.rate,
            "concurrency": self.concurrency,
            "perInvocationRate": round(self.per_invocation, 4),
            "periodSeconds": self.period,
            "timeLimitSeconds": self.time_limit,
            "readsPerPeriod": self.reads_per_period(identities),
            "cyclePeriods": self.cycle(identities),
            "fullReadEveryHours": round(self.full_read_hours(identities), 2),
            "batchReads": self.batch_reads,
            "batchDomains": MAX_BATCH_DOMAINS,
        }


def turn(domain: str, cycle: int) -> int:
    """Return the period (modulo ``cycle``) in which ``domain`` is read in full: a hash, stable as the fleet changes."""
    return int(hashlib.sha256(domain.encode()).hexdigest()[:12], 16) % cycle


def pack(
    specs: list[DomainSpec], due: set[str], batch_reads: int, max_domains: int = MAX_BATCH_DOMAINS
) -> list[list[DomainSpec]]:
    """Split the fleet into batches: each at most ``max_domains`` domains and ``batch_reads`` full reads per region."""
    batches: list[list[DomainSpec]] = []
    current: list[DomainSpec] = []
    reads: dict[str, int] = {}
    for spec in specs:
        cost = dict.fromkeys(spec.regions, 1) if spec.domain in due else {}
        full = len(current) >= max_domains or any(reads.get(r, 0) + c > batch_reads for r, c in cost.items())
        if current and full:
            batches.append(current)
            current, reads = [], {}
        current.append(spec)
        for region, count in cost.items():
            reads[region] = reads.get(region, 0) + count
    if current:
        batches.append(current)
    return batches


def pace_of(config: ManagerConfig, env: Mapping[str, str], period: float) -> Pace:
    """Return the pace the function's settings give (the account's SES rate from BYODKIM_SES_RATE)."""
    from byodkim.aws.pacing import rate_from

    rate = rate_from(env.get("BYODKIM_SES_RATE") or None)
    return Pace(rate, max(1, config.health_concurrency), period, config.health_time_limit)


class FleetPlanner:
    """The scheduled health run with a queue: list, choose the full reads, send the batches, return."""

    def __init__(self, config: ManagerConfig, aws: Aws, region: str, env: Mapping[str, str]) -> None:
        self.config, self.region, self.env = config, region, env
        self.aws = aws

    def plan(self, specs: list[DomainSpec], period: float) -> dict[str, Any]:
        """Queue the fleet's batches for this period and return what was planned."""
        pace = pace_of(self.config, self.env, period)
        aws = replace(self.aws, ses_rate=pace.per_invocation, ses_shared=True)
        regions = list(dict.fromkeys(r for spec in specs for r in spec.regions))
        listed = {region: list_identities(aws, region) for region in regions}
        per_region = max((sum(1 for s in specs if r in s.regions) for r in regions), default=1)
        cycle = pace.cycle(per_region)
        number = self._next_period()
        due = {s.domain for s in specs if turn(s.domain, cycle) == number % cycle}
        batches = pack(specs, due, pace.batch_reads)
        stamp = time.time()
        bodies = [
            json.dumps(
                {
                    "v": BODY_VERSION,
                    "period": number,
                    "at": stamp,
                    "cycle": cycle,
                    "batchReads": pace.batch_reads,
                    "domains": [
                        {
                            **spec.as_dict(),
                            "full": spec.domain in due,
                            "listed": {r: listed[r].get(spec.domain) for r in spec.regions},
                        }
                        for spec in batch
                    ],
                },
                separators=(",", ":"),
            )
            for batch in batches
        ]
        send_bodies(aws, self.region, self.config.health_queue_url, bodies)
        return {
            "action": "health",
            "planned": True,
            "period": number,
            "domains": len(specs),
            "domainRegions": sum(len(s.regions) for s in specs),
            "batches": len(bodies),
            "fullReads": sum(len(s.regions) for s in specs if s.domain in due),  # domain-regions
            "listed": {r: len(v) for r, v in listed.items()},
            "pace": pace.as_dict(per_region),
        }

    def _next_period(self) -> int:
        """Return this run's number, counted in SSM: the rotation advances by runs, never skipping a turn."""
        name = self.config.deployment.parameter(self.config.domain, "health-period")
        ssm = self.aws.client("ssm", self.region)
        raw = read_parameter(ssm, name) or "-1"
        number = int(raw) + 1 if raw.lstrip("-").isdigit() else 0
        ssm.put_parameter(Name=name, Value=str(number), Type="String", Overwrite=True)
        return number


def list_identities(aws: Aws, region: str) -> dict[str, dict[str, Any]]:
    """Return every identity SES lists in ``region``: its VerificationStatus and SendingEnabled, by name."""
    client = aws.client("sesv2", region)
    found: dict[str, dict[str, Any]] = {}
    token = ""
    while True:
        if token:
            page = client.list_email_identities(PageSize=LIST_PAGE, NextToken=token)
        else:
            page = client.list_email_identities(PageSize=LIST_PAGE)
        for item in page.get("EmailIdentities", []):
            name = str(item.get("IdentityName", "")).lower()
            found[name] = {"status": item.get("VerificationStatus"), "sending": item.get("SendingEnabled")}
        token = str(page.get("NextToken") or "")
        if not token:
            return found


def consume(
    event: dict[str, Any], config: ManagerConfig, aws: Aws, region: str, env: Mapping[str, str]
) -> dict[str, Any]:
    """Check each record's batch; return the records that failed (``batchItemFailures``) so only they return."""
    from byodkim.function.healthbatch import BatchCheck

    failures = []
    done = []
    for record in event["Records"]:
        ident = str(record.get("messageId", ""))
        try:
            body = json.loads(record.get("body") or "")
            if not isinstance(body, dict) or body.get("v") != BODY_VERSION:
                raise ValueError("not a health batch")  # noqa: TRY301 - one path for every bad body
            pace = pace_of(config, env, DEFAULT_PERIOD)
            paced = replace(aws, ses_rate=pace.per_invocation, ses_shared=True)
            done.append(BatchCheck(config, paced, region).run_batch(body))
        except Exception:
            log.exception("health batch %s failed", ident)
            failures.append({"itemIdentifier": ident})
    return {"batchItemFailures": failures, "batches": done}
