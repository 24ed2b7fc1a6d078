"""register's workflow, the same for one domain and a fleet: a unit per domain and region.

A domain is a fleet of one. For each domain, once (whichever of its regions asks first):
its key in memory (a key file, the secret under the deployment's prefix, or a new key) and a
plan of every region, as ``--dry-run`` makes it; only when no region refuses is the secret
stored. Each region then registers with the stored key. So a refusal writes nothing (no
secret, no SES change, no SSM), an interrupted run never leaves SES with a key that is not
kept, and a re-run reads what is done. What differs between one domain and many is how the
outcomes are printed, which the CLI decides.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from byodkim.deployment import SECRET_PREFIX, secret_id
from byodkim.errors import InputError
from byodkim.messages import say
from byodkim.workflows.units import Once, Outcome, Unit

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from byodkim.aws.secrets import KeySource
    from byodkim.aws.ses import KeyMaterial, LiveCheck, RegionResult
    from byodkim.aws.session import Aws
    from byodkim.deployment import DomainSpec
    from byodkim.dkim.keys import PublicKey, SigningKey
    from byodkim.dnscheck.servers import Server

AGAIN = "Have the record published again, check it with `byodkim verify`, then run again"


@dataclass(frozen=True)
class RegisterRequest:
    """What ``register`` was asked, for one domain or many (each spec with its selector and regions)."""

    specs: tuple[DomainSpec, ...]
    secret_prefix: str = SECRET_PREFIX
    dry_run: bool = False
    force: bool = False
    servers: tuple[Server, ...] = ()
    key: SigningKey | None = None  # one domain's key, from a file
    secret_id: str | None = None  # one domain's secret, named
    key_dir: Path | None = None  # keygen's folder: DIR/DOMAIN/SELECTOR.private.pem per domain
    # One domain, no key named: keygen's files for its selector found on disk. A new key made beside
    # one would never match the record the DNS team was given from it: deny by default.
    unnamed_key_files: tuple[Path, ...] = ()


@dataclass
class DomainKey:
    """A domain's key as register found it, and what became of its secret."""

    key: KeyMaterial
    secret_id: str
    action: str  # kept | read from secret | already stored | would store | stored | not stored
    source: KeySource | None = None  # None when the key is known by its secret's description only
    region: str = ""  # where the secret is (the domain's first region)


@dataclass
class Registered:
    """One unit's result: the region's result, the domain's key, and a note for stderr (the SSM selector)."""

    unit: Unit
    key: DomainKey
    result: RegionResult
    note: str = ""

    def outcome(self) -> Outcome:
        """Return the fleet line's value."""
        spec, result = self.unit.spec, self.result
        return Outcome(
            spec.domain,
            self.unit.region,
            ok=result.ok,
            action=result.action,
            detail=result.detail,
            data={
                "selector": spec.selector,
                "status": result.status,
                "fingerprint": self.key.key.public.fingerprint,
                "secret": self.key.action,
            },
        )


@dataclass
class _Plan:
    key: DomainKey
    results: dict[str, RegionResult]
    check: LiveCheck

    @property
    def refused(self) -> str | None:
        return next((region for region, r in self.results.items() if r.action == "refused"), None)


@dataclass
class Registrar:
    """Carry out a :class:`RegisterRequest`, one unit (domain and region) at a time, from any thread.

    ``kms_key`` and ``readers`` say, per region, which KMS key a new secret is encrypted with
    and who may read it (asked once per region); ``kept`` maps a domain to the public key its
    secret's description holds (one ListSecrets sweep for a fleet), so no secret value is read
    for a domain SES already holds.
    """

    request: RegisterRequest
    aws: Aws
    kms_key: Callable[[str], str | None]
    readers: Callable[[str], tuple[str, ...]]
    kept: dict[str, PublicKey] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._plans: Once[DomainSpec, _Plan] = Once(self._plan)
        self._stored: Once[DomainSpec, DomainKey] = Once(self._store)
        self._kms: Once[str, str | None] = Once(self.kms_key)
        self._readers: Once[str, tuple[str, ...]] = Once(self.readers)
        self._ssm: Once[DomainSpec, str] = Once(self._point_ssm)
        self._switched: Once[DomainSpec, dict[str, RegionResult]] = Once(self._switch)

    def __call__(self, unit: Unit) -> Outcome:
        """Register one unit; the fleet's form of :meth:`register`."""
        return self.register(unit).outcome()

    def register(self, unit: Unit) -> Registered:
        """Register ``unit.domain`` in ``unit.region``, after its domain's plan and with its stored key."""
        from byodkim.aws.ses import RegionResult

        assert unit.region is not None  # noqa: S101 - register units are regional
        plan = self._plans.get(unit.spec)  # every region's unit of a domain carries the same spec
        planned = plan.results[unit.region]
        refused = plan.refused
        if refused is not None:  # the guard said no somewhere: nothing is written anywhere for the domain
            key = dataclasses.replace(plan.key, action="not stored")
            if planned.action != "refused":
                planned = RegionResult(
                    unit.region, "not changed", ok=False, detail=f"refused in {refused}; nothing was changed"
                )
            return Registered(unit, key, planned)
        if self.request.dry_run:
            return Registered(unit, plan.key, planned)
        key = self._stored.get(unit.spec)
        if planned.action == "already registered":  # SES holds this key here: no second read
            return Registered(unit, key, planned)
        result = self._switched.get(unit.spec)[unit.region]
        note = self._ssm.get(unit.spec) if result.action in ("created", "updated") and result.ok else ""
        return Registered(unit, key, result, note)

    def register_all(self, todo: Sequence[Unit]) -> list[Registered]:
        """Register the units one after another (one domain: its regions in order)."""
        return [self.register(unit) for unit in todo]

    def _switch(self, spec: DomainSpec) -> dict[str, RegionResult]:
        """Switch every region of the domain (once, whichever unit asks first), leaving none on a gone record.

        The rule of docs/rotate.md: once the record is found gone in one region, the regions after
        it are not switched and those switched before it go back to their previous key.
        """
        from byodkim.aws.ses import UNPUBLISHED, Registration, register
        from byodkim.function.switch_back import undo_unpublished

        plan, key = self._plans.get(spec), self._stored.get(spec)
        request = Registration(spec.domain, spec.selector, key.key, spec.regions, force=self.request.force)
        results = register(request, self.aws, plan.check)
        back = undo_unpublished(spec.domain, results, self.aws, self.request.servers, prefix=self.request.secret_prefix)
        for result in results:
            if result.action == "refused":  # the record went between the plan and an attempt of the switch
                result.detail += f". {AGAIN}"
            if result.action == UNPUBLISHED:
                result.detail += f"; {back}. {AGAIN}"
        return {r.region: r for r in results}

    def _plan(self, spec: DomainSpec) -> _Plan:
        """Find the domain's key (in memory only) and ask every region what it would do with it."""
        from byodkim.aws.guards import live_check
        from byodkim.aws.ses import Registration, register

        key = self._key(spec)
        check = live_check(spec.domain, spec.selector, key.key.public, self.request.servers)
        planned = register(
            Registration(spec.domain, spec.selector, key.key, spec.regions, dry_run=True, force=self.request.force),
            self.aws,
            check,
        )
        return _Plan(key, {r.region: r for r in planned}, check)

    def _key(self, spec: DomainSpec) -> DomainKey:
        """Return the key to register, read or made but not stored yet."""
        from byodkim.aws.secrets import KeptKey, obtain_key

        region = spec.regions[0]
        client = self.aws.client("secretsmanager", region)
        given = self.request.key or self._key_file(spec)
        where = self.request.secret_id or secret_id(spec.domain, spec.selector, self.request.secret_prefix)
        public = self.kept.get(spec.domain)
        if public is not None and (given is None or given.public.fingerprint == public.fingerprint):
            return DomainKey(KeptKey(client, where, public), where, "kept", region=region)
        source = obtain_key(  # a different key in the file than in the secret is refused there
            client,
            domain=spec.domain,
            selector=spec.selector,
            given=given,
            secret_id=self.request.secret_id,
            kms_key_id=self._kms.get(region),
            dry_run=True,
            prefix=self.request.secret_prefix,
        )
        if source.generated and self.request.unnamed_key_files:
            path = self.request.unnamed_key_files[0]
            raise InputError(
                say("register.local_key_unused", path=path, selector=spec.selector),
                say("register.local_key_hint", path=path),
            )
        return DomainKey(source.key, source.secret_id, source.action, source, region)

    def _store(self, spec: DomainSpec) -> DomainKey:
        """Store the domain's planned key when it is new (once, before any region is registered)."""
        from byodkim.aws.secrets import obtain_key

        planned = self._plans.get(spec).key
        if planned.action != "would store" or planned.source is None:
            return planned
        source = obtain_key(
            self.aws.client("secretsmanager", planned.region),
            domain=spec.domain,
            selector=spec.selector,
            given=planned.source.key,
            secret_id=self.request.secret_id,
            kms_key_id=self._kms.get(planned.region),
            dry_run=False,
            readers=self._readers.get(planned.region),
            prefix=self.request.secret_prefix,
        )
        source = dataclasses.replace(source, generated=planned.source.generated)
        return DomainKey(source.key, source.secret_id, source.action, source, planned.region)

    def _key_file(self, spec: DomainSpec) -> SigningKey | None:
        """Return keygen's file for the domain under ``key_dir``, if the request names the folder."""
        if self.request.key_dir is None:
            return None
        from byodkim.dkim.keyload import load_private_key

        path = self.request.key_dir / spec.domain / f"{spec.selector}.private.pem"
        if not path.is_file():
            raise InputError(say("key.no_file", domain=spec.domain, path=path), say("key.no_file_hint"))
        return load_private_key(path)

    def _point_ssm(self, spec: DomainSpec) -> str:
        return point_ssm_selector(self.aws, spec.regions[0], spec.domain, spec.selector) or ""


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


def point_ssm_selector(aws: Aws, region: str, domain: str, selector: str) -> str | None:
    """Point the deployment's SSM selector parameter at ``selector``; return the line to print.

    The parameter (phase 4's, read by phases 4, 5 and 7) is only updated where it exists and names
    another selector: SES's selector is the truth, and the next phase must not act on the old key.
    """
    from byodkim import deployment
    from byodkim.aws.ssm import read_parameter

    folder = deployment.find_sceptre_dir()
    if folder is None:
        return None
    name = deployment.read(folder).parameter(domain, "selector")
    client = aws.client("ssm", region)
    try:
        held = read_parameter(client, name)
        if held is None or held == selector:
            return None
        client.put_parameter(Name=name, Value=selector, Type="String", Overwrite=True)
    except Exception as exc:  # noqa: BLE001 - SES has switched; the parameter is a note to fix by hand
        from byodkim.aws.errors import keyed, translate

        translated = translate(exc)
        why = keyed(translated) if translated is not None else str(exc)
        return say("register.ssm_failed", name=name, selector=selector, why=why)
    return say("register.ssm_moved", name=name, held=held, selector=selector)
