"""The stack lifecycle wired into moto's CloudFormation: backend operations and API answers.

CreateStack, UpdateStack, ExecuteChangeSet and DeleteStack go through ``byodkim.emulator.stacks``;
ContinueUpdateRollback, ListImports and UpdateTerminationProtection, which moto lacks, are added;
DescribeStackEvents pages; DescribeStackResources and ListStackResources answer each resource's
own status; AWS::CloudFormation::Stack (nested stacks) works.
"""

from __future__ import annotations

from typing import Any

from byodkim.emulator.stack_rules import importers
from byodkim.emulator.stack_state import (
    STACK_TYPE,
    ResourceFailure,
    check_fault,
    live,
    resolved_properties,
    statuses,
)
from byodkim.emulator.stacks import continue_update_rollback, create_resources, update

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
EVENTS_PER_PAGE = 100  # DescribeStackEvents' page; CloudFormation does not document its own size


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
        check_fault(str(resources_map["AWS::StackName"]), logical_id, str(resource_json.get("Type", "")))
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
    Stack.stack_resources = property(lambda self: list(live(self.resource_map).values()))  # type: ignore[method-assign,assignment]

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
