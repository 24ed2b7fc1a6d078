"""Each fleet command's work for one unit (a domain, or a domain in one region).

These are the single-domain library functions, called once per unit by
:class:`byodkim.rollout.fleet.Run`; nothing here decides order, concurrency or output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.deployment import SECRET_PREFIX, secret_id
from byodkim.errors import InputError
from byodkim.messages import say
from byodkim.rollout.fleet import Once, Outcome, Unit

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from byodkim.aws.ses import KeyMaterial
    from byodkim.aws.session import Aws
    from byodkim.deployment import DomainSpec
    from byodkim.dkim.keys import PublicKey, SigningKey
    from byodkim.dnscheck.servers import Server
    from byodkim.rollout.rotate import RotationRequest


def public_keys(aws: Aws, specs: Sequence[DomainSpec], prefix: str) -> dict[str, PublicKey]:
    """Return domain -> public key for its declared selector, from one sweep of each first region's secrets."""
    from byodkim.aws.secrets import described_keys

    found: dict[str, PublicKey] = {}
    for region in dict.fromkeys(spec.regions[0] for spec in specs if spec.regions):
        kept = described_keys(aws.client("secretsmanager", region), prefix)
        for spec in specs:
            key = kept.get(secret_id(spec.domain, spec.selector, prefix)) if spec.regions[:1] == (region,) else None
            if key is not None:
                found[spec.domain] = key
    return found


@dataclass
class RegisterWork:
    """``register``: the domain's key from its secret (made and stored once, if new), then SES in one region.

    The key is stored before any region is registered, and a region is registered only with
    the stored key, so an interrupted run never leaves a domain registered with a key that is
    not kept, and a re-run registers the stored key where it is missing.
    """

    aws: Aws
    kms_key_id: Callable[[str], str | None] = lambda _region: None  # a region's key for new secrets
    dry_run: bool = False
    force: bool = False
    servers: tuple[Server, ...] = ()
    kept: dict[str, PublicKey] = field(default_factory=dict)  # domain -> the key its secret describes
    key_dir: Path | None = None  # keygen --all's folder: register DIR/DOMAIN/SELECTOR.private.pem
    # Who may read a new secret (its resource policy), per region; nobody named: no policy.
    readers: Callable[[str], tuple[str, ...]] = lambda _region: ()
    _keys: Once[DomainSpec, tuple[str, KeyMaterial]] = field(init=False)

    def __post_init__(self) -> None:
        self._keys = Once(self._obtain)
        self._kms = Once(self.kms_key_id)  # KMS keys are regional: looked up once per region used
        self._readers = Once(self.readers)

    def __call__(self, unit: Unit) -> Outcome:
        """Register ``unit.domain`` in ``unit.region``."""
        from byodkim.aws.guards import live_check
        from byodkim.aws.ses import Registration, register

        assert unit.region is not None  # noqa: S101 - register units are regional
        action, key = self._keys.get(unit.spec)  # every region's unit of a domain carries the same spec
        spec = unit.spec
        request = Registration(spec.domain, spec.selector, key, (unit.region,), self.dry_run, self.force)
        live = live_check(spec.domain, spec.selector, key.public, self.servers)
        result = register(request, self.aws, live)[0]
        return Outcome(
            spec.domain,
            unit.region,
            ok=result.ok,
            action=result.action,
            detail=result.detail,
            data={
                "selector": spec.selector,
                "status": result.status,
                "fingerprint": key.public.fingerprint,
                "secret": action,
            },
        )

    def _obtain(self, spec: DomainSpec) -> tuple[str, KeyMaterial]:
        """Return the domain's key: the one kept (by its description: no secret read), or a new one, stored.

        ``kept`` comes from one sweep of the secrets; a domain not in it has no secret, or one
        stored before descriptions carried the key, which ``obtain_key`` reads.
        """
        from byodkim.aws.secrets import KeptKey, obtain_key

        domain = spec.domain
        client = self.aws.client("secretsmanager", spec.regions[0])
        given = self._key_file(spec.domain, spec.selector)
        public = self.kept.get(domain)
        if public is not None and (given is None or given.public.fingerprint == public.fingerprint):
            return "kept", KeptKey(client, secret_id(domain, spec.selector), public)
        source = obtain_key(  # a different key in the file than in the secret is refused there
            client,
            domain=domain,
            selector=spec.selector,
            given=given,
            secret_id=None,
            kms_key_id=self._kms.get(spec.regions[0]),
            dry_run=self.dry_run,
            readers=() if self.dry_run else self._readers.get(spec.regions[0]),
        )
        return source.action, source.key

    def _key_file(self, domain: str, selector: str) -> SigningKey | None:
        if self.key_dir is None:
            return None
        from byodkim.dkim.keyload import load_private_key

        path = self.key_dir / domain / f"{selector}.private.pem"
        if not path.is_file():
            raise InputError(say("key.no_file", domain=domain, path=path), say("key.no_file_hint"))
        return load_private_key(path)


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


@dataclass
class CheckDomainWork:
    """``check-domain``: the domain's whole sending posture (SPF, DMARC, DKIM, SES per region)."""

    aws: Aws | None
    servers: tuple[Server, ...] = ()

    def __call__(self, unit: Unit) -> Outcome:
        """Assess one domain."""
        from byodkim.rollout.domaincheck import NOT_MET, assess

        spec = unit.spec
        found = None
        if self.aws is not None:
            from byodkim.aws.guards import read_statuses

            found = read_statuses(self.aws, spec.domain, spec.regions)
        posture = assess(spec.domain, spec.selector or None, self.servers, ses=found)
        unmet = [r.name for r in posture.requirements if r.state == NOT_MET]
        return Outcome(
            spec.domain,
            None,
            ok=posture.ok,
            action="ready" if posture.ok else "not ready",
            detail=", ".join(unmet) if unmet else "every checkable requirement met",
            data={"posture": posture.as_dict()},
        )


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
            stage, step = "PENDING", "byodkim verify --ses --wait"
        ok = not stage.startswith(("FAILED", "TEMPORARY"))
        return Outcome(spec.domain, None, ok=ok, action=stage, detail=report.summary(), data=data, next=step)
