"""Every name the deployment gives its resources, and the one reader of the Sceptre config.

The running deployment's names are fixed (stacks ``aws-ses-migration-prod-prod-<stack>``,
the function ``aws-ses-migration-prod-dkim-manager``, ...); they follow from the Sceptre
config's ``project_code`` and the ``prod`` group's ``project_name`` and ``environment``.
The templates build the same names from the same values, so nothing here is a second
source of truth: the config is.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from byodkim.dkim.policy import RotationPolicy
from byodkim.errors import InputError
from byodkim.messages import say

STACKS = (
    "base",
    "phase-1-infrastructure-foundation",
    "phase-2-dkim-system",
    "phase-3-ses-byodkim",
    "phase-4-dns-preparation",
    "phase-5-dns-team-collaboration",
    "phase-7-dns-validation-dkim-activation",
    "phase-8-monitoring-system",
    "enhanced-kinesis",
    "monitoring",
    "security",
)
DKIM_WINDOW_SECONDS = 72 * 3600.0  # how long SES looks for a BYODKIM record before FAILED
SECRET_PREFIX = "byodkim/dkim"  # noqa: S105 - a name prefix, not a password
TAG_DOMAIN = "byodkim:domain"
TAG_SELECTOR = "byodkim:selector"
TAG_FINGERPRINT = "byodkim:fingerprint"
METRIC_NAMESPACE = "BYODKIM"
METRIC_DKIM_VERIFIED = "DkimVerified"
METRIC_DKIM_PROBLEMS = "DkimProblems"  # per SES region: how many declared domains are in trouble
METRIC_DKIM_KEY_AGE = "DkimKeyAgeDays"  # per Domain and Region, and the fleet's oldest with no dimension
FLEET_MANIFEST_PREFIX = "fleet/"  # in the certificates bucket: the declared domains, for the health check
DEFAULT_GROUP = "prod"
LAMBDA_RUNTIME = "python3.12"  # the dkim-manager's runtime unless the Sceptre config says otherwise
SCEPTRE_DIR_ENV = "BYODKIM_SCEPTRE_DIR"


def secret_id(domain: str, selector: str, prefix: str = SECRET_PREFIX) -> str:
    """Return ``<prefix>/<domain>/<selector>``: where a domain's key for a selector is kept."""
    return f"{prefix.rstrip('/')}/{domain}/{selector}"


@dataclass(frozen=True)
class DomainSpec:
    """One declared domain: its selector and the SES regions it is registered in."""

    domain: str
    selector: str
    regions: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (the fleet manifest's entry)."""
        return {"domain": self.domain, "selector": self.selector, "regions": list(self.regions)}


@dataclass(frozen=True)
class Deployment:
    """One environment of the project, and the names of everything it runs."""

    project: str  # project_name, e.g. aws-ses-migration
    environment: str  # e.g. prod
    project_code: str  # Sceptre's project_code, e.g. aws-ses-migration-prod
    group: str  # Sceptre config group, e.g. prod
    region: str | None = None
    domain: str | None = None
    selector: str | None = None
    secret_prefix: str = SECRET_PREFIX
    lambda_runtime: str = LAMBDA_RUNTIME
    # Every domain the deployment signs, from the `domains:` list (or domain_name alone).
    domains: tuple[DomainSpec, ...] = field(default=())
    rotation: RotationPolicy = field(default_factory=RotationPolicy)  # rotation_days and the rest (dkim/policy)
    hosted_zone_id: str = ""  # the domain's Route 53 zone, when the deployment publishes its own records

    @property
    def regions(self) -> tuple[str, ...]:
        """Return every SES region of the declared domains, the deployment's own first."""
        found = [self.region] if self.region else []
        return tuple(dict.fromkeys([*found, *(r for spec in self.domains for r in spec.regions)]))

    def manifest(self) -> bytes:
        """Return the declared domains as the health check reads them (stable JSON, so its S3 key is its hash)."""
        import json

        return json.dumps([spec.as_dict() for spec in self.domains], sort_keys=True, separators=(",", ":")).encode()

    def declared(self, domain: str) -> DomainSpec | None:
        """Return the declaration of ``domain``, ``None`` when the deployment does not list it."""
        return next((spec for spec in self.domains if spec.domain == domain), None)

    @classmethod
    def from_names(cls, project: str, environment: str, region: str | None = None) -> Deployment:
        """Return the deployment Sceptre makes of a project and environment (``<project>-<env>`` code, group env)."""
        return cls(project, environment, f"{project}-{environment}", environment, region)

    @property
    def prefix(self) -> str:
        """Return ``<project>-<environment>``, the prefix of every resource name."""
        return f"{self.project}-{self.environment}"

    def stack_name(self, stack: str) -> str:
        """Return the CloudFormation name Sceptre gives a stack: ``<project_code>-<group>-<stack>``."""
        return f"{self.project_code}-{self.group}-{stack}"

    def stack_config(self, stack: str) -> str:
        """Return the stack's config path as Sceptre commands take it."""
        return f"{self.group}/{stack}.yaml"

    @property
    def function_name(self) -> str:
        """Return the dkim-manager Lambda's name."""
        return f"{self.prefix}-dkim-manager"

    @property
    def layer_name(self) -> str:
        """Return the cryptography layer's name."""
        return f"{self.prefix}-cryptography"

    @property
    def certificates_bucket(self) -> str:
        """Return the bucket phase 4 writes the record and requests to."""
        return f"{self.prefix}-dkim-certificates"

    @property
    def dns_topic_name(self) -> str:
        """Return the SNS topic the DNS team subscribes to."""
        return f"{self.prefix}-dns-team"

    def dns_topic_arn(self, region: str, account: str) -> str:
        """Return the DNS team topic's ARN in ``region`` of ``account``."""
        return f"arn:aws:sns:{region}:{account}:{self.dns_topic_name}"

    @property
    def kms_alias(self) -> str:
        """Return phase 1's KMS key alias, which encrypts the DKIM secrets, logs and topics."""
        return f"alias/{self.prefix}-dkim"

    @property
    def alert_topic_name(self) -> str:
        """Return phase 8's alert topic, which the alarms and the health check tell."""
        return f"{self.prefix}-alerts"

    def alert_topic_arn(self, region: str, account: str) -> str:
        """Return the alert topic's ARN in ``region`` of ``account``."""
        return f"arn:aws:sns:{region}:{account}:{self.alert_topic_name}"

    @property
    def health_rule_name(self) -> str:
        """Return the EventBridge rule that runs the DKIM health check (phase 8)."""
        return f"{self.prefix}-dkim-health"

    @property
    def phase7_rule_name(self) -> str:
        """Return the EventBridge rule that runs phase 7 on a schedule."""
        return f"{self.prefix}-phase7-dkim-activation"

    @property
    def dmarc_rule_set(self) -> str:
        """Return the SES receipt rule set phase 8 makes for DMARC reports (when dmarc_reports_address is set)."""
        return f"{self.prefix}-dmarc-reports"

    @property
    def dashboard_name(self) -> str:
        """Return the phase-8 CloudWatch dashboard's name."""
        return f"{self.prefix}-phase8-monitoring"

    @property
    def parameter_root(self) -> str:
        """Return the SSM path of this deployment's DKIM state.

        Under /byodkim/: SSM reserves names whose first level starts with "aws".
        """
        return f"/byodkim/{self.prefix}/dkim"

    def parameter(self, domain: str, name: str) -> str:
        """Return the SSM name of one value phase 4 or 7 keeps for ``domain``."""
        return f"{self.parameter_root}/{domain}/{name}"


# How every hint, report and doc says to run Sceptre: from the repository root, where keys,
# dns-request.md and rollout-status.md also land, so no step leaves the operator in sceptre/.
SCEPTRE = "uv run sceptre --dir sceptre"


def sceptre_command(*args: str) -> str:
    """Return the Sceptre command line an operator types from the repository root."""
    return " ".join((SCEPTRE, *args))


def find_sceptre_dir(start: Path | None = None) -> Path | None:
    """Return the project's Sceptre folder: $BYODKIM_SCEPTRE_DIR, ./sceptre, ., or the checkout's own."""
    candidates = []
    if os.environ.get(SCEPTRE_DIR_ENV):
        candidates.append(Path(os.environ[SCEPTRE_DIR_ENV]))
    here = start or Path.cwd()
    candidates += [here / "sceptre", here, Path(__file__).resolve().parents[2] / "sceptre"]
    return next((c for c in candidates if (c / "config" / "config.yaml").is_file()), None)


def read(sceptre_dir: Path | None = None, group: str = DEFAULT_GROUP) -> Deployment:
    """Read the deployment from the Sceptre config: the project-wide file, then the group's."""
    folder = sceptre_dir or find_sceptre_dir()
    if folder is None:
        raise InputError(say("config.none"), say("config.none_hint", env=SCEPTRE_DIR_ENV))
    top = _load(folder / "config" / "config.yaml")
    group_file = folder / "config" / group / "config.yaml"
    if not group_file.is_file():
        raise InputError(say("config.no_group", group=group, path=group_file), say("config.check_group"))
    values = {**top, **_load(group_file)}
    project_code = _text(values, "project_code", folder)
    region = str(values["region"]) if values.get("region") else None
    return Deployment(
        project=str(values.get("project_name") or project_code.removesuffix(f"-{group}")),
        environment=str(values.get("environment") or group),
        project_code=project_code,
        group=group,
        region=region,
        domain=str(values["domain_name"]) if values.get("domain_name") else None,
        selector=str(values["selector"]) if values.get("selector") else None,
        secret_prefix=str(values.get("secret_prefix") or SECRET_PREFIX),
        lambda_runtime=str(values.get("lambda_runtime") or LAMBDA_RUNTIME),
        domains=_domains(values, group_file, (*((region,) if region else ()), *_extra_regions(folder, group))),
        rotation=RotationPolicy.from_config(values),
        hosted_zone_id=_var_default(str(values.get("hosted_zone_id") or "")),
    )


REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")  # the one shape of a region name (aws.session checks it)


def _extra_regions(folder: Path, group: str) -> tuple[str, ...]:
    """Return the regions of the group's nested stack groups (``<group>/<name>/config.yaml`` setting ``region``).

    Sceptre's own cascade: a nested group inherits the group's settings and sets only what
    differs, so a second SES region is a folder whose config says ``region: us-east-1``.
    """
    found = []
    for nested in sorted((folder / "config" / group).glob("*/config.yaml")):
        region = _load(nested).get("region")
        if region:
            found.append(_region(str(region), nested))
    return tuple(found)


def _domains(values: dict[str, Any], where: Path, regions: tuple[str, ...]) -> tuple[DomainSpec, ...]:
    """Return the declared domains: the ``domains:`` list, with ``domain_name`` as its one-entry default.

    An entry is ``{domain, selector, regions}``; the selector defaults to the group's ``selector``
    and the regions to the group's region plus its nested groups' regions. ``domain_name`` (the
    domain the phase stacks serve) is always part of the fleet, first.
    """
    from byodkim.dkim.names import normalize_domain

    default_selector = str(values.get("selector") or "")
    listed = values.get("domains") or []
    if not isinstance(listed, list):
        raise InputError(say("config.domains_not_list", where=str(where)), say("config.domains_not_list_hint"))
    if values.get("domain_name") and (default_selector or listed):
        main = normalize_domain(str(values["domain_name"]))
        if not any(isinstance(e, dict) and str(e.get("domain", "")).lower() == main for e in listed):
            listed = [{"domain": main}, *listed]
    specs: dict[str, DomainSpec] = {}
    for number, entry in enumerate(listed, 1):
        spec = _entry(entry, number, where, default_selector, regions)
        if spec.domain in specs:
            raise InputError(
                say("config.domain_twice", domain=spec.domain, where=str(where)), say("config.domain_twice_hint")
            )
        specs[spec.domain] = spec
    return tuple(specs.values())


def _entry(entry: object, number: int, where: Path, default_selector: str, regions: tuple[str, ...]) -> DomainSpec:
    from byodkim.dkim.names import normalize_domain, validate_selector

    if isinstance(entry, str):
        entry = {"domain": entry}  # the short form: just the name
    if not isinstance(entry, dict) or not entry.get("domain"):
        raise InputError(
            say("config.entry_no_domain", number=number, where=str(where)), say("config.entry_no_domain_hint")
        )
    try:
        domain = normalize_domain(str(entry["domain"]))
        selector = validate_selector(str(entry.get("selector") or default_selector))
    except InputError as exc:
        raise InputError(
            say("config.entry_bad", number=number, where=str(where), why=exc.message), say("config.fix_entry")
        ) from None
    named = entry.get("regions") or list(regions)
    named = [named] if isinstance(named, str) else named
    if not named:
        raise InputError(
            say("config.entry_no_region", number=number, domain=domain, where=str(where)),
            say("config.entry_no_region_hint"),
        )
    return DomainSpec(domain, selector, tuple(dict.fromkeys(_region(str(r), where) for r in named)))


def _region(name: str, where: Path) -> str:
    if not REGION_NAME.match(name):
        raise InputError(say("config.bad_region", name=name, where=str(where)), say("config.bad_region_hint"))
    return name


def resolve(project: str | None, environment: str | None, sceptre_dir: Path | None = None) -> Deployment:
    """Return the deployment named on the command line, filling what is not given from the Sceptre config."""
    if project and environment:
        return Deployment.from_names(project, environment)
    found = read(sceptre_dir, environment or DEFAULT_GROUP)
    if project and project != found.project:
        return Deployment.from_names(project, found.environment, found.region)
    return found


def default_region() -> str:
    """Return the region the Sceptre config names, for local tools (the emulator) that need one to start."""
    found = find_sceptre_dir()
    region = read(found).region if found is not None else None
    return region or "us-east-1"  # outside a checkout: boto3's own fallback region


def _var_default(value: str) -> str:
    """Return the default of a ``{{ var.NAME | default('...') }}`` value: ``--var`` is given to Sceptre, not to us."""
    import re

    found = re.fullmatch(r"\{\{\s*var\.\w+\s*\|\s*default\('([^']*)'\)\s*\}\}", value.strip())
    return found[1] if found else value


def _load(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    try:
        # utf-8-sig: a BOM from a Windows editor is harmless here; other encodings are refused.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(say("config.not_utf8", path=str(path), line=line), say("config.not_utf8_hint")) from None
    import copy

    import yaml

    try:
        loaded = copy.deepcopy(_parsed(text))  # a copy: the parse is shared, what callers do with it is not
    except yaml.YAMLError as exc:
        raise InputError(
            say("config.bad_yaml", path=str(path), why=str(exc).replace("\n", " ")), say("config.fix_file")
        ) from None
    if not isinstance(loaded, dict):
        raise InputError(say("config.not_mapping", path=str(path)), say("config.fix_file"))
    return loaded


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> Any:  # noqa: ANN401 - whatever the YAML holds
    """Return the YAML ``text`` parsed, once per text in a process.

    A command reads the config three or four times (its region, its domains, the key's alias, the
    secret readers), and PyYAML's parser is pure Python: the in-process test suite spent a tenth of
    a file's CPU here. Keyed by the text itself, not the file's time, so an edit is always seen.
    """
    import yaml

    class _Loader(yaml.SafeLoader):
        """Sceptre's own tags (resolvers, hooks) are Sceptre's business: read them as plain values."""

    _Loader.add_multi_constructor("!", lambda loader, _suffix, node: _plain(loader, node))
    return yaml.load(text, Loader=_Loader) or {}  # noqa: S506 - a SafeLoader subclass


def _plain(loader: Any, node: Any) -> Any:  # noqa: ANN401 - a yaml loader and node
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def _text(values: dict[str, Any], key: str, folder: Path) -> str:
    value = values.get(key)
    if not value:
        raise InputError(say("config.unset", key=key, folder=str(folder / "config")), say("config.unset_hint", key=key))
    return str(value)
