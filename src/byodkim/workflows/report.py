"""The rollout's live state, gathered into typed values: the memo the team used to write by hand.

Every stack with its status (and, for a rolled-back stack, the failing resource, the
reason and the way out), the layer version, the identity's DKIM state per region, the
record on each authoritative server. The next step is :mod:`nextstep`'s, read from these
values; rendering is :mod:`memo`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from byodkim.aws.errors import error_code
from byodkim.aws.ses import RegionStatus, status
from byodkim.deployment import STACKS, Deployment, DomainSpec, sceptre_command, secret_id
from byodkim.dnscheck.check import Report, check
from byodkim.dnscheck.judge import Check, ServerAnswer
from byodkim.errors import ByodkimError
from byodkim.workflows.domaincheck import Posture, assess
from byodkim.workflows.keyreport import KeyView, key_views, signing_selectors
from byodkim.workflows.sendtest import remembered
from byodkim.workflows.units import Unit

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

    from byodkim.aws.session import Aws
    from byodkim.dnscheck.servers import Server

# A stack in one of these needs its failure read before anything else is done.
FAILED = (
    "UPDATE_ROLLBACK_COMPLETE",
    "ROLLBACK_COMPLETE",
    "UPDATE_ROLLBACK_FAILED",
    "ROLLBACK_FAILED",
    "CREATE_FAILED",
    "DELETE_FAILED",
)
NOT_DEPLOYED = "NOT_DEPLOYED"  # the status a stack that does not exist is reported with


@dataclass
class StackState:
    """One stack as the report shows it."""

    stack: str
    name: str
    status: str  # NOT_DEPLOYED when absent
    failed_resource: str | None = None
    failed_type: str | None = None
    reason: str | None = None
    way_out: str | None = None


@dataclass(frozen=True)
class LayerState:
    """The newest cryptography layer version, and which versions the function uses."""

    name: str
    latest: str
    version: int
    runtimes: list[str]
    architectures: list[str]
    function_uses: list[str]


@dataclass(frozen=True)
class DnsView:
    """One BYODKIM selector's record on the authoritative servers, against the key SES was given."""

    selector: str
    ok: bool
    summary: str
    servers: list[ServerAnswer] = field(default_factory=list)
    name: str = ""  # the record's name, when it was checked
    good: int = 0  # servers publishing the key
    total: int = 0  # servers asked (a server counts once, whatever its addresses)


@dataclass(frozen=True)
class Rollout:
    """Everything the memo says about one domain, as read (a fleet's line says its stage)."""

    deployment: Deployment
    domain: str
    selector: str | None
    generated: str
    stacks: list[StackState]
    layer: LayerState | None
    regions: list[RegionStatus]
    dns: list[DnsView]
    mail: dict[str, Any] | None = None  # the last test message's verdict (send-test), if any
    posture: Posture | None = None  # SPF, DMARC and alignment for mail from SES (check-domain's)
    keys: list[KeyView] = field(default_factory=list)  # each selector SES signs with, and its key's age
    unkept: str | None = None  # no key of the domain's signs and none is stored: the secret register would fill


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: one domain's memo, or a fleet's domains (``lean``: each one's SES, record and key only)."""

    deployment: Deployment
    domain: str | None = None
    regions: tuple[str, ...] = ()
    servers: tuple[Server, ...] = ()
    lean: bool = False  # a fleet: no stacks, layer, test message or posture; the record checked alone
    now: datetime | None = None  # when the key ages are counted to (tests); now when None


@dataclass
class Reporter:
    """report's workflow, the same for one domain and a fleet: a unit (a domain and its regions) read into a Rollout.

    One domain's memo renders the whole rollout; a fleet's line is its stage
    (:func:`byodkim.workflows.nextstep.stage`). Only the printing differs.
    """

    request: ReportRequest
    aws: Aws

    def rollout(self, unit: Unit) -> Rollout:
        """Read the unit's domain in its regions (the deployment's stacks and layer too, for a memo)."""
        request, aws, deployment = self.request, self.aws, self.request.deployment
        domain, region, lean = unit.domain, unit.spec.regions[0], request.lean
        now = request.now or datetime.now(UTC)
        regions = status(domain, unit.spec.regions, aws) if domain else []
        # The selector SES holds now comes first: after a switch (rotate, register --selector NEW) the
        # one asked for (declared) or phase 4 kept in SSM may be the old one.
        signing = signing_selectors(regions)
        selector = next(iter(signing), None) or unit.spec.selector or None
        if selector is None and domain:
            selector = _selector(aws, region, deployment, domain)
        checked: dict[str, Report] = {}
        views = dns_views(domain, regions, request.servers, checked, lean=lean) if domain else []
        unkept = None
        if domain and selector and not signing:
            where = secret_id(domain, selector, deployment.secret_prefix)
            unkept = None if _stored(aws, region, where) else where
        return Rollout(
            deployment=deployment,
            domain=domain or "-",
            selector=selector,
            generated=now.strftime("%Y-%m-%d %H:%M UTC"),
            stacks=[] if lean else self._stacks(region),
            layer=None if lean else _layer(aws, region, deployment),
            regions=regions,
            dns=views,
            mail=remembered(aws, region, deployment, domain) if domain and not lean else None,
            # The posture's DKIM part is the record just checked, not a second round of queries.
            posture=assess(domain, selector, request.servers, None, regions, dkim=checked.get(selector or ""))
            if domain and regions and not lean
            else None,
            keys=key_views(deployment, aws, region, domain, signing, now) if signing else [],
            unkept=unkept,
        )

    def _stacks(self, region: str) -> list[StackState]:
        cfn = self.aws.client("cloudformation", region)
        return [_stack_state(cfn, self.request.deployment, stack) for stack in STACKS]


def collect(request: ReportRequest, aws: Aws, region: str) -> Rollout:
    """Read one domain's rollout: ``request.domain``, else the phase-3 stack's identity."""
    domain = request.domain or _identity_from_stack(aws.client("cloudformation", region), request.deployment)
    # Before phase 3 exists and without --domain there is no identity to read yet: the
    # memo still lists the stacks and says to launch them.
    unit = Unit(DomainSpec(domain or "", "", request.regions or (region,)))
    return Reporter(request, aws).rollout(unit)


def _stored(aws: Aws, region: str, where: str) -> bool:
    """Return whether the secret exists (DescribeSecret only: its value is never read for this)."""
    try:
        aws.client("secretsmanager", region).describe_secret(SecretId=where)
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return False
        raise
    return True


def stack_status(cfn: CloudFormationClient, name: str) -> str:
    """Return a stack's status, or NOT_DEPLOYED when it does not exist."""
    try:
        return cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except Exception as exc:
        # CloudFormation answers a missing stack with a ValidationError that says so.
        if error_code(exc) == "ValidationError" and "does not exist" in str(exc):
            return NOT_DEPLOYED
        raise


def _stack_state(cfn: CloudFormationClient, deployment: Deployment, stack: str) -> StackState:
    name = deployment.stack_name(stack)
    state = StackState(stack, name, stack_status(cfn, name))
    if state.status in FAILED:
        _explain(cfn, state, deployment)
    return state


def _explain(cfn: CloudFormationClient, state: StackState, deployment: Deployment) -> None:
    """Find the resource whose failure started the last operation's rollback, and the way out."""
    events = cfn.describe_stack_events(StackName=state.name)["StackEvents"]  # newest first
    latest_start = next(
        (
            i
            for i, e in enumerate(events)
            if e["LogicalResourceId"] == state.name and e.get("ResourceStatusReason") == "User Initiated"
        ),
        len(events),
    )
    failures = [
        e
        for e in events[:latest_start]
        if e["ResourceStatus"].endswith("_FAILED") and e["LogicalResourceId"] != state.name
    ]
    if failures:
        first = failures[-1]  # the oldest failure: the cause; later ones are consequences
        state.failed_resource, state.failed_type = first["LogicalResourceId"], first.get("ResourceType")
        state.reason = first.get("ResourceStatusReason")
    state.way_out = way_out(state, deployment)


def way_out(state: StackState, deployment: Deployment) -> str:
    """Return the command that gets a failed stack moving again."""
    config = deployment.stack_config(state.stack)
    if state.status == "UPDATE_ROLLBACK_COMPLETE":
        command = sceptre_command("launch", "-y", config)
    elif state.status in ("ROLLBACK_COMPLETE", "CREATE_FAILED", "ROLLBACK_FAILED"):
        command = f"{sceptre_command('delete', '-y', config)} && {sceptre_command('launch', '-y', config)}"
    elif state.status == "UPDATE_ROLLBACK_FAILED":
        command = f"aws cloudformation continue-update-rollback --stack-name {state.name}"
    else:
        command = sceptre_command("delete", "-y", config)
    if (
        state.failed_type in ("AWS::Lambda::LayerVersion", "AWS::Lambda::Function")
        and state.reason
        and any(word in state.reason for word in ("GLIBC", "ELF", "_cffi_backend", "Layer", "layer"))
    ):
        command = f"scripts/create-layer.sh {deployment.environment} {deployment.project} && {command}"
    return command


def _identity_from_stack(cfn: CloudFormationClient, deployment: Deployment) -> str | None:
    try:
        described = cfn.describe_stacks(StackName=deployment.stack_name("phase-3-ses-byodkim"))
    except Exception:  # noqa: BLE001 - not deployed: the caller asks for --domain
        return None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Stacks"][0].get("Outputs", [])}
    return outputs.get("IdentityName")


def _selector(aws: Aws, region: str, deployment: Deployment, domain: str) -> str | None:
    try:
        return aws.client("ssm", region).get_parameter(Name=deployment.parameter(domain, "selector"))["Parameter"][
            "Value"
        ]
    except Exception:  # noqa: BLE001 - phase-4 not deployed yet
        return None


def _layer(aws: Aws, region: str, deployment: Deployment) -> LayerState | None:
    client = aws.client("lambda", region)
    try:
        versions = client.list_layer_versions(LayerName=deployment.layer_name).get("LayerVersions", [])
    except Exception:  # noqa: BLE001 - no layer yet
        versions = []
    if not versions:
        return None
    latest = max(versions, key=lambda v: int(v["Version"]))
    try:
        function = client.get_function(FunctionName=deployment.function_name)
        used = [layer["Arn"] for layer in function["Configuration"].get("Layers", [])]
    except Exception:  # noqa: BLE001 - phase-2 not deployed yet
        used = []
    return LayerState(
        name=deployment.layer_name,
        latest=latest["LayerVersionArn"],
        version=int(latest["Version"]),
        runtimes=list(latest.get("CompatibleRuntimes", [])),
        architectures=list(latest.get("CompatibleArchitectures", [])),
        function_uses=used,
    )


def dns_views(
    domain: str,
    found: list[RegionStatus],
    servers: tuple[Server, ...],
    keep: dict[str, Report] | None = None,
    *,
    lean: bool = False,
) -> list[DnsView]:
    """Check each BYODKIM selector's record once, against the fingerprint SES was given.

    ``keep`` receives each selector's report, for a caller that judges more from it (the posture);
    ``lean`` checks the record alone (a fleet's line), not every detail a person reads.
    """
    views: list[DnsView] = []
    wanted = {(item.tokens[0], item.fingerprint) for item in found if item.origin == "EXTERNAL" and item.tokens}
    # A selector tag naming another key: its fingerprint tag cannot be trusted either, so say so, not "another key".
    disagree = {item.tokens[0]: said for item in found if item.tokens and (said := item.tag_disagreement())}
    for selector, fingerprint in sorted(wanted, key=str):
        if selector in disagree:
            views.append(DnsView(selector, ok=False, summary=disagree[selector]))
            continue
        if not fingerprint:
            views.append(
                DnsView(selector, ok=False, summary=f"{selector}: no byodkim:fingerprint tag, cannot compare keys")
            )
            continue
        try:
            report = check(Check(domain, selector, fingerprint, servers, lean=lean))
        except ByodkimError as exc:
            views.append(DnsView(selector, ok=False, summary=f"cannot check the record: {exc}"))
            continue
        if keep is not None:
            keep[selector] = report
        grouped = report.by_server()
        good = sum(report.server_ok(answers) for answers in grouped.values())
        views.append(
            DnsView(
                selector,
                ok=report.ok,
                summary=report.summary(),
                servers=list(report.servers),
                name=report.name,
                good=good,
                total=len(grouped),
            )
        )
    return views
