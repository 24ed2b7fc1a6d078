"""Bring a resource that exists under the logical ID our template gives it, without recreating it.

The import route CloudFormation allows: keep the old resource when it leaves the stack
(``DeletionPolicy: Retain``), remove it from the stack, then import it under the new
logical ID (an IMPORT change set). Each step first reads the live stack, so a re-run after
an interruption goes on from where it stopped, and ``dry_run`` says what would be done.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from byodkim.aws.cfntemplate import IDENTIFIER, load, refers_to, resolve, resource_refs, unresolved, with_defaults
from byodkim.errors import ByodkimError, InputError
from byodkim.messages import say
from byodkim.workflows.preflight import StaticValues, rollback_skip_list
from byodkim.workflows.report import NOT_DEPLOYED, stack_status

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudformation.type_defs import ParameterTypeDef

    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment

Progress = Callable[[str, str], None]  # (step, what happened)
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
_REQUIRED_FROM_LIVE = {"AWS::KMS::Alias": ("TargetKeyId",)}


@dataclass(frozen=True)
class AdoptRequest:
    """Which resource to bring under which logical ID, in which stack."""

    deployment: Deployment
    sceptre_dir: Path
    stack: str  # e.g. phase-1-infrastructure-foundation
    resource: str  # the logical ID our template gives it
    source: str | None = None  # the logical ID it has in the live stack, if any
    dry_run: bool = False


def adopt(request: AdoptRequest, aws: Aws, progress: Progress) -> None:
    """Retain, release and import, each step only if the live stack still needs it.

    When the stack does not exist yet, the import creates it (an IMPORT change set on a new
    stack) holding just this resource; the launch then adds the rest.
    """
    region = request.deployment.region or aws.default_region()
    cfn = aws.client("cloudformation", region)
    name = request.deployment.stack_name(request.stack)
    ours = _our_definition(request, aws, region)
    resource_type = str(ours.get("Type"))
    if resource_type not in IDENTIFIER:
        raise InputError(
            say("adopt.cannot_import", kind=resource_type), say("adopt.use_kinds", kinds=", ".join(IDENTIFIER))
        )
    status = stack_status(cfn, name)
    if status == NOT_DEPLOYED:
        if request.source is not None:
            raise InputError(
                say("adopt.no_stack_source", name=name, source=request.source), say("adopt.leave_out_source")
            )
        _import(cfn, name, {"Resources": {}}, ours, "", request, progress, create=True)
        return
    live = _live_template(cfn, name)
    if request.source is not None:
        if request.source not in live.get("Resources", {}) and request.resource not in live.get("Resources", {}):
            raise InputError(say("adopt.not_live", source=request.source, name=name), say("adopt.check_source"))
        # A required property our template cannot say before the launch (an alias's key, which
        # the launch makes) is taken from the live definition: the import describes it as it is.
        theirs = (live.get("Resources", {}).get(request.source) or {}).get("Properties") or {}
        for key in _REQUIRED_FROM_LIVE.get(resource_type, ()):
            if key not in ours["Properties"] and key in theirs:
                ours["Properties"][key] = theirs[key]
        identifier = _physical(cfn, name, request.source) if request.source in live.get("Resources", {}) else ""
        _retain(cfn, name, live, request, progress)
        live = _live_template(cfn, name)
        _release(cfn, name, live, request, progress)
        live = _live_template(cfn, name)
    else:
        identifier = ""
    _import(cfn, name, live, ours, identifier, request, progress)


def _our_definition(request: AdoptRequest, aws: Aws, region: str) -> dict[str, Any]:
    """Return our template's definition of the resource, with parameters resolved through Sceptre."""
    from sceptre.context import SceptreContext
    from sceptre.plan.plan import SceptrePlan

    plan = SceptrePlan(
        SceptreContext(
            project_path=str(request.sceptre_dir), command_path=request.deployment.stack_config(request.stack)
        )
    )
    stack = next(iter(plan.command_stacks))
    template = load(stack.template.body)
    resource = (template.get("Resources") or {}).get(request.resource)
    if resource is None:
        raise InputError(
            say("adopt.not_ours", resource=request.resource, stack=request.stack), say("adopt.check_resource")
        )
    # Parameters as preflight works them out: nothing is published or uploaded, and outputs of
    # stacks not deployed yet come from their templates.
    group = SceptrePlan(SceptreContext(project_path=str(request.sceptre_dir), command_path=request.deployment.group))
    statics = StaticValues(list(group.graph), aws, region)
    pseudo = statics.pseudo(stack)
    values = with_defaults(template, statics.parameters(stack))
    properties = resolve(resource.get("Properties") or {}, values, pseudo, resource_refs(template, values, pseudo))
    # Only what is known before the import goes in; the next launch sets the rest in place.
    known = {k: v for k, v in properties.items() if not unresolved(v)}
    if resource["Type"] == "AWS::Lambda::Function" and "Code" not in known:
        # Required by the type's schema; an import never touches the function's code, and the
        # launch that follows sets ours.
        known["Code"] = {"ZipFile": "# imported by byodkim adopt: the next launch sets the code"}
    return {"Type": resource["Type"], "Properties": known}


def _live_template(cfn: CloudFormationClient, name: str) -> dict[str, Any]:
    body: Any = cfn.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
    return load(body)


def _physical(cfn: CloudFormationClient, name: str, logical_id: str) -> str:
    found = cfn.describe_stack_resource(StackName=name, LogicalResourceId=logical_id)
    return str(found["StackResourceDetail"].get("PhysicalResourceId", ""))


def _retain(
    cfn: CloudFormationClient, name: str, live: dict[str, Any], request: AdoptRequest, progress: Progress
) -> None:
    source = str(request.source)
    resource = live.get("Resources", {}).get(source)
    if resource is None or (resource.get("DeletionPolicy") == resource.get("UpdateReplacePolicy") == "Retain"):
        progress("retained", say("adopt.already_done"))
        return
    if request.dry_run:
        progress("retained", say("adopt.would_retain", source=source, stack=name))
        return
    resource["DeletionPolicy"] = resource["UpdateReplacePolicy"] = "Retain"
    _update(cfn, name, live)
    progress("retained", say("adopt.retained", source=source, stack=name))


def _release(
    cfn: CloudFormationClient, name: str, live: dict[str, Any], request: AdoptRequest, progress: Progress
) -> None:
    source = str(request.source)
    resources = live.get("Resources", {})
    if source not in resources:
        progress("released", say("adopt.already_done"))
        return
    # A `Ref` to it elsewhere in the stack (an alias's TargetKeyId naming the key) becomes the
    # value it has now, so the release changes nothing those resources see.
    physical = _physical(cfn, name, source)
    for lid, resource in resources.items():
        if lid != source:
            resources[lid] = _with_ref_as_value(resource, source, physical)
    users = [lid for lid, r in resources.items() if lid != source and refers_to(r, source)]
    if users:
        raise ByodkimError(
            say("adopt.referred", users=", ".join(sorted(users)), stack=name, source=source), say("adopt.referred_hint")
        )
    if request.dry_run:
        progress("released", say("adopt.would_release", source=source, stack=name))
        return
    del resources[source]
    # Other stacks read these outputs (!stack_output) until the launch gives them ours: keep
    # each one that names the resource, with the value it has now.
    current = {
        o["OutputKey"]: o.get("OutputValue", "")
        for o in cfn.describe_stacks(StackName=name)["Stacks"][0].get("Outputs", [])
    }
    for key, output in (live.get("Outputs") or {}).items():
        if refers_to(output, source):
            output["Value"] = current.get(key, "")
    _update(cfn, name, live)
    progress("released", say("adopt.released", source=source, stack=name))


def _import(
    cfn: CloudFormationClient,
    name: str,
    live: dict[str, Any],
    ours: dict[str, Any],
    identifier: str,
    request: AdoptRequest,
    progress: Progress,
    *,
    create: bool = False,
) -> None:
    resources = live.setdefault("Resources", {})
    if request.resource in resources:
        progress("imported", say("adopt.already_done"))
        return
    resource_type = str(ours["Type"])
    key = IDENTIFIER[resource_type]
    value = identifier or str(ours["Properties"].get(key, ""))
    if not value:
        raise InputError(say("adopt.which", kind=resource_type), say("adopt.give_source"))
    new = say("adopt.new_stack") if create else ""
    said = {"kind": resource_type, "value": value, "stack": name, "resource": request.resource, "new": new}
    if request.dry_run:
        progress("imported", say("adopt.would_import", **said))
        return
    resources[request.resource] = {**ours, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    change_set = f"byodkim-adopt-{request.resource}-{int(time.time())}"
    cfn.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType="IMPORT",
        TemplateBody=json.dumps(live),
        Parameters=[] if create else _previous(cfn, name),
        Capabilities=CAPABILITIES,  # type: ignore[arg-type]
        ResourcesToImport=[
            {"ResourceType": resource_type, "LogicalResourceId": request.resource, "ResourceIdentifier": {key: value}}
        ],
    )
    _wait_change_set(cfn, name, change_set)
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    _wait_stack(cfn, name, "IMPORT_COMPLETE")
    progress("imported", say("adopt.imported", **said))


def _with_ref_as_value(value: Any, logical_id: str, physical: str) -> Any:  # noqa: ANN401 - template JSON
    if isinstance(value, dict):
        if value == {"Ref": logical_id}:
            return physical
        return {k: _with_ref_as_value(v, logical_id, physical) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_ref_as_value(v, logical_id, physical) for v in value]
    return value


def _update(cfn: CloudFormationClient, name: str, template: dict[str, Any]) -> None:
    cfn.update_stack(
        StackName=name,
        TemplateBody=json.dumps(template),
        Parameters=_previous(cfn, name),
        Capabilities=CAPABILITIES,  # type: ignore[arg-type]
    )
    _wait_stack(cfn, name, "UPDATE_COMPLETE")


def _previous(cfn: CloudFormationClient, name: str) -> list[ParameterTypeDef]:
    """Keep every parameter the stack has as it is: its value, or UsePreviousValue for a NoEcho one."""
    described = cfn.describe_stacks(StackName=name)["Stacks"][0].get("Parameters", [])
    return [
        {"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
        if p.get("ParameterValue") == "****"
        else {"ParameterKey": p["ParameterKey"], "ParameterValue": p.get("ParameterValue", "")}
        for p in described
    ]


def _wait_stack(cfn: CloudFormationClient, name: str, want: str, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while True:
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        if status == want:
            return
        if not status.endswith("_IN_PROGRESS"):
            raise ByodkimError(say("adopt.ended", stack=name, status=status, want=want), say("adopt.see_report"))
        if time.monotonic() > deadline:
            raise ByodkimError(say("adopt.still", stack=name, status=status), say("adopt.when_finished"))
        time.sleep(2)


def _wait_change_set(cfn: CloudFormationClient, name: str, change_set: str) -> None:
    deadline = time.monotonic() + 600
    while True:
        described = cfn.describe_change_set(StackName=name, ChangeSetName=change_set)
        if described["Status"] == "CREATE_COMPLETE":
            return
        if described["Status"] == "FAILED":
            raise ByodkimError(say("adopt.import_refused", reason=described.get("StatusReason", "")))
        if time.monotonic() > deadline:
            raise ByodkimError(say("adopt.import_slow"), say("adopt.run_again"))
        time.sleep(2)


def continue_rollback(
    deployment: Deployment, stack: str, aws: Aws, progress: Progress, *, dry_run: bool = False
) -> tuple[str, ...]:
    """Continue a stack's failed rollback, skipping exactly the resources whose rollback failed.

    The skip list is read at the moment of the call, from the stack's resources as they are
    (not from old events). Return it; with ``dry_run``, only say what would be done.
    """
    region = deployment.region or aws.default_region()
    cfn = aws.client("cloudformation", region)
    name = deployment.stack_name(stack)
    status = stack_status(cfn, name)
    if status != "UPDATE_ROLLBACK_FAILED":
        raise InputError(say("adopt.no_rollback", stack=name, status=status), say("adopt.see_preflight"))
    skip = rollback_skip_list(cfn, name)
    listed = " ".join(skip)
    if dry_run:
        key = "adopt.would_continue" if skip else "adopt.would_continue_none"
        progress("continue-rollback", say(key, stack=name, skip=listed))
        return skip
    cfn.continue_update_rollback(StackName=name, ResourcesToSkip=list(skip))
    _wait_stack(cfn, name, "UPDATE_ROLLBACK_COMPLETE")
    key = "adopt.continued_skipping" if skip else "adopt.continued"
    progress("continue-rollback", say(key, stack=name, skip=listed))
    return skip


def retain(
    deployment: Deployment, stack: str, logical_id: str, aws: Aws, progress: Progress, *, dry_run: bool = False
) -> None:
    """Set ``DeletionPolicy`` and ``UpdateReplacePolicy: Retain`` on a resource of the live stack.

    Nothing else in the stack changes (its template as it runs, its parameters as they are);
    a launch that then removes or replaces the resource leaves the resource itself in place.
    """
    region = deployment.region or aws.default_region()
    cfn = aws.client("cloudformation", region)
    name = deployment.stack_name(stack)
    if stack_status(cfn, name) == NOT_DEPLOYED:
        raise InputError(say("adopt.no_stack", name=name), say("adopt.check_stack"))
    live = _live_template(cfn, name)
    if logical_id not in live.get("Resources", {}):
        raise InputError(say("adopt.not_live", source=logical_id, name=name), say("adopt.check_resource_preflight"))
    request = AdoptRequest(deployment, Path(), stack, logical_id, logical_id, dry_run=dry_run)
    _retain(cfn, name, live, request, progress)
