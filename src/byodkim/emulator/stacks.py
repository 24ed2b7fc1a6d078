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
- **Fault hook** (``/_byodkim/cfn-faults``, in ``stack_state``): fail a named resource's create,
  update or rollback, so UPDATE_ROLLBACK_FAILED can be produced on purpose.

The rules of ``stack_rules`` (exports, stack policies) are checked on the way; ``stack_api``
wires all of it into moto.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from byodkim.emulator.moto_patches import update_fields
from byodkim.emulator.stack_rules import allow, custom_name_kept, exports_free, exports_in_use
from byodkim.emulator.stack_state import (
    STACK_TYPE,
    active,
    backend_of,
    check_fault,
    dependency_order,
    failed_resource,
    live,
    load_template,
    local,
    modelled,
    reason_of,
    record_event,
    resolved_properties,
    statuses,
)


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
    local.phase = "create"
    ready = True
    try:
        for logical_id in dependency_order(resources):
            resource = resources[logical_id]
            if not modelled(resource.get("Type", "")) or not active(resource_map, resource):
                continue
            record_event(stack, logical_id, resource["Type"], "CREATE_IN_PROGRESS")
            made = resource_map[logical_id]
            if made is not None and not made.is_created():
                ready = False
            record_event(stack, logical_id, resource["Type"], "CREATE_COMPLETE")
        exports_free(stack, {e.name: e.value for e in stack.output_map.exports})
    except Exception as exc:  # noqa: BLE001 - any failure rolls the create back, as CloudFormation does
        logical_id, kind = failed_resource(exc, (stack.name, STACK_TYPE))
        record_event(stack, logical_id, kind, "CREATE_FAILED", reason_of(exc))
        stack._add_stack_event(  # noqa: SLF001
            "ROLLBACK_IN_PROGRESS",
            resource_status_reason=f"The following resource(s) failed to create: [{logical_id}]. "
            "Rollback requested by user.",
        )
        stack.status = "ROLLBACK_IN_PROGRESS"
        for made_id, made in reversed(list(live(resource_map).items())):
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
        local.phase = ""
    backend = backend_of(stack)
    for export in stack.output_map.exports:
        backend.exports[export.name] = export
    stack.description = stack.template_dict.get("Description")
    if ready:
        stack.mark_creation_complete()


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
        live(resource_map),
    )
    new_template = stack.parse_template(template)
    try:
        load_template(resource_map, new_template, dict(parameters) if parameters else before.input_parameters)
    except Exception:
        load_template(resource_map, before.template_dict, before.input_parameters)
        raise  # a template or parameter error is the API's answer; nothing started
    policy = getattr(stack, "byodkim_policy_during_update", None) or stack.policy
    stack.byodkim_policy_during_update = None
    stack._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")  # noqa: SLF001
    stack.status = "UPDATE_IN_PROGRESS"
    done = _Done(new_resources=new_template.get("Resources", {}) or {})
    local.phase = "update"
    try:
        _forward(stack, before, done, policy)
        new_outputs = OutputMap(resource_map, new_template, stack.stack_id)
        exports_in_use(stack, {e.name: e.value for e in new_outputs.exports})
    except Exception as exc:  # noqa: BLE001 - any failure rolls the update back
        logical_id, kind = failed_resource(exc, (stack.name, STACK_TYPE))
        # A resource the update was adding fails its create, as in CloudFormation's events.
        verb = "UPDATE" if logical_id in before.live or logical_id == stack.name else "CREATE"
        record_event(stack, logical_id, kind, f"{verb}_FAILED", reason_of(exc))
        _rollback(stack, before, done, logical_id)
        return
    finally:
        local.phase = ""
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
    backend = backend_of(stack)
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
        if not modelled(kind) or not active(resource_map, resource):
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
    allow(policy, f"Update:{action}", logical_id, kind)
    record_event(stack, logical_id, kind, "UPDATE_IN_PROGRESS")
    if action == "Replace":
        check_fault(stack.name, logical_id, kind)
        custom_name_kept(logical_id, kind, after, earlier or {})
        resource_map._parsed_resources.pop(logical_id)  # noqa: SLF001
        done.replaced[logical_id] = old
        resource_map[logical_id]
    else:
        done.modified.append(logical_id)
        resource_map._parsed_resources[logical_id] = update_in_place(stack, logical_id, resource, old)  # noqa: SLF001
    record_event(stack, logical_id, kind, "UPDATE_COMPLETE")


def _removals(stack: Any, before: _Before, done: _Done, policy: str) -> None:  # noqa: ANN401
    """Note the resources the cleanup deletes: gone from the template, or their Condition now false."""
    resource_map = stack.resource_map
    resources = done.new_resources
    for logical_id in before.live:
        resource = resources.get(logical_id)
        if resource is None or not active(resource_map, resource):
            allow(policy, "Update:Delete", logical_id, str(before.resources[logical_id].get("Type", "")))
            done.removed.append(logical_id)


def update_in_place(stack: Any, logical_id: str, resource: dict[str, Any], current: Any) -> Any:  # noqa: ANN401
    """Update one resource without replacing it; return its model."""
    from moto.cloudformation import parsing

    kind = str(resource.get("Type", ""))
    check_fault(stack.name, logical_id, kind)
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
        update_fields(kind, current, properties)
        updated = current
    updated.byodkim_properties = properties
    updated.logical_resource_id = logical_id
    updated.cf_resource_type = kind
    return updated


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
        record_event(stack, logical_id, kind, "DELETE_FAILED", reason_of(exc))


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
    load_template(resource_map, before.template_dict, before.input_parameters)
    stack.output_map = stack._create_output_map()  # noqa: SLF001
    for logical_id in done.replaced:
        statuses(stack)[logical_id] = ("UPDATE_COMPLETE", None)
    stack.byodkim_rollback = {"failed": {}, "cleanup": cleanup}
    local.phase = "rollback"
    try:
        for logical_id in reversed(done.modified):
            _roll_back(stack, logical_id, before)
    finally:
        local.phase = ""
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
        reason = reason_of(exc)
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
    local.phase = "rollback"
    try:
        for logical_id in list(pending["failed"]):
            if logical_id in skip:
                pending["failed"].pop(logical_id)
                kind = str(stack.resource_map._resource_json_map.get(logical_id, {}).get("Type", ""))  # noqa: SLF001
                record_event(stack, logical_id, kind, "UPDATE_COMPLETE", "Resource skipped during UpdateRollback")
            else:
                _roll_back(stack, logical_id, None)
    finally:
        local.phase = ""
    _settle(stack)


# --- exports ------------------------------------------------------------------------------------
