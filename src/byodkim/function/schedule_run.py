"""One tick's work for one domain: the shared helpers and the first half of the steps (due, prepare, request).

The steps of the scheduled rotation (:mod:`byodkim.function.schedule`); the switch, SES's
verdict and the retirement are in :mod:`byodkim.function.schedule_switch`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.aws import secrets
from byodkim.aws.errors import describe
from byodkim.aws.guards import read_statuses
from byodkim.deployment import secret_id
from byodkim.dkim import keys
from byodkim.dkim.names import record_name
from byodkim.dnscheck.check import check
from byodkim.dnscheck.judge import AMBIGUOUS, DIFFERENT, MALFORMED, PRIVATE, REVOKED, Check
from byodkim.errors import ByodkimError, InputError
from byodkim.function import schedule_dns
from byodkim.function.keyage import key_age
from byodkim.function.schedule_state import (
    LIVE,
    PREPARED,
    REQUESTED,
    STOPPED,
    ScheduleState,
    day,
    iso,
    save,
)
from byodkim.messages import Said, carried, render, said_again, say

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from byodkim.aws.session import Aws
    from byodkim.dkim.keys import PublicKey
    from byodkim.dnscheck.check import Report
    from byodkim.dnscheck.servers import Server
    from byodkim.function.config import ManagerConfig
    from byodkim.function.keyage import KeyAge

log = logging.getLogger(__name__)


class NotRotatableError(InputError):
    """The domain has no BYODKIM key the scheduled rotation could follow (no identity, Easy DKIM, no selector).

    Named, for a domain asked for, a refusal with its fix; on the schedule's every-domain tick, a
    domain still on its way to BYODKIM (declared, not yet registered) or rolled back to Easy DKIM
    is reported as skipped, as the health check treats a domain before activation: its daily tick
    must not page the team until it is registered.
    """


# What a DNS answer can hold that waiting will not fix: the rotation stops at once, with the fix.
MISTAKES = frozenset({DIFFERENT, PRIVATE, MALFORMED, REVOKED, AMBIGUOUS})


@dataclass(frozen=True)
class Rotation:
    """Where ticks run: the deployment as the function knows it, AWS, the home region, the servers to ask."""

    config: ManagerConfig
    aws: Aws
    region: str  # SSM, Secrets Manager, S3 and the topics live here
    servers: tuple[Server, ...] = ()  # the authoritative servers (empty: found from the zone)
    kms_key_id: str | None = None  # the phase-1 key for a new secret (None: found by its alias)
    readers: tuple[str, ...] = ()  # who a new secret's resource policy lets read it
    # Refuses (raises) while a hand rotation of the domain is under way (the laptop's door sets it).
    guard: Callable[[str], None] | None = None

    def parameter(self, domain: str) -> str:
        """Return the SSM parameter holding ``domain``'s rotation."""
        return self.config.deployment.parameter(domain, "rotation")


@dataclass
class Tick:
    """What one tick did for one domain, and what it waits for now."""

    domain: str
    state: ScheduleState
    done: list[Said] = field(default_factory=list)
    waits: Said | None = None
    dry_run: bool = False

    @property
    def stopped(self) -> bool:
        """Return whether a mistake stopped the rotation."""
        return self.state.step == STOPPED

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready answer (sentences in English; ``step`` and the state as codes)."""
        return {
            "domain": self.domain,
            "step": self.state.step,
            "done": [str(line) for line in self.done],
            "waits": str(self.waits) if self.waits else None,
            "stopped": self.stopped,
            "dry_run": self.dry_run,
            "state": self.state.as_dict(),
        }


class Run:
    """One tick's work for one domain; each step returns True when it moved on (and saved)."""

    def __init__(
        self,
        rotation: Rotation,
        domain: str,
        regions: tuple[str, ...],
        now: datetime,
        dry_run: bool,  # noqa: FBT001 - built in one place, positionally
        result: Tick,
    ) -> None:
        self.rotation, self.domain, self.regions, self.now, self.dry_run = rotation, domain, regions, now, dry_run
        self.result, self.state = result, result.state
        self.config, self.aws, self.region = rotation.config, rotation.aws, rotation.region
        self.prefix = self.config.deployment.secret_prefix
        self.policy = self.config.rotation

    # -- shared ------------------------------------------------------------------------------

    def sm(self) -> Any:  # noqa: ANN401 - SecretsManagerClient, imported only for type checking
        """Return the home region's Secrets Manager client."""
        return self.aws.client("secretsmanager", self.region)

    def save(self, done: Said) -> bool:
        """Save the state after a step, say it and notify it; return True (moved on)."""
        save(self.aws.client("ssm", self.region), self.rotation.parameter(self.domain), self.state)
        self.result.done.append(done)
        self.notify(say("schedule.subject", domain=self.domain, step=self.state.step), done)
        return True

    def wait(self, line: Said) -> bool:
        """Say what the domain waits for; return False (the tick ends here)."""
        self.result.waits = line
        return False

    def would(self, line: Said) -> bool:
        """Say what a run would do next (a dry run ends here)."""
        return self.wait(say("schedule.would", what=line))

    def notify(self, subject: Said, line: Said, *, dns_team: bool = False) -> None:
        """Tell the alert topic (and the DNS team's, for what it must act on), English then Japanese.

        A notice that cannot be sent does not undo the step: it is logged, and the step stands.
        """
        topics = [self.config.alert_topic_arn] + ([self.config.topic_arn] if dns_team else [])
        body = render(line, "en") + "\n\n" + render(line, "ja")
        for topic in dict.fromkeys(t for t in topics if t):
            try:
                self.aws.client("sns", self.region).publish(
                    TopicArn=topic, Subject=render(subject, "en")[:100], Message=body
                )
            except Exception as exc:  # noqa: BLE001 - any failure to notify leaves the step done
                log.warning("notice to %s not sent: %s", topic, describe(exc))

    def public(self) -> PublicKey:
        """Return the new key's public half (its secret's description; no secret value read)."""
        found = secrets.read_public_key(self.sm(), self.state.secret_id)
        if found is None or found.fingerprint != self.state.fingerprint:
            gone = say("schedule.secret_gone", secret=self.state.secret_id)
            raise ByodkimError(gone, say("schedule.secret_gone_hint", name=self.rotation.parameter(self.domain)))
        return found

    def check(self) -> Report:
        """Return the new record's check on every authoritative server."""
        return check(Check(self.domain, self.state.new_selector, self.public(), self.rotation.servers))

    def age(self, selector: str) -> KeyAge | None:
        """Return the age of ``selector``'s key at this tick."""
        return key_age(self.policy, self.sm(), self.domain, selector, self.prefix, self.now)

    def stop_on_mistake(self, report: Report) -> bool | None:
        """Stop at once when a server serves a mistake; None when there is none."""
        wrong = next((a for a in report.servers if a.outcome in MISTAKES), None)
        if wrong is None:
            return None
        if self.dry_run:
            return self.would(say("schedule.would_stop", server=wrong.server, detail=wrong.detail))
        reason = say("schedule.mistake", name=report.name, server=wrong.server, detail=wrong.detail)
        fix = say("schedule.mistake_fix", name=report.name, domain=self.domain)
        # The reason's key and values kept beside its English, so each reader's language can say it again.
        keyed = json.dumps(carried({"reason": reason}).get("reason"), sort_keys=True)
        self.state.stop = {
            "step": self.state.step, "reason": str(reason), "reason_said": keyed, "fix": str(fix), "at": iso(self.now)
        }  # fmt: skip
        self.state.step = STOPPED
        save(self.aws.client("ssm", self.region), self.rotation.parameter(self.domain), self.state)
        self.notify(
            say("schedule.stopped_subject", domain=self.domain),
            say("schedule.stopped", reason=reason, fix=fix),
            dns_team=True,
        )
        return self.wait(say("schedule.stopped", reason=reason, fix=fix))

    # -- the steps ---------------------------------------------------------------------------

    def idle(self) -> bool:
        """Due? Before ``prepare_from`` nothing happens (and it says when); from then on, prepare."""
        region = self.regions[0]
        held = read_statuses(self.aws, self.domain, (region,))[0]
        # Deny by default: a domain with no key of its own is a refusal, not a wait that looks like
        # success (exit 0 every day while nothing could ever rotate). Nothing is changed before this.
        if not held.exists:
            raise NotRotatableError(
                say("schedule.no_identity", domain=self.domain, region=region),
                say("schedule.no_identity_hint", domain=self.domain),
            )
        if held.origin != "EXTERNAL":
            raise NotRotatableError(
                say("schedule.easy_dkim", domain=self.domain, region=region),
                say("schedule.easy_dkim_hint", domain=self.domain),
            )
        if not held.tokens:
            raise NotRotatableError(
                say("schedule.not_byodkim", domain=self.domain, region=region), say("schedule.nothing_changed")
            )
        current = held.tokens[0]
        age = self.age(current)
        if age is None:
            return self.wait(say("schedule.age_unknown", selector=current, scheme=self.policy.selector_scheme))
        if self.now < age.prepare_from:
            return self.wait(say("schedule.not_yet", selector=current, prepare=day(age.prepare_from), due=day(age.due)))
        return self._prepare(current, age)

    def _prepare(self, current: str, age: KeyAge) -> bool:
        domain_prefix = f"{self.prefix}/{self.domain}/"
        stored = {
            name.removeprefix(domain_prefix): public
            for name, public in secrets.described_keys(self.sm(), domain_prefix).items()
        }
        # A key stored by a tick that died before saving the state: found again, never made twice.
        orphan = next(
            (
                selector
                for selector in sorted(stored)
                if selector != current
                and selector not in self.state.selectors
                and (made := self.policy.made_on(selector)) is not None
                and made >= age.prepare_from.date()
            ),
            None,
        )
        taken = {current, *self.state.selectors, *stored}
        selector = orphan or self.policy.next_selector(self.now.date(), taken)
        if self.dry_run:
            return self.would(say("schedule.would_prepare", selector=selector, due=day(age.due)))
        where = secret_id(self.domain, selector, self.prefix)
        if orphan is not None:
            fingerprint = stored[orphan].fingerprint
        else:
            key = keys.generate()  # 2048 bits, made here: in the function, the layer's purpose
            kept = secrets.store_key(
                self.sm(), where, key, self.domain, selector, self._kms_key(), self.rotation.readers
            )
            fingerprint = kept.key.public.fingerprint
        self.state.begin(current, selector, list(self.regions))
        self.state.step, self.state.secret_id, self.state.fingerprint = PREPARED, where, fingerprint
        self.state.prepared_at = iso(self.now)
        return self.save(say("schedule.prepared", selector=selector, secret=where, due=day(age.due)))

    def _kms_key(self) -> str:
        if self.rotation.kms_key_id:
            return self.rotation.kms_key_id
        alias = self.config.deployment.kms_alias
        for name in (f"{alias}-secrets", alias):
            found = secrets.existing_kms_key(self.aws.client("kms", self.region), name)
            if found is not None:
                return found
        raise ByodkimError(say("schedule.no_kms", alias=f"{alias}-secrets"), say("schedule.no_kms_hint"))

    def prepared(self) -> bool:
        """Request the record: phases 4 and 5's request, the running key's record kept; or UPSERT in Route 53."""
        new = self.state.new_selector
        if self.dry_run:
            return self.would(say("schedule.would_request", name=record_name(self.domain, new)))
        how = schedule_dns.request_record(self.config, self.aws, self.region, self.domain, new, self.state.old_selector)
        self.state.request, self.state.requested_at, self.state.waiting_since = how, iso(self.now), iso(self.now)
        self.state.step = REQUESTED
        line = "schedule.upserted" if how["via"] == schedule_dns.ROUTE53 else "schedule.requested"
        return self.save(
            say(line, name=record_name(self.domain, new), keep=record_name(self.domain, self.state.old_selector))
        )

    def requested(self) -> bool:
        """Check the record: live on every authoritative server, go on; a mistake, stop; absent, wait (since when)."""
        if self.config.hosted_zone_id and self.state.request.get("via") != schedule_dns.ROUTE53:
            moved = self._to_route53()
            if moved is not None:
                return moved
        report = self.check()
        if report.ok:
            if self.dry_run:
                return self.would(say("schedule.would_live", name=report.name))
            self.state.step, self.state.live_at = LIVE, iso(self.now)
            return self.save(say("schedule.live", name=report.name, seen=report.summary()))
        stopped = self.stop_on_mistake(report)
        if stopped is not None:
            return stopped
        old = self.age(self.state.old_selector)
        if old is not None and self.now >= old.due and self.state.notified_on != day(self.now) and not self.dry_run:
            # Once a day past the due date: the old key signs on, and the DNS team is reminded.
            self.state.notified_on = day(self.now)
            save(self.aws.client("ssm", self.region), self.rotation.parameter(self.domain), self.state)
            line = say("schedule.late", name=report.name, since=self.state.waiting_since[:10], due=day(old.due))
            self.notify(say("schedule.late_subject", domain=self.domain), line, dns_team=True)
        return self.wait(
            say("schedule.awaiting", name=report.name, since=self.state.waiting_since[:10], seen=report.summary())
        )

    def _to_route53(self) -> bool | None:
        """Write the record asked of the DNS team in the Route 53 zone configured since; None: go on checking.

        The request went to the DNS team before ``hosted_zone_id`` was set: waiting for them would
        wait forever for a zone they may no longer serve. The function writes it itself and tells
        both topics (the DNS team's request is moot), then checks the record in the same tick.
        """
        zone, new, old = self.config.hosted_zone_id, self.state.new_selector, self.state.old_selector
        name = record_name(self.domain, new)
        if self.dry_run:
            return self.would(say("schedule.would_move_to_route53", name=name, zone=zone))
        how = schedule_dns.request_record(self.config, self.aws, self.region, self.domain, new, old)
        self.state.request = how
        save(self.aws.client("ssm", self.region), self.rotation.parameter(self.domain), self.state)
        line = say(
            "schedule.moved_to_route53",
            name=name,
            since=self.state.requested_at[:10],
            zone=zone,
            keep=record_name(self.domain, old),
        )
        self.result.done.append(line)
        self.notify(say("schedule.subject", domain=self.domain, step=self.state.step), line, dns_team=True)
        return None

    def stopped(self) -> bool:
        """Say why a mistake stopped it and the fix, until a person resumes it (rotate --approve)."""
        # Both said again from their keys (in the reader's language); a reason recorded without its key, as written.
        fix = say("schedule.mistake_fix", name=record_name(self.domain, self.state.new_selector), domain=self.domain)
        try:
            reason = said_again(json.loads(self.state.stop.get("reason_said", "null")))
        except ValueError:
            reason = None
        return self.wait(say("schedule.stopped", reason=reason or self.state.stop.get("reason", ""), fix=fix))
