"""Resource import and retention as CloudFormation does them, so the adopt route can be tested.

- ``DeletionPolicy: Retain`` keeps a resource when an update removes it from the stack
  (moto deleted it all the same; only stack deletion honoured the policy).
- ``CreateChangeSet(ChangeSetType=IMPORT, ResourcesToImport=...)`` brings a resource that
  exists into a stack under a logical ID, without creating anything: the identifier must
  name a resource that exists and no stack manages, every imported resource needs a
  DeletionPolicy, and nothing but the imports may change. On a stack name that does not
  exist it creates the stack (REVIEW_IN_PROGRESS until executed, then IMPORT_COMPLETE).
- A named resource's create fails when the name is taken outside the stack (``UNIQUE_NAMES``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byodkim.emulator.state import State

NOTHING_ELSE = "You have modified resources [{names}] in your template that are not being imported. Update, create or delete operations cannot be executed during import operations."


def _s3_bucket(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.s3.models import s3_backends

    del state, region
    return s3_backends[account]["aws"].buckets.get(identifier.get("BucketName", ""))


def _lambda_function(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.awslambda.models import lambda_backends

    del state
    try:
        return lambda_backends[account][region].get_function(identifier.get("FunctionName", ""))
    except Exception:  # noqa: BLE001 - moto raises its own not-found types
        return None


def _log_group(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.logs.models import logs_backends

    del state
    return logs_backends[account][region].groups.get(identifier.get("LogGroupName", ""))


def _topic(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.sns.models import sns_backends

    del state
    try:
        return sns_backends[account][region].get_topic(identifier.get("TopicArn", ""))
    except Exception:  # noqa: BLE001 - moto raises its own not-found types
        return None


def _kms_key(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.kms.models import kms_backends

    del state
    try:
        return kms_backends[account][region].describe_key(identifier.get("KeyId", ""))
    except Exception:  # noqa: BLE001 - moto raises its own not-found types
        return None


def _kms_alias(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.kms.models import kms_backends

    del state
    name = identifier.get("AliasName", "")
    for key in kms_backends[account][region].keys.values():
        if name in key.aliases:
            return key.aliases[name]
    return None


def _iam_role(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.iam.models import iam_backends

    del state, region
    try:
        return iam_backends[account]["aws"].get_role(identifier.get("RoleName", ""))
    except Exception:  # noqa: BLE001 - moto raises its own not-found types
        return None


def _dynamodb_table(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    del state
    return dynamodb_backends[account][region].tables.get(identifier.get("TableName", ""))


def _ssm_parameter(state: State, account: str, region: str, identifier: dict[str, str]) -> Any:
    from moto.ssm.models import ssm_backends

    del state
    try:
        return ssm_backends[account][region].get_parameter(identifier.get("Name", ""))
    except Exception:  # noqa: BLE001 - moto raises its own not-found types
        return None


_FINDERS = {
    "AWS::S3::Bucket": _s3_bucket,
    "AWS::Lambda::Function": _lambda_function,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::SNS::Topic": _topic,
    "AWS::KMS::Key": _kms_key,
    "AWS::KMS::Alias": _kms_alias,
    "AWS::IAM::Role": _iam_role,
    "AWS::DynamoDB::Table": _dynamodb_table,
    "AWS::SSM::Parameter": _ssm_parameter,
}

# The property that both names a resource in a template and identifies it for import: a create
# under a name that exists fails, as in CloudFormation (moto would hand back the existing one).
UNIQUE_NAMES = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::IAM::Role": "RoleName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SSM::Parameter": "Name",
    "AWS::SES::EmailIdentity": "EmailIdentity",
}
Finder = Callable[["State", str, str, dict[str, str]], Any]


def install(state: State, models: dict[str, Finder]) -> None:
    """Patch moto's CloudFormation for Retain on removal and IMPORT change sets.

    ``models`` finds existing resources of the types byodkim's own CloudFormation models
    provide (the SES identity), beside those moto's backends hold.
    """
    finders = {**_FINDERS, **models}
    _retain_on_removal()
    _import_change_sets(state, finders)
    _names_must_be_free(state, finders)


class AlreadyExistsError(Exception):
    """A stack tried to create a resource under a name that is taken."""


def _names_must_be_free(state: State, finders: dict[str, Finder]) -> None:
    """Fail the create of a named resource whose name exists, as CloudFormation does.

    moto would hand back the existing bucket or function and call it created; CloudFormation
    fails the resource ("... already exists") and rolls the stack back.
    """
    from moto.cloudformation import parsing

    original = parsing.parse_and_create_resource

    def create(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
    ) -> Any:
        kind = str(resource_json.get("Type", ""))
        prop = UNIQUE_NAMES.get(kind)
        finder = finders.get(kind)
        if finder is not None and prop:
            value = (resource_json.get("Properties") or {}).get(prop)
            name = parsing.clean_json(value, resources_map) if value is not None else None
            if isinstance(name, str) and name and finder(state, account_id, region_name, {prop: name}) is not None:
                error = AlreadyExistsError(f"{name} already exists")
                error.byodkim_resource = (logical_id, kind)  # type: ignore[attr-defined]
                raise error
        return original(logical_id, resource_json, resources_map, account_id, region_name)

    parsing.parse_and_create_resource = create


def _retain_on_removal() -> None:
    from moto.cloudformation.parsing import ResourceMap

    original = ResourceMap._delete_resource  # noqa: SLF001 - the one place moto deletes a stack's resource

    def delete(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        if resource_json.get("DeletionPolicy") == "Retain":
            return
        original(self, parsed_resource, resource_json)

    ResourceMap._delete_resource = delete  # type: ignore[method-assign]  # noqa: SLF001


def _import_change_sets(state: State, finders: dict[str, Finder]) -> None:
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import ChangeSet
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.cloudformation.utils import generate_changeset_id
    from moto.core.responses import ActionResult

    create = CloudFormationResponse.create_change_set
    execute = CloudFormationResponse.execute_change_set

    def create_change_set(self: Any) -> Any:
        if self._get_param("ChangeSetType") != "IMPORT":
            return create(self)
        backend = self.cloudformation_backend
        stack_name, name = self._get_param("StackName"), self._get_param("ChangeSetName")
        stack = next(
            (s for s in backend.stacks.values() if s.name == stack_name and s.status != "DELETE_COMPLETE"), None
        )
        if stack is None:
            # CloudFormation creates the stack, in REVIEW_IN_PROGRESS, holding nothing until executed.
            stack = _new_stack(backend, stack_name)
        elif stack.status == "REVIEW_IN_PROGRESS" and stack.template_dict:
            raise ValidationError(stack_name)
        body = self._get_param("TemplateBody")
        parameters = {
            p["ParameterKey"]: stack.parameters.get(p["ParameterKey"])
            if p.get("UsePreviousValue")
            else p.get("ParameterValue")
            for p in self._get_param("Parameters", [])
        }
        imports = self._get_param("ResourcesToImport", [])
        change_set_id = generate_changeset_id(name, backend.region_name, backend.account_id)
        change_set = ChangeSet("IMPORT", change_set_id, name, stack, body, parameters or dict(stack.parameters), "")
        wanted = {item["LogicalResourceId"]: item for item in imports}
        problem = _import_problem(state, stack, change_set, wanted, finders)
        for change in change_set.changes:
            if change.logical_resource_id in wanted:
                change.action = "Import"
                change.physical_resource_id = _identifier_value(wanted[change.logical_resource_id])  # type: ignore[attr-defined]
        change_set.status, change_set.execution_status = (
            ("FAILED", "UNAVAILABLE") if problem else ("CREATE_COMPLETE", "AVAILABLE")
        )
        change_set.status_reason = problem
        change_set.imports = wanted  # type: ignore[attr-defined]
        backend.change_sets[change_set_id] = change_set
        return ActionResult({"Id": change_set_id, "StackId": stack.stack_id})

    def execute_change_set(self: Any) -> Any:
        backend = self.cloudformation_backend
        name, stack_name = self._get_param("ChangeSetName"), self._get_param("StackName")
        change_set = backend.change_sets.get(name) or next(
            (c for c in backend.change_sets.values() if c.change_set_name == name and c.stack_name == stack_name), None
        )
        if change_set is None or change_set.change_set_type != "IMPORT":
            return execute(self)
        if change_set.execution_status != "AVAILABLE":
            raise ValidationError(
                stack_name,
                message=f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current status of "
                f"[{change_set.status}]",
            )
        _execute_import(state, finders, backend, change_set)
        return ActionResult({})

    CloudFormationResponse.create_change_set = create_change_set  # type: ignore[method-assign]
    CloudFormationResponse.execute_change_set = execute_change_set  # type: ignore[method-assign]


def _new_stack(backend: Any, name: str) -> Any:
    from moto.cloudformation.models import Stack
    from moto.cloudformation.utils import generate_stack_id

    stack = Stack(  # type: ignore[abstract]  # moto's own class, complete at runtime
        stack_id=generate_stack_id(name, backend.region_name, backend.account_id),
        name=name,
        template={},
        parameters={},
        account_id=backend.account_id,
        region_name=backend.region_name,
    )
    backend.stacks[stack.stack_id] = stack
    stack.status = "REVIEW_IN_PROGRESS"
    stack._add_stack_event("REVIEW_IN_PROGRESS", resource_status_reason="User Initiated")  # noqa: SLF001
    return stack


def _execute_import(state: State, finders: dict[str, Finder], backend: Any, change_set: Any) -> None:
    """Adopt the existing resources under their logical IDs: IMPORT_COMPLETE, nothing created."""
    from byodkim.emulator.stack_state import record_event, resolved_properties

    stack = change_set.stack
    new = stack.status == "REVIEW_IN_PROGRESS"
    stack._add_stack_event("IMPORT_IN_PROGRESS", resource_status_reason="User Initiated")  # noqa: SLF001
    stack.status = "IMPORT_IN_PROGRESS"
    if new:  # the first template and parameters of a stack the import creates
        stack.template = change_set.template
        stack._parse_template()  # noqa: SLF001
        stack.parameters = change_set.parameters or {}
        stack.resource_map = stack._create_resource_map()  # noqa: SLF001
        stack.resource_map._resource_json_map = {}  # noqa: SLF001 - filled with the imports below
    resources = change_set.template_dict.get("Resources", {})
    for logical_id, item in change_set.imports.items():
        found = finders[item["ResourceType"]](state, stack.account_id, stack.region_name, item["ResourceIdentifier"])
        stack.resource_map._parsed_resources[logical_id] = found  # noqa: SLF001 - adopt the existing object
        stack.resource_map._resource_json_map[logical_id] = resources[logical_id]  # noqa: SLF001
        found.logical_resource_id = logical_id
        found.cf_resource_type = item["ResourceType"]
        found.byodkim_properties = resolved_properties(stack.resource_map, resources[logical_id])
        record_event(stack, logical_id, item["ResourceType"], "IMPORT_IN_PROGRESS")
        record_event(stack, logical_id, item["ResourceType"], "IMPORT_COMPLETE")
    stack.resource_map._template = change_set.template_dict  # noqa: SLF001
    stack.template = change_set.template
    stack.template_dict = change_set.template_dict
    stack.output_map = stack._create_output_map()  # noqa: SLF001
    for export in stack.output_map.exports:
        backend.exports[export.name] = export
    change_set.execution_status = "EXECUTE_COMPLETE"
    stack._add_stack_event("IMPORT_COMPLETE")  # noqa: SLF001
    stack.status = "IMPORT_COMPLETE"


def _identifier_value(item: dict[str, Any]) -> str:
    return str(next(iter(item["ResourceIdentifier"].values()), ""))


def _import_problem(
    state: State, stack: Any, change_set: Any, wanted: dict[str, Any], finders: dict[str, Finder]
) -> str:
    """Return why CloudFormation would refuse this import, or ``""``."""
    from byodkim.emulator.changesets import owner_of

    resources = change_set.template_dict.get("Resources", {})
    for logical_id, item in wanted.items():
        finder = finders.get(item["ResourceType"])
        if finder is None:
            return f"ResourceType {item['ResourceType']} is not supported for import by the byodkim emulator"
        if logical_id not in resources or "DeletionPolicy" not in resources[logical_id]:
            return f"The following resources to import [{logical_id}] must have DeletionPolicy attribute specified in the template."
        identifier = item["ResourceIdentifier"]
        if finder(state, stack.account_id, stack.region_name, identifier) is None:
            return f"Resources [{logical_id}] is missing from the account: {json.dumps(identifier)} does not exist"
        holder = owner_of(stack.account_id, stack.region_name, _identifier_value(item))
        if holder is not None:
            return f"Resource of type '{item['ResourceType']}' with identifier '{_identifier_value(item)}' already exists in stack {holder}."
    others = [c.logical_resource_id for c in change_set.changes if c.logical_resource_id not in wanted]
    return NOTHING_ELSE.format(names=", ".join(others)) if others else ""
