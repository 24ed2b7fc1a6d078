"""What the stack lifecycle (``byodkim.emulator.stacks``) reads and records.

Template reading (references, dependency order, conditions, resolved properties), the events
and per-resource statuses DescribeStackEvents and DescribeStackResources answer, and the fault
hook (``/_byodkim/cfn-faults``) that fails a named resource's create, update or rollback.
"""

from __future__ import annotations

import copy
import fnmatch
import re
import threading
from typing import Any

STACK_TYPE = "AWS::CloudFormation::Stack"

local = threading.local()  # the operation under way in this request's thread: create, update or rollback
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
    during = getattr(local, "phase", "")
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


def check_fault(stack_name: str, logical_id: str, resource_type: str) -> None:
    """Raise the injected failure for this resource and the operation under way, if one is set."""
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


def active(resource_map: Any, resource: dict[str, Any]) -> bool:  # noqa: ANN401 - moto's ResourceMap
    """Return whether the resource exists under the conditions as they now evaluate."""
    condition = resource.get("Condition")
    return not condition or bool(resource_map.lazy_condition_map[condition])


def resolved_properties(resource_map: Any, resource: dict[str, Any]) -> Any:  # noqa: ANN401
    """Return a resource's properties with parameters, references and functions resolved."""
    from moto.cloudformation.parsing import clean_json

    return clean_json(copy.deepcopy(resource.get("Properties") or {}), resource_map)


def live(resource_map: Any) -> dict[str, Any]:  # noqa: ANN401
    """Return the resources that exist: logical ID to model, in the order they were made."""
    names = resource_map._resource_json_map  # noqa: SLF001 - moto's own map
    return {
        key: value
        for key, value in resource_map._parsed_resources.items()  # noqa: SLF001
        if key in names and value is not None and not isinstance(value, (str, int, float, list, dict))
    }


def load_template(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> None:  # noqa: ANN401
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


def backend_of(stack: Any) -> Any:  # noqa: ANN401
    """Return the CloudFormation backend of the stack's account and region."""
    from moto.cloudformation.models import cloudformation_backends

    return cloudformation_backends[stack.account_id][stack.region_name]


def failed_resource(exc: BaseException, default: tuple[str, str]) -> tuple[str, str]:
    """Return (logical ID, type) of the resource an exception came from, else ``default``."""
    found = getattr(exc, "byodkim_resource", None)
    return (str(found[0]), str(found[1])) if found else default


def reason_of(exc: BaseException) -> str:
    """Return the status reason an exception gives."""
    message = getattr(exc, "message", None)
    return str(message or exc).strip() or type(exc).__name__
