"""The emulator's CloudFormation held against CloudFormation's documented behaviour (shared note), not moto's.

Each test drives the emulator's server through boto3, as Sceptre and byodkim do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import zip_of

if TYPE_CHECKING:
    from byodkim.emulator import Emulator


def _body(resources: dict[str, Any], **sections: Any) -> str:
    return json.dumps({"Resources": resources, **sections})


def _status(cfn: Any, name: str) -> str:
    return str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])


def _events(cfn: Any, name: str) -> list[tuple[str, str, str]]:
    """Every event of the stack, oldest first, through every page."""
    pages = cfn.get_paginator("describe_stack_events").paginate(StackName=name)
    events = [e for page in pages for e in page["StackEvents"]]
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason") or "") for e in events[::-1]]


def _resources(cfn: Any, name: str) -> dict[str, tuple[str, str]]:
    found = cfn.describe_stack_resources(StackName=name)["StackResources"]
    return {r["LogicalResourceId"]: (r["ResourceStatus"], r.get("PhysicalResourceId") or "") for r in found}


def _bucket(name: str, **extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": name}, **extra}


def _topic(name: str) -> dict[str, Any]:
    return {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": name}}


def _parameter(name: str, value: Any) -> dict[str, Any]:
    return {"Type": "AWS::SSM::Parameter", "Properties": {"Name": name, "Type": "String", "Value": value}}


# --- 9: Conditions on update (the phase-4 re-launch) ----------------------------------------------


def test_an_update_leaves_a_resource_whose_condition_stays_false_alone(emulator: Emulator) -> None:
    """Phase 4 after `register`: RecordValue filled in, DkimRecord's condition still false (no zone)."""
    del emulator
    cfn = boto3.client("cloudformation")
    template = _body(
        {
            "Where": _parameter("/phase4/where", {"Fn::Sub": "record ${RecordValue}"}),
            "DkimRecord": {
                "Type": "AWS::Route53::RecordSet",
                "Condition": "Publish",
                "Properties": {
                    "HostedZoneId": {"Ref": "HostedZoneId"},
                    "Name": "sel._domainkey.example.jp.",
                    "Type": "TXT",
                    "TTL": "300",
                    "ResourceRecords": [{"Ref": "RecordValue"}],
                },
            },
        },
        Parameters={
            "RecordValue": {"Type": "String", "Default": ""},
            "HostedZoneId": {"Type": "String", "Default": ""},
        },
        Conditions={
            "Publish": {
                "Fn::And": [
                    {"Fn::Not": [{"Fn::Equals": [{"Ref": "HostedZoneId"}, ""]}]},
                    {"Fn::Not": [{"Fn::Equals": [{"Ref": "RecordValue"}, ""]}]},
                ]
            }
        },
    )
    cfn.create_stack(StackName="phase4", TemplateBody=template)
    cfn.update_stack(
        StackName="phase4",
        TemplateBody=template,
        Parameters=[{"ParameterKey": "RecordValue", "ParameterValue": '"v=DKIM1; k=rsa; p=MII"'}],
    )
    assert _status(cfn, "phase4") == "UPDATE_COMPLETE", _events(cfn, "phase4")
    assert set(_resources(cfn, "phase4")) == {"Where"}
    value = boto3.client("ssm").get_parameter(Name="/phase4/where")["Parameter"]["Value"]
    assert value == 'record "v=DKIM1; k=rsa; p=MII"'


def test_a_condition_turning_true_creates_and_turning_false_deletes(emulator: Emulator) -> None:
    del emulator
    cfn, ssm = boto3.client("cloudformation"), boto3.client("ssm")
    template = _body(
        {"Extra": {**_parameter("/cond/extra", "x"), "Condition": "On"}, "Base": _parameter("/cond/base", "b")},
        Parameters={"Switch": {"Type": "String", "Default": "off"}},
        Conditions={"On": {"Fn::Equals": [{"Ref": "Switch"}, "on"]}},
    )
    cfn.create_stack(StackName="cond", TemplateBody=template)
    cfn.update_stack(
        StackName="cond", TemplateBody=template, Parameters=[{"ParameterKey": "Switch", "ParameterValue": "on"}]
    )
    assert _status(cfn, "cond") == "UPDATE_COMPLETE"
    assert ssm.get_parameter(Name="/cond/extra")["Parameter"]["Value"] == "x"
    cfn.update_stack(
        StackName="cond", TemplateBody=template, Parameters=[{"ParameterKey": "Switch", "ParameterValue": "off"}]
    )
    assert _status(cfn, "cond") == "UPDATE_COMPLETE"
    with pytest.raises(ClientError, match="ParameterNotFound"):
        ssm.get_parameter(Name="/cond/extra")


def test_change_sets_list_only_resources_whose_condition_holds(emulator: Emulator) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    template = _body(
        {
            "Extra": {**_parameter("/cs/extra", {"Ref": "Value"}), "Condition": "On"},
            "Base": _parameter("/cs/base", "b"),
        },
        Parameters={"Switch": {"Type": "String", "Default": "off"}, "Value": {"Type": "String", "Default": "v"}},
        Conditions={"On": {"Fn::Equals": [{"Ref": "Switch"}, "on"]}},
    )

    def changes(**parameters: str) -> list[tuple[str, str]]:
        name = f"cs-{len(cfn.list_change_sets(StackName='cs')['Summaries'])}"
        given: list[Any] = [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]
        made = cfn.create_change_set(
            StackName="cs", ChangeSetName=name, ChangeSetType="UPDATE", TemplateBody=template, Parameters=given
        )
        found = cfn.describe_change_set(ChangeSetName=made["Id"]).get("Changes", [])
        return [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"]) for c in found]

    cfn.create_stack(StackName="cs", TemplateBody=template)
    assert changes(Value="w") == []  # Extra's condition is false before and after: nothing to change
    assert changes(Switch="on") == [("Add", "Extra")]
    cfn.update_stack(
        StackName="cs", TemplateBody=template, Parameters=[{"ParameterKey": "Switch", "ParameterValue": "on"}]
    )
    assert changes(Switch="off") == [("Remove", "Extra")]


# --- 2: a failed create ----------------------------------------------------------------------------


def test_a_failed_create_rolls_back_to_rollback_complete_and_can_only_be_deleted(emulator: Emulator) -> None:
    del emulator
    cfn, s3 = boto3.client("cloudformation"), boto3.client("s3")
    s3.create_bucket(Bucket="taken-bucket", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    template = _body({"First": _topic("made-first"), "Second": {**_bucket("taken-bucket"), "DependsOn": "First"}})
    cfn.create_stack(StackName="fails", TemplateBody=template)
    assert _status(cfn, "fails") == "ROLLBACK_COMPLETE"
    events = _events(cfn, "fails")
    assert ("Second", "CREATE_FAILED", "taken-bucket already exists") in events
    assert (
        "fails",
        "ROLLBACK_IN_PROGRESS",
        "The following resource(s) failed to create: [Second]. Rollback requested by user.",
    ) in events
    assert ("First", "DELETE_COMPLETE", "") in events
    assert not [t for t in boto3.client("sns").list_topics()["Topics"] if t["TopicArn"].endswith(":made-first")]
    assert cfn.describe_stacks(StackName="fails")["Stacks"][0].get("Outputs") is None
    assert _resources(cfn, "fails") == {}
    stack_id = cfn.describe_stacks(StackName="fails")["Stacks"][0]["StackId"]
    refused = f"Stack:{stack_id} is in ROLLBACK_COMPLETE state and can not be updated."
    with pytest.raises(ClientError, match="ValidationError") as update:
        cfn.update_stack(StackName="fails", TemplateBody=_body({"First": _topic("made-first")}))
    assert update.value.response["Error"]["Message"] == refused
    with pytest.raises(ClientError, match="ValidationError") as change_set:
        cfn.create_change_set(
            StackName="fails", ChangeSetName="again", ChangeSetType="UPDATE", TemplateBody=_body({"First": _topic("x")})
        )
    assert change_set.value.response["Error"]["Message"] == refused
    cfn.delete_stack(StackName="fails")
    with pytest.raises(ClientError, match="does not exist"):
        cfn.describe_stacks(StackName="fails")


def test_a_function_name_taken_outside_any_stack_fails_the_create_and_describe_keeps_answering(
    emulator: Emulator,
) -> None:
    """The issue's case: phase 2 created where `...-dkim-manager` already exists (was HTTP 500, CREATE_PENDING)."""
    del emulator
    cfn, iam = boto3.client("cloudformation"), boto3.client("iam")
    role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    function = {
        "FunctionName": "dkim-manager",
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": role,
        "Code": {"ZipFile": "def handler(event, context):\n    return 1\n"},
    }
    lam = boto3.client("lambda")
    lam.create_function(
        FunctionName="dkim-manager", Runtime="python3.12", Handler="index.handler", Role=role,
        Code={"ZipFile": zip_of({"index.py": "def handler(event, context):\n    return 0\n"})}, Description="made by hand",
    )  # fmt: skip
    template = _body(
        {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/phase2/logs"}},
         "Fn": {"Type": "AWS::Lambda::Function", "Properties": function, "DependsOn": "Logs"}},
        Outputs={"Arn": {"Value": {"Fn::GetAtt": ["Fn", "Arn"]}}},
    )  # fmt: skip
    cfn.create_stack(StackName="phase2", TemplateBody=template)
    assert _status(cfn, "phase2") == "ROLLBACK_COMPLETE"
    assert ("Fn", "CREATE_FAILED", "dkim-manager already exists") in _events(cfn, "phase2")
    assert boto3.client("logs").describe_log_groups(logGroupNamePrefix="/phase2/")["logGroups"] == []
    assert lam.get_function(FunctionName="dkim-manager")["Configuration"]["Description"] == "made by hand"
    assert [s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]] == ["ROLLBACK_COMPLETE"]


# --- 1: create, then update, then clean up ---------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "name"),
    [
        (_bucket("kept-bucket-name"), _bucket("kept-bucket-name"), "kept-bucket-name"),
        (_parameter("/kept/name", "v"), _parameter("/kept/name", "v"), "/kept/name"),
        (
            {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/kept/logs"}},
            {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/kept/logs"}},
            "/kept/logs",
        ),
    ],
    ids=["bucket", "ssm-parameter", "log-group"],
)
def test_renaming_a_logical_id_that_keeps_its_physical_name_collides_and_rolls_back(
    emulator: Emulator, old: dict[str, Any], new: dict[str, Any], name: str
) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="rename", TemplateBody=_body({"Old": old}))
    cfn.update_stack(StackName="rename", TemplateBody=_body({"New": new}))
    assert _status(cfn, "rename") == "UPDATE_ROLLBACK_COMPLETE", _events(cfn, "rename")
    failed = [e for e in _events(cfn, "rename") if e[1] == "CREATE_FAILED"]
    assert failed[0][:2] == ("New", "CREATE_FAILED")
    assert name in failed[0][2]
    assert "already exists" in failed[0][2]
    assert _resources(cfn, "rename") == {"Old": ("CREATE_COMPLETE", name)}


_ROLE: dict[str, Any] = {
    "Type": "AWS::IAM::Role",
    "Properties": {"RoleName": "kept-role", "AssumeRolePolicyDocument": {"Statement": []}},
}
_KEY: dict[str, Any] = {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": []}}}
_FUNCTION: dict[str, Any] = {
    "Type": "AWS::Lambda::Function",
    "Properties": {
        "FunctionName": "kept-function",
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Code": {"ZipFile": "def handler(event, context):\n    return 0\n"},
    },
}


@pytest.mark.parametrize(
    ("kept", "moved", "name"),
    [
        ({}, _ROLE, "kept-role"),
        (
            {"Key": _KEY},
            {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/kept", "TargetKeyId": {"Ref": "Key"}}},
            "alias/kept",
        ),
        ({"Role": {**_ROLE, "Properties": {**_ROLE["Properties"], "RoleName": "fn-role"}}}, _FUNCTION, "kept-function"),
    ],
    ids=["role", "kms-alias", "function"],
)
def test_renaming_a_role_alias_or_function_keeping_its_name_collides_and_rolls_back(
    emulator: Emulator, kept: dict[str, Any], moved: dict[str, Any], name: str
) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="rename", TemplateBody=_body({**kept, "Old": moved}))
    assert _status(cfn, "rename") == "CREATE_COMPLETE", _events(cfn, "rename")
    cfn.update_stack(StackName="rename", TemplateBody=_body({**kept, "New": moved}))
    assert _status(cfn, "rename") == "UPDATE_ROLLBACK_COMPLETE", _events(cfn, "rename")
    failed = [e for e in _events(cfn, "rename") if e[1] == "CREATE_FAILED"]
    assert failed[0] == ("New", "CREATE_FAILED", f"{name} already exists")
    assert _resources(cfn, "rename")["Old"] == ("CREATE_COMPLETE", name)


def test_an_update_deletes_removed_and_replaced_resources_only_in_the_final_cleanup(emulator: Emulator) -> None:
    del emulator
    cfn, s3 = boto3.client("cloudformation"), boto3.client("s3")
    cfn.create_stack(StackName="order", TemplateBody=_body({"Gone": _topic("gone-topic"), "B": _bucket("bucket-one")}))
    cfn.update_stack(
        StackName="order", TemplateBody=_body({"Added": _topic("added-topic"), "B": _bucket("bucket-two")})
    )
    assert _status(cfn, "order") == "UPDATE_COMPLETE"
    events = [e[:2] for e in _events(cfn, "order")]
    start = events.index(("order", "UPDATE_IN_PROGRESS"))
    cleanup = events.index(("order", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"))
    assert ("Added", "CREATE_COMPLETE") in events[start:cleanup]
    assert ("B", "UPDATE_COMPLETE") in events[start:cleanup]
    assert events[-1] == ("order", "UPDATE_COMPLETE")
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert "bucket-two" in names
    assert "bucket-one" not in names  # the replaced copy, deleted in the cleanup
    topics = [t["TopicArn"].rsplit(":", 1)[1] for t in boto3.client("sns").list_topics()["Topics"]]
    assert sorted(topics) == ["added-topic"]


def test_a_replacement_that_keeps_a_custom_name_fails_and_update_replace_policy_retain_keeps_the_old_copy(
    emulator: Emulator,
) -> None:
    del emulator
    cfn, s3 = boto3.client("cloudformation"), boto3.client("s3")
    role: dict[str, Any] = {
        "Type": "AWS::IAM::Role",
        "Properties": {"RoleName": "custom-role", "AssumeRolePolicyDocument": {}},
    }
    cfn.create_stack(StackName="replace", TemplateBody=_body({"B": _bucket("custom-name"), "R": role}))
    moved = {**role, "Properties": {**role["Properties"], "Path": "/moved/"}}  # Path is create-only: a replacement
    cfn.update_stack(StackName="replace", TemplateBody=_body({"B": _bucket("custom-name"), "R": moved}))
    assert _status(cfn, "replace") == "UPDATE_ROLLBACK_COMPLETE"
    failed = [e for e in _events(cfn, "replace") if e[1] == "UPDATE_FAILED"]
    assert failed[0][:2] == ("R", "UPDATE_FAILED")
    assert failed[0][2].startswith(
        "CloudFormation cannot update a stack when a custom-named resource requires replacing."
    )
    cfn.update_stack(
        StackName="replace", TemplateBody=_body({"B": _bucket("custom-name", UpdateReplacePolicy="Retain")})
    )
    cfn.update_stack(StackName="replace", TemplateBody=_body({"B": _bucket("new-name", UpdateReplacePolicy="Retain")}))
    assert _status(cfn, "replace") == "UPDATE_COMPLETE"
    assert {"custom-name", "new-name"} <= {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert _resources(cfn, "replace") == {"B": ("UPDATE_COMPLETE", "new-name")}


def test_a_failed_update_keeps_what_it_would_have_removed_or_replaced(emulator: Emulator) -> None:
    del emulator
    cfn, s3 = boto3.client("cloudformation"), boto3.client("s3")
    s3.create_bucket(Bucket="someone-elses", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    cfn.create_stack(StackName="keep", TemplateBody=_body({"Gone": _topic("still-here"), "B": _bucket("bucket-a")}))
    cfn.update_stack(
        StackName="keep", TemplateBody=_body({"B": _bucket("bucket-b"), "Clash": _bucket("someone-elses")})
    )
    assert _status(cfn, "keep") == "UPDATE_ROLLBACK_COMPLETE"
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert {"bucket-a", "someone-elses"} <= names
    assert "bucket-b" not in names  # the new copy the update made is deleted by the rollback
    assert [t["TopicArn"].rsplit(":", 1)[1] for t in boto3.client("sns").list_topics()["Topics"]] == ["still-here"]
    assert _resources(cfn, "keep") == {
        "Gone": ("CREATE_COMPLETE", _resources(cfn, "keep")["Gone"][1]),
        "B": ("UPDATE_COMPLETE", "bucket-a"),
    }


# --- 8: IMPORT change sets that create the stack ---------------------------------------------------


def _outside_resources() -> dict[str, tuple[dict[str, Any], dict[str, str]]]:
    """Make one resource of each importable type outside any stack; return its template entry and identifier."""
    iam = boto3.client("iam")
    role = iam.create_role(RoleName="outside-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("lambda").create_function(
        FunctionName="aws-ses-migration-prod-dkim-manager", Runtime="python3.12", Handler="index.handler",
        Role=role, Code={"ZipFile": zip_of({"index.py": "def handler(event, context):\n    return 0\n"})}, Description="kept",
    )  # fmt: skip
    boto3.client("s3").create_bucket(
        Bucket="outside-bucket", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    kms = boto3.client("kms")
    key = kms.create_key(Description="outside")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/outside-dkim", TargetKeyId=key)
    topic = boto3.client("sns").create_topic(Name="outside-topic")["TopicArn"]
    boto3.client("logs").create_log_group(logGroupName="/outside/logs")
    boto3.client("dynamodb").create_table(
        TableName="outside-table", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
    )  # fmt: skip
    boto3.client("ssm").put_parameter(Name="/outside/parameter", Value="v", Type="String")
    retain = {"DeletionPolicy": "Retain"}
    return {
        "Function": (
            {"Type": "AWS::Lambda::Function", **retain, "Properties": {
                "FunctionName": "aws-ses-migration-prod-dkim-manager", "Runtime": "python3.12",
                "Handler": "index.handler", "Role": role, "Code": {"ZipFile": "x"}, "Description": "kept"}},
            {"FunctionName": "aws-ses-migration-prod-dkim-manager"},
        ),
        "Bucket": (_bucket("outside-bucket", **retain), {"BucketName": "outside-bucket"}),
        "Key": ({"Type": "AWS::KMS::Key", **retain, "Properties": {"Description": "outside"}}, {"KeyId": key}),
        "Alias": (
            {"Type": "AWS::KMS::Alias", **retain, "Properties": {"AliasName": "alias/outside-dkim", "TargetKeyId": key}},
            {"AliasName": "alias/outside-dkim"},
        ),
        "Role": (
            {"Type": "AWS::IAM::Role", **retain, "Properties": {"RoleName": "outside-role", "AssumeRolePolicyDocument": {}}},
            {"RoleName": "outside-role"},
        ),
        "Topic": ({"Type": "AWS::SNS::Topic", **retain, "Properties": {"TopicName": "outside-topic"}}, {"TopicArn": topic}),
        "Logs": (
            {"Type": "AWS::Logs::LogGroup", **retain, "Properties": {"LogGroupName": "/outside/logs"}},
            {"LogGroupName": "/outside/logs"},
        ),
        "Table": (
            {"Type": "AWS::DynamoDB::Table", **retain, "Properties": {
                "TableName": "outside-table", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]}},
            {"TableName": "outside-table"},
        ),
        "Parameter": ({**_parameter("/outside/parameter", "v"), **retain}, {"Name": "/outside/parameter"}),
    }  # fmt: skip


def test_an_import_change_set_creates_the_stack_then_an_update_adds_the_rest(emulator: Emulator) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    outside = _outside_resources()
    template = _body({logical_id: resource for logical_id, (resource, _) in outside.items()})
    imports: list[Any] = [
        {"ResourceType": resource["Type"], "LogicalResourceId": logical_id, "ResourceIdentifier": identifier}
        for logical_id, (resource, identifier) in outside.items()
    ]
    created = cfn.create_change_set(
        StackName="adopted", ChangeSetName="adopt", ChangeSetType="IMPORT", TemplateBody=template,
        ResourcesToImport=imports,
    )  # fmt: skip
    assert _status(cfn, "adopted") == "REVIEW_IN_PROGRESS"
    described = cfn.describe_change_set(ChangeSetName=created["Id"])
    assert described["Status"] == "CREATE_COMPLETE", described.get("StatusReason")
    assert {c["ResourceChange"]["Action"] for c in described["Changes"]} == {"Import"}
    cfn.execute_change_set(ChangeSetName=created["Id"])
    assert _status(cfn, "adopted") == "IMPORT_COMPLETE"
    held = _resources(cfn, "adopted")
    assert set(held) == set(outside)
    assert {status for status, _ in held.values()} == {"IMPORT_COMPLETE"}
    assert held["Function"][1] == "aws-ses-migration-prod-dkim-manager"
    assert held["Alias"][1] == "alias/outside-dkim"
    # A normal update adds the rest; the imported function keeps its configuration.
    everything = _body(
        {**{logical_id: resource for logical_id, (resource, _) in outside.items()}, "Added": _topic("added-later")}
    )
    cfn.update_stack(StackName="adopted", TemplateBody=everything)
    assert _status(cfn, "adopted") == "UPDATE_COMPLETE", _events(cfn, "adopted")
    assert set(_resources(cfn, "adopted")) == {*outside, "Added"}
    function = boto3.client("lambda").get_function(FunctionName="aws-ses-migration-prod-dkim-manager")
    assert function["Configuration"]["Description"] == "kept"


def test_an_import_into_a_new_stack_is_refused_for_a_resource_another_stack_holds(emulator: Emulator) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="holder", TemplateBody=_body({"B": _bucket("held-bucket")}))
    created = cfn.create_change_set(
        StackName="thief", ChangeSetName="adopt", ChangeSetType="IMPORT",
        TemplateBody=_body({"B": _bucket("held-bucket", DeletionPolicy="Retain")}),
        ResourcesToImport=[{"ResourceType": "AWS::S3::Bucket", "LogicalResourceId": "B",
                            "ResourceIdentifier": {"BucketName": "held-bucket"}}],
    )  # fmt: skip
    described = cfn.describe_change_set(ChangeSetName=created["Id"])
    assert described["Status"] == "FAILED"
    assert "already exists in stack holder" in described["StatusReason"]
    with pytest.raises(ClientError, match="cannot be executed"):
        cfn.execute_change_set(ChangeSetName=created["Id"])


# --- 5: UPDATE_ROLLBACK_FAILED and ContinueUpdateRollback -------------------------------------------


def _stuck(emulator: Emulator) -> Any:
    """A stack whose update failed on Clash and whose rollback of Param (updated in place) failed."""
    cfn, s3 = boto3.client("cloudformation"), boto3.client("s3")
    s3.create_bucket(Bucket="clash-bucket", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    cfn.create_stack(StackName="stuck", TemplateBody=_body({"Param": _parameter("/stuck/p", "one")}))
    emulator.control(
        "/_byodkim/cfn-faults", {"faults": [{"stack": "stuck", "logical_id": "Param", "during": "rollback"}]}
    )
    cfn.update_stack(
        StackName="stuck",
        TemplateBody=_body(
            {"Param": _parameter("/stuck/p", "two"), "Clash": {**_bucket("clash-bucket"), "DependsOn": "Param"}}
        ),
    )
    return cfn


def test_a_failed_rollback_leaves_update_rollback_failed_with_the_resource_update_failed(emulator: Emulator) -> None:
    cfn = _stuck(emulator)
    assert _status(cfn, "stuck") == "UPDATE_ROLLBACK_FAILED"
    assert _resources(cfn, "stuck")["Param"][0] == "UPDATE_FAILED"
    reasons = {
        r["LogicalResourceId"]: r.get("ResourceStatusReason")
        for r in cfn.describe_stack_resources(StackName="stuck")["StackResources"]
    }
    assert reasons["Param"] == "injected failure (byodkim emulator fault)"
    with pytest.raises(ClientError, match="UPDATE_ROLLBACK_FAILED state and can not be updated"):
        cfn.update_stack(StackName="stuck", TemplateBody=_body({"Param": _parameter("/stuck/p", "three")}))


def test_continue_update_rollback_refuses_to_skip_a_resource_whose_rollback_did_not_fail(emulator: Emulator) -> None:
    cfn = _stuck(emulator)
    with pytest.raises(ClientError, match="ValidationError") as refused:
        cfn.continue_update_rollback(
            StackName="stuck", ResourcesToSkip=["Clash"]
        )  # it failed forward, not its rollback
    assert "Clash" in refused.value.response["Error"]["Message"]
    assert _status(cfn, "stuck") == "UPDATE_ROLLBACK_FAILED"


def test_continue_update_rollback_skipping_the_failed_resource_completes_the_rollback(emulator: Emulator) -> None:
    cfn = _stuck(emulator)
    cfn.continue_update_rollback(StackName="stuck", ResourcesToSkip=["Param"])
    assert _status(cfn, "stuck") == "UPDATE_ROLLBACK_COMPLETE"
    assert _resources(cfn, "stuck") == {"Param": ("UPDATE_COMPLETE", "/stuck/p")}
    # Skipped: the parameter keeps the failed update's value, inconsistent with the template until fixed.
    assert boto3.client("ssm").get_parameter(Name="/stuck/p")["Parameter"]["Value"] == "two"
    assert "clash-bucket" in {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]}  # never ours
    cfn.update_stack(StackName="stuck", TemplateBody=_body({"Param": _parameter("/stuck/p", "three")}))
    assert _status(cfn, "stuck") == "UPDATE_COMPLETE"


def test_continue_update_rollback_retries_the_rollback_and_refuses_other_states(emulator: Emulator) -> None:
    cfn = _stuck(emulator)
    cfn.continue_update_rollback(StackName="stuck")  # the fault fired once: the retry succeeds
    assert _status(cfn, "stuck") == "UPDATE_ROLLBACK_COMPLETE"
    assert boto3.client("ssm").get_parameter(Name="/stuck/p")["Parameter"]["Value"] == "one"
    with pytest.raises(ClientError, match="UPDATE_ROLLBACK_COMPLETE state and can not continue update rollback"):
        cfn.continue_update_rollback(StackName="stuck")


def test_stack_events_are_paginated_newest_first(emulator: Emulator) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    many = {f"P{n}": _parameter(f"/many/{n}", "v") for n in range(40)}
    cfn.create_stack(StackName="many", TemplateBody=_body(many))
    cfn.update_stack(
        StackName="many", TemplateBody=_body({k: _parameter(v["Properties"]["Name"], "w") for k, v in many.items()})
    )
    first = cfn.describe_stack_events(StackName="many")
    assert "NextToken" in first
    assert first["StackEvents"][0]["ResourceStatus"] == "UPDATE_COMPLETE"
    assert first["StackEvents"][0]["LogicalResourceId"] == "many"
    events = _events(cfn, "many")
    assert len(events) > 100
    assert events[0] == ("many", "CREATE_IN_PROGRESS", "User Initiated")


# --- 6: KMS ------------------------------------------------------------------------------------------


def test_a_kms_key_is_updated_in_place_and_describe_stacks_keeps_answering(emulator: Emulator) -> None:
    del emulator
    cfn, kms = boto3.client("cloudformation"), boto3.client("kms")
    key: dict[str, Any] = {
        "Type": "AWS::KMS::Key",
        "Properties": {"Description": "first", "KeyPolicy": {"Version": "2012-10-17", "Statement": []}},
    }
    outputs = {"KeyId": {"Value": {"Ref": "Key"}}, "KeyArn": {"Value": {"Fn::GetAtt": ["Key", "Arn"]}}}
    cfn.create_stack(StackName="kms", TemplateBody=_body({"Key": key}, Outputs=outputs))
    before = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName="kms")["Stacks"][0]["Outputs"]}
    changed = {**key, "Properties": {**key["Properties"], "Description": "second", "EnableKeyRotation": True}}
    cfn.update_stack(StackName="kms", TemplateBody=_body({"Key": changed}, Outputs=outputs))
    assert _status(cfn, "kms") == "UPDATE_COMPLETE"
    after = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName="kms")["Stacks"][0]["Outputs"]}
    assert after == before  # the same key
    assert kms.describe_key(KeyId=after["KeyId"])["KeyMetadata"]["Description"] == "second"
    assert _resources(cfn, "kms")["Key"] == ("UPDATE_COMPLETE", after["KeyId"])


def test_a_second_kms_alias_with_a_taken_name_is_refused(emulator: Emulator) -> None:
    del emulator
    cfn, kms = boto3.client("cloudformation"), boto3.client("kms")
    key = kms.create_key(Description="outside")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/team-dkim", TargetKeyId=key)
    template = _body(
        {"Key": {"Type": "AWS::KMS::Key", "Properties": {"Description": "ours", "KeyPolicy": {"Statement": []}}},
         "Alias": {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/team-dkim", "TargetKeyId": {"Ref": "Key"}}}}
    )  # fmt: skip
    cfn.create_stack(StackName="alias", TemplateBody=template)
    assert _status(cfn, "alias") == "ROLLBACK_COMPLETE"
    assert ("Alias", "CREATE_FAILED", "alias/team-dkim already exists") in _events(cfn, "alias")
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/team-dkim"]
    assert [a["TargetKeyId"] for a in aliases] == [key]


# --- 3: exports ----------------------------------------------------------------------------------------


def _exporter(value: str) -> str:
    return _body(
        {"P": _parameter("/exporter/p", value)},
        Outputs={
            "Shared": {"Value": value, "Export": {"Name": "team-shared"}},
            "Free": {"Value": value, "Export": {"Name": "team-free"}},
        },
    )


def test_an_export_in_use_cannot_change_disappear_or_lose_its_stack(emulator: Emulator) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="exporter", TemplateBody=_exporter("one"))
    cfn.create_stack(
        StackName="importer",
        TemplateBody=_body({"P": _parameter("/importer/p", {"Fn::ImportValue": {"Fn::Sub": "team-${Which}"}})},
                           Parameters={"Which": {"Type": "String", "Default": "shared"}}),
    )  # fmt: skip
    assert _status(cfn, "importer") == "CREATE_COMPLETE"
    assert cfn.list_imports(ExportName="team-shared")["Imports"] == ["importer"]
    with pytest.raises(ClientError, match=r"Export 'team-free' is not imported by any stack\."):
        cfn.list_imports(ExportName="team-free")
    cfn.update_stack(StackName="exporter", TemplateBody=_exporter("two"))
    assert _status(cfn, "exporter") == "UPDATE_ROLLBACK_COMPLETE"
    assert ("exporter", "UPDATE_FAILED", "Cannot update export team-shared as it is in use by importer") in _events(
        cfn, "exporter"
    )
    removed = _body(
        {"P": _parameter("/exporter/p", "one")}, Outputs={"Free": {"Value": "one", "Export": {"Name": "team-free"}}}
    )
    cfn.update_stack(StackName="exporter", TemplateBody=removed)
    assert _status(cfn, "exporter") == "UPDATE_ROLLBACK_COMPLETE"
    assert ("exporter", "UPDATE_FAILED", "Export team-shared cannot be deleted as it is in use by importer") in _events(
        cfn, "exporter"
    )
    cfn.delete_stack(StackName="exporter")
    assert _status(cfn, "exporter") == "DELETE_FAILED"
    assert boto3.client("ssm").get_parameter(Name="/exporter/p")["Parameter"]["Value"] == "one"
    exports = {e["Name"]: e["Value"] for e in cfn.list_exports()["Exports"]}
    assert exports == {"team-shared": "one", "team-free": "one"}


def test_exports_nobody_imports_are_refreshed_by_an_update_and_freed_by_a_delete(emulator: Emulator) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="exporter", TemplateBody=_exporter("one"))
    cfn.update_stack(StackName="exporter", TemplateBody=_exporter("two"))
    assert _status(cfn, "exporter") == "UPDATE_COMPLETE"
    assert {e["Name"]: e["Value"] for e in cfn.list_exports()["Exports"]} == {"team-shared": "two", "team-free": "two"}
    cfn.update_stack(StackName="exporter", TemplateBody=_body({"P": _parameter("/exporter/p", "two")}))
    assert cfn.list_exports()["Exports"] == []
    cfn.create_stack(StackName="other", TemplateBody=_exporter("three").replace("/exporter/p", "/other/p"))
    assert _status(cfn, "other") == "CREATE_COMPLETE"
    cfn.create_stack(StackName="twin", TemplateBody=_exporter("four").replace("/exporter/p", "/twin/p"))
    assert _status(cfn, "twin") == "ROLLBACK_COMPLETE"
    assert ("twin", "CREATE_FAILED", "Export with name team-shared is already exported by stack other") in _events(
        cfn, "twin"
    )


# --- 4: stack policies and termination protection --------------------------------------------------


def test_a_stack_policy_denies_the_updates_it_does_not_allow(emulator: Emulator) -> None:
    del emulator
    cfn, ssm = boto3.client("cloudformation"), boto3.client("ssm")
    resources = {"Data": _parameter("/policy/data", "one"), "Free": _parameter("/policy/free", "one")}
    cfn.create_stack(StackName="guarded", TemplateBody=_body(resources))
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": ["Update:Replace", "Update:Delete"], "Principal": "*",
             "Resource": "LogicalResourceId/Data"},
            {"Effect": "Deny", "Action": "Update:Modify", "Principal": "*", "Resource": "*",
             "Condition": {"StringEquals": {"ResourceType": ["AWS::SSM::Parameter"]}}},
        ]
    }  # fmt: skip
    cfn.set_stack_policy(StackName="guarded", StackPolicyBody=json.dumps(policy))
    assert json.loads(cfn.get_stack_policy(StackName="guarded")["StackPolicyBody"]) == policy
    cfn.update_stack(StackName="guarded", TemplateBody=_body({"Free": resources["Free"]}))  # removes Data
    assert _status(cfn, "guarded") == "UPDATE_ROLLBACK_COMPLETE"
    denied = [e for e in _events(cfn, "guarded") if e[1] == "UPDATE_FAILED"]
    assert denied[-1][:2] == ("Data", "UPDATE_FAILED")
    assert "Update:Delete" in denied[-1][2]
    assert ssm.get_parameter(Name="/policy/data")["Parameter"]["Value"] == "one"
    cfn.update_stack(StackName="guarded", TemplateBody=_body({**resources, "Free": _parameter("/policy/free", "two")}))
    assert _status(cfn, "guarded") == "UPDATE_ROLLBACK_COMPLETE"  # Modify denied by ResourceType
    # One step off: a policy that allows everything lets the same update through.
    cfn.set_stack_policy(StackName="guarded", StackPolicyBody=json.dumps({"Statement": [policy["Statement"][0]]}))
    cfn.update_stack(StackName="guarded", TemplateBody=_body({**resources, "Free": _parameter("/policy/free", "two")}))
    assert _status(cfn, "guarded") == "UPDATE_COMPLETE"


def test_a_policy_without_an_allow_denies_every_update_but_adds(emulator: Emulator) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="locked", TemplateBody=_body({"A": _parameter("/locked/a", "one")}))
    deny_one = {
        "Statement": [{"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "LogicalResourceId/Other"}]
    }
    cfn.set_stack_policy(StackName="locked", StackPolicyBody=json.dumps(deny_one))
    cfn.update_stack(StackName="locked", TemplateBody=_body({"A": _parameter("/locked/a", "two")}))
    assert _status(cfn, "locked") == "UPDATE_ROLLBACK_COMPLETE"
    cfn.update_stack(
        StackName="locked", TemplateBody=_body({"A": _parameter("/locked/a", "one"), "B": _parameter("/locked/b", "b")})
    )
    assert _status(cfn, "locked") == "UPDATE_COMPLETE"


def test_termination_protection_refuses_delete_stack(emulator: Emulator) -> None:
    del emulator
    cfn = boto3.client("cloudformation")
    cfn.create_stack(
        StackName="protected", TemplateBody=_body({"A": _topic("protected-topic")}), EnableTerminationProtection=True
    )
    with pytest.raises(
        ClientError, match=r"Stack \[protected\] cannot be deleted while TerminationProtection is enabled"
    ):
        cfn.delete_stack(StackName="protected")
    assert _status(cfn, "protected") == "CREATE_COMPLETE"
    cfn.update_termination_protection(StackName="protected", EnableTerminationProtection=False)
    cfn.delete_stack(StackName="protected")
    assert [s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]] == ["DELETE_COMPLETE"]


# --- 7: nested stacks -------------------------------------------------------------------------------


def _nested(emulator: Emulator, child_name: str = "/nested/p") -> tuple[Any, Any]:
    """Put a child template in the emulated S3; return (cloudformation client, parent template maker)."""
    del emulator
    cfn, s3 = boto3.client("cloudformation"), boto3.client("s3")
    s3.create_bucket(Bucket="templates", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    child = _body(
        {"P": _parameter(child_name, {"Ref": "V"})},
        Parameters={"V": {"Type": "String"}},
        Outputs={"Name": {"Value": {"Ref": "P"}}},
    )
    s3.put_object(Bucket="templates", Key="child.json", Body=child.encode())
    url = "https://templates.s3.ap-northeast-1.amazonaws.com/child.json"

    def parent(value: str, **more: Any) -> str:
        nested = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": url, "Parameters": {"V": value}}}
        outputs = {"Name": {"Value": {"Fn::GetAtt": ["Child", "Outputs.Name"]}}, "Id": {"Value": {"Ref": "Child"}}}
        return _body({"Child": nested, **more}, Outputs=outputs)

    return cfn, parent


def _outputs(cfn: Any, name: str) -> dict[str, str]:
    return {
        o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=name)["Stacks"][0].get("Outputs", [])
    }


def test_a_nested_stack_is_created_from_s3_updated_in_place_and_deleted_with_its_parent(emulator: Emulator) -> None:
    cfn, parent = _nested(emulator)
    ssm = boto3.client("ssm")
    cfn.create_stack(StackName="parent", TemplateBody=parent("one"))
    assert _status(cfn, "parent") == "CREATE_COMPLETE"
    outputs = _outputs(cfn, "parent")
    assert outputs["Name"] == "/nested/p"
    child = cfn.describe_stacks(StackName=outputs["Id"])["Stacks"][0]
    assert child["StackName"].startswith("parent-Child-")
    assert _resources(cfn, "parent")["Child"] == ("CREATE_COMPLETE", outputs["Id"])
    cfn.update_stack(StackName="parent", TemplateBody=parent("two"))
    assert _status(cfn, "parent") == "UPDATE_COMPLETE"
    assert _outputs(cfn, "parent")["Id"] == outputs["Id"]  # the same child, updated in place
    assert cfn.describe_stacks(StackName=outputs["Id"])["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    assert ssm.get_parameter(Name="/nested/p")["Parameter"]["Value"] == "two"
    cfn.delete_stack(StackName="parent")
    assert cfn.describe_stacks(StackName=outputs["Id"])["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError, match="ParameterNotFound"):
        ssm.get_parameter(Name="/nested/p")


def test_a_failed_nested_stack_fails_its_parent_and_a_failed_parent_update_rolls_the_child_back(
    emulator: Emulator,
) -> None:
    cfn, parent = _nested(emulator)
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/nested/p", Value="taken", Type="String")
    cfn.create_stack(StackName="parent", TemplateBody=parent("one"))
    assert _status(cfn, "parent") == "ROLLBACK_COMPLETE"
    failed = [e for e in _events(cfn, "parent") if e[1] == "CREATE_FAILED"]
    assert failed[0][0] == "Child"
    assert "was not successfully created: The following resource(s) failed to create: [P]." in failed[0][2]
    cfn.delete_stack(StackName="parent")
    ssm.delete_parameter(Name="/nested/p")
    cfn.create_stack(StackName="parent", TemplateBody=parent("one"))
    boto3.client("s3").create_bucket(Bucket="clash", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    cfn.update_stack(StackName="parent", TemplateBody=parent("two", Clash={**_bucket("clash"), "DependsOn": "Child"}))
    assert _status(cfn, "parent") == "UPDATE_ROLLBACK_COMPLETE"
    assert ssm.get_parameter(Name="/nested/p")["Parameter"]["Value"] == "one"


@pytest.mark.parametrize(
    ("expression", "valid"),
    [
        ("rate(1 minute)", True),
        ("rate(15 minutes)", True),
        ("rate(1 day)", True),
        ("rate(1 minutes)", False),  # AWS: a value of 1 takes the singular
        ("rate(5 hour)", False),  # and one over 1 the plural
        ("rate(0 minutes)", False),  # a positive number
        ("rate( minutes)", False),
        ("rate(5  minutes)", False),
    ],
)
def test_eventbridge_takes_the_rate_expressions_aws_takes(emulator: Emulator, expression: str, valid: bool) -> None:
    del emulator
    events = boto3.client("events")
    if valid:
        events.put_rule(Name="r", ScheduleExpression=expression)
        assert events.describe_rule(Name="r")["ScheduleExpression"] == expression
        return
    with pytest.raises(ClientError, match="Parameter ScheduleExpression is not valid"):
        events.put_rule(Name="r", ScheduleExpression=expression)


def test_a_stack_with_a_rate_aws_refuses_fails_and_rolls_back(emulator: Emulator) -> None:
    """One step off PutRule: the same expression from a template (phase 7's ScheduleExpression parameter)."""
    del emulator
    cfn = boto3.client("cloudformation")
    rule = {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": {"Ref": "Schedule"}}}
    template = _body({"Activation": rule}, Parameters={"Schedule": {"Type": "String"}})
    cfn.create_stack(
        StackName="rate",
        TemplateBody=template,
        Parameters=[{"ParameterKey": "Schedule", "ParameterValue": "rate(1 minutes)"}],
    )
    assert _status(cfn, "rate") in ("ROLLBACK_COMPLETE", "CREATE_FAILED")
    reasons = [e.get("ResourceStatusReason", "") for e in cfn.describe_stack_events(StackName="rate")["StackEvents"]]
    assert any("ScheduleExpression is not valid" in reason for reason in reasons), reasons
