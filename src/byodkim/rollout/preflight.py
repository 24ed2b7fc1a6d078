"""Preview what `sceptre launch` would do to stacks that already run, before it does it.

For every stack that exists, a CloudFormation change set of exactly what launch would send
(Sceptre's own config, templates and resolvers), read back per resource: add, modify in
place, replace, remove. Replacing or removing a stateful resource (a bucket, a KMS key, the
SES identity, the key's secret, a log group, a topic, the function) and adding a resource
whose name is already taken are findings, each with its safe route. The change sets are
deleted afterwards; nothing is executed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.aws import exists
from byodkim.aws.cfntemplate import NAME_PROPERTY, load, parameter_values, pseudo_parameters, resolve, unresolved
from byodkim.aws.errors import error_code
from byodkim.errors import ByodkimError
from byodkim.rollout.nextstep import NOT_DEPLOYED
from byodkim.rollout.report import stack_status

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from mypy_boto3_cloudformation import CloudFormationClient

    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment

STATEFUL = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::SES::EmailIdentity",
        "AWS::SecretsManager::Secret",
        "AWS::Logs::LogGroup",
        "AWS::SNS::Topic",
        "AWS::Lambda::Function",
    }
)
CHANGE_SET_PREFIX = "byodkim-preflight-"
_BUSY = ("_IN_PROGRESS",)
_RECREATE = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED")  # cannot be updated: delete, launch again
_ACTIONS = {"Add": "add", "Remove": "remove"}


@dataclass(frozen=True)
class ResourceChange:
    """What the update would do to one resource."""

    logical_id: str
    resource_type: str
    action: str  # add | modify | replace | conditional | remove
    physical_id: str | None = None
    properties: tuple[str, ...] = ()
    name: str | None = None  # for an add: the physical name it would take, when the template fixes one
    in_use: str | None = None  # for an add: who already holds that name


@dataclass(frozen=True)
class Finding:
    """A change that loses or collides with something that exists, and the way round it."""

    stack: str
    logical_id: str
    resource_type: str
    kind: str  # replace | remove | collision
    physical_id: str | None
    route: str  # keep-live | import | retain | accept-or-retain | release-then-import
    command: str = ""
    other: str = ""  # the other logical ID (rename) or the stack holding the name
    accepted: bool = False
    properties: tuple[str, ...] = ()  # what forces the replacement


@dataclass(frozen=True)
class StackPreview:
    """One stack's preview."""

    stack: str
    name: str
    status: str  # NOT_DEPLOYED when absent
    changes: list[ResourceChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    note: str = ""  # updatable-after-rollback | continue-rollback | busy | recreate | create | no-changes
    skip: tuple[str, ...] = ()  # resources to skip with continue-update-rollback


@dataclass(frozen=True)
class Preflight:
    """Every stack's preview."""

    group: str
    stacks: list[StackPreview]

    @property
    def blocking(self) -> list[Finding]:
        """Return the findings nobody accepted: launch must not run over them."""
        return [f for s in self.stacks for f in s.findings if not f.accepted]


def classify(stack: str, changes: list[ResourceChange], accepted: Iterable[str] = ()) -> list[Finding]:
    """Return the findings among one stack's changes; ``accepted`` logical IDs are marked so.

    ``stack`` is Sceptre's name (``prod/phase-1-...``); commands name the stack as ``adopt`` takes it.
    """
    allowed = set(accepted)
    short = stack.split("/", 1)[-1]
    findings: list[Finding] = []
    removed = {c.physical_id: c for c in changes if c.action == "remove" and c.physical_id}
    renamed: set[str] = set()
    for change in changes:
        if change.action == "add" and change.in_use is not None:
            old = removed.get(change.name) if change.name else None
            if old is not None:  # the same resource under a new logical ID: import it there
                renamed.add(old.logical_id)
                command = f"byodkim adopt --stack {short} --resource {change.logical_id} --from {old.logical_id}"
                findings.append(_finding(stack, change, "collision", "import", command, old.logical_id, allowed))
            elif change.in_use == "":
                command = f"byodkim adopt --stack {short} --resource {change.logical_id}"
                findings.append(_finding(stack, change, "collision", "import", command, "", allowed))
            else:
                findings.append(_finding(stack, change, "collision", "release-then-import", "", change.in_use, allowed))
    for change in changes:
        if change.resource_type not in STATEFUL:
            continue
        if change.action in ("replace", "conditional"):
            findings.append(_finding(stack, change, "replace", "keep-live", "", "", allowed))
        elif change.action == "remove" and change.logical_id not in renamed:
            findings.append(_finding(stack, change, "remove", "retain", "", "", allowed))
    return findings


def _finding(
    stack: str, change: ResourceChange, kind: str, route: str, command: str, other: str, allowed: set[str]
) -> Finding:
    return Finding(
        stack,
        change.logical_id,
        change.resource_type,
        kind,
        change.physical_id or change.name,
        route,
        command,
        other,
        accepted=change.logical_id in allowed,
        properties=change.properties,
    )


def read_changes(described: dict[str, Any]) -> list[ResourceChange]:
    """Turn DescribeChangeSet's answer into resource changes."""
    found = []
    for item in described.get("Changes", []):
        change = item.get("ResourceChange") or {}
        action = _ACTIONS.get(str(change.get("Action")), "modify")
        if change.get("Action") == "Modify":
            action = {"True": "replace", "Conditional": "conditional"}.get(str(change.get("Replacement")), "modify")
        names = tuple(str(d["Target"]["Name"]) for d in change.get("Details", []) if d.get("Target", {}).get("Name"))
        found.append(
            ResourceChange(
                str(change.get("LogicalResourceId")),
                str(change.get("ResourceType")),
                action,
                change.get("PhysicalResourceId"),
                tuple(dict.fromkeys(names)),
            )
        )
    return found


def physical_names(body: str, parameters: dict[str, str], pseudo: dict[str, str]) -> dict[str, str]:
    """Return the physical name each named resource in a template would take (when the template fixes one)."""
    resources = load(body).get("Resources") or {}
    names = {}
    for logical_id, resource in resources.items():
        prop = NAME_PROPERTY.get(str(resource.get("Type")))
        value = (resource.get("Properties") or {}).get(prop) if prop else None
        if value is None:
            continue
        resolved = resolve(value, parameters, pseudo)
        if isinstance(resolved, str) and not unresolved(resolved):
            names[logical_id] = resolved
    return names


def preview(deployment: Deployment, sceptre_dir: Path, aws: Aws, only: tuple[str, ...] = ()) -> Preflight:
    """Preview the group's stacks (or ``only`` those), through Sceptre's own config; delete the change sets after."""
    from sceptre.context import SceptreContext
    from sceptre.plan.plan import SceptrePlan

    region = deployment.region or aws.default_region()
    plan = SceptrePlan(SceptreContext(project_path=str(sceptre_dir), command_path=deployment.group))
    wanted = {deployment.stack_config(s).removesuffix(".yaml") for s in only}
    stacks = [s for s in plan.graph if not wanted or s.name in wanted]
    previews = [preview_stack(stack, aws, region) for stack in stacks]
    return Preflight(deployment.group, sorted(previews, key=lambda p: _order(deployment, p.stack)))


def preview_stack(stack: Any, aws: Aws, region: str) -> StackPreview:  # noqa: ANN401 - sceptre's Stack
    """Preview one Sceptre stack: a change set of what launch would send to it, read back and deleted."""
    from sceptre.plan.actions import StackActions

    cfn = aws.client("cloudformation", region)
    status = stack_status(cfn, stack.external_name)
    if not _updatable(status):
        return _preview_one(stack, status, "", cfn, aws, region)
    name = f"{CHANGE_SET_PREFIX}{int(time.time() * 1000)}"
    try:
        StackActions(stack).create_change_set(name)  # Sceptre resolves exactly what launch would send
    except Exception:  # noqa: BLE001 - a parameter from a dependency that launch has not updated yet
        return StackPreview(stack.name, stack.external_name, status, note="deferred")
    try:
        return _preview_one(stack, status, name, cfn, aws, region)
    finally:
        _delete(cfn, stack.external_name, name)


def _order(deployment: Deployment, stack: str) -> int:
    from byodkim.deployment import STACKS

    short = stack.removeprefix(f"{deployment.group}/")
    return STACKS.index(short) if short in STACKS else len(STACKS)


def _updatable(status: str) -> bool:
    return (
        status != NOT_DEPLOYED
        and not status.endswith(_BUSY)
        and status != "UPDATE_ROLLBACK_FAILED"
        and status not in _RECREATE
    )


def _preview_one(stack: Any, status: str, name: str, cfn: CloudFormationClient, aws: Aws, region: str) -> StackPreview:  # noqa: ANN401 - sceptre's Stack
    accepted = _accepted(stack)
    if status.endswith(_BUSY):
        return StackPreview(stack.name, stack.external_name, status, note="busy")
    if status == "UPDATE_ROLLBACK_FAILED":
        return StackPreview(
            stack.name, stack.external_name, status, note="continue-rollback", skip=_failed(cfn, stack.external_name)
        )
    if status in _RECREATE:
        return StackPreview(stack.name, stack.external_name, status, note="recreate")
    pseudo = pseudo_parameters(stack.external_name, region, aws.account(region))
    parameters = _parameters(stack)
    names = physical_names(stack.template.body, parameters, pseudo)
    if status == NOT_DEPLOYED:
        adds = [ResourceChange(lid, str(t), "add") for lid, t in _types(stack.template.body).items()]
        changes = _with_names(adds, names, aws, region)
        return StackPreview(
            stack.name, stack.external_name, status, changes, classify(stack.name, changes, accepted), note="create"
        )
    if not name:
        return StackPreview(stack.name, stack.external_name, status, note="deferred")
    described = _described(cfn, stack.external_name, name)
    changes = _with_names(read_changes(described), names, aws, region)
    note = "updatable-after-rollback" if status == "UPDATE_ROLLBACK_COMPLETE" else ("no-changes" if not changes else "")
    return StackPreview(
        stack.name, stack.external_name, status, changes, classify(stack.name, changes, accepted), note=note
    )


def _parameters(stack: Any) -> dict[str, str]:  # noqa: ANN401 - sceptre's Stack
    """Return the stack's parameters as launch resolves them; before its dependencies exist, none."""
    try:
        resolved = stack.parameters
    except Exception:  # noqa: BLE001 - e.g. !stack_output of a stack not created yet: names stay unknown
        return {}
    return parameter_values(resolved)


_GUARD_LOCK = threading.Lock()
_GUARDED: dict[tuple[str, str], Preflight] = {}


def guard(stack: Any) -> None:  # noqa: ANN401 - sceptre's Stack
    """Stop a launch (raise) when the group's preflight has findings nobody accepted; once per launch.

    Every stack's hook asks, but the group is previewed once, before the first stack changes,
    so a launch that would lose a bucket in phase 1 does not update base first.
    """
    from byodkim import deployment
    from byodkim.aws.session import Aws

    folder = deployment.find_sceptre_dir()
    if folder is None:
        raise ByodkimError("the byodkim preflight hook needs the Sceptre project folder", "run sceptre from it")
    group = str(stack.name).split("/", 1)[0]
    with _GUARD_LOCK:
        result = _GUARDED.get((str(folder), group))
        if result is None:
            target = deployment.read(folder, group)
            result = preview(target, folder, Aws(getattr(stack, "profile", None), stack.region or target.region))
            _GUARDED[(str(folder), group)] = result
    mine = next((p for p in result.stacks if p.stack == stack.name), None)
    unchanged = "nothing was changed"
    if not result.blocking and mine is not None and mine.note == "deferred":
        # Its dependencies have been launched by now, so what launch sends to it is known.
        now = preview_stack(stack, Aws(getattr(stack, "profile", None), stack.region), stack.region)
        result, unchanged = Preflight(result.group, [now]), f"{stack.name} was not changed"
    if result.blocking:
        first = result.blocking[0]
        raise ByodkimError(
            f"preflight: {len(result.blocking)} finding(s) would lose or collide with what runs, e.g. "
            f"{first.kind} {first.logical_id} in {first.stack}; {unchanged}",
            f"run `byodkim preflight {group}` for each finding's route, or accept it in the stack config",
        )


def _types(body: str) -> dict[str, str]:
    return {lid: str(r.get("Type")) for lid, r in (load(body).get("Resources") or {}).items()}


def _with_names(changes: list[ResourceChange], names: dict[str, str], aws: Aws, region: str) -> list[ResourceChange]:
    found = []
    for change in changes:
        name = names.get(change.logical_id)
        if change.action == "add" and name and exists.checkable(change.resource_type):
            holder = exists.in_use(aws, region, change.resource_type, name)
            in_use = None if holder is None else (holder.stack or "")
            physical = exists.physical_id(aws, region, change.resource_type, name)
            change = ResourceChange(change.logical_id, change.resource_type, "add", None, (), physical, in_use)  # noqa: PLW2901
        found.append(change)
    return found


def _accepted(stack: Any) -> tuple[str, ...]:  # noqa: ANN401 - sceptre's Stack
    """Return the logical IDs the stack config accepts: ``!byodkim_preflight {accept: [...]}`` in its hooks."""
    hooks = getattr(stack, "hooks", None) or {}
    accepted: list[str] = []
    for hook in (h for hooks_of in hooks.values() for h in hooks_of):
        argument = getattr(hook, "argument", None)
        if type(hook).__name__ == "PreflightHook" and isinstance(argument, dict):
            accepted += [str(a) for a in argument.get("accept") or []]
    return tuple(accepted)


def _described(cfn: CloudFormationClient, stack_name: str, name: str) -> dict[str, Any]:
    deadline = time.monotonic() + 300
    while True:
        described: dict[str, Any] = dict(cfn.describe_change_set(StackName=stack_name, ChangeSetName=name))
        status = described.get("Status", "")
        if status == "FAILED":
            reason = str(described.get("StatusReason", ""))
            if "didn't contain changes" in reason or "No updates" in reason:
                return {"Changes": []}
            raise ByodkimError(
                f"the change set for {stack_name} failed: {reason}", "fix the template or its parameters"
            )
        if status == "CREATE_COMPLETE":
            changes = list(described.get("Changes", []))
            while described.get("NextToken"):
                described = dict(
                    cfn.describe_change_set(StackName=stack_name, ChangeSetName=name, NextToken=described["NextToken"])
                )
                changes += described.get("Changes", [])
            return {"Changes": changes}
        if time.monotonic() > deadline:
            raise ByodkimError(f"the change set for {stack_name} did not finish in 5 minutes", "run preflight again")
        time.sleep(1)


def _delete(cfn: CloudFormationClient, stack_name: str, name: str) -> None:
    try:
        cfn.delete_change_set(StackName=stack_name, ChangeSetName=name)
    except Exception as exc:
        if error_code(exc) not in ("ChangeSetNotFound", "ChangeSetNotFoundException", "ValidationError"):
            raise


def _failed(cfn: CloudFormationClient, stack_name: str) -> tuple[str, ...]:
    events = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
    return tuple(
        dict.fromkeys(
            e["LogicalResourceId"]
            for e in events
            if e.get("ResourceStatus") == "UPDATE_FAILED" and e["LogicalResourceId"] != stack_name
        )
    )
