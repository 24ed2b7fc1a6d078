"""Adopting the running deployment: preflight names every loss and collision, the hook stops the launch,
adopt follows the routes, and the launch then ends with every stack updated and nothing recreated.

The team's account is recreated in the emulator from templates written by hand
(tests/fixtures/team-account): other logical IDs for the same named resources, objects in the
certificates bucket, a log group Lambda made outside any stack, the identity registered by hand
with a test key, and phase 2 left in UPDATE_ROLLBACK_COMPLETE.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.cli.options import prefix
from byodkim.deployment import STACKS
from byodkim.dkim import keys
from byodkim.emulator.changesets import describe_change
from byodkim.local.sandbox import Sandbox, SandboxOptions, running, sceptre_dir
from byodkim.workflows.preflight import ResourceChange, classify, physical_names, read_changes
from conftest import require_tool, zip_of

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
TEAM = ROOT / "tests" / "fixtures" / "team-account"
PREFIX = "aws-ses-migration-prod-prod-"
BUCKET = "aws-ses-migration-prod-dkim-certificates"
TEAM_TABLE = "aws-ses-migration-prod-team-state"
MEMOS = [f"/team/aws-ses-migration/prod/memo/{s}" for s in (
    "phase-4-dns-preparation", "phase-7-dns-validation-dkim-activation", "enhanced-kinesis", "monitoring", "security"
)]  # fmt: skip
RETAINS = {
    "byodkim retain --stack phase-4-dns-preparation --resource Memo",
    "byodkim retain --stack phase-4-dns-preparation --resource TeamState",
    "byodkim retain --stack phase-7-dns-validation-dkim-activation --resource Memo",
    "byodkim retain --stack enhanced-kinesis --resource Memo",
    "byodkim retain --stack monitoring --resource Memo",
    "byodkim retain --stack monitoring --resource TeamNotes",
    "byodkim retain --stack security --resource Memo",
}
ADOPTIONS = {
    "byodkim adopt --stack base --resource ArtifactBucket --live-resource Artifacts",
    "byodkim adopt --stack phase-1-infrastructure-foundation --resource CertificatesBucket --live-resource DkimCertificatesBucket",
    "byodkim adopt --stack phase-1-infrastructure-foundation --resource KmsAlias --live-resource TeamKeyAlias",
    "byodkim adopt --stack phase-1-infrastructure-foundation --resource KmsKey --live-resource TeamKey",
    "byodkim adopt --stack phase-2-dkim-system --resource LogGroup",
    "byodkim adopt --stack phase-2-dkim-system --resource DkimManagerFunction --live-resource DkimManagerLambda",
    "byodkim adopt --stack phase-3-ses-byodkim --resource EmailIdentity --live-resource SesIdentity",
    "byodkim adopt --stack phase-5-dns-team-collaboration --resource DnsTeamTopic --live-resource DnsTopic",
    "byodkim adopt --stack phase-8-monitoring-system --resource AlertTopic --live-resource AlertsTopic",
}


# -- the classifier and the emulator's judgement, on their own ---------------------------------


def test_a_renamed_stateful_resource_is_one_collision_with_the_import_route() -> None:
    changes = [
        ResourceChange("CertificatesBucket", "AWS::S3::Bucket", "add", name="b", in_use="stack-1"),
        ResourceChange("DkimCertificatesBucket", "AWS::S3::Bucket", "remove", physical_id="b"),
    ]
    (finding,) = classify("prod/phase-1-infrastructure-foundation", changes)
    assert (finding.kind, finding.route, finding.other) == ("collision", "import", "DkimCertificatesBucket")
    assert finding.command == (
        "byodkim adopt --stack phase-1-infrastructure-foundation --resource CertificatesBucket --live-resource DkimCertificatesBucket"
    )


def test_findings_for_names_outside_or_in_another_stack_replacements_and_removals() -> None:
    changes = [
        ResourceChange("LogGroup", "AWS::Logs::LogGroup", "add", name="/aws/lambda/f", in_use=""),
        ResourceChange("Topic", "AWS::SNS::Topic", "add", name="arn:t", in_use="other-stack"),
        ResourceChange("Key", "AWS::KMS::Key", "replace", physical_id="k", properties=("KeySpec",)),
        ResourceChange("Identity", "AWS::SES::EmailIdentity", "conditional", physical_id="goo.ne.jp"),
        ResourceChange("Secret", "AWS::SecretsManager::Secret", "remove", physical_id="arn:s"),
        # Deny by default: types nobody listed as stateful are findings too.
        ResourceChange("Role", "AWS::IAM::Role", "replace", physical_id="r"),
        ResourceChange("Memo", "AWS::SSM::Parameter", "remove", physical_id="/m"),
        ResourceChange("TeamState", "AWS::DynamoDB::Table", "remove", physical_id="team-state"),
        ResourceChange("Nested", "AWS::CloudFormation::Stack", "remove", physical_id="arn:n", holds=("X Y",)),
        ResourceChange("Odd", "Custom::Whatever", "conditional", physical_id="o"),
        # Known to hold no data, or kept by the live stack's policy: no finding.
        ResourceChange("Alarm", "AWS::CloudWatch::Alarm", "remove", physical_id="a"),
        ResourceChange("Rule", "AWS::Events::Rule", "replace", physical_id="r2"),
        ResourceChange("Permission", "AWS::Lambda::Permission", "remove", physical_id="p"),
        ResourceChange("Kept", "AWS::DynamoDB::Table", "remove", physical_id="kept", retained=True),
        ResourceChange("Name", "AWS::Lambda::Function", "add", name="{{unresolved}}parameter X of prod/x"),
    ]
    findings = classify("prod/x", changes, accepted=["Secret"])
    found = {(f.logical_id, f.kind, f.route, f.accepted) for f in findings}
    assert found == {
        ("LogGroup", "collision", "import", False),
        ("Topic", "collision", "release-then-import", False),
        ("Key", "replace", "keep-live", False),
        ("Identity", "replace", "keep-live", False),
        ("Secret", "remove", "retain", True),
        ("Role", "replace", "keep-live", False),
        ("Memo", "remove", "retain", False),
        ("TeamState", "remove", "retain", False),
        ("Nested", "remove", "retain", False),
        ("Odd", "replace", "keep-live", False),
        ("Name", "unknown-name", "name-unknown", False),
    }
    assert next(f for f in findings if f.logical_id == "Nested").holds == ("X Y",)
    assert next(f for f in findings if f.logical_id == "Name").other == "parameter X of prod/x"


def test_change_set_answers_are_read_per_resource() -> None:
    described = {
        "Changes": [
            {"ResourceChange": {"Action": "Add", "LogicalResourceId": "A", "ResourceType": "AWS::SNS::Topic"}},
            {
                "ResourceChange": {
                    "Action": "Modify",
                    "LogicalResourceId": "B",
                    "ResourceType": "AWS::S3::Bucket",
                    "PhysicalResourceId": "b",
                    "Replacement": "True",
                    "Details": [{"Target": {"Name": "BucketName"}}, {"Target": {"Name": "BucketName"}}],
                }
            },
            {
                "ResourceChange": {
                    "Action": "Modify",
                    "LogicalResourceId": "C",
                    "ResourceType": "x",
                    "Replacement": "Conditional",
                }
            },
            {
                "ResourceChange": {
                    "Action": "Modify",
                    "LogicalResourceId": "D",
                    "ResourceType": "x",
                    "Replacement": "False",
                }
            },
            {"ResourceChange": {"Action": "Remove", "LogicalResourceId": "E", "ResourceType": "x"}},
        ]
    }
    assert [(c.logical_id, c.action, c.properties) for c in read_changes(described)] == [
        ("A", "add", ()),
        ("B", "replace", ("BucketName",)),
        ("C", "conditional", ()),
        ("D", "modify", ()),
        ("E", "remove", ()),
    ]


def test_physical_names_come_from_parameters_and_pseudo_parameters() -> None:
    body = (TEAM / "base.yaml").read_text(encoding="utf-8")
    assert physical_names(body, {}, {"AWS::AccountId": "123456789012"}) == {
        "Artifacts": "aws-ses-migration-prod-artifacts-123456789012"
    }
    ours = (ROOT / "sceptre" / "templates" / "phase-2-dkim-system.yaml").read_text(encoding="utf-8")
    names = physical_names(ours, {"ProjectName": "p", "Environment": "e"}, {})
    assert names == {
        "LogGroup": "/aws/lambda/p-e-dkim-manager",
        "DkimManagerFunction": "p-e-dkim-manager",
        # The fleet health check's fan-out (Condition FanOut): names are read whatever the condition.
        "HealthQueue": "p-e-health",
        "HealthDeadLetterQueue": "p-e-health-dlq",
        "HealthDeadLetterAlarm": "p-e-health-batches-dead",
    }


def _bucket(name: object, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": name, **(extra or {})}}


@pytest.mark.parametrize(
    ("old", "new", "replacement", "requires"),
    [
        (_bucket("a"), _bucket("b"), "True", {"BucketName": "Always"}),
        (_bucket("a"), _bucket("a", {"Tags": [{"Key": "k", "Value": "v"}]}), "False", {"Tags": "Never"}),
        (_bucket({"Ref": "Name"}), _bucket({"Ref": "Name"}), None, {}),  # same parameter, same value
        (_bucket("a"), _bucket({"Fn::GetAtt": ["X", "Name"]}), "Conditional", {"BucketName": "Conditionally"}),
    ],
)
def test_emulated_change_sets_judge_replacement_by_create_only_properties(
    old: dict[str, Any], new: dict[str, Any], replacement: str | None, requires: dict[str, str]
) -> None:
    found = describe_change("B", old, new, ({"Name": "n"}, {"Name": "n"}, {}))
    if replacement is None:
        assert found is None
        return
    assert found is not None
    assert found["Replacement"] == replacement
    assert {d["Target"]["Name"]: d["Target"]["RequiresRecreation"] for d in found["Details"]} == requires


def test_a_changed_parameter_behind_a_ref_is_a_change() -> None:
    found = describe_change("B", _bucket({"Ref": "Name"}), _bucket({"Ref": "Name"}), ({"Name": "a"}, {"Name": "b"}, {}))
    assert found is not None
    assert found["Replacement"] == "True"


# -- the team's account, adopted ---------------------------------------------------------------


@pytest.fixture(scope="module")
def team() -> Iterator[Sandbox]:
    require_tool("named", "apt-get install bind9")
    with running(SandboxOptions()) as box:
        _create_team_account()
        # Nothing here waits for a schedule: held, the launched rules run no function in the background.
        request = urllib.request.Request(  # noqa: S310 - the local emulator
            os.environ["AWS_ENDPOINT_URL"] + "/_byodkim/clock", data=b'{"pause": true}', method="POST"
        )
        with urllib.request.urlopen(request, timeout=60):  # noqa: S310
            pass
        yield box


def _create_team_account() -> None:
    cfn = boto3.client("cloudformation")
    account = boto3.client("sts").get_caller_identity()["Account"]
    for stack in ("base", "phase-1-infrastructure-foundation"):
        _create(cfn, stack, [])
    outputs = cfn.describe_stacks(StackName=PREFIX + "phase-1-infrastructure-foundation")["Stacks"][0]["Outputs"]
    role = next(o["OutputValue"] for o in outputs if o["OutputKey"] == "DkimManagerRoleArn")
    code = zip_of({"index.py": "def handler(event, context):\n    return {'ok': True}\n"})
    artifacts = f"aws-ses-migration-prod-artifacts-{account}"
    boto3.client("s3").put_object(Bucket=artifacts, Key="team/dkim-manager.zip", Body=code)
    boto3.client("s3").put_object(
        Bucket=artifacts, Key="team/team-notes.yaml", Body=(TEAM / "team-notes.yaml").read_bytes()
    )
    notes = [("NotesTemplateUrl", f"https://{artifacts}.s3.amazonaws.com/team/team-notes.yaml")]
    for stack in STACKS[2:]:
        phase2 = [("RoleArn", role), ("CodeBucket", artifacts)] if stack == "phase-2-dkim-system" else []
        _create(cfn, stack, phase2 if stack != "monitoring" else notes)
    boto3.client("s3").put_object(Bucket=BUCKET, Key="dns/goo.ne.jp/old/record.json", Body=b'{"kept": true}')
    # Team data in a type nobody listed as stateful: preflight must not assume it disposable.
    boto3.client("dynamodb").put_item(
        TableName=TEAM_TABLE, Item={"domain": {"S": "goo.ne.jp"}, "phase": {"S": "4"}, "owner": {"S": "dns-team"}}
    )
    boto3.client("logs").create_log_group(logGroupName="/aws/lambda/aws-ses-migration-prod-dkim-manager")
    test_key = keys.generate()
    boto3.client("sesv2").put_email_identity_dkim_signing_attributes(
        EmailIdentity="goo.ne.jp",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={
            "DomainSigningSelector": "gooid-21-pro-test-1",
            "DomainSigningPrivateKey": test_key.ses_private_key(),
        },
    )
    bogus = f"arn:aws:lambda:ap-northeast-1:{account}:layer:no-such-layer:9"  # the update that got phase 2 stuck
    cfn.update_stack(
        StackName=PREFIX + "phase-2-dkim-system",
        UsePreviousTemplate=True,
        Parameters=[
            {"ParameterKey": "RoleArn", "UsePreviousValue": True},
            {"ParameterKey": "CodeBucket", "UsePreviousValue": True},
            {"ParameterKey": "LayerArns", "ParameterValue": bogus},
        ],
    )


def _create(cfn: Any, stack: str, parameters: list[tuple[str, str]]) -> None:
    cfn.create_stack(
        StackName=PREFIX + stack,
        TemplateBody=(TEAM / f"{stack}.yaml").read_text(encoding="utf-8"),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )


ARTIFACTS = ("adopt", "--stack", "base", "--resource", "ArtifactBucket", "--live-resource", "Artifacts")


def _byodkim(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``byodkim ARGS`` through the CLI's own entry point, in this process (no interpreter start per call)."""
    import contextlib

    from byodkim.cli import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return subprocess.CompletedProcess(["byodkim", *args], code, out.getvalue(), err.getvalue())


def _launch() -> subprocess.CompletedProcess[str]:
    # Sceptre's own CLI (short status poll); the byodkim_preflight hook comes from sceptre/config/prod/config.yaml.
    return subprocess.run(
        [sys.executable, "-m", "byodkim.local.sceptre_run", "launch", "-y", "prod"],
        cwd=sceptre_dir(),
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )


def _statuses() -> dict[str, str]:
    cfn = boto3.client("cloudformation")
    return {s: cfn.describe_stacks(StackName=PREFIX + s)["Stacks"][0]["StackStatus"] for s in STACKS}


def _identity() -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local emulator
        os.environ["AWS_ENDPOINT_URL"] + "/_byodkim/ses/identities", data=b"{}", method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        found: dict[str, Any] = json.loads(answer.read())["identities"][0]
    return found


def test_adopting_the_team_account(team: Sandbox) -> None:
    assert _statuses()["phase-2-dkim-system"] == "UPDATE_ROLLBACK_COMPLETE"
    identity_before = _identity()
    key_before = _alias_target()

    # 1. Preflight names every collision with its route, in both languages, and exits 1.
    english, japanese, as_json = (
        _byodkim("preflight"),
        _byodkim("preflight", "--lang", "ja"),
        _byodkim("preflight", "-o", "json"),
    )
    assert english.returncode == japanese.returncode == as_json.returncode == 1, english.stderr
    assert set(re.findall(r"`(byodkim adopt [^`]+)`", english.stdout)) == ADOPTIONS
    assert set(re.findall(r"`(byodkim adopt [^`]+)`", japanese.stdout)) == ADOPTIONS
    assert english.stdout.count("STOP name taken") == japanese.stdout.count("停止 名前の衝突") == 8
    # The team's KMS key has no name to collide on: a removed key and an added one are paired.
    assert english.stdout.count("STOP same resource, another logical ID KmsKey (AWS::KMS::Key)") == 1
    assert (
        "phase-2-dkim-system (aws-ses-migration-prod-prod-phase-2-dkim-system): UPDATE_ROLLBACK_COMPLETE"
        in english.stdout
    )
    assert "  its last update was rolled back; it runs its previous configuration and can be updated" in english.stdout
    assert (
        "  add         LogGroup AWS::Logs::LogGroup /aws/lambda/aws-ses-migration-prod-dkim-manager  name in use: outside any stack"
        in english.stdout
    )
    # Deny by default: the team's own data in types nobody listed (an SSM memo in five stacks, a
    # DynamoDB table with items) is a removal to stop at, each with the retain route.
    assert set(re.findall(r"`(byodkim retain [^`]+)`", english.stdout)) == RETAINS, english.stdout
    assert set(re.findall(r"`(byodkim retain [^`]+)`", japanese.stdout)) == RETAINS
    assert "  STOP remove TeamState (AWS::DynamoDB::Table): the update would delete it." in english.stdout
    # A nested stack's removal names what it holds.
    assert re.search(
        r"STOP remove TeamNotes \(AWS::CloudFormation::Stack\): .* It holds: AWS::SSM::Parameter OnCall\.",
        english.stdout,
    )
    data = json.loads(as_json.stdout)
    assert data["blocking"] == 16, english.stdout
    assert english.stdout.rstrip().endswith(
        "16 finding(s) would lose or collide with what runs: launch must not run until each follows its route or is accepted"
    )

    # 2. The hook stops `sceptre launch` before anything changes.
    before = _statuses()
    stopped = _launch()
    assert stopped.returncode != 0
    assert "preflight: 16 finding(s) would lose or collide with what runs" in stopped.stdout + stopped.stderr
    assert "nothing was changed" in stopped.stdout + stopped.stderr
    assert _statuses() == before
    assert _team_data() == ("dns-team", ["to do"] * 5 + ["dns-team first, then mail ops"])

    # 3. adopt: a dry run changes nothing; each route once; a re-run finds it done.
    dry = _byodkim(
        *["adopt", "--stack", "base", "--resource", "ArtifactBucket", "--live-resource", "Artifacts", "--dry-run"]
    )
    assert dry.returncode == 0, dry.stderr
    assert "retained: would set DeletionPolicy and UpdateReplacePolicy: Retain on Artifacts" in dry.stdout
    assert _statuses() == before
    for command in sorted(ADOPTIONS):
        done = _byodkim(*command.split()[1:])
        assert done.returncode == 0, f"{command}: {done.stderr}"
        assert "imported: " in done.stdout
    again = _byodkim(*["adopt", "--stack", "base", "--resource", "ArtifactBucket", "--live-resource", "Artifacts"])
    assert again.stdout.splitlines()[:3] == [
        "retained: already done",
        "released: already done",
        "imported: already done",
    ]
    assert _byodkim(
        *ARTIFACTS, "--lang", "ja"
    ).stdout.splitlines() == [  # the step words are commands' words; what was done reads as Japanese
        "retained: 実施済み",
        "released: 実施済み",
        "imported: 実施済み",
        "次: byodkim preflight --stack base、その後 uv run sceptre --dir sceptre launch -y prod",
    ]

    # 4. The removals are still findings until the live stacks retain what they would delete.
    _retain_what_preflight_names()

    # 5. Preflight now finds nothing (it reads the live policies); the launch runs through the hook,
    # updates all eleven stacks, and the retained resources outlive their removal from the stacks.
    clear = _byodkim("preflight")
    assert clear.returncode == 0, clear.stdout + clear.stderr
    launched = _launch()
    assert launched.returncode == 0, (launched.stdout + launched.stderr)[-3000:]
    assert set(_statuses().values()) == {"UPDATE_COMPLETE"}
    assert _team_data() == ("dns-team", ["to do"] * 5 + ["dns-team first, then mail ops"])
    assert _alias_target() == key_before  # the team's key, moved under KmsKey: not a new key
    body = boto3.client("s3").get_object(Bucket=BUCKET, Key="dns/goo.ne.jp/old/record.json")["Body"].read()
    assert body == b'{"kept": true}'
    identity_after = _identity()
    assert identity_after["key_sha256"] == identity_before["key_sha256"]  # not recreated: the test key is still there
    assert identity_after["origin"] == "EXTERNAL"

    # 6. The report says what to do about the test key.
    _report_says_register_the_production_key()


def _report_says_register_the_production_key() -> None:
    report = _byodkim("report", "--domain", "goo.ne.jp")
    assert report.returncode == 0, report.stderr
    assert (
        "  SES signs with a key byodkim did not register (selector gooid-21-pro-test-1 in ap-northeast-1; a test key?). "
        "Register the production key" in report.stdout
    )
    assert (
        f"  $ {prefix()} register --domain goo.ne.jp --selector gooid-21-pro-20250912-1 "
        "--key-file keys/gooid-21-pro-20250912-1.private.pem" in report.stdout
    )


def _retain_what_preflight_names() -> None:
    left = _byodkim("preflight")
    assert left.returncode == 1
    assert set(re.findall(r"`(byodkim retain [^`]+)`", left.stdout)) == RETAINS
    for command in sorted(RETAINS):
        done = _byodkim(*command.split()[1:])
        assert done.returncode == 0, f"{command}: {done.stderr}"
        assert done.stdout.startswith("retained: ")


def _alias_target() -> str:
    aliases = boto3.client("kms").list_aliases()["Aliases"]
    return next(str(a["TargetKeyId"]) for a in aliases if a["AliasName"] == "alias/aws-ses-migration-prod-dkim")


def _team_data() -> tuple[str, list[str]]:
    item = boto3.client("dynamodb").get_item(TableName=TEAM_TABLE, Key={"domain": {"S": "goo.ne.jp"}})["Item"]
    ssm = boto3.client("ssm")
    names = [*MEMOS, "/team/aws-ses-migration/prod/on-call"]  # the last one in the nested stack
    return item["owner"]["S"], [ssm.get_parameter(Name=m)["Parameter"]["Value"] for m in names]


def test_the_emulator_fails_a_create_under_a_name_that_exists_and_rolls_back(emulator: Any) -> None:
    # How phase 2 got stuck: CloudFormation fails the resource and rolls the update back.
    cfn, logs = boto3.client("cloudformation"), boto3.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/made-by-lambda")
    cfn.create_stack(StackName="collides", TemplateBody=json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}))
    template = {
        "Resources": {
            "T": {"Type": "AWS::SNS::Topic"},
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/aws/lambda/made-by-lambda"}},
        }
    }
    cfn.update_stack(StackName="collides", TemplateBody=json.dumps(template))
    assert cfn.describe_stacks(StackName="collides")["Stacks"][0]["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    failed = [
        e
        for e in cfn.describe_stack_events(StackName="collides")["StackEvents"]
        if e["ResourceStatus"] == "CREATE_FAILED"  # a resource the update adds fails its create
    ]
    assert (failed[0]["LogicalResourceId"], failed[0]["ResourceStatusReason"]) == (
        "Logs",
        "/aws/lambda/made-by-lambda already exists",
    )


def test_a_failed_rollback_is_blocking_with_the_continue_route_and_the_resources_to_skip() -> None:
    from byodkim.cli.preflight_lines import render
    from byodkim.workflows.preflight import Finding, Preflight, StackPreview

    name = PREFIX + "phase-2-dkim-system"
    stuck = StackPreview(
        "prod/phase-2-dkim-system",
        name,
        "UPDATE_ROLLBACK_FAILED",
        findings=[
            Finding(
                "prod/phase-2-dkim-system",
                name,
                "AWS::CloudFormation::Stack",
                "stuck",
                name,
                "continue-rollback",
                "byodkim continue-rollback --stack phase-2-dkim-system --dry-run",
            )
        ],
        note="continue-rollback",
        skip=("DkimManagerFunction", "LogGroup"),
    )
    result = Preflight("prod", [stuck])
    assert len(result.blocking) == 1
    text = render(result, "text", "en")
    assert "  the last rollback failed; the resources whose rollback failed: DkimManagerFunction LogGroup" in text
    assert (
        f"  STOP cannot be updated {name} (AWS::CloudFormation::Stack): the last rollback failed and CloudFormation "
        "refuses every update until it is continued. See what would be skipped: "
        "`byodkim continue-rollback --stack phase-2-dkim-system --dry-run`, then run the same command without its dry run"
    ) in text
    japanese = render(result, "text", "ja")
    assert "ロールバックに失敗したリソース: DkimManagerFunction LogGroup" in japanese
    assert "`byodkim continue-rollback --stack phase-2-dkim-system --dry-run`" in japanese


def test_a_stack_config_accepts_findings_through_the_hook_argument() -> None:
    from types import SimpleNamespace

    from byodkim.sceptre_plugins import PreflightHook
    from byodkim.workflows.preflight import _accepted

    stack = SimpleNamespace(
        hooks={
            "before_update": [PreflightHook(argument={"accept": ["CertificatesBucket"]})],
            "before_create": [PreflightHook()],
        }
    )
    assert _accepted(stack) == ("CertificatesBucket",)
    assert _accepted(SimpleNamespace(hooks={})) == ()
