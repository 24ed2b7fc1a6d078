"""Each fleet command's work for one unit (a domain, or a domain in one region).

These are the single-domain library functions, called once per unit by
:class:`byodkim.workflows.units.Run`; nothing here decides order, concurrency or output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.deployment import SECRET_PREFIX, secret_id
from byodkim.errors import InputError
from byodkim.messages import say
from byodkim.workflows.units import Outcome, Unit

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path

    from byodkim.aws.ses import RegionStatus
    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment
    from byodkim.dkim.keys import PublicKey, SigningKey
    from byodkim.dnscheck.judge import Check
    from byodkim.dnscheck.servers import Server
    from byodkim.workflows.domaincheck import Posture
    from byodkim.workflows.keyreport import KeyView
    from byodkim.workflows.rotate import RotationRequest, RotationState


@dataclass
class StatusWork:
    """``status``: SES's view of the domain in one region, and the age of the key it signs with."""

    aws: Aws
    deployment: Deployment | None = None  # its rotation policy dates the key; none outside a Sceptre project
    now: datetime | None = None  # when the key ages are counted to (tests); now when None

    def __call__(self, unit: Unit) -> Outcome:
        """Read the identity: the fleet line's value."""
        seen = self.read(unit)
        if seen.error:
            return Outcome(unit.domain, unit.region, ok=False, action="failed", detail=seen.error)
        if not seen.exists:
            return Outcome(unit.domain, unit.region, ok=True, action="no identity", data=seen.as_dict())
        action = f"{seen.origin} {seen.status}"
        detail = ",".join(seen.tokens) if seen.origin == "EXTERNAL" else f"Easy DKIM, {len(seen.tokens)} tokens"
        keys = self.keys(unit, [seen])
        data = {**seen.as_dict(), "keys": [key.as_dict() for key in keys]}
        return Outcome(
            unit.domain, unit.region, ok=True, action=action, detail=keys[0].short() if keys else detail, data=data
        )

    def keys(self, unit: Unit, found: list[RegionStatus]) -> list[KeyView]:
        """Return the age of each key SES signs with in ``found`` (none without the deployment's policy)."""
        from datetime import UTC, datetime

        from byodkim.workflows.keyreport import key_views, signing_selectors

        selectors = signing_selectors(found)
        if self.deployment is None or not selectors:
            return []
        now = self.now or datetime.now(UTC)
        return key_views(self.deployment, self.aws, unit.spec.regions[0], unit.domain, selectors, now)

    def read(self, unit: Unit) -> RegionStatus:
        """Return SES's view of the identity in the unit's region (an unreadable region as its error)."""
        from byodkim.aws.ses import status

        assert unit.region is not None  # noqa: S101 - status units are regional
        return status(unit.domain, (unit.region,), self.aws)[0]


@dataclass
class VerifyWork:
    """``verify``: the record on every authoritative server (a domain unit), SES's verdict (a region unit)."""

    aws: Aws | None
    servers: tuple[Server, ...] = ()
    timeout: float = 3.0
    secret_prefix: str = SECRET_PREFIX
    public_keys: dict[str, PublicKey] = field(default_factory=dict)  # domain -> key, when given (no AWS)
    signing: SigningKey | None = None  # one domain's private key: a receiver also verifies a signed message
    lean: bool = True  # a fleet's check: the record only; one domain's: every detail a person reads

    def __call__(self, unit: Unit) -> Outcome:
        """Check the unit's part: the fleet line's value."""
        if unit.region is not None:
            return self._ses(unit)
        from byodkim.dnscheck.check import check

        spec = unit.spec
        report = check(self.request(unit))
        outcomes = sorted({a.outcome for a in report.servers})
        return Outcome(
            spec.domain,
            None,
            ok=report.ok,
            action="published" if report.ok else "/".join(outcomes) or "no server",
            detail=report.summary(),
            data={"selector": spec.selector, "servers": {a.server: a.outcome for a in report.servers}},
        )

    def request(self, unit: Unit) -> Check:
        """Return the DNS check of a domain unit: its record against the key given or kept in its secret."""
        from byodkim.dnscheck.judge import Check

        spec = unit.spec
        expected = self.public_keys.get(spec.domain) or self._stored(spec.domain, spec.selector, spec.regions[0])
        return Check(
            spec.domain,
            spec.selector,
            expected,
            self.servers,
            timeout=self.timeout,
            signing=self.signing,
            lean=self.lean,
        )

    def _stored(self, domain: str, selector: str, region: str) -> PublicKey:
        from byodkim.aws.secrets import read_public_key

        if self.aws is None:
            raise InputError(say("key.no_public", domain=domain), say("key.no_public_hint"))
        where = secret_id(domain, selector, self.secret_prefix)
        found = read_public_key(self.aws.client("secretsmanager", region), where)
        if found is None:
            raise InputError(say("secret.none_for", domain=domain, where=where), say("secret.register_first"))
        return found

    def _ses(self, unit: Unit) -> Outcome:
        assert self.aws is not None  # noqa: S101 - region units exist only with --ses
        outcome = StatusWork(self.aws)(unit)
        status = outcome.data.get("status")
        ok = outcome.ok and status == "SUCCESS" and outcome.data.get("origin") == "EXTERNAL"
        return Outcome(unit.domain, unit.region, ok=ok, action=outcome.action, detail=outcome.detail)


@dataclass(frozen=True)
class Generated:
    """A key pair keygen wrote (or found and kept)."""

    private: Path
    public: Path
    fingerprint: str
    bits: int
    kept: bool = False


@dataclass
class KeygenWork:
    """``keygen``: a key pair per domain; one domain's under ``out/``, a fleet's under ``out/<domain>/``.

    A fleet keeps a pair that is already there (a re-run finishes the rest); one domain's pair is
    never replaced: an existing file is refused.
    """

    out: Path
    bits: int = 2048
    flat: bool = False  # one domain: OUT/SELECTOR.*, not OUT/DOMAIN/SELECTOR.*

    def __call__(self, unit: Unit) -> Outcome:
        """Generate and write, or keep what is there."""
        made = self.generate(unit)
        action = "kept" if made.kept else "generated"
        return Outcome(
            unit.domain, None, ok=True, action=action, detail=str(made.private), data={"fp": made.fingerprint}
        )

    def generate(self, unit: Unit) -> Generated:
        """Write the unit's pair (or, in a fleet, keep the one there)."""
        from byodkim.dkim import keyload, keys

        folder = self.out if self.flat else self.out / unit.domain
        private = folder / f"{unit.spec.selector}.private.pem"
        if not self.flat and private.exists():
            kept = keyload.load_private_key(private, None)
            public = folder / f"{unit.spec.selector}.public.pem"
            return Generated(private, public, kept.public.fingerprint, kept.bits, kept=True)
        key = keys.generate(self.bits)  # cryptography releases the GIL here: one thread per core generates
        files = keys.write_key_files(folder, unit.spec.selector, key)
        return Generated(files.private, files.public, key.public.fingerprint, key.bits)


@dataclass(frozen=True)
class DomainChecked:
    """check-domain's verdict for one domain: its posture, and the configuration sets SES names but lacks."""

    posture: Posture
    missing_sets: tuple[str, ...] = ()  # "REGION: NAME does not exist; ..."

    @property
    def ok(self) -> bool:
        """Return the verdict, the same whatever the output format or language."""
        return self.posture.ok and not self.missing_sets

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON object (the posture, plus the missing configuration sets)."""
        return {**self.posture.as_dict(), "ok": self.ok, "missingConfigurationSets": list(self.missing_sets)}


@dataclass
class CheckDomainWork:
    """``check-domain``: the domain's whole sending posture (SPF, DMARC, DKIM, SES per region)."""

    aws: Aws | None
    servers: tuple[Server, ...] = ()
    mail_from: str | None = None  # one domain's custom MAIL FROM
    expected: str | None = None  # one domain's key fingerprint the record must hold

    def __call__(self, unit: Unit) -> Outcome:
        """Assess one domain."""
        from byodkim.messages import say
        from byodkim.workflows.domaincheck import NOT_MET

        checked = self.check(unit)
        unmet = [say(f"posture.req.{r.name}") for r in checked.posture.requirements if r.state == NOT_MET]
        unmet += [say("posture.unmet_set", where=where) for where in checked.missing_sets]
        return Outcome(
            unit.domain,
            None,
            ok=checked.ok,
            action="ready" if checked.ok else "not ready",
            detail=say("posture.unmet", names=tuple(unmet)) if unmet else say("posture.all_met"),
            data={"posture": checked.as_dict()},
        )

    def check(self, unit: Unit) -> DomainChecked:
        """Read SES (unless there is no AWS) and DNS, and judge the domain."""
        from byodkim.workflows.domaincheck import assess

        spec = unit.spec
        found = None
        missing: tuple[str, ...] = ()
        if self.aws is not None:
            from byodkim.aws.guards import read_statuses

            found = read_statuses(self.aws, spec.domain, spec.regions)
            missing = missing_configuration_sets(self.aws, found)
        posture = assess(spec.domain, spec.selector or None, self.servers, self.mail_from, found, self.expected)
        return DomainChecked(posture, missing)


def missing_configuration_sets(aws: Aws, found: list[RegionStatus]) -> tuple[str, ...]:
    """Return "REGION: NAME does not exist" for identities whose default configuration set is gone."""
    from byodkim.aws.errors import error_code
    from byodkim.messages import say

    missing: list[str] = []
    for status in found:
        if not status.configuration_set:
            continue
        try:
            aws.client("sesv2", status.region).get_configuration_set(ConfigurationSetName=status.configuration_set)
        except Exception as exc:
            if error_code(exc) != "NotFoundException":
                raise
            missing.append(say("ses.configuration_set_gone", region=status.region, name=status.configuration_set))
    return tuple(missing)


@dataclass
class RotateWork:
    """``rotate``: each domain's own resumable rotation (a state file per domain), up to ``until``."""

    aws: Aws
    template: RotationRequest  # every option but the domain and its regions
    progress: Callable[[str, str], None] = lambda _step, _what: None  # (step, what): one domain's progress lines
    notify: Callable[[str, str], None] | None = None  # (subject, message): the operator's alert channel

    def __call__(self, unit: Unit) -> Outcome:
        """Run or resume the domain's rotation: the fleet line's value."""
        from byodkim.workflows import rotate as rotation

        state, note = self.rotate(unit)
        target = self.template.until or rotation.STEPS[-1]
        last = state.done[-1] if state.done else "nothing"
        return Outcome(
            unit.domain,
            None,
            ok=target in state.done,
            action=last,
            detail=f"{state.old_selector} -> {state.new_selector}",
            data={"done": list(state.done), "request_file": state.request_file, "ssm": note},
        )

    def request(self, unit: Unit) -> RotationRequest:
        """Return the unit's rotation request: the template with the unit's domain and regions."""
        from dataclasses import replace

        return replace(self.template, domain=unit.domain, regions=unit.spec.regions)

    def rotate(self, unit: Unit) -> tuple[RotationState, str]:
        """Run or resume the rotation; once SES holds the new selector, point SSM at it (phases 4, 5, 7 read it).

        Return the state and the SSM line ("" when nothing changed there).
        """
        from byodkim.workflows import rotate as rotation
        from byodkim.workflows.registration import point_ssm_selector

        request = self.request(unit)
        state = rotation.rotate(request, self.aws, self.progress, self.notify)
        note = ""
        if "switched" in state.done:
            note = point_ssm_selector(self.aws, request.regions[0], request.domain, state.new_selector) or ""
        return state, note
