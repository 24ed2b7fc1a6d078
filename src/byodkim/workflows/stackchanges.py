"""What a launch would do to the stacks, resource by resource, and what stops it: preflight's values."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from byodkim.aws.cfntemplate import refers_to
from byodkim.aws.errors import error_code
from byodkim.errors import ByodkimError
from byodkim.messages import say

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

_ACTIONS = {"Add": "add", "Remove": "remove", "Import": "import"}
_REPLACEMENT = {"True": "replace", "False": "modify", "Conditional": "conditional"}
# Deletion policies that keep a resource removed from the template (CloudFormation reads the live one).
RETAIN_ON_REMOVE = frozenset({"Retain", "RetainExceptOnCreate"})


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
    retained: bool = False  # the live stack keeps the resource when this change would delete it
    holds: tuple[str, ...] = ()  # a nested stack: what it holds (type logical-id)


@dataclass(frozen=True)
class Finding:
    """A change that loses or collides with something that exists, and the way round it."""

    stack: str
    logical_id: str
    resource_type: str
    kind: str  # replace | remove | collision | unknown-name | stuck | export-in-use | policy-denied | protected
    physical_id: str | None
    route: str  # keep-live | import | retain | release-then-import | name-unknown | continue-rollback | ...
    command: str = ""
    other: str = ""  # the other logical ID (rename) or the stack holding the name
    accepted: bool = False
    properties: tuple[str, ...] = ()  # what forces the replacement
    holds: tuple[str, ...] = ()  # a nested stack's resources, named in its removal


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


def read_changes(described: dict[str, Any]) -> list[ResourceChange]:
    """Turn DescribeChangeSet's answer into resource changes.

    What is not recognised counts as the worst it could be: a ``Dynamic`` action, or a
    ``Modify`` whose replacement is missing or unknown, is read as a conditional replacement.
    """
    found = []
    for item in described.get("Changes", []):
        change = item.get("ResourceChange") or {}
        action = _ACTIONS.get(str(change.get("Action")), "conditional")
        if change.get("Action") == "Modify":
            action = _REPLACEMENT.get(str(change.get("Replacement")), "conditional")
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


def with_live_policies(changes: list[ResourceChange], live: dict[str, Any]) -> list[ResourceChange]:
    """Mark the changes whose deletion the live template's policies prevent.

    Read from the template the stack runs now, because that is what CloudFormation reads: a
    ``DeletionPolicy: Retain`` set in our template only takes effect once it has been deployed.
    """
    resources = live.get("Resources") or {}
    marked = []
    for change in changes:
        resource = resources.get(change.logical_id) or {}
        if change.action == "remove":
            retained = resource.get("DeletionPolicy") in RETAIN_ON_REMOVE
        elif change.action in ("replace", "conditional"):
            retained = resource.get("UpdateReplacePolicy") == "Retain"
        else:
            retained = False
        marked.append(replace(change, retained=retained) if retained else change)
    return marked


def described_change_set(cfn: CloudFormationClient, stack_name: str, name: str) -> dict[str, Any]:
    """Wait for a change set and return every page of its changes (none for an empty one)."""
    deadline = time.monotonic() + 300
    while True:
        described: dict[str, Any] = dict(cfn.describe_change_set(StackName=stack_name, ChangeSetName=name))
        status = described.get("Status", "")
        if status == "FAILED":
            reason = str(described.get("StatusReason", ""))
            if "didn't contain changes" in reason or "No updates" in reason:
                return {"Changes": []}
            raise ByodkimError(
                say("preflight.change_set_failed", stack=stack_name, reason=reason), say("preflight.fix_template")
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
            raise ByodkimError(say("preflight.change_set_slow", stack=stack_name), say("preflight.run_again"))
        time.sleep(1)


def delete_change_set(cfn: CloudFormationClient, stack_name: str, name: str) -> None:
    """Delete a change set preflight made; one already gone is fine."""
    try:
        cfn.delete_change_set(StackName=stack_name, ChangeSetName=name)
    except Exception as exc:
        if error_code(exc) not in ("ChangeSetNotFound", "ChangeSetNotFoundException", "ValidationError"):
            raise


Links = tuple[dict[str, set[str]], dict[str, set[str]]]  # what each resource refers to: live, ours


def references(template: dict[str, Any]) -> dict[str, set[str]]:
    """Return, per resource, the logical IDs its properties refer to (Ref, GetAtt, Sub)."""
    resources = template.get("Resources") or {}
    return {
        str(lid): {other for other in resources if other != lid and refers_to(r.get("Properties"), other)}
        for lid, r in resources.items()
    }


def linked(pairs: dict[str, str], links: Links | None) -> dict[str, str]:
    """Return removed -> added for resources that named resources kept under another ID refer to."""
    if links is None:
        return {}
    live, ours = links
    found: dict[str, str] = {}
    for new, old in pairs.items():
        olds, news = sorted(live.get(old, set())), sorted(ours.get(new, set()))
        if len(olds) == 1 and len(news) == 1:
            found[olds[0]] = news[0]
    return found
