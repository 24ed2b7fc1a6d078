"""What CloudFormation itself refuses, predicted before a launch: stack policies, exports in use, stuck rollbacks."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from byodkim.aws.cfntemplate import load, refers_to, resolve, resource_refs, unresolved, with_defaults
from byodkim.aws.errors import error_code
from byodkim.workflows.stackchanges import Finding, ResourceChange, StackPreview

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

    from byodkim.workflows.stackvalues import StaticValues


def rollback_skip_list(cfn: CloudFormationClient, stack_name: str) -> tuple[str, ...]:
    """Return the resources whose rollback failed: the only ones ContinueUpdateRollback may skip.

    Read from the stack's resources as they are now (UPDATE_FAILED while the stack rests in
    UPDATE_ROLLBACK_FAILED), not from old events: a resource that failed an earlier update, or
    failed forward and then rolled back fine, must not be skipped. A nested stack's resources
    are named ``NestedLogicalId.LogicalId``, as CloudFormation wants them on the parent.
    """
    skip: list[str] = []
    for resource in resources(cfn, stack_name):
        if resource.get("ResourceStatus") != "UPDATE_FAILED":
            continue
        logical = str(resource["LogicalResourceId"])
        if resource.get("ResourceType") == "AWS::CloudFormation::Stack" and resource.get("PhysicalResourceId"):
            inner = rollback_skip_list(cfn, str(resource["PhysicalResourceId"]))
            skip += [f"{logical}.{i}" for i in inner] or [logical]
        else:
            skip.append(logical)
    return tuple(skip)


def resources(cfn: CloudFormationClient, stack_name: str) -> list[dict[str, Any]]:
    """Return the stack's resources as they are now; none for a stack that does not exist."""
    try:
        return [dict(r) for r in cfn.describe_stack_resources(StackName=stack_name).get("StackResources", [])]
    except Exception as exc:
        if error_code(exc) == "ValidationError":
            return []
        raise


_UPDATE_ACTIONS = {
    "modify": ("Update:Modify",),
    "replace": ("Update:Replace",),
    "conditional": ("Update:Modify", "Update:Replace"),
    "remove": ("Update:Delete",),
}


def policy_allows(policy: dict[str, Any], logical_id: str, resource_type: str, action: str) -> bool:
    """Return whether a stack policy allows ``action`` (``Update:Modify`` ...) on a resource.

    As CloudFormation reads it: once a policy is set, every update is denied unless a statement
    allows it; a Deny wins over any Allow.
    """
    allowed = False
    for statement in _listed(policy.get("Statement")):
        if not isinstance(statement, dict) or not _matches(statement, logical_id, resource_type, action):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _listed(value: Any) -> list[Any]:  # noqa: ANN401 - policy JSON
    return value if isinstance(value, list) else [value] if value is not None else []


def _matches(statement: dict[str, Any], logical_id: str, resource_type: str, action: str) -> bool:
    from fnmatch import fnmatchcase

    resource = f"LogicalResourceId/{logical_id}"
    if "Action" in statement:
        acts = any(fnmatchcase(action, str(a)) for a in _listed(statement["Action"]))
    else:
        acts = not any(fnmatchcase(action, str(a)) for a in _listed(statement.get("NotAction")))
    if "Resource" in statement:
        on = any(fnmatchcase(resource, str(r)) for r in _listed(statement["Resource"]))
    else:
        on = not any(fnmatchcase(resource, str(r)) for r in _listed(statement.get("NotResource")))
    condition = statement.get("Condition") or {}
    for operator, tests in condition.items():
        wanted = [str(v) for v in _listed((tests or {}).get("ResourceType"))]
        if not wanted:
            continue
        if operator == "StringEquals":
            on = on and resource_type in wanted
        elif operator == "StringLike":
            on = on and any(fnmatchcase(resource_type, w) for w in wanted)
        elif operator == "StringNotEquals":
            on = on and resource_type not in wanted
        elif operator == "StringNotLike":
            on = on and not any(fnmatchcase(resource_type, w) for w in wanted)
        else:  # an operator this reader does not know: assume it matches (a Deny then denies)
            continue
    return acts and on


def refused(
    stack: Any,  # noqa: ANN401 - sceptre's Stack
    cfn: CloudFormationClient,
    changes: list[ResourceChange],
    statics: StaticValues,
) -> list[Finding]:
    """Return what CloudFormation itself would refuse: a stack policy's denial, an export in use changed."""
    findings: list[Finding] = []
    body = cfn.get_stack_policy(StackName=stack.external_name).get("StackPolicyBody")
    if body:
        policy = json.loads(body)
        for change in changes:
            wanted = _UPDATE_ACTIONS.get(change.action, ())
            denied = [a for a in wanted if not policy_allows(policy, change.logical_id, change.resource_type, a)]
            if denied:
                findings.append(Finding(stack.name, change.logical_id, change.resource_type, "policy-denied",
                                        change.physical_id, "stack-policy", "", ", ".join(denied)))  # fmt: skip
    findings += _exports_in_use(stack, cfn, changes, statics)
    return findings


def _exports_in_use(
    stack: Any,  # noqa: ANN401 - sceptre's Stack
    cfn: CloudFormationClient,
    changes: list[ResourceChange],
    statics: StaticValues,
) -> list[Finding]:
    """Return exports others import that the update would remove or change (CloudFormation fails it)."""
    described = cfn.describe_stacks(StackName=stack.external_name)["Stacks"][0]
    exported = {str(o["ExportName"]): o for o in described.get("Outputs", []) if o.get("ExportName")}
    if not exported:
        return []
    template = load(stack.template.body)
    pseudo = statics.pseudo(stack)
    values = with_defaults(template, statics.parameters(stack))
    refs = resource_refs(template, values, pseudo)
    ours: dict[str, tuple[str, Any]] = {}
    for key, output in (template.get("Outputs") or {}).items():
        export = (output or {}).get("Export") if isinstance(output, dict) else None
        if isinstance(export, dict) and "Name" in export:
            name = resolve(export["Name"], values, pseudo, refs)
            ours[str(name)] = (str(key), output.get("Value"))
    lost = {c.logical_id for c in changes if c.action in ("replace", "conditional", "remove")}
    findings: list[Finding] = []
    for name, output in exported.items():  # only an export the update removes or changes is looked up
        key, expression = ours.get(name, ("", None))
        value = resolve(expression, values, pseudo, refs) if key else None
        if not key:
            why = "removed"
        elif isinstance(value, str) and not unresolved(value):
            why = "" if value == output.get("OutputValue") else "changed"
        else:  # unknown until deployed: changed only if what it names is replaced or removed
            why = "changed" if any(refers_to(expression, lid) for lid in lost) else ""
        importers = _importers(cfn, name) if why else []
        if importers:
            findings.append(Finding(stack.name, str(output.get("OutputKey")), "Output", "export-in-use", name,
                                    why, "", ", ".join(importers), accepted=False))  # fmt: skip
    return findings


def _importers(cfn: CloudFormationClient, export: str) -> list[str]:
    found: list[str] = []
    token = ""
    while True:
        try:
            page = cfn.list_imports(ExportName=export, **({"NextToken": token} if token else {}))
        except Exception as exc:
            if error_code(exc) == "ValidationError":  # "... is not imported by any stack"
                return found
            raise
        found += [str(i) for i in page.get("Imports", [])]
        token = str(page.get("NextToken") or "")
        if not token:
            return found


def live_template(cfn: CloudFormationClient, stack_name: str) -> dict[str, Any]:
    """Return the template the stack runs now: the policies CloudFormation will read."""
    body: Any = cfn.get_template(StackName=stack_name, TemplateStage="Original")["TemplateBody"]
    return load(body)


def with_holdings(cfn: CloudFormationClient, change: ResourceChange) -> ResourceChange:
    """Name what a nested stack holds when it would be removed or replaced, for the finding."""
    if change.resource_type != "AWS::CloudFormation::Stack" or change.action in ("add", "modify", "import"):
        return change
    if not change.physical_id:
        return change
    try:
        found = cfn.describe_stack_resources(StackName=change.physical_id).get("StackResources", [])
    except Exception as exc:
        if error_code(exc) == "ValidationError":  # already gone
            return change
        raise
    return replace(change, holds=tuple(f"{r['ResourceType']} {r['LogicalResourceId']}" for r in found))


def stuck(stack: Any, status: str, cfn: CloudFormationClient, accepted: tuple[str, ...]) -> StackPreview:  # noqa: ANN401 - sceptre's Stack
    """Preview a stack CloudFormation will not update: blocking, with the way out."""
    short = str(stack.name).split("/", 1)[-1]
    if status == "UPDATE_ROLLBACK_FAILED":
        skip = rollback_skip_list(cfn, stack.external_name)
        command = f"byodkim continue-rollback --stack {short} --dry-run"
        finding = Finding(stack.name, stack.external_name, "AWS::CloudFormation::Stack", "stuck",
                          stack.external_name, "continue-rollback", command, accepted=False)  # fmt: skip
        return StackPreview(stack.name, stack.external_name, status, [], [finding], note="continue-rollback", skip=skip)
    finding = Finding(stack.name, stack.external_name, "AWS::CloudFormation::Stack", "stuck",
                      stack.external_name, "delete-failed", accepted=stack.external_name in accepted)  # fmt: skip
    return StackPreview(stack.name, stack.external_name, status, [], [finding], note="failed")
