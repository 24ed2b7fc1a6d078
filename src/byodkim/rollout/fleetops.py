"""Each fleet command's work for one unit (a domain, or a domain in one region).

These are the single-domain library functions, called once per unit by
:class:`byodkim.rollout.fleet.Run`; nothing here decides order, concurrency or output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.deployment import SECRET_PREFIX, secret_id
from byodkim.errors import InputError
from byodkim.rollout.fleet import Outcome, Unit

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.aws.ses import RegionStatus
    from byodkim.aws.session import Aws
    from byodkim.dkim.keys import PublicKey
    from byodkim.dnscheck.servers import Server
    from byodkim.rollout.domaincheck import Posture
    from byodkim.rollout.rotate import RotationRequest


@dataclass
class StatusWork:
    """``status``: SES's view of the domain in one region."""

    aws: Aws

    def __call__(self, unit: Unit) -> Outcome:
        """Read the identity."""
        from byodkim.aws.ses import status

        assert unit.region is not None  # noqa: S101 - status units are regional
        seen = status(unit.domain, (unit.region,), self.aws)[0]
        if seen.error:
            return Outcome(unit.domain, unit.region, ok=False, action="failed", detail=seen.error)
        if not seen.exists:
            return Outcome(unit.domain, unit.region, ok=True, action="no identity", data=seen.as_dict())
        action = f"{seen.origin} {seen.status}"
        detail = ",".join(seen.tokens) if seen.origin == "EXTERNAL" else f"Easy DKIM, {len(seen.tokens)} tokens"
        return Outcome(unit.domain, unit.region, ok=True, action=action, detail=detail, data=seen.as_dict())


@dataclass
class VerifyWork:
    """``verify``: the record on every authoritative server (a domain unit), SES's verdict (a region unit)."""

    aws: Aws | None
    servers: tuple[Server, ...] = ()
    timeout: float = 3.0
    secret_prefix: str = SECRET_PREFIX
    public_keys: dict[str, PublicKey] = field(default_factory=dict)  # domain -> key, when given (no AWS)

    def __call__(self, unit: Unit) -> Outcome:
        """Check the unit's part."""
        if unit.region is not None:
            return self._ses(unit)
        from byodkim.dnscheck.check import check
        from byodkim.dnscheck.judge import Check

        spec = unit.spec
        expected = self.public_keys.get(spec.domain) or self._stored(spec.domain, spec.selector, spec.regions[0])
        report = check(Check(spec.domain, spec.selector, expected, self.servers, timeout=self.timeout, lean=True))
        outcomes = sorted({a.outcome for a in report.servers})
        return Outcome(
            spec.domain,
            None,
            ok=report.ok,
            action="published" if report.ok else "/".join(outcomes) or "no server",
            detail=report.summary(),
            data={"selector": spec.selector, "servers": {a.server: a.outcome for a in report.servers}},
        )

    def _stored(self, domain: str, selector: str, region: str) -> PublicKey:
        from byodkim.aws.secrets import read_public_key

        if self.aws is None:
            raise InputError(f"no public key for {domain}", "give --public-key-dir or let it read Secrets Manager")
        where = secret_id(domain, selector, self.secret_prefix)
        found = read_public_key(self.aws.client("secretsmanager", region), where)
        if found is None:
            raise InputError(f"no key in Secrets Manager for {domain} ({where})", f"run register --domain {domain}")
        return found

    def _ses(self, unit: Unit) -> Outcome:
        assert self.aws is not None  # noqa: S101 - region units exist only with --ses
        outcome = StatusWork(self.aws)(unit)
        status = outcome.data.get("status")
        ok = outcome.ok and status == "SUCCESS" and outcome.data.get("origin") == "EXTERNAL"
        return Outcome(unit.domain, unit.region, ok=ok, action=outcome.action, detail=outcome.detail)


@dataclass
class KeygenWork:
    """``keygen``: a key pair per domain under ``out/<domain>/``; an existing pair is kept, never replaced."""

    out: Path
    bits: int = 2048

    def __call__(self, unit: Unit) -> Outcome:
        """Generate and write, or keep what is there."""
        from byodkim.dkim import keyload, keys

        folder = self.out / unit.domain
        private = folder / f"{unit.spec.selector}.private.pem"
        if private.exists():
            fingerprint = keyload.load_private_key(private, None).public.fingerprint
            return Outcome(unit.domain, None, ok=True, action="kept", detail=str(private), data={"fp": fingerprint})
        key = keys.generate(self.bits)  # cryptography releases the GIL here: one thread per core generates
        files = keys.write_key_files(folder, unit.spec.selector, key)
        return Outcome(
            unit.domain,
            None,
            ok=True,
            action="generated",
            detail=str(files.private),
            data={"fp": key.public.fingerprint},
        )


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
        from byodkim.rollout.domaincheck import NOT_MET

        checked = self.check(unit)
        unmet = [r.name for r in checked.posture.requirements if r.state == NOT_MET]
        unmet += [f"configuration set {where}" for where in checked.missing_sets]
        return Outcome(
            unit.domain,
            None,
            ok=checked.ok,
            action="ready" if checked.ok else "not ready",
            detail=", ".join(unmet) if unmet else "every checkable requirement met",
            data={"posture": checked.as_dict()},
        )

    def check(self, unit: Unit) -> DomainChecked:
        """Read SES (unless there is no AWS) and DNS, and judge the domain."""
        from byodkim.rollout.domaincheck import assess

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

    missing = []
    for status in found:
        if not status.configuration_set:
            continue
        try:
            aws.client("sesv2", status.region).get_configuration_set(ConfigurationSetName=status.configuration_set)
        except Exception as exc:
            if error_code(exc) != "NotFoundException":
                raise
            missing.append(f"{status.region}: {status.configuration_set} does not exist; launch phase 3 again")
    return tuple(missing)


@dataclass
class RotateWork:
    """``rotate``: each domain's own resumable rotation (a state file per domain), up to ``until``."""

    aws: Aws
    template: RotationRequest  # every option but the domain and its regions

    def __call__(self, unit: Unit) -> Outcome:
        """Run or resume the domain's rotation."""
        from dataclasses import replace

        from byodkim.rollout import rotate as rotation

        request = replace(self.template, domain=unit.domain, regions=unit.spec.regions)
        state = rotation.rotate(request, self.aws, lambda _step, _what: None)
        target = request.until or rotation.STEPS[-1]
        last = state.done[-1] if state.done else "nothing"
        return Outcome(
            unit.domain,
            None,
            ok=target in state.done,
            action=last,
            detail=f"{state.old_selector} -> {state.new_selector}",
            data={"done": list(state.done), "request_file": state.request_file},
        )


@dataclass
class ReportWork:
    """``report``: where one domain's rollout stands (key, SES per region, record), and the next step."""

    aws: Aws
    servers: tuple[Server, ...] = ()
    secret_prefix: str = SECRET_PREFIX

    def __call__(self, unit: Unit) -> Outcome:
        """Read SES and DNS for the domain and name its stage."""
        from byodkim.aws.guards import read_statuses
        from byodkim.aws.secrets import read_public_key
        from byodkim.dnscheck.check import check
        from byodkim.dnscheck.judge import Check

        spec = unit.spec
        where = secret_id(spec.domain, spec.selector, self.secret_prefix)
        public = read_public_key(self.aws.client("secretsmanager", spec.regions[0]), where)
        found = read_statuses(self.aws, spec.domain, spec.regions)
        ses = {s.region: (f"{s.origin} {s.status}" if s.exists else "no identity") for s in found}
        data: dict[str, Any] = {"selector": spec.selector, "ses": ses, "dns": None}
        if public is None:
            return Outcome(spec.domain, None, ok=True, action="no key", data=data, next=f"register ({where})")
        report = check(Check(spec.domain, spec.selector, public, self.servers, lean=True))
        data["dns"] = report.summary()
        ours = [s for s in found if s.exists and s.origin == "EXTERNAL" and spec.selector in s.tokens]
        statuses = {str(s.status) for s in ours}
        if len(ours) < len(found):
            stage, step = "not registered", "register"
        elif statuses & {"FAILED", "TEMPORARY_FAILURE"}:
            stage, step = "/".join(sorted(statuses & {"FAILED", "TEMPORARY_FAILURE"})), "verify, then register"
        elif not report.ok:
            stage, step = "waiting for DNS", "dns-request to the DNS team, then verify"
        elif statuses == {"SUCCESS"}:
            stage, step = "SUCCESS", "nothing; the health check watches it"
        else:
            stage, step = "PENDING", "verify --ses --wait"
        ok = not stage.startswith(("FAILED", "TEMPORARY"))
        return Outcome(spec.domain, None, ok=ok, action=stage, detail=report.summary(), data=data, next=step)
