"""Every name the deployment gives its resources, and the one reader of the Sceptre config.

The running deployment's names are fixed (stacks ``aws-ses-migration-prod-prod-<stack>``,
the function ``aws-ses-migration-prod-dkim-manager``, ...); they follow from the Sceptre
config's ``project_code`` and the ``prod`` group's ``project_name`` and ``environment``.
The templates build the same names from the same values, so nothing here is a second
source of truth: the config is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from byodkim.errors import InputError

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
DEFAULT_GROUP = "prod"
LAMBDA_RUNTIME = "python3.12"  # the dkim-manager's runtime unless the Sceptre config says otherwise
SCEPTRE_DIR_ENV = "BYODKIM_SCEPTRE_DIR"


def secret_id(domain: str, selector: str, prefix: str = SECRET_PREFIX) -> str:
    """Return ``<prefix>/<domain>/<selector>``: where a domain's key for a selector is kept."""
    return f"{prefix.rstrip('/')}/{domain}/{selector}"


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
        raise InputError(
            "no Sceptre project found (sceptre/config/config.yaml)",
            f"run from the byodkim checkout, set {SCEPTRE_DIR_ENV}, or pass --project and --env",
        )
    top = _load(folder / "config" / "config.yaml")
    group_file = folder / "config" / group / "config.yaml"
    if not group_file.is_file():
        raise InputError(f"the Sceptre config group `{group}` does not exist ({group_file})", "check --env")
    values = {**top, **_load(group_file)}
    project_code = _text(values, "project_code", folder)
    return Deployment(
        project=str(values.get("project_name") or project_code.removesuffix(f"-{group}")),
        environment=str(values.get("environment") or group),
        project_code=project_code,
        group=group,
        region=str(values["region"]) if values.get("region") else None,
        domain=str(values["domain_name"]) if values.get("domain_name") else None,
        selector=str(values["selector"]) if values.get("selector") else None,
        secret_prefix=str(values.get("secret_prefix") or SECRET_PREFIX),
        lambda_runtime=str(values.get("lambda_runtime") or LAMBDA_RUNTIME),
    )


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


def _load(path: Path) -> dict[str, Any]:
    import yaml

    raw = path.read_bytes()
    try:
        # utf-8-sig: a BOM from a Windows editor is harmless here; other encodings are refused.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"`{path}` is not UTF-8 (line {line})", "save it as UTF-8 (or plain ASCII), e.g. in VS Code"
        ) from None

    class _Loader(yaml.SafeLoader):
        """Sceptre's own tags (resolvers, hooks) are Sceptre's business: read them as plain values."""

    _Loader.add_multi_constructor("!", lambda loader, _suffix, node: _plain(loader, node))
    try:
        loaded = yaml.load(text, Loader=_Loader) or {}  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InputError(f"`{path}` is not valid YAML: {exc}".replace("\n", " "), "fix the file") from None
    if not isinstance(loaded, dict):
        raise InputError(f"`{path}` is not a mapping of settings", "fix the file")
    return loaded


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
        raise InputError(f"`{key}` is not set in {folder / 'config'}", f"set {key} in config/config.yaml")
    return str(value)
