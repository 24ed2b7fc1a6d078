"""The rules an update must pass besides its resources: exports in use, and the stack policy.

- An export another stack imports (``Fn::ImportValue``) cannot be removed or changed, and its
  stack cannot be deleted; an export name is held by one stack only. [``Fn::ImportValue``]
- Once a stack policy is set, every Update:Modify/Replace/Delete is denied unless an Allow
  statement matches and no Deny does. ["Prevent updates to stack resources"]
"""

from __future__ import annotations

import copy
import fnmatch
import json
from typing import Any

from byodkim.emulator.stack_state import STACK_TYPE, ResourceFailure, backend_of


def exports_free(stack: Any, exports: dict[str, Any]) -> None:  # noqa: ANN401
    """Fail when another stack already exports one of these names."""
    backend = backend_of(stack)
    for name in exports:
        held = backend.exports.get(name)
        if held is not None and held.exporting_stack_id != stack.stack_id:
            holder = next((s.name for s in backend.stacks.values() if s.stack_id == held.exporting_stack_id), "")
            raise ResourceFailure(
                f"Export with name {name} is already exported by stack {holder}", stack.name, STACK_TYPE
            )


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


def exports_in_use(stack: Any, new_exports: dict[str, Any]) -> None:  # noqa: ANN401
    """Fail an update that removes or changes an export another stack imports, or takes a held name."""
    backend = backend_of(stack)
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
    exports_free(stack, new_exports)


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


def allow(policy: str | None, action: str, logical_id: str, kind: str) -> None:
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


def custom_name_kept(logical_id: str, kind: str, after: dict[str, Any], earlier: dict[str, Any]) -> None:
    """Refuse a replacement that keeps a custom name, as CloudFormation does."""
    from byodkim.aws.cfntemplate import NAME_PROPERTY

    prop = NAME_PROPERTY.get(kind)
    if prop and after.get(prop) and after.get(prop) == earlier.get(prop):
        raise ResourceFailure(
            "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
            f"Rename {after[prop]} and update the stack again.",
            logical_id,
            kind,
        )
