"""Preview what `sceptre launch` would do to the stacks, before it does it: deny by default.

For every stack that exists, a CloudFormation change set of exactly what launch would send
(Sceptre's own config, templates and resolvers, resolved in preview mode so nothing is
published), read back per resource: add, modify in place, replace, remove. Every replacement
and removal is a finding unless the live stack retains the resource, the stack config accepts
it, or its type is listed as holding no data (``DATALESS``). Every name a launch would take is
looked up, in stacks not deployed yet too. What CloudFormation itself would refuse (a stuck
rollback, a stack policy, an export in use, termination protection) is a finding as well.
The change sets are deleted afterwards; nothing is executed.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from byodkim.aws import exists
from byodkim.aws.cfntemplate import load, unresolved
from byodkim.errors import ByodkimError
from byodkim.messages import say
from byodkim.workflows.refusals import live_template, refused, resources, rollback_skip_list, stuck, with_holdings
from byodkim.workflows.report import NOT_DEPLOYED, stack_status
from byodkim.workflows.selectordrift import with_selector_drift
from byodkim.workflows.stackchanges import (
    Finding,
    Links,
    Preflight,
    ResourceChange,
    StackPreview,
    delete_change_set,
    described_change_set,
    linked,
    read_changes,
    references,
    with_live_policies,
)
from byodkim.workflows.stackvalues import StaticValues, physical_names, template_names

__all__ = [
    "DATALESS",
    "Finding",
    "Preflight",
    "ResourceChange",
    "StackPreview",
    "StaticValues",
    "classify",
    "physical_names",
    "preview",
    "preview_only",
    "previewing",
    "read_changes",
    "rollback_skip_list",
    "with_live_policies",
]

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from mypy_boto3_cloudformation import CloudFormationClient

    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment

# Deny by default: replacing or removing a resource of any type is a finding, unless the live
# stack retains it or the stack config accepts it. Only these types may go without one: each is
# defined wholly by its template and holds nothing a person or a service wrote into it, so the
# launch that removes or replaces it can recreate it exactly. Anything not listed stops the launch.
DATALESS: dict[str, str] = {
    "AWS::CloudWatch::Alarm": "its definition is the template; its state and history are recomputed from the metric",
    "AWS::CloudWatch::Dashboard": "its body is the template",
    "AWS::Events::Rule": "its pattern, schedule and targets are the template",
    "AWS::Lambda::Permission": "a statement in the function's policy, rewritten from the template",
    "AWS::S3::BucketPolicy": "its document is the template; the bucket and its objects are untouched",
    "AWS::SNS::TopicPolicy": "its document is the template; the topic and its subscriptions are untouched",
    "AWS::IAM::Policy": "an inline policy document, rewritten from the template",
    "AWS::SES::ConfigurationSetEventDestination": "its settings are the template; events already sent stay sent",
    "AWS::SES::ReceiptRule": "its recipients and actions are the template; mail already stored stays in the bucket",
}
# Deletion policies that keep a resource removed from the template (CloudFormation reads the live one).
CHANGE_SET_PREFIX = "byodkim-preflight-"
ADOPT = "byodkim adopt --stack {} --resource {} --live-resource {}"  # the route that moves a resource
# Set while a preview resolves parameters: byodkim's resolvers then compute what they would
# publish (layer version, code key, manifest key) and write nothing. Per thread (a context
# variable), because Sceptre launches independent stacks in parallel threads and a real launch
# must publish while another thread's guard previews.
_PREVIEWING: contextvars.ContextVar[bool] = contextvars.ContextVar("byodkim_previewing", default=False)


def previewing() -> bool:
    """Return whether parameters are being resolved for a preview, which must change nothing."""
    return _PREVIEWING.get()


class _QuietProbe(logging.Filter):
    """Drop Sceptre's own lines about a preview's change sets ("Successfully initiated creation of Change Set").

    The preview is not the launch: the hook says one line per stack instead. Only records made
    while previewing, in that thread (a context variable), and never a failure.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not previewing() or record.levelno >= logging.WARNING or str(record.msg).startswith("%s - Failed")


_QUIET = _QuietProbe()


@contextlib.contextmanager
def preview_only() -> Iterator[None]:
    """Resolve parameters within this block for a preview: resolvers compute, never publish."""
    logging.getLogger("sceptre.plan.actions").addFilter(_QUIET)  # once: a logger keeps a filter only once
    token = _PREVIEWING.set(True)
    try:
        yield
    finally:
        _PREVIEWING.reset(token)


_BUSY = ("_IN_PROGRESS",)
# Sceptre's launch deletes a stack in these states and creates it again: previewed as a create.
_RELAUNCH = ("ROLLBACK_COMPLETE", "CREATE_FAILED", "REVIEW_IN_PROGRESS")
# States launch cannot get past: blocking, each with its way out.
_STUCK = ("UPDATE_ROLLBACK_FAILED", "ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_FAILED", "IMPORT_ROLLBACK_FAILED")


def classify(
    stack: str, changes: list[ResourceChange], accepted: Iterable[str] = (), links: Links | None = None
) -> list[Finding]:
    """Return the findings among one stack's changes; ``accepted`` logical IDs are marked so.

    ``stack`` is Sceptre's name (``prod/phase-1-...``); commands name the stack as ``adopt`` takes it.
    ``links`` (from the live and our templates) pair resources that take no name through the
    named ones that refer to them: the key behind the alias that keeps its name.
    """
    allowed = set(accepted)
    short = stack.split("/", 1)[-1]
    findings: list[Finding] = []
    removed = {c.physical_id: c for c in changes if c.action == "remove" and c.physical_id}
    renamed: set[str] = set()
    pairs: dict[str, str] = {}  # new logical ID -> old, for named resources kept under another ID
    for change in changes:
        if change.action == "add" and change.name and unresolved(change.name):
            # Deny by default: a name nobody can know before the launch cannot be checked.
            what = change.name.split("}}", 1)[-1]
            findings.append(_finding(stack, change, "unknown-name", "name-unknown", "", what, allowed))
            continue
        if change.action == "add" and change.in_use is not None:
            old = removed.get(change.name) if change.name else None
            if old is not None:  # the same resource under a new logical ID: import it there
                renamed.add(old.logical_id)
                pairs[change.logical_id] = old.logical_id
                command = ADOPT.format(short, change.logical_id, old.logical_id)
                findings.append(_finding(stack, change, "collision", "import", command, old.logical_id, allowed))
            elif change.in_use == "":
                command = f"byodkim adopt --stack {short} --resource {change.logical_id}"
                findings.append(_finding(stack, change, "collision", "import", command, "", allowed))
            else:
                findings.append(_finding(stack, change, "collision", "release-then-import", "", change.in_use, allowed))
    findings += _moved(stack, changes, renamed, allowed, linked(pairs, links))
    for change in changes:
        if change.retained or change.resource_type in DATALESS:
            continue
        if change.action in ("replace", "conditional"):
            findings.append(_finding(stack, change, "replace", "keep-live", "", "", allowed))
        elif change.action == "remove" and change.logical_id not in renamed:
            command = f"byodkim retain --stack {short} --resource {change.logical_id}"
            findings.append(_finding(stack, change, "remove", "retain", command, "", allowed))
    return findings


def _moved(
    stack: str, changes: list[ResourceChange], renamed: set[str], allowed: set[str], linked: dict[str, str]
) -> list[Finding]:
    """Pair a removed resource with one added of its type that takes no name: most likely the same thing.

    A KMS key the team wrote as ``TeamKey`` and our template as ``KmsKey`` has no name to collide
    on; the update would make a new key and delete the one that encrypted everything. When a
    stack removes exactly one and adds exactly one of a type, the route is to move it (``adopt --live-resource``).
    """
    short = stack.split("/", 1)[-1]
    found = []
    by_id = {c.logical_id: c for c in changes}
    for old_id, new_id in linked.items():
        was, comes = by_id.get(old_id), by_id.get(new_id)
        if (
            was
            and comes
            and (was.action, comes.action) == ("remove", "add")
            and was.resource_type == comes.resource_type
        ):
            renamed.add(old_id)
            command = ADOPT.format(short, new_id, old_id)
            found.append(_finding(stack, comes, "moved", "import-moved", command, old_id, allowed))
    taken = {f.logical_id for f in found}
    types = {c.resource_type for c in changes if c.resource_type not in DATALESS}
    for kind in sorted(types):
        gone = [c for c in changes if c.resource_type == kind and c.action == "remove" and c.logical_id not in renamed]
        new = [c for c in changes if c.resource_type == kind and c.action == "add" and c.name is None]
        new = [c for c in new if c.logical_id not in taken]
        if len(gone) == 1 and len(new) == 1 and not gone[0].retained:
            renamed.add(gone[0].logical_id)
            command = ADOPT.format(short, new[0].logical_id, gone[0].logical_id)
            found.append(_finding(stack, new[0], "moved", "import-moved", command, gone[0].logical_id, allowed))
    return found


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
        holds=change.holds,
    )


def preview(deployment: Deployment, sceptre_dir: Path, aws: Aws, only: tuple[str, ...] = ()) -> Preflight:
    """Preview the group's stacks (or ``only`` those), through Sceptre's own config; delete the change sets after."""
    from sceptre.context import SceptreContext
    from sceptre.plan.plan import SceptrePlan

    region = deployment.region or aws.default_region()
    plan = SceptrePlan(SceptreContext(project_path=str(sceptre_dir), command_path=deployment.group))
    everything = list(plan.graph)
    statics = StaticValues(everything, aws, region)
    wanted = {deployment.stack_config(s).removesuffix(".yaml") for s in only}
    stacks = [s for s in everything if not wanted or s.name in wanted]
    previews = [preview_stack(stack, aws, region, statics) for stack in stacks]
    previews = with_selector_drift(deployment, stacks, previews, aws, region, _accepted)
    return Preflight(deployment.group, sorted(previews, key=lambda p: _order(deployment, p.stack)))


def preview_stack(
    stack: Any,  # noqa: ANN401 - sceptre's Stack
    aws: Aws,
    region: str,
    statics: StaticValues | None = None,
) -> StackPreview:
    """Preview one Sceptre stack: a change set of what launch would send to it, read back and deleted.

    Parameters are resolved for the change set in preview mode, so byodkim's resolvers publish
    nothing; names are worked out statically, so stacks not yet deployed are checked too.
    """
    from sceptre.plan.actions import StackActions

    statics = statics or StaticValues([stack], aws, region)
    region = stack.region or region
    cfn = aws.client("cloudformation", region)
    status = stack_status(cfn, stack.external_name)
    pseudo = statics.pseudo(stack)
    names = template_names(stack.template.body, statics.parameters(stack), pseudo)
    accepted = _accepted(stack)
    if status == NOT_DEPLOYED or status in _RELAUNCH:
        return _create_preview(stack, status, names, cfn, aws, region, accepted)
    if status.endswith(_BUSY):
        return StackPreview(stack.name, stack.external_name, status, note="busy")
    if status in _STUCK:
        return stuck(stack, status, cfn, accepted)
    change_set = f"{CHANGE_SET_PREFIX}{int(time.time() * 1000)}"
    try:
        with preview_only():
            StackActions(stack).create_change_set(change_set)  # Sceptre resolves exactly what launch would send
    except Exception as exc:
        if not statics.pending(stack):  # deny by default: only a known wait defers the preview
            why = str(exc).splitlines()[0] if str(exc) else repr(exc)
            raise ByodkimError(
                say("preflight.no_preview", stack=stack.external_name, why=why), say("preflight.no_preview_hint")
            ) from exc
        # A parameter reads an output its dependency only has once launch has updated it.
        return _deferred(stack, status, names, cfn, aws, region, accepted)
    try:
        described = described_change_set(cfn, stack.external_name, change_set)
    finally:
        delete_change_set(cfn, stack.external_name, change_set)
    live = live_template(cfn, stack.external_name)
    changes = with_live_policies(read_changes(described), live)
    changes = [with_holdings(cfn, c) for c in _with_names(changes, names, aws, region)]
    links = (references(live), references(load(stack.template.body)))
    findings = classify(stack.name, changes, accepted, links)
    findings += refused(stack, cfn, changes, statics)
    note = "updatable-after-rollback" if status == "UPDATE_ROLLBACK_COMPLETE" else ("no-changes" if not changes else "")
    return StackPreview(stack.name, stack.external_name, status, changes, findings, note=note)


def _create_preview(
    stack: Any,  # noqa: ANN401 - sceptre's Stack
    status: str,
    names: dict[str, str],
    cfn: CloudFormationClient,
    aws: Aws,
    region: str,
    accepted: tuple[str, ...],
) -> StackPreview:
    """Preview a stack launch creates (absent, or deleted first after a failed create): every name it takes."""
    adds = [ResourceChange(lid, str(t), "add") for lid, t in _types(stack.template.body).items()]
    changes = _with_names(adds, names, aws, region)
    findings = classify(stack.name, changes, accepted)
    if status == NOT_DEPLOYED:
        return StackPreview(stack.name, stack.external_name, status, changes, findings, note="create")
    described = cfn.describe_stacks(StackName=stack.external_name)["Stacks"][0]
    if described.get("EnableTerminationProtection"):
        # Sceptre's launch deletes a stack in this state before creating it; protection refuses the delete.
        protected = Finding(stack.name, stack.external_name, "AWS::CloudFormation::Stack", "protected",
                            stack.external_name, "termination-protection")  # fmt: skip
        findings.append(protected)
    return StackPreview(stack.name, stack.external_name, status, changes, findings, note="recreate")


def _deferred(
    stack: Any,  # noqa: ANN401 - sceptre's Stack
    status: str,
    names: dict[str, str],
    cfn: CloudFormationClient,
    aws: Aws,
    region: str,
    accepted: tuple[str, ...],
) -> StackPreview:
    """No change set yet (a parameter launch only knows later): what it adds and removes is known all the same.

    Adds have their names checked; what the live stack has and our template lacks is a removal.
    In-place changes and replacements wait for the launch guard, which previews the stack again
    when the launch reaches it.
    """
    live = live_template(cfn, stack.external_name)
    have = {str(r["LogicalResourceId"]): r for r in resources(cfn, stack.external_name)}
    ours = _types(stack.template.body)
    adds = [ResourceChange(lid, kind, "add") for lid, kind in ours.items() if lid not in have]
    gone = [
        ResourceChange(lid, str(r.get("ResourceType")), "remove", r.get("PhysicalResourceId"))
        for lid, r in have.items()
        if lid not in ours
    ]
    changes = _with_names(adds, names, aws, region) + with_live_policies(gone, live)
    changes = [with_holdings(cfn, c) for c in changes]
    links = (references(live), references(load(stack.template.body)))
    findings = classify(stack.name, changes, accepted, links)
    return StackPreview(stack.name, stack.external_name, status, changes, findings, note="deferred")


def _order(deployment: Deployment, stack: str) -> int:
    from byodkim.deployment import STACKS

    short = stack.removeprefix(f"{deployment.group}/")
    return STACKS.index(short) if short in STACKS else len(STACKS)


def _types(body: str) -> dict[str, str]:
    return {lid: str(r.get("Type")) for lid, r in (load(body).get("Resources") or {}).items()}


def _with_names(changes: list[ResourceChange], names: dict[str, str], aws: Aws, region: str) -> list[ResourceChange]:
    found = []
    for change in changes:
        name = names.get(change.logical_id)
        if change.action == "add" and name and unresolved(name):
            change = replace(change, name=name)  # noqa: PLW2901 - classify names it as unknown
        elif change.action == "add" and name:
            if not exists.checkable(change.resource_type):
                raise ByodkimError(
                    say("preflight.no_lookup", kind=change.resource_type, resource=change.logical_id),
                    say("preflight.no_lookup_hint"),
                )
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
