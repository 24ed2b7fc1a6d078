"""A stack's life as CloudFormation documents it, in place of moto's (the shared note on CloudFormation).

- **Create**: resources in dependency order, each with its events; a failure deletes what the create
  made and the stack rests in ROLLBACK_COMPLETE, which can only be deleted. DescribeStacks answers
  throughout.
- **Update**: create, then update, then clean up. Added resources and the new copy of a replaced
  one are created first; in-place updates follow; the old copy of a replaced resource and the
  resources removed from the template (or whose Condition turned false) are deleted only in
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, after everything else succeeded. So a logical ID renamed
  while its physical name stays collides ("... already exists") and the update rolls back.
- **Rollback**: the in-place updates are undone, what the update created is deleted, the old
  template and parameters return: UPDATE_ROLLBACK_COMPLETE. A resource whose rollback fails is
  UPDATE_FAILED and the stack UPDATE_ROLLBACK_FAILED; ContinueUpdateRollback retries it or, named
  in ResourcesToSkip, marks it UPDATE_COMPLETE.
- **Exports** another stack imports cannot be removed or changed, nor their stack deleted;
  ListImports names the importers; an update refreshes the stack's exports.
- **Stack policies** deny every Update:Modify/Replace/Delete they do not allow; **termination
  protection** refuses DeleteStack.
- **Conditions** decide whether a resource exists on every update, not only on create (moto
  updated a resource whose Condition was false and failed with ``'NoneType' object has no
  attribute 'name'``: the phase-4 re-launch after ``byodkim register``).
- **Fault hook** (``/_byodkim/cfn-faults``): fail a named resource's create, update or rollback,
  so UPDATE_ROLLBACK_FAILED can be produced on purpose.
"""

from __future__ import annotations

import contextlib
import copy
import fnmatch
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

# Stack states from which CloudFormation refuses UpdateStack and CreateChangeSet(UPDATE).
NOT_UPDATABLE = (
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "ROLLBACK_IN_PROGRESS",
    "CREATE_FAILED",
    "CREATE_IN_PROGRESS",
    "DELETE_IN_PROGRESS",
    "DELETE_COMPLETE",
    "REVIEW_IN_PROGRESS",
    "UPDATE_IN_PROGRESS",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_FAILED",
)
STACK_TYPE = "AWS::CloudFormation::Stack"
EVENTS_PER_PAGE = 100  # DescribeStackEvents' page; CloudFormation does not document its own size

_local = threading.local()  # the operation under way in this request's thread: create, update or rollback
_faults: list[dict[str, Any]] = []
_faults_lock = threading.Lock()


class ResourceFailure(Exception):  # noqa: N818 - named for CloudFormation's resource failure
    """A resource (or the stack itself) failed; ``byodkim_resource`` names it for the events."""

    def __init__(self, message: str, logical_id: str, resource_type: str) -> None:
        super().__init__(message)
        self.byodkim_resource = (logical_id, resource_type)


def set_faults(faults: list[dict[str, Any]]) -> int:
    """Replace the resource faults: each ``{"stack", "logical_id", "during", "count", "message"}``."""
    with _faults_lock:
        _faults[:] = [
            {
                "stack": str(f.get("stack", "*")),
                "logical_id": str(f["logical_id"]),
                "during": str(f.get("during", "update")),
                "count": int(f.get("count", 1)),
                "message": str(f.get("message", "injected failure (byodkim emulator fault)")),
            }
            for f in faults
        ]
        return len(_faults)


def _take_fault(stack_name: str, logical_id: str) -> str | None:
    during = getattr(_local, "phase", "")
    with _faults_lock:
        for fault in _faults:
            if (
                fault["count"] != 0
                and fault["during"] == during
                and fault["logical_id"] == logical_id
                and fnmatch.fnmatchcase(stack_name, fault["stack"])
            ):
                if fault["count"] > 0:
                    fault["count"] -= 1
                return str(fault["message"])
    return None


def _check_fault(stack_name: str, logical_id: str, resource_type: str) -> None:
    message = _take_fault(stack_name, logical_id)
    if message is not None:
        raise ResourceFailure(message, logical_id, resource_type)


# --- template reading ---------------------------------------------------------------------------


def _references(node: Any) -> set[str]:  # noqa: ANN401 - template data
    """Return the names a template fragment refers to (Ref, GetAtt, Sub, DependsOn)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".", 1)[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found.update(m.split(".", 1)[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", str(text)))
                if isinstance(value, list) and len(value) > 1:
                    found.update(_references(value[1]))
            elif key == "DependsOn":
                found.update([value] if isinstance(value, str) else value)
            else:
                found.update(_references(value))
    elif isinstance(node, list):
        for item in node:
            found.update(_references(item))
    return found


def dependency_order(resources: dict[str, Any]) -> list[str]:
    """Return the logical IDs with every resource after those it refers to."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(logical_id: str, path: set[str]) -> None:
        if logical_id in seen or logical_id not in resources or logical_id in path:
            return
        path.add(logical_id)
        for dependency in sorted(_references(resources[logical_id])):
            visit(dependency, path)
        seen.add(logical_id)
        order.append(logical_id)

    for logical_id in resources:
        visit(logical_id, set())
    return order


def modelled(resource_type: str) -> bool:
    """Return whether moto (or byodkim) makes resources of this type; others are skipped."""
    from moto.cloudformation import parsing

    return resource_type.startswith("Custom::") or resource_type in parsing.get_model_map()


def _active(resource_map: Any, resource: dict[str, Any]) -> bool:  # noqa: ANN401 - moto's ResourceMap
    condition = resource.get("Condition")
    return not condition or bool(resource_map.lazy_condition_map[condition])


def resolved_properties(resource_map: Any, resource: dict[str, Any]) -> Any:  # noqa: ANN401
    """Return a resource's properties with parameters, references and functions resolved."""
    from moto.cloudformation.parsing import clean_json

    return clean_json(copy.deepcopy(resource.get("Properties") or {}), resource_map)


def _live(resource_map: Any) -> dict[str, Any]:  # noqa: ANN401
    """Return the resources that exist: logical ID to model, in the order they were made."""
    names = resource_map._resource_json_map  # noqa: SLF001 - moto's own map
    return {
        key: value
        for key, value in resource_map._parsed_resources.items()  # noqa: SLF001
        if key in names and value is not None and not isinstance(value, (str, int, float, list, dict))
    }


def _load(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> None:  # noqa: ANN401
    """Point the resource map at ``template`` with ``parameters``: parameters and conditions re-evaluated."""
    resource_map._template = template  # noqa: SLF001
    resource_map._resource_json_map = template.get("Resources", {}) or {}  # noqa: SLF001
    resource_map.input_parameters = parameters
    resource_map.resolved_parameters = {}
    resource_map.load_mapping()
    resource_map.load_parameters()
    resource_map.load_conditions()


# --- events and per-resource status -------------------------------------------------------------


def record_event(stack: Any, logical_id: str, resource_type: str, status: str, reason: str | None = None) -> None:  # noqa: ANN401
    """Add a resource's event and make ``status`` its current status."""
    from moto.cloudformation.models import Event

    resource = stack.resource_map._parsed_resources.get(logical_id)  # noqa: SLF001
    physical = getattr(resource, "physical_resource_id", None) or ""
    stack.events.append(
        Event(stack.stack_id, stack.name, logical_id, str(physical), resource_type, status, reason, None)
    )
    statuses(stack)[logical_id] = (status, reason)


def statuses(stack: Any) -> dict[str, tuple[str, str | None]]:  # noqa: ANN401 - moto's Stack
    """Return the stack's resource statuses by logical ID (what DescribeStackResources shows)."""
    found: dict[str, tuple[str, str | None]] | None = getattr(stack, "byodkim_statuses", None)
    if found is None:
        found = {}
        stack.byodkim_statuses = found
    return found


def _backend(stack: Any) -> Any:  # noqa: ANN401
    from moto.cloudformation.models import cloudformation_backends

    return cloudformation_backends[stack.account_id][stack.region_name]


def _tag(exc: BaseException, default: tuple[str, str]) -> tuple[str, str]:
    found = getattr(exc, "byodkim_resource", None)
    return (str(found[0]), str(found[1])) if found else default


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    return str(message or exc).strip() or type(exc).__name__


# --- create -------------------------------------------------------------------------------------


def create_resources(stack: Any) -> None:  # noqa: ANN401 - moto's Stack
    """Create every resource; on a failure delete what was made and rest in ROLLBACK_COMPLETE."""
    from moto.cloudformation.parsing import OutputMap

    resource_map = stack.resource_map
    resources = stack.template_dict.get("Resources", {}) or {}
    resource_map._template = stack.template_dict  # noqa: SLF001
    resource_map._resource_json_map = resources  # noqa: SLF001
    resource_map.tags.update(
        {"aws:cloudformation:stack-name": stack.name, "aws:cloudformation:stack-id": stack.stack_id}
    )
    stack.status = "CREATE_IN_PROGRESS"
    _local.phase = "create"
    ready = True
    try:
        for logical_id in dependency_order(resources):
            resource = resources[logical_id]
            if not modelled(resource.get("Type", "")) or not _active(resource_map, resource):
                continue
            record_event(stack, logical_id, resource["Type"], "CREATE_IN_PROGRESS")
            made = resource_map[logical_id]
            if made is not None and not made.is_created():
                ready = False
            record_event(stack, logical_id, resource["Type"], "CREATE_COMPLETE")
        _exports_free(stack, {e.name: e.value for e in stack.output_map.exports})
    except Exception as exc:  # noqa: BLE001 - any failure rolls the create back, as CloudFormation does
        logical_id, kind = _tag(exc, (stack.name, STACK_TYPE))
        record_event(stack, logical_id, kind, "CREATE_FAILED", _reason(exc))
        stack._add_stack_event(  # noqa: SLF001
            "ROLLBACK_IN_PROGRESS",
            resource_status_reason=f"The following resource(s) failed to create: [{logical_id}]. "
            "Rollback requested by user.",
        )
        stack.status = "ROLLBACK_IN_PROGRESS"
        for made_id, made in reversed(list(_live(resource_map).items())):
            record_event(stack, made_id, resources[made_id]["Type"], "DELETE_IN_PROGRESS")
            with contextlib.suppress(Exception):  # CloudFormation would retry; the stack still rolls back
                resource_map._delete_resource(made, resources[made_id])  # noqa: SLF001
            resource_map._parsed_resources.pop(made_id, None)  # noqa: SLF001
            record_event(stack, made_id, resources[made_id]["Type"], "DELETE_COMPLETE")
        # Nothing left to resolve: a lazy map would otherwise re-create resources on a read.
        resource_map._resource_json_map = {}  # noqa: SLF001
        stack.output_map = OutputMap(resource_map, {"Outputs": {}}, stack.stack_id)
        stack._add_stack_event("ROLLBACK_COMPLETE")  # noqa: SLF001
        stack.status = "ROLLBACK_COMPLETE"
        return
    finally:
        _local.phase = ""
    backend = _backend(stack)
    for export in stack.output_map.exports:
        backend.exports[export.name] = export
    stack.description = stack.template_dict.get("Description")
    if ready:
        stack.mark_creation_complete()


def _exports_free(stack: Any, exports: dict[str, Any]) -> None:  # noqa: ANN401
    backend = _backend(stack)
    for name in exports:
        held = backend.exports.get(name)
        if held is not None and held.exporting_stack_id != stack.stack_id:
            holder = next((s.name for s in backend.stacks.values() if s.stack_id == held.exporting_stack_id), "")
            raise ResourceFailure(
                f"Export with name {name} is already exported by stack {holder}", stack.name, STACK_TYPE
            )


# --- update -------------------------------------------------------------------------------------


@dataclass
class _Before:
    """What the stack was before an update, to roll back to."""

    template: Any
    template_dict: dict[str, Any]
    parameters: dict[str, Any]
    input_parameters: dict[str, Any]
    resources: dict[str, Any]
    live: dict[str, Any]


@dataclass
class _Done:
    """What an update did so far, in order."""

    created: list[str] = field(default_factory=list)
    replaced: dict[str, Any] = field(default_factory=dict)  # logical ID -> the old model
    modified: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    new_resources: dict[str, Any] = field(default_factory=dict)


def update(stack: Any, template: str, role_arn: str | None = None, parameters: Any = None, tags: Any = None) -> None:  # noqa: ANN401
    """Update as CloudFormation does: create, update, clean up; roll back on a failure."""
    from moto.cloudformation.parsing import OutputMap

    resource_map = stack.resource_map
    before = _Before(
        stack.template,
        stack.template_dict,
        dict(stack.parameters or {}),
        dict(resource_map.input_parameters or {}),
        dict(resource_map._resource_json_map),  # noqa: SLF001
        _live(resource_map),
    )
    new_template = stack.parse_template(template)
    try:
        _load(resource_map, new_template, dict(parameters) if parameters else before.input_parameters)
    except Exception:
        _load(resource_map, before.template_dict, before.input_parameters)
        raise  # a template or parameter error is the API's answer; nothing started
    policy = getattr(stack, "byodkim_policy_during_update", None) or stack.policy
    stack.byodkim_policy_during_update = None
    stack._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")  # noqa: SLF001
    stack.status = "UPDATE_IN_PROGRESS"
    done = _Done(new_resources=new_template.get("Resources", {}) or {})
    _local.phase = "update"
    try:
        _forward(stack, before, done, policy)
        new_outputs = OutputMap(resource_map, new_template, stack.stack_id)
        _exports_in_use(stack, {e.name: e.value for e in new_outputs.exports})
    except Exception as exc:  # noqa: BLE001 - any failure rolls the update back
        logical_id, kind = _tag(exc, (stack.name, STACK_TYPE))
        # A resource the update was adding fails its create, as in CloudFormation's events.
        verb = "UPDATE" if logical_id in before.live or logical_id == stack.name else "CREATE"
        record_event(stack, logical_id, kind, f"{verb}_FAILED", _reason(exc))
        _rollback(stack, before, done, logical_id)
        return
    finally:
        _local.phase = ""
    stack.template = template
    stack._parse_template()  # noqa: SLF001
    stack.role_arn = role_arn
    if parameters:
        stack.parameters = parameters
    if tags is not None:
        stack.tags = tags
    stack.output_map = new_outputs
    stack._add_stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")  # noqa: SLF001
    stack.status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
    for logical_id, old in reversed(list(done.replaced.items())):
        _delete(stack, logical_id, old, before.resources[logical_id], replaced=True)
    for logical_id in reversed(done.removed):
        _delete(stack, logical_id, before.live[logical_id], before.resources[logical_id], replaced=False)
        resource_map._parsed_resources.pop(logical_id, None)  # noqa: SLF001
        statuses(stack).pop(logical_id, None)
    backend = _backend(stack)
    for name, export in list(backend.exports.items()):
        if export.exporting_stack_id == stack.stack_id:
            del backend.exports[name]
    for export in stack.output_map.exports:
        backend.exports[export.name] = export
    stack._add_stack_event("UPDATE_COMPLETE")  # noqa: SLF001
    stack.status = "UPDATE_COMPLETE"


def _forward(stack: Any, before: _Before, done: _Done, policy: str) -> None:  # noqa: ANN401
    resource_map = stack.resource_map
    resources = done.new_resources
    for logical_id in dependency_order(resources):
        resource = resources[logical_id]
        kind = str(resource.get("Type", ""))
        if not modelled(kind) or not _active(resource_map, resource):
            continue
        try:
            _step(stack, before, done, policy, logical_id)
        except Exception as exc:
            if not hasattr(exc, "byodkim_resource"):
                exc.byodkim_resource = (logical_id, kind)  # type: ignore[attr-defined]
            raise
    _removals(stack, before, done, policy)


def _step(stack: Any, before: _Before, done: _Done, policy: str, logical_id: str) -> None:  # noqa: ANN401
    """Create, replace or update one resource of the new template."""
    from byodkim.emulator.changesets import create_only

    resource_map = stack.resource_map
    resource = done.new_resources[logical_id]
    kind = str(resource.get("Type", ""))
    if logical_id not in before.live:
        resource_map._parsed_resources.pop(logical_id, None)  # noqa: SLF001
        record_event(stack, logical_id, kind, "CREATE_IN_PROGRESS")
        resource_map[logical_id]
        done.created.append(logical_id)
        record_event(stack, logical_id, kind, "CREATE_COMPLETE")
        return
    old = before.live[logical_id]
    old_resource = before.resources.get(logical_id, {})
    after = resolved_properties(resource_map, resource)
    earlier = getattr(old, "byodkim_properties", None)
    if old_resource.get("Type") != kind:
        action = "Replace"
    elif (after == earlier) if earlier is not None else (old_resource == resource):
        return
    else:
        always, _ = create_only(kind)
        changed = {k for k in set(after) | set(earlier or {}) if after.get(k) != (earlier or {}).get(k)}
        action = "Replace" if changed & always else "Modify"
    _allowed(policy, f"Update:{action}", logical_id, kind)
    record_event(stack, logical_id, kind, "UPDATE_IN_PROGRESS")
    if action == "Replace":
        _check_fault(stack.name, logical_id, kind)
        _custom_name_kept(logical_id, kind, after, earlier or {})
        resource_map._parsed_resources.pop(logical_id)  # noqa: SLF001
        done.replaced[logical_id] = old
        resource_map[logical_id]
    else:
        done.modified.append(logical_id)
        resource_map._parsed_resources[logical_id] = update_in_place(stack, logical_id, resource, old)  # noqa: SLF001
    record_event(stack, logical_id, kind, "UPDATE_COMPLETE")


def _custom_name_kept(logical_id: str, kind: str, after: dict[str, Any], earlier: dict[str, Any]) -> None:
    from byodkim.aws.cfntemplate import NAME_PROPERTY

    prop = NAME_PROPERTY.get(kind)
    if prop and after.get(prop) and after.get(prop) == earlier.get(prop):
        raise ResourceFailure(
            "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
            f"Rename {after[prop]} and update the stack again.",
            logical_id,
            kind,
        )


def _removals(stack: Any, before: _Before, done: _Done, policy: str) -> None:  # noqa: ANN401
    """Note the resources the cleanup deletes: gone from the template, or their Condition now false."""
    resource_map = stack.resource_map
    resources = done.new_resources
    for logical_id in before.live:
        resource = resources.get(logical_id)
        if resource is None or not _active(resource_map, resource):
            _allowed(policy, "Update:Delete", logical_id, str(before.resources[logical_id].get("Type", "")))
            done.removed.append(logical_id)


def update_in_place(stack: Any, logical_id: str, resource: dict[str, Any], current: Any) -> Any:  # noqa: ANN401
    """Update one resource without replacing it; return its model."""
    from moto.cloudformation import parsing

    kind = str(resource.get("Type", ""))
    _check_fault(stack.name, logical_id, kind)
    resource_map = stack.resource_map
    properties = resolved_properties(resource_map, resource)
    model = parsing.resource_class_from_type(kind)
    updated = None
    if model is not None and not hasattr(model.update_from_cloudformation_json, "__isabstractmethod__"):
        resource_map._parsed_resources[logical_id] = current  # noqa: SLF001 - what moto's update reads
        updated = parsing.parse_and_update_resource(
            logical_id, resource, resource_map, account_id=stack.account_id, region_name=stack.region_name
        )
    if updated is None:
        # moto cannot update this type (KMS::Key among them): change what its API can, keep the model.
        _update_fields(kind, current, properties)
        updated = current
    updated.byodkim_properties = properties
    updated.logical_resource_id = logical_id
    updated.cf_resource_type = kind
    return updated


def _update_fields(kind: str, model: Any, properties: dict[str, Any]) -> None:  # noqa: ANN401
    if kind == "AWS::KMS::Key":
        if "Description" in properties:
            model.description = properties["Description"]
        policy = properties.get("KeyPolicy")
        if policy is not None:
            model.policy = policy if isinstance(policy, str) else json.dumps(policy)
        model.key_rotation_status = str(properties.get("EnableKeyRotation", False)).lower() == "true"
        model.enabled = str(properties.get("Enabled", True)).lower() == "true"


def _delete(stack: Any, logical_id: str, model: Any, resource: dict[str, Any], *, replaced: bool) -> None:  # noqa: ANN401
    """Delete an old resource in the cleanup; the policies that keep it are read from its template."""
    kind = str(resource.get("Type", ""))
    keep = resource.get("UpdateReplacePolicy" if replaced else "DeletionPolicy") == "Retain"
    if keep:
        return
    try:
        # DeletionPolicy was weighed above for this case; moto's delete must not weigh it again.
        plain = {k: v for k, v in resource.items() if k != "DeletionPolicy"} if replaced else resource
        stack.resource_map._delete_resource(model, plain)  # noqa: SLF001
    except Exception as exc:  # noqa: BLE001 - CloudFormation reports a failed cleanup and carries on
        record_event(stack, logical_id, kind, "DELETE_FAILED", _reason(exc))


def _rollback(stack: Any, before: _Before, done: _Done, failed_id: str) -> None:  # noqa: ANN401
    stack._add_stack_event(  # noqa: SLF001
        "UPDATE_ROLLBACK_IN_PROGRESS",
        resource_status_reason=f"The following resource(s) failed to update: [{failed_id}].",
    )
    stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
    resource_map = stack.resource_map
    parsed = resource_map._parsed_resources  # noqa: SLF001
    cleanup = [(lid, parsed.get(lid), done.new_resources.get(lid, {})) for lid in [*done.created, *done.replaced]]
    for logical_id, old in done.replaced.items():
        parsed[logical_id] = old
    for logical_id in done.created:
        parsed.pop(logical_id, None)
    stack.template, stack.template_dict, stack.parameters = before.template, before.template_dict, before.parameters
    _load(resource_map, before.template_dict, before.input_parameters)
    stack.output_map = stack._create_output_map()  # noqa: SLF001
    for logical_id in done.replaced:
        statuses(stack)[logical_id] = ("UPDATE_COMPLETE", None)
    stack.byodkim_rollback = {"failed": {}, "cleanup": cleanup}
    _local.phase = "rollback"
    try:
        for logical_id in reversed(done.modified):
            _roll_back(stack, logical_id, before)
    finally:
        _local.phase = ""
    _settle(stack)


def _roll_back(stack: Any, logical_id: str, before: _Before | None) -> None:  # noqa: ANN401
    """Return one in-place-updated resource to the template the stack runs; record a failure."""
    resources = stack.resource_map._resource_json_map  # noqa: SLF001
    resource = resources[logical_id]
    kind = str(resource.get("Type", ""))
    current = stack.resource_map._parsed_resources.get(logical_id)  # noqa: SLF001
    if current is None and before is not None:
        current = before.live[logical_id]
    record_event(stack, logical_id, kind, "UPDATE_IN_PROGRESS")
    try:
        stack.resource_map._parsed_resources[logical_id] = update_in_place(stack, logical_id, resource, current)  # noqa: SLF001
    except Exception as exc:  # noqa: BLE001 - a failed rollback is its own state
        reason = _reason(exc)
        stack.byodkim_rollback["failed"][logical_id] = reason
        record_event(stack, logical_id, kind, "UPDATE_FAILED", reason)
        return
    stack.byodkim_rollback["failed"].pop(logical_id, None)
    record_event(stack, logical_id, kind, "UPDATE_COMPLETE")


def _settle(stack: Any) -> None:  # noqa: ANN401
    """End a rollback: UPDATE_ROLLBACK_FAILED while a resource failed, else clean up and complete."""
    pending = stack.byodkim_rollback
    if pending["failed"]:
        names = ", ".join(pending["failed"])
        stack._add_stack_event(  # noqa: SLF001
            "UPDATE_ROLLBACK_FAILED",
            resource_status_reason=f"The following resource(s) failed to update: [{names}].",
        )
        stack.status = "UPDATE_ROLLBACK_FAILED"
        return
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")  # noqa: SLF001
    for logical_id, model, resource in reversed(pending["cleanup"]):
        if model is None:
            continue
        try:
            plain = {k: v for k, v in resource.items() if k != "DeletionPolicy"}  # what a failed update made goes
            stack.resource_map._delete_resource(model, plain)  # noqa: SLF001
        except Exception:  # noqa: BLE001, S110 - best effort, as moto's own delete
            pass
        if logical_id not in stack.resource_map._resource_json_map:  # noqa: SLF001
            statuses(stack).pop(logical_id, None)
    stack.byodkim_rollback = None
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")  # noqa: SLF001
    stack.status = "UPDATE_ROLLBACK_COMPLETE"


def continue_update_rollback(stack: Any, skip: list[str]) -> None:  # noqa: ANN401
    """ContinueUpdateRollback: retry the failed rollbacks, or mark the ones in ``skip`` UPDATE_COMPLETE."""
    from moto.cloudformation.exceptions import ValidationError

    pending = getattr(stack, "byodkim_rollback", None)
    if stack.status != "UPDATE_ROLLBACK_FAILED" or not pending:
        raise ValidationError(
            stack.stack_id,
            message=f"Stack {stack.stack_id} is in {stack.status} state and can not continue update rollback.",
        )
    wrong = [name for name in skip if name not in pending["failed"]]
    if wrong:
        raise ValidationError(
            stack.stack_id,
            message=f"Resources [{', '.join(wrong)}] cannot be skipped: only resources whose rollback "
            "failed (UPDATE_FAILED) can be skipped.",
        )
    stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason="User Initiated")  # noqa: SLF001
    stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
    _local.phase = "rollback"
    try:
        for logical_id in list(pending["failed"]):
            if logical_id in skip:
                pending["failed"].pop(logical_id)
                kind = str(stack.resource_map._resource_json_map.get(logical_id, {}).get("Type", ""))  # noqa: SLF001
                record_event(stack, logical_id, kind, "UPDATE_COMPLETE", "Resource skipped during UpdateRollback")
            else:
                _roll_back(stack, logical_id, None)
    finally:
        _local.phase = ""
    _settle(stack)


# --- exports ------------------------------------------------------------------------------------


def _import_values(node: Any) -> list[Any]:  # noqa: ANN401
    found: list[Any] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend([value] if key == "Fn::ImportValue" else _import_values(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_import_values(item))
    return found


def importers(backend: Any, export_name: str, exporter_id: str | None = None) -> list[str]:  # noqa: ANN401
    """Return the names of the live stacks whose template imports ``export_name``."""
    from moto.cloudformation.parsing import clean_json

    names = []
    for stack in backend.stacks.values():
        if stack.stack_id == exporter_id or stack.status in (
            "DELETE_COMPLETE",
            "REVIEW_IN_PROGRESS",
            "ROLLBACK_COMPLETE",
        ):
            continue
        for value in _import_values(stack.template_dict):
            try:
                resolved = clean_json(copy.deepcopy(value), stack.resource_map)
            except Exception:  # noqa: BLE001, S112 - an import we cannot resolve is not this one
                continue
            if resolved == export_name:
                names.append(stack.name)
                break
    return names


def _exports_in_use(stack: Any, new_exports: dict[str, Any]) -> None:  # noqa: ANN401
    backend = _backend(stack)
    for name, export in list(backend.exports.items()):
        if export.exporting_stack_id != stack.stack_id:
            continue
        users = importers(backend, name, stack.stack_id)
        if not users:
            continue
        if name not in new_exports:
            raise ResourceFailure(
                f"Export {name} cannot be deleted as it is in use by {users[0]}", stack.name, STACK_TYPE
            )
        if new_exports[name] != export.value:
            raise ResourceFailure(
                f"Cannot update export {name} as it is in use by {', '.join(users)}", stack.name, STACK_TYPE
            )
    _exports_free(stack, new_exports)


# --- stack policies -----------------------------------------------------------------------------


def _listed(value: Any) -> list[str]:  # noqa: ANN401
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _statement_applies(statement: dict[str, Any], action: str, logical_id: str, kind: str) -> bool:
    def any_match(patterns: list[str], value: str) -> bool:
        return any(fnmatch.fnmatchcase(value, p) for p in patterns)

    target = f"LogicalResourceId/{logical_id}"
    if "Action" in statement and not any_match(_listed(statement["Action"]), action):
        return False
    if "NotAction" in statement and any_match(_listed(statement["NotAction"]), action):
        return False
    if "Resource" in statement and not any_match(_listed(statement["Resource"]), target):
        return False
    if "NotResource" in statement and any_match(_listed(statement["NotResource"]), target):
        return False
    return _condition_holds(statement.get("Condition") or {}, kind)


def _condition_holds(condition: dict[str, Any], kind: str) -> bool:
    """Return whether a statement's ResourceType condition accepts ``kind`` (other keys are not known here)."""
    for operator, tests in condition.items():
        patterns = _listed(tests.get("ResourceType")) if "ResourceType" in tests else None
        if patterns is None:
            continue
        exact = operator in ("StringEquals", "StringNotEquals")
        hit = kind in patterns if exact else any(fnmatch.fnmatchcase(kind, p) for p in patterns)
        if operator in ("StringNotEquals", "StringNotLike"):
            hit = not hit
        if not hit:
            return False
    return True


def _allowed(policy: str | None, action: str, logical_id: str, kind: str) -> None:
    """Raise unless the stack policy allows ``action`` on the resource (no policy: everything allowed)."""
    if not policy:
        return
    statements = json.loads(policy).get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    allowed = False
    for statement in statements:
        if not _statement_applies(statement, action, logical_id, kind):
            continue
        if statement.get("Effect") == "Deny":
            allowed = False
            break
        allowed = True
    if not allowed:
        raise ResourceFailure(
            f"Action denied by stack policy: [{action}] on [LogicalResourceId/{logical_id}]", logical_id, kind
        )


# --- wiring into moto ---------------------------------------------------------------------------


def install() -> None:
    """Replace moto's create, update, change set execution and delete with the lifecycle above."""
    _models_remember_properties()
    _nested_stacks()
    _backend_operations()
    _responses()


def _models_remember_properties() -> None:
    """Give each model the properties it was made from (to tell a change), and check the fault hook."""
    from moto.cloudformation import parsing

    original = parsing.parse_and_create_resource

    def create(logical_id: str, resource_json: dict[str, Any], resources_map: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        condition = resource_json.get("Condition")
        if condition and not resources_map.lazy_condition_map[condition]:
            return None
        _check_fault(str(resources_map["AWS::StackName"]), logical_id, str(resource_json.get("Type", "")))
        made = original(logical_id, resource_json, resources_map, *args, **kwargs)
        if made is not None:
            made.byodkim_properties = resolved_properties(resources_map, resource_json)
        return made

    parsing.parse_and_create_resource = create


def _nested_output(stack: Any, attribute_name: str) -> Any:  # noqa: ANN401 - moto's Stack, an output value
    """``!GetAtt Child.Outputs.Name``: the nested stack's output."""
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    if attribute_name.startswith("Outputs."):
        wanted = attribute_name.removeprefix("Outputs.")
        for output in stack.output_map.values():
            if output is not None and output.key == wanted:
                return output.value
    raise UnformattedGetAttTemplateException


def _nested_stacks() -> None:
    """AWS::CloudFormation::Stack: a child stack from a TemplateURL in the emulated S3, updated in place.

    moto made the child, but its ``!GetAtt Child.Outputs.X`` was empty, its ``!Ref`` the name
    rather than the stack ID, a failed child still counted as created, and every update deleted
    the child and made a new one (with whatever it held).
    """
    from moto.cloudformation.models import Stack, cloudformation_backends
    from moto.cloudformation.utils import get_stack_from_s3_url
    from moto.utilities.utils import get_partition

    def template_of(properties: dict[str, Any], account_id: str, region_name: str) -> str:
        return get_stack_from_s3_url(
            properties["TemplateURL"], account_id=account_id, partition=get_partition(region_name)
        )

    def parameters_of(properties: dict[str, Any]) -> dict[str, str]:
        return {
            k: ",".join(map(str, v)) if isinstance(v, list) else str(v)
            for k, v in (properties.get("Parameters") or {}).items()
        }

    def create(
        cls: type,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        /,
        **kwargs: object,
    ) -> Any:  # noqa: ANN401
        del cls
        properties = cloudformation_json["Properties"]
        backend = cloudformation_backends[account_id][region_name]
        child = backend.create_stack(
            name=resource_name,
            template=template_of(properties, account_id, region_name),
            parameters=parameters_of(properties),
        )
        if child.status != "CREATE_COMPLETE":
            failed = [e.logical_resource_id for e in child.events if e.resource_status == "CREATE_FAILED"]
            backend.delete_stack(child.stack_id)
            raise ResourceFailure(
                f"Embedded stack {child.stack_id} was not successfully created: "
                f"The following resource(s) failed to create: [{', '.join(failed)}].",
                str(kwargs.get("LogicalId", resource_name)),
                STACK_TYPE,
            )
        return child

    def update_child(
        cls: type,
        original_resource: Any,  # noqa: ANN401 - moto's Stack
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:  # noqa: ANN401
        del cls, new_resource_name
        properties = cloudformation_json["Properties"]
        original_resource.update(template_of(properties, account_id, region_name), parameters=parameters_of(properties))
        if original_resource.status != "UPDATE_COMPLETE":
            raise ResourceFailure(
                f"Embedded stack {original_resource.stack_id} was not successfully updated. "
                f"Currently in {original_resource.status}.",
                str(getattr(original_resource, "logical_resource_id", original_resource.name)),
                STACK_TYPE,
            )
        return original_resource

    Stack.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment]
    Stack.update_from_cloudformation_json = classmethod(update_child)  # type: ignore[method-assign,assignment]
    Stack.get_cfn_attribute = _nested_output  # type: ignore[attr-defined]
    Stack.physical_resource_id = property(lambda self: self.stack_id)  # type: ignore[method-assign,assignment]


def _backend_operations() -> None:
    from moto.cloudformation.models import CloudFormationBackend, Stack

    Stack.update = update  # type: ignore[method-assign,assignment]
    Stack.create_resources = create_resources  # type: ignore[method-assign,assignment]
    # Only what exists: moto's lazy map listed a resource whose Condition is false as None, and
    # would create a missing one on a mere read.
    Stack.stack_resources = property(lambda self: list(_live(self.resource_map).values()))  # type: ignore[method-assign,assignment]

    def create_stack(
        self: Any,  # noqa: ANN401
        name: str,
        template: str,
        parameters: dict[str, Any],
        notification_arns: list[str] | None = None,
        tags: dict[str, str] | None = None,
        role_arn: str | None = None,
        enable_termination_protection: bool | None = False,  # noqa: FBT001, FBT002 - moto's signature
        timeout_in_mins: int | None = None,
        stack_policy_body: str | None = None,
    ) -> Any:  # noqa: ANN401
        from moto.cloudformation.exceptions import AlreadyExistsException
        from moto.cloudformation.utils import generate_stack_id

        if any(s.name == name for s in self.stacks.values()):
            raise AlreadyExistsException(f"Stack [{name}] already exists")
        # A template or parameter error is the API's answer (Stack() raises it): no stack is left.
        stack = Stack(  # type: ignore[abstract]  # moto's own class, complete at runtime
            stack_id=generate_stack_id(name, self.region_name, self.account_id),
            name=name,
            template=template,
            parameters=parameters,
            account_id=self.account_id,
            region_name=self.region_name,
            notification_arns=notification_arns,
            tags=tags,
            role_arn=role_arn,
            cross_stack_resources=self.exports,
            enable_termination_protection=enable_termination_protection,
            timeout_in_mins=timeout_in_mins,
            stack_policy_body=stack_policy_body,
        )
        self.stacks[stack.stack_id] = stack
        stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")  # noqa: SLF001
        stack.create_resources()  # exports are checked and registered once the resources exist
        return stack

    CloudFormationBackend.create_stack = create_stack  # type: ignore[method-assign]
    _execute()
    _delete_refused()


def _execute() -> None:
    """ExecuteChangeSet through the same create and update as CreateStack and UpdateStack."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import CloudFormationBackend

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:  # noqa: ANN401
        change_set = self.change_sets.get(change_set_name) or next(
            (c for c in self.change_sets.values() if c.change_set_name == change_set_name), None
        )
        if change_set is None:
            raise ValidationError(stack_name)
        if change_set.execution_status != "AVAILABLE":
            raise ValidationError(
                stack_name,
                message=f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current status of "
                f"[{change_set.status}]",
            )
        stack = self.stacks[change_set.stack_id]
        change_set.execution_status = "EXECUTE_IN_PROGRESS"
        if change_set.change_set_type == "CREATE":
            stack.template = change_set.template
            stack._parse_template()  # noqa: SLF001
            stack.parameters = change_set.parameters
            stack.resource_map = stack._create_resource_map()  # noqa: SLF001
            stack.output_map = stack._create_output_map()  # noqa: SLF001
            stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")  # noqa: SLF001
            stack.create_resources()
        else:
            stack.update(change_set.template, change_set.role_arn, change_set.parameters or None, change_set.tags)
        change_set.execution_status = (
            "EXECUTE_COMPLETE"
            if stack.status.endswith("_COMPLETE") and "ROLLBACK" not in stack.status
            else "EXECUTE_FAILED"
        )

    CloudFormationBackend.execute_change_set = execute_change_set  # type: ignore[method-assign]


def _delete_refused() -> None:
    """DeleteStack refused by termination protection; DELETE_FAILED while another stack imports an export."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import CloudFormationBackend

    def delete_stack(self: Any, name_or_stack_id: str) -> None:  # noqa: ANN401
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None
        )
        if stack is None:
            return  # CloudFormation answers a delete of an unknown stack name with success
        if stack.enable_termination_protection:
            raise ValidationError(
                stack.stack_id,
                message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled",
            )
        for export_name, export in self.exports.items():
            if export.exporting_stack_id != stack.stack_id:
                continue
            users = importers(self, export_name, stack.stack_id)
            if users:
                stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")  # noqa: SLF001
                stack._add_stack_event(  # noqa: SLF001
                    "DELETE_FAILED",
                    resource_status_reason=f"Export {export_name} cannot be deleted as it is in use by {users[0]}",
                )
                stack.status = "DELETE_FAILED"
                return
        for export_name, export in list(self.exports.items()):
            if export.exporting_stack_id == stack.stack_id:
                del self.exports[export_name]
        self.stacks.pop(stack.stack_id)
        stack.delete()
        self.deleted_stacks[stack.stack_id] = stack

    CloudFormationBackend.delete_stack = delete_stack  # type: ignore[method-assign]


def _responses() -> None:
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import EmptyResult

    def validate_status(self: Any, stack: Any) -> None:  # noqa: ANN401
        del self
        if stack.status in NOT_UPDATABLE:
            raise ValidationError(
                stack.stack_id, message=f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated."
            )

    CloudFormationResponse._validate_status = validate_status  # type: ignore[method-assign]  # noqa: SLF001

    original_update = CloudFormationResponse.update_stack

    def update_stack(self: Any) -> Any:  # noqa: ANN401
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        validate_status(self, stack)
        stack.byodkim_policy_during_update = self._get_param("StackPolicyDuringUpdateBody")
        return original_update(self)

    CloudFormationResponse.update_stack = update_stack  # type: ignore[method-assign]

    original_change_set = CloudFormationResponse.create_change_set

    def create_change_set(self: Any) -> Any:  # noqa: ANN401
        if self._get_param("ChangeSetType", "CREATE") == "UPDATE":
            validate_status(self, self.cloudformation_backend.get_stack(self._get_param("StackName")))
        return original_change_set(self)

    CloudFormationResponse.create_change_set = create_change_set  # type: ignore[method-assign]

    def continue_rollback(self: Any) -> Any:  # noqa: ANN401
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        continue_update_rollback(stack, list(self._get_param("ResourcesToSkip", []) or []))
        return EmptyResult()

    CloudFormationResponse.continue_update_rollback = continue_rollback  # type: ignore[attr-defined]
    _new_operations()
    _resource_answers()


def _new_operations() -> None:
    """ListImports, UpdateTerminationProtection and DescribeStackEvents' pages, which moto lacks."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult

    def list_imports(self: Any) -> Any:  # noqa: ANN401
        name = self._get_param("ExportName")
        backend = self.cloudformation_backend
        export = backend.exports.get(name)
        users = importers(backend, name, export.exporting_stack_id if export else None)
        if not users:
            raise ValidationError(name, message=f"Export '{name}' is not imported by any stack.")
        return ActionResult({"Imports": users})

    CloudFormationResponse.list_imports = list_imports  # type: ignore[attr-defined]

    def update_termination_protection(self: Any) -> Any:  # noqa: ANN401
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection", if_none=False)
        return ActionResult({"StackId": stack.stack_id})

    CloudFormationResponse.update_termination_protection = update_termination_protection  # type: ignore[attr-defined]

    def describe_stack_events(self: Any) -> Any:  # noqa: ANN401
        events = self.cloudformation_backend.describe_stack_events(self._get_param("StackName"))[::-1]
        start = int(self._get_param("NextToken") or 0)
        page = events[start : start + EVENTS_PER_PAGE]
        token = str(start + EVENTS_PER_PAGE) if len(events) > start + EVENTS_PER_PAGE else None
        return ActionResult({"StackEvents": page, "NextToken": token})

    CloudFormationResponse.describe_stack_events = describe_stack_events  # type: ignore[method-assign]


def _resource_answers() -> None:
    """Answer each resource's own status and reason (moto gave every resource the stack's status)."""
    from moto.cloudformation.responses import CloudFormationResponse, StackResourceDTO
    from moto.core.responses import ActionResult

    def list_stack_resources(self: Any) -> Any:  # noqa: ANN401
        stack, resources = self.cloudformation_backend.list_stack_resources(self._get_param("StackName"))
        summaries = []
        for resource in resources:
            logical_id = getattr(resource, "logical_resource_id", "")
            status, reason = statuses(stack).get(logical_id, ("CREATE_COMPLETE", None))
            summaries.append(
                {
                    "ResourceStatus": status,
                    "ResourceStatusReason": reason,
                    "LogicalResourceId": logical_id,
                    "LastUpdatedTimestamp": stack.creation_time,
                    "PhysicalResourceId": getattr(resource, "physical_resource_id", ""),
                    "ResourceType": getattr(resource, "cf_resource_type", ""),
                }
            )
        return ActionResult({"StackResourceSummaries": summaries})

    CloudFormationResponse.list_stack_resources = list_stack_resources  # type: ignore[method-assign]

    original_dto = StackResourceDTO.__init__

    def dto(self: Any, stack: Any, resource: Any) -> None:  # noqa: ANN401
        original_dto(self, stack, resource)
        status, reason = statuses(stack).get(str(self.logical_resource_id), ("CREATE_COMPLETE", None))
        self.resource_status = status
        self.resource_status_reason = reason

    StackResourceDTO.__init__ = dto  # type: ignore[method-assign]
