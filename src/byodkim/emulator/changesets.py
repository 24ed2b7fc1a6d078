"""Change sets as CloudFormation describes them: which resources an update replaces, and why.

moto lists Add, Modify and Remove only. CloudFormation also says, per modified resource,
``Replacement`` (True, False or Conditional), the ``PhysicalResourceId`` and ``Details``
naming each changed property and whether it ``RequiresRecreation``. That is what decides
whether an update keeps a bucket, a KMS key or an SES identity, so the emulator answers it
the way CloudFormation does: from the resource provider schemas' ``createOnlyProperties``
(shipped by cfn-lint, the same schemas CloudFormation publishes), after resolving
parameters, so a changed parameter behind ``!Ref`` or ``!Sub`` counts as a change.

A value that depends on another resource (``!GetAtt``, ``!Ref`` of a resource) cannot be
known before the update: when such a create-only property changes, the answer is
Conditional, as CloudFormation's is.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from byodkim.aws.cfntemplate import parameter_values, pseudo_parameters, resolve, unresolved


@cache
def _schemas() -> tuple[Path, dict[str, str]]:
    """Return cfn-lint's folder of resource schemas and its index by resource type, read once.

    Found without importing cfn-lint: its package imports its rules and sympy, 0.4 s of CPU in
    each emulator that judged a change set, to read two JSON files.
    """
    from importlib.util import find_spec

    spec = find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the emulator needs cfn-lint's resource schemas: install cfn-lint")
    schemas = Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"
    return schemas, json.loads((schemas / "providers" / "us-east-1.json").read_text(encoding="utf-8"))


@cache
def create_only(resource_type: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the top-level properties that force replacement: (always, conditionally)."""
    schemas, index = _schemas()
    if resource_type not in index:
        return frozenset(), frozenset()
    schema = json.loads((schemas / "resources" / f"{index[resource_type]}.json").read_text(encoding="utf-8"))

    def names(key: str) -> frozenset[str]:
        return frozenset(path.split("/")[2] for path in schema.get(key, []) if path.startswith("/properties/"))

    return names("createOnlyProperties"), names("conditionalCreateOnlyProperties")


def describe_change(
    logical_id: str,
    old: dict[str, Any],
    new: dict[str, Any],
    context: tuple[dict[str, str], dict[str, str], dict[str, str]],
) -> dict[str, Any] | None:
    """Return ``Replacement`` and ``Details`` for a resource in both templates, ``None`` when it is unchanged.

    ``context`` is (old parameters, new parameters, pseudo parameters).
    """
    old_parameters, new_parameters, pseudo = context
    resource_type = str(new.get("Type", ""))
    before = resolve(old.get("Properties") or {}, old_parameters, pseudo)
    after = resolve(new.get("Properties") or {}, new_parameters, pseudo)
    if old.get("Type") != new.get("Type"):
        return {"Replacement": "True", "Details": [], "Scope": ["Properties"]}
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    other = [
        key
        for key in ("Metadata", "DeletionPolicy", "UpdateReplacePolicy", "Condition")
        if old.get(key) != new.get(key)
    ]
    if not changed and not other:
        return None
    always, conditional = create_only(resource_type)
    details = []
    replacement = "False"
    for name in changed:
        if name in always:
            requires = "Conditionally" if unresolved(after.get(name)) else "Always"
        elif name in conditional:
            requires = "Conditionally"
        else:
            requires = "Never"
        if requires == "Always":
            replacement = "True"
        elif requires == "Conditionally" and replacement == "False":
            replacement = "Conditional"
        details.append(
            {
                "Target": {"Attribute": "Properties", "Name": name, "RequiresRecreation": requires},
                "Evaluation": "Dynamic" if unresolved(after.get(name)) else "Static",
                "ChangeSource": "DirectModification",
            }
        )
    del logical_id
    scope = ["Properties"] if changed else []
    scope += ["Metadata"] if "Metadata" in other else []
    return {"Replacement": replacement, "Details": details, "Scope": scope}


def _change_set_errors() -> None:
    """CreateChangeSet's default type and the change-set errors as CloudFormation's API Reference documents them.

    ``ChangeSetType`` defaults to UPDATE (moto: CREATE, which made a second stack of the same
    name); an unknown change set is ``ChangeSetNotFound`` (moto: ValidationError); executing one
    that is not AVAILABLE is ``InvalidChangeSetStatus`` (moto: a 200 or a ValidationError).
    """
    from moto.cloudformation.exceptions import CloudFormationError
    from moto.cloudformation.responses import CloudFormationResponse

    class ChangeSetNotFound(CloudFormationError):  # noqa: N818 - the name is AWS's error code
        code = "ChangeSetNotFound"

    class InvalidChangeSetStatus(CloudFormationError):  # noqa: N818 - the name is AWS's error code
        code = "InvalidChangeSetStatus"

    def find(self: Any) -> Any:  # noqa: ANN401 - moto's response and ChangeSet
        name = self._get_param("ChangeSetName")
        change_sets = self.cloudformation_backend.change_sets
        found = change_sets.get(name) or next((c for c in change_sets.values() if c.change_set_name == name), None)
        if found is None:
            raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")
        return found

    original_create = CloudFormationResponse.create_change_set

    def create_change_set(self: Any) -> Any:  # noqa: ANN401
        if not self._get_param("ChangeSetType"):
            self.querystring["ChangeSetType"] = ["UPDATE"]
            if self.automated_parameter_parsing:  # moto reads its parsed params, not the query string
                self.params["ChangeSetType"] = "UPDATE"
        return original_create(self)

    original_describe = CloudFormationResponse.describe_change_set

    def describe_change_set(self: Any) -> Any:  # noqa: ANN401
        find(self)
        return original_describe(self)

    original_delete = CloudFormationResponse.delete_change_set

    def delete_change_set(self: Any) -> Any:  # noqa: ANN401
        find(self)
        return original_delete(self)

    original_execute = CloudFormationResponse.execute_change_set

    def execute_change_set(self: Any) -> Any:  # noqa: ANN401
        change_set = find(self)
        if change_set.execution_status != "AVAILABLE":
            raise InvalidChangeSetStatus(
                f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current status of "
                f"[{change_set.status}]"
            )
        return original_execute(self)

    CloudFormationResponse.create_change_set = create_change_set  # type: ignore[method-assign]
    CloudFormationResponse.describe_change_set = describe_change_set  # type: ignore[method-assign]
    CloudFormationResponse.delete_change_set = delete_change_set  # type: ignore[method-assign]
    CloudFormationResponse.execute_change_set = execute_change_set  # type: ignore[method-assign]


def install() -> None:
    """Make moto's change sets report Replacement, PhysicalResourceId, Scope and Details."""
    from moto.cloudformation.models import Change, ChangeSet

    _change_set_errors()

    def diff(self: Any) -> list[Any]:  # noqa: ANN401 - moto's ChangeSet
        stack = self.stack
        old_resources: dict[str, Any] = dict(stack.resource_map._resource_json_map)  # noqa: SLF001 - moto's own map
        new_resources: dict[str, Any] = (self.template_dict or {}).get("Resources", {})
        pseudo = {
            **pseudo_parameters(stack.name, stack.region_name, stack.account_id),
            "AWS::StackId": stack.stack_id,
        }
        old_parameters = parameter_values(stack.resource_map.input_parameters or {})
        new_parameters = _with_defaults(self.template_dict, self.parameters or {})
        old_parameters = {**_with_defaults(stack.template_dict, {}), **old_parameters}
        changes = []
        # A resource exists while its Condition holds: one false before and after is no change,
        # one turning true is an Add, one turning false a Remove (as CloudFormation lists them).
        exists_now = _conditions_hold(stack, self.template_dict or {}, self.parameters or {})
        existed = _existing(stack)
        old_resources = {k: v for k, v in old_resources.items() if k in existed}
        new_resources = {k: v for k, v in new_resources.items() if exists_now(v)}
        for logical_id, resource in new_resources.items():
            if logical_id not in old_resources:
                changes.append(_change("Add", logical_id, resource, None, {}))
                continue
            found = describe_change(
                logical_id, old_resources[logical_id], resource, (old_parameters, new_parameters, pseudo)
            )
            if found is not None:
                changes.append(_change("Modify", logical_id, resource, _physical(stack, logical_id), found))
        for logical_id, resource in old_resources.items():
            if logical_id not in new_resources:
                changes.append(_change("Remove", logical_id, resource, _physical(stack, logical_id), {}))
        return changes

    def _change(
        action: str, logical_id: str, resource: dict[str, Any], physical: str | None, extra: dict[str, Any]
    ) -> Any:  # noqa: ANN401
        change = Change(action=action, logical_resource_id=logical_id, resource_type=resource.get("Type", ""))
        change.physical_resource_id = physical  # type: ignore[attr-defined]
        change.replacement = extra.get("Replacement")  # type: ignore[attr-defined]
        change.scope = extra.get("Scope", [])  # type: ignore[attr-defined]
        change.details = extra.get("Details", [])  # type: ignore[attr-defined]
        return change

    ChangeSet.diff = diff  # type: ignore[method-assign]
    _names_within_their_stack()
    _resources_by_physical_id()


def _resources_by_physical_id() -> None:
    """Answer DescribeStackResources(PhysicalResourceId=...) with the owning stack, as CloudFormation does."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import CloudFormationResponse, StackResourceDTO
    from moto.core.responses import ActionResult

    original = CloudFormationResponse.describe_stack_resources

    def describe(self: Any) -> Any:  # noqa: ANN401 - moto's response
        physical = self._get_param("PhysicalResourceId")
        if not physical or self._get_param("StackName"):
            return original(self)
        found = _find_physical(self.cloudformation_backend, physical)
        if found is None:
            raise ValidationError(physical, message=f"Stack for {physical} does not exist")
        return ActionResult({"StackResources": [StackResourceDTO(*found)]})

    CloudFormationResponse.describe_stack_resources = describe  # type: ignore[method-assign]


def _names_within_their_stack() -> None:
    """Find a change set by name within the StackName given, as CloudFormation does.

    moto looks a name up across every stack, so eleven stacks each with a change set of the
    same name would all describe (or delete, or execute) the first one.
    """
    from moto.cloudformation.responses import CloudFormationResponse

    for operation in ("describe_change_set", "delete_change_set", "execute_change_set"):
        original = getattr(CloudFormationResponse, operation)

        def scoped(self: Any, _original: Any = original) -> Any:  # noqa: ANN401 - moto's response
            name, stack_name = self._get_param("ChangeSetName"), self._get_param("StackName")
            if name and stack_name and not str(name).startswith("arn:"):
                for change_set_id, change_set in self.cloudformation_backend.change_sets.items():
                    if change_set.change_set_name == name and stack_name in (
                        change_set.stack_name,
                        change_set.stack_id,
                    ):
                        self.querystring["ChangeSetName"] = [change_set_id]
                        break
            return _original(self)

        setattr(CloudFormationResponse, operation, scoped)


def _existing(stack: Any) -> set[str]:  # noqa: ANN401 - moto's Stack
    """Return the logical IDs of the stack's resources that exist (or would: types moto skips)."""
    from byodkim.emulator.stack_state import modelled

    resource_map = stack.resource_map
    live = {getattr(r, "logical_resource_id", None) for r in stack.stack_resources}
    found = set()
    for logical_id, resource in resource_map._resource_json_map.items():  # noqa: SLF001 - moto's own map
        if logical_id in live:
            found.add(logical_id)
        elif not modelled(str(resource.get("Type", ""))):
            condition = resource.get("Condition")
            if not condition or resource_map.lazy_condition_map.get(condition):
                found.add(logical_id)
    return found


def _conditions_hold(stack: Any, template: dict[str, Any], parameters: dict[str, Any]) -> Any:  # noqa: ANN401
    """Return a test of whether a resource of ``template`` would exist under ``parameters``."""
    from moto.cloudformation.parsing import ResourceMap

    try:
        resource_map = ResourceMap(
            stack.stack_id, stack.name, dict(parameters), {}, stack.region_name, stack.account_id, template, {}
        )
        resource_map.load_mapping()
        resource_map.load_parameters()
        resource_map.load_conditions()
    except Exception:  # noqa: BLE001 - a template moto cannot evaluate: every resource counts, as before
        return lambda _resource: True

    def holds(resource: dict[str, Any]) -> bool:
        condition = resource.get("Condition")
        return not condition or bool(resource_map.lazy_condition_map.get(condition))

    return holds


def _with_defaults(template: dict[str, Any] | None, given: dict[str, Any]) -> dict[str, str]:
    declared = (template or {}).get("Parameters", {}) or {}
    values = {
        name: str(slot["Default"]) for name, slot in declared.items() if isinstance(slot, dict) and "Default" in slot
    }
    values.update(parameter_values(given))
    return values


def _physical(stack: Any, logical_id: str) -> str | None:  # noqa: ANN401 - moto's Stack
    try:
        resource = stack.resource_map[logical_id]
    except KeyError:
        return None
    physical = getattr(resource, "physical_resource_id", None)
    return str(physical) if physical is not None else None


def _find_physical(backend: Any, physical: str) -> tuple[Any, Any] | None:  # noqa: ANN401 - moto's backend
    for stack in backend.stacks.values():
        if stack.status == "DELETE_COMPLETE":
            continue
        for resource in stack.stack_resources:
            if str(getattr(resource, "physical_resource_id", "")) == physical:
                return stack, resource
    return None


def owner_of(account: str, region: str, physical: str) -> str | None:
    """Return the name of the stack that manages ``physical``, or ``None``."""
    from moto.cloudformation.models import cloudformation_backends

    found = _find_physical(cloudformation_backends[account][region], physical)
    return None if found is None else str(found[0].name)
