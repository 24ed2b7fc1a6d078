"""Preflight one step off the team account: an empty account, a stopped launch that must leave no trace,
what CloudFormation itself refuses (stack policies, exports in use), names of every type.

Each account is made by hand in the emulator, the way a team would have made it, and the real
`sceptre launch` (with the byodkim_preflight hook from sceptre/config/prod/config.yaml) is run on it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.aws.cfntemplate import load
from byodkim.deployment import STACKS
from byodkim.local.sandbox import Sandbox, SandboxOptions, launch_stacks, running, sceptre_dir
from byodkim.workflows.refusals import policy_allows
from conftest import require_tool, zip_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Cli

PREFIX = "aws-ses-migration-prod-prod-"
FUNCTION = "aws-ses-migration-prod-dkim-manager"
LAYER = "aws-ses-migration-prod-cryptography"


@pytest.fixture(scope="module")
def started_box() -> Iterator[Sandbox]:
    """One BIND and one emulator for the module: an emulator takes seconds of CPU to start (moto's imports)."""
    require_tool("named", "apt-get install bind9")
    with running(SandboxOptions()) as sandbox:
        yield sandbox


@pytest.fixture
def box(started_box: Sandbox) -> Sandbox:
    """The module's sandbox as a new account: no run left going, every resource and fault forgotten.

    Its clock is held: nothing here waits for a schedule, and the launched rules (the health check
    every 3 s at the sandbox's speed) would only run the function in the background, a CPU each.
    """
    _control("/_byodkim/clock", {"pause": True})  # no rule fires now: the runs under way are the last
    _control("/_byodkim/idle", {"timeout": 120})
    _control("/_byodkim/reset", {})  # which lets the clock run again
    _control("/moto-api/reset", {})
    _control("/_byodkim/clock", {"pause": True})
    return started_box


def _launch() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "byodkim.local.sceptre_run", "launch", "-y", "prod"],
        cwd=sceptre_dir(),
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )


def _hook_lines(launched: subprocess.CompletedProcess[str], stack: str = "") -> Any:
    """Return the preflight hook's line per stack (``stack``: that stack's lines, in order)."""
    found = re.findall(r"\] - preflight prod/([a-z0-9-]+): (.*)", launched.stdout + launched.stderr)
    if stack:
        return [said for name, said in found if name == stack]
    assert len(found) == len({name for name, _ in found}), found  # once each
    return dict(found)


def _stacks() -> dict[str, str]:
    cfn = boto3.client("cloudformation")
    found = cfn.list_stacks()["StackSummaries"]
    return {s["StackName"]: s["StackStatus"] for s in found if s["StackStatus"] != "DELETE_COMPLETE"}


def _published() -> dict[str, Any]:
    """What a launch writes before any stack changes: layer versions and objects in every bucket."""
    s3 = boto3.client("s3")
    objects = {
        b["Name"]: sorted(o["Key"] for o in s3.list_objects_v2(Bucket=b["Name"]).get("Contents", []))
        for b in s3.list_buckets()["Buckets"]
    }
    versions = boto3.client("lambda").list_layer_versions(LayerName=LAYER).get("LayerVersions", [])
    return {"objects": objects, "layer_versions": sorted(v["Version"] for v in versions)}


def _hand_made_function() -> str:
    iam = boto3.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName="team-made-by-hand", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    code = zip_of({"index.py": "def handler(event, context):\n    return {'ok': True}\n"})
    made = boto3.client("lambda").create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": code},
    )
    return str(made["FunctionArn"])


def test_an_empty_account_with_the_function_outside_any_stack_stops_before_any_stack_is_made(
    box: Sandbox, cli: Cli
) -> None:
    del box
    arn = _hand_made_function()

    # Phase 2 reads outputs of base and phase 1, which do not exist: its names are still checked.
    found = cli("preflight", "--env", "prod")
    assert found.code == 1, found.out + found.err
    assert (
        "  add         DkimManagerFunction AWS::Lambda::Function aws-ses-migration-prod-dkim-manager  "
        "name in use: outside any stack" in found.out
    )
    assert "`byodkim adopt --stack phase-2-dkim-system --resource DkimManagerFunction`" in found.out
    assert "deferred" not in found.out

    stopped = _launch()
    assert stopped.returncode != 0
    assert (
        "preflight: 1 finding(s) would lose or collide with what runs, e.g. name taken DkimManagerFunction in "
        "prod/phase-2-dkim-system; nothing was changed" in stopped.stdout + stopped.stderr
    )
    # One line per stack of the group, said once, before any stack changes.
    assert _hook_lines(stopped) == {
        **dict.fromkeys(STACKS, "clear (a new stack; every name it takes is free)"),
        "phase-2-dkim-system": "1 finding(s): name taken DkimManagerFunction",
    }
    assert _stacks() == {}  # not base, not phase 1: the launch made no stack at all
    assert _published() == {"objects": {}, "layer_versions": []}
    lam = boto3.client("lambda")
    assert lam.get_function(FunctionName=FUNCTION)["Configuration"]["FunctionArn"] == arn
    # Set by hand, in no template: only the same function, never deleted and made again, keeps it.
    lam.put_function_concurrency(FunctionName=FUNCTION, ReservedConcurrentExecutions=3)

    # The route preflight printed works although phase 2 does not exist: the import creates it.
    dry = cli("adopt", "--stack", "phase-2-dkim-system", "--resource", "DkimManagerFunction", "--dry-run")
    assert dry.code == 0, dry.err
    assert _stacks() == {}
    adopted = cli("adopt", "--stack", "phase-2-dkim-system", "--resource", "DkimManagerFunction")
    assert adopted.code == 0, adopted.err
    assert (
        f"imported: AWS::Lambda::Function {FUNCTION} is now DkimManagerFunction in {PREFIX}phase-2-dkim-system "
        "(a new stack holding just it; the launch adds the rest)" in adopted.out
    )
    assert _stacks() == {PREFIX + "phase-2-dkim-system": "IMPORT_COMPLETE"}
    clear = cli("preflight", "--env", "prod")
    assert clear.code == 0, clear.out + clear.err
    launched = _launch()
    assert launched.returncode == 0, (launched.stdout + launched.stderr)[-3000:]
    # Phase 2 waits for its dependencies' outputs, then is previewed again with a change set, whose
    # creation Sceptre does not announce: the hook's line per stack is what the launch says.
    deferred, previewed = _hook_lines(launched, "phase-2-dkim-system")
    assert deferred == (
        "clear (checked again when the launch reaches it (its parameters read outputs its dependencies do not have yet))"
    )
    assert re.fullmatch(r"clear \(\d+ change\(s\), none that loses or collides\)", previewed), previewed
    assert "Change Set" not in launched.stdout + launched.stderr
    statuses = _stacks()
    assert len(statuses) == len(STACKS)
    assert set(statuses.values()) <= {"CREATE_COMPLETE", "UPDATE_COMPLETE"}
    assert statuses[PREFIX + "phase-2-dkim-system"] == "UPDATE_COMPLETE"
    # The same function (never deleted and made again), now run by the stack with our configuration.
    after = lam.get_function(FunctionName=FUNCTION)["Configuration"]
    assert after["FunctionArn"] == arn
    assert after["Handler"] == "byodkim.lambda_handler.handler"
    assert lam.get_function_concurrency(FunctionName=FUNCTION)["ReservedConcurrentExecutions"] == 3


def test_a_stopped_launch_publishes_uploads_and_writes_nothing(box: Sandbox, cli: Cli) -> None:
    launch_stacks(box)
    s3 = boto3.client("s3")
    # Remove what the launch wrote, so that a launch now would write it all again.
    for bucket, keys in _published()["objects"].items():
        for key in keys:
            if key.endswith((".zip", ".json")):
                s3.delete_object(Bucket=bucket, Key=key)
    lam = boto3.client("lambda")
    for version in _published()["layer_versions"]:
        lam.delete_layer_version(LayerName=LAYER, VersionNumber=version)
    # A stack policy that forbids touching the function: the layer's new version would modify it.
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "Update:*",
                "Principal": "*",
                "Resource": "LogicalResourceId/DkimManagerFunction",
            },
        ]
    }
    cfn = boto3.client("cloudformation")
    cfn.set_stack_policy(StackName=PREFIX + "phase-2-dkim-system", StackPolicyBody=json.dumps(policy))
    before, statuses = _published(), _stacks()

    found = cli("preflight", "--env", "prod", "--stack", "phase-2-dkim-system")
    assert found.code == 1, found.out + found.err
    assert re.search(
        r"STOP denied by the stack policy DkimManagerFunction \(AWS::Lambda::Function\): the stack's policy does "
        r"not allow Update:Modify on it",
        found.out,
    ), found.out
    stopped = _launch()
    assert stopped.returncode != 0
    assert "finding(s) would lose or collide with what runs" in stopped.stdout + stopped.stderr

    assert _published() == before  # no layer version, no code zip, no fleet manifest
    assert _stacks() == statuses


def test_a_stack_policy_is_read_as_cloudformation_reads_it() -> None:
    allow_all = {"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}]}
    assert policy_allows(allow_all, "Bucket", "AWS::S3::Bucket", "Update:Replace")
    # Once a policy exists, what no statement allows is denied.
    modify_only = {"Statement": [{"Effect": "Allow", "Action": "Update:Modify", "Principal": "*", "Resource": "*"}]}
    assert policy_allows(modify_only, "Bucket", "AWS::S3::Bucket", "Update:Modify")
    assert not policy_allows(modify_only, "Bucket", "AWS::S3::Bucket", "Update:Replace")
    assert not policy_allows(modify_only, "Bucket", "AWS::S3::Bucket", "Update:Delete")
    # A Deny wins, by logical ID (with a wildcard) or by resource type.
    by_id = {
        "Statement": [
            allow_all["Statement"][0],
            {"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "LogicalResourceId/Cert*"},
        ]
    }
    assert not policy_allows(by_id, "CertificatesBucket", "AWS::S3::Bucket", "Update:Modify")
    assert policy_allows(by_id, "ArtifactBucket", "AWS::S3::Bucket", "Update:Modify")
    by_type = {
        "Statement": [
            allow_all["Statement"][0],
            {
                "Effect": "Deny",
                "Action": ["Update:Replace", "Update:Delete"],
                "Principal": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"ResourceType": ["AWS::KMS::Key"]}},
            },
        ]
    }
    assert not policy_allows(by_type, "KmsKey", "AWS::KMS::Key", "Update:Delete")
    assert policy_allows(by_type, "KmsKey", "AWS::KMS::Key", "Update:Modify")
    assert policy_allows(by_type, "Topic", "AWS::SNS::Topic", "Update:Delete")
    not_resource = {
        "Statement": [
            {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "NotResource": "LogicalResourceId/KmsKey"}
        ]
    }
    assert not policy_allows(not_resource, "KmsKey", "AWS::KMS::Key", "Update:Modify")
    assert policy_allows(not_resource, "Topic", "AWS::SNS::Topic", "Update:Modify")


def test_a_kms_alias_and_a_role_under_our_names_outside_any_stack_are_found(box: Sandbox, cli: Cli) -> None:
    del box
    kms = boto3.client("kms")
    key = kms.create_key(Description="made by hand")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/aws-ses-migration-prod-dkim", TargetKeyId=key)
    trust = {"Version": "2012-10-17", "Statement": []}
    boto3.client("iam").create_role(
        RoleName="aws-ses-migration-prod-dkim-manager-role", AssumeRolePolicyDocument=json.dumps(trust)
    )
    found = cli("preflight", "--env", "prod", "--stack", "phase-1-infrastructure-foundation")
    assert found.code == 1, found.out + found.err
    assert (
        "  add         KmsAlias AWS::KMS::Alias alias/aws-ses-migration-prod-dkim  name in use: outside any stack"
        in found.out
    )
    assert (
        "  add         DkimManagerRole AWS::IAM::Role aws-ses-migration-prod-dkim-manager-role  "
        "name in use: outside any stack" in found.out
    )
    assert found.out.count("STOP name taken") == 2


def test_an_export_another_stack_imports_cannot_be_removed_or_changed(box: Sandbox, cli: Cli) -> None:
    launch_stacks(box)
    cfn = boto3.client("cloudformation")
    base = PREFIX + "base"
    # The team added an output to base by hand and another stack of theirs imports it; our template
    # does not have it, so the launch would remove an export in use, which CloudFormation refuses.
    template = _live_template(cfn, base)
    template["Outputs"]["TeamExtra"] = {"Value": "kept-by-hand", "Export": {"Name": "team-extra-export"}}
    _update_by_hand(cfn, base, template)
    _importer(cfn, "team-reader", "team-extra-export")
    assert cfn.list_imports(ExportName="team-extra-export")["Imports"] == ["team-reader"]

    found = cli("preflight", "--env", "prod", "--stack", "base")
    assert found.code == 1, found.out + found.err
    assert (
        "  STOP export in use TeamExtra (Output): another stack imports this export (team-reader) and the update "
        "would remove it; CloudFormation fails the update." in found.out
    )
    # The exports our template keeps, imported or not, are no finding.
    assert found.out.count("STOP") == 1

    # One of our exports, given another value by hand and imported by a team stack: the launch would
    # change it back, which CloudFormation refuses as well. Only such an export is looked up.
    template["Outputs"]["Environment"]["Value"] = "edited-by-hand"
    _update_by_hand(cfn, base, template)
    _importer(cfn, "team-env-reader", base + "-Environment")
    calls = len(_control("/_byodkim/calls", {})["calls"])
    found = cli("preflight", "--env", "prod", "--stack", "base")
    assert found.code == 1, found.out + found.err
    assert (
        "  STOP export in use Environment (Output): another stack imports this export (team-env-reader) and the "
        "update would change its value; CloudFormation fails the update." in found.out
    )
    assert found.out.count("STOP") == 2
    looked_up = [c for c in _control("/_byodkim/calls", {})["calls"][calls:] if c["operation"] == "ListImports"]
    assert len(looked_up) == 2  # the removed export and the changed one; not the three base keeps as they are


def _live_template(cfn: Any, stack: str) -> dict[str, Any]:
    """Return the template ``stack`` runs now, as a dict (the emulator answers JSON or YAML text)."""
    live = cfn.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    return live if isinstance(live, dict) else load(live)


def _update_by_hand(cfn: Any, stack: str, template: dict[str, Any]) -> None:
    """Update ``stack`` to ``template`` as a team would by hand, its parameters as they are."""
    parameters = cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Parameters", [])
    cfn.update_stack(
        StackName=stack,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": p["ParameterKey"], "UsePreviousValue": True} for p in parameters],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )


def _importer(cfn: Any, stack: str, export: str) -> None:
    """Create a team's ``stack`` whose one parameter reads ``export`` (Fn::ImportValue)."""
    reads = {"Name": f"/team/{stack}", "Type": "String", "Value": {"Fn::ImportValue": export}}
    template = {"Resources": {"Reads": {"Type": "AWS::SSM::Parameter", "Properties": reads}}}
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template))


# Types in our templates that take no name of their own (CloudFormation generates one, or the
# resource is part of another): nothing to collide with.
UNNAMED = {
    "AWS::KMS::Key",
    "AWS::Lambda::Permission",
    "AWS::Lambda::EventSourceMapping",  # CloudFormation names it by a UUID
    "AWS::Route53::RecordSet",
    "AWS::S3::BucketPolicy",
    "AWS::SES::ConfigurationSetEventDestination",
    "AWS::IAM::Policy",  # an inline policy, named within its role
    "AWS::SES::ReceiptRule",  # named inside its rule set, which is ours and looked up
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
}


def test_every_type_our_templates_name_is_looked_up() -> None:
    from byodkim.aws import exists
    from byodkim.aws.cfntemplate import NAME_PROPERTY

    templates = (Path(sceptre_dir()) / "templates").glob("*.yaml")
    used = {str(r["Type"]) for t in templates for r in (load(t.read_text()).get("Resources") or {}).values()}
    assert used - UNNAMED - set(NAME_PROPERTY) == set()  # a new named type must be added to NAME_PROPERTY
    assert [t for t in NAME_PROPERTY if not exists.checkable(t)] == []  # and to the probes


def _control(path: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local emulator
        os.environ["AWS_ENDPOINT_URL"] + path, data=json.dumps(payload).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=180) as answer:  # noqa: S310 - the idle wait waits on runs
        read: dict[str, Any] = json.loads(answer.read() or b"{}")
        return read


def _update_phase8(cfn: Any, description: str, extra: bool) -> None:
    """Update phase 8 by hand: the bounce alarm's description changes, and a topic may be added."""
    name = PREFIX + "phase-8-monitoring-system"
    template = _live_template(cfn, name)
    template["Resources"]["BounceRateAlarm"]["Properties"]["AlarmDescription"] = description
    if extra:
        template["Resources"]["Extra"] = {"Type": "AWS::SNS::Topic"}
    _update_by_hand(cfn, name, template)


def test_a_stack_whose_rollback_failed_is_continued_skipping_exactly_what_failed_then_launched(
    box: Sandbox, cli: Cli
) -> None:
    launch_stacks(box)
    cfn = boto3.client("cloudformation")
    name = PREFIX + "phase-8-monitoring-system"
    # An earlier update whose failure rolled back fine: its UPDATE_FAILED event stays in the history.
    _control("/_byodkim/cfn-faults", {"faults": [
        {"stack": name, "logical_id": "ComplaintRateAlarm", "during": "update", "count": 1},
    ]})  # fmt: skip
    body = _live_template(cfn, name)
    body["Resources"]["ComplaintRateAlarm"]["Properties"]["AlarmDescription"] = "changed by hand"
    _update_by_hand(cfn, name, body)
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    # Then an update that fails forward on a new topic, and whose rollback of the alarm fails too.
    _control("/_byodkim/cfn-faults", {"faults": [
        {"stack": name, "logical_id": "Extra", "during": "update", "count": 1},
        {"stack": name, "logical_id": "BounceRateAlarm", "during": "rollback", "count": 1},
    ]})  # fmt: skip
    _update_phase8(cfn, "changed by hand", extra=True)
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "UPDATE_ROLLBACK_FAILED"

    found = cli("preflight", "--env", "prod", "--stack", "phase-8-monitoring-system")
    assert found.code == 1, found.out + found.err
    # Only the alarm whose rollback failed: not the topic that failed forward, not the earlier update's alarm.
    assert "  the last rollback failed; the resources whose rollback failed: BounceRateAlarm\n" in found.out
    assert "`byodkim continue-rollback --stack phase-8-monitoring-system --dry-run`" in found.out
    refused = _launch()
    assert refused.returncode != 0

    dry = cli("continue-rollback", "--stack", "phase-8-monitoring-system", "--dry-run")
    assert dry.code == 0, dry.err
    assert (
        dry.out.splitlines()[0]
        == f"continue-rollback: would continue the rollback of {name}, skipping: BounceRateAlarm"
    )
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "UPDATE_ROLLBACK_FAILED"
    done = cli("continue-rollback", "--stack", "phase-8-monitoring-system", "-y")
    assert done.code == 0, done.err
    assert done.out.splitlines()[0] == (
        f"continue-rollback: {name} is UPDATE_ROLLBACK_COMPLETE; skipped BounceRateAlarm: left as the failed "
        "update made them (check them against the template)"
    )
    again = cli("continue-rollback", "--stack", "phase-8-monitoring-system", "-y")
    assert again.code == 2
    assert "is UPDATE_ROLLBACK_COMPLETE, not UPDATE_ROLLBACK_FAILED" in again.err

    clear = cli("preflight", "--env", "prod", "--stack", "phase-8-monitoring-system")
    assert clear.code == 0, clear.out + clear.err
    launched = _launch()
    assert launched.returncode == 0, (launched.stdout + launched.stderr)[-3000:]
    # Our template is the one the stack rolled back to: nothing to update, and the launch goes on.
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    alarms = boto3.client("cloudwatch").describe_alarms(AlarmNames=["aws-ses-migration-prod-ses-bounce-rate"])
    assert alarms["MetricAlarms"][0]["AlarmDescription"] == "changed by hand"  # skipped: as the failed update left it


# -- which stack the launch hook guards ---------------------------------------------------------


class _Guarded(Exception):  # noqa: N818 - not an error: the recorder stops the action after the hook
    pass


def _record_guard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import byodkim.workflows.launchguard

    guarded: list[str] = []

    def record(stack: Any) -> None:
        guarded.append(str(stack.name))
        raise _Guarded

    monkeypatch.setattr(byodkim.workflows.launchguard, "guard", record)
    return guarded


@pytest.mark.parametrize("action", ["update", "create"])
def test_each_stack_s_hook_guards_the_stack_sceptre_is_launching(monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    # Sceptre binds the group config's hook to one stack of the group for all of them (a different
    # one per process): the guard previewed that stack from every thread, while its own update ran.
    from sceptre.context import SceptreContext
    from sceptre.plan.actions import StackActions
    from sceptre.plan.plan import SceptrePlan

    guarded = _record_guard(monkeypatch)
    plan = SceptrePlan(SceptreContext(project_path=str(sceptre_dir()), command_path="prod"))
    stacks = sorted(plan.graph, key=lambda s: str(s.name))
    assert len(stacks) == len(STACKS)
    for stack in stacks:
        with pytest.raises(_Guarded):
            getattr(StackActions(stack), action)()  # the hook runs before any AWS call; the recorder stops it
    assert guarded == [str(s.name) for s in stacks]


def test_a_preflight_hook_run_outside_a_sceptre_action_stops_rather_than_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from byodkim.errors import ByodkimError
    from byodkim.sceptre_plugins import PreflightHook

    guarded = _record_guard(monkeypatch)
    hook = PreflightHook()
    hook.stack = SimpleNamespace(name="prod/security", region="ap-northeast-1")
    with pytest.raises(ByodkimError, match="could not tell which stack Sceptre is launching"):
        hook.run()
    assert guarded == []


def test_the_hook_says_one_line_per_stack_in_english_and_japanese() -> None:
    from byodkim.messages import render
    from byodkim.workflows.launchguard import stack_line
    from byodkim.workflows.stackchanges import Finding, ResourceChange, StackPreview

    taken = Finding("prod/security", "AlertingTamperRule", "AWS::Events::Rule", "collision", "n", "import")
    kept = Finding("prod/security", "Memo", "AWS::SSM::Parameter", "remove", "m", "retain", accepted=True)
    change = ResourceChange("Memo", "AWS::SSM::Parameter", "remove")
    cases = [
        (StackPreview("prod/base", "b", "UPDATE_COMPLETE", note="no-changes"),
         "preflight prod/base: clear (no changes)", "プリフライト prod/base: 問題なし (変更なし)"),
        (StackPreview("prod/security", "s", "UPDATE_COMPLETE", [change, change], [taken, kept]),
         "preflight prod/security: 1 finding(s): name taken AlertingTamperRule, remove Memo (accepted)",
         "プリフライト prod/security: 指摘 1 件: 名前の衝突 AlertingTamperRule、削除 Memo (承認済み)"),
        (StackPreview("prod/security", "s", "UPDATE_COMPLETE", [change], [kept]),
         "preflight prod/security: clear (1 change(s), none that loses or collides; accepted: remove Memo)",
         "プリフライト prod/security: 問題なし (変更 1 件、失うもの・衝突するものなし。承認済み: 削除 Memo)"),
    ]  # fmt: skip
    for preview, english, japanese in cases:
        line = stack_line(preview)
        assert (str(line), render(line, "ja")) == (english, japanese)


# -- the launch race: a hook's preview beside another stack's update -----------------------------

_RACERS = {  # what the racing stack adds, and the call that looks its name up
    "role": ("AWS::IAM::Role", "RoleName", "tiny-racer-role", ("iam", "GetRole")),
    "log group": ("AWS::Logs::LogGroup", "LogGroupName", "/tiny/racer", ("logs", "DescribeLogGroups")),
}
_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
]}  # fmt: skip


def _memo(name: str, value: object) -> dict[str, Any]:
    return {"Type": "AWS::SSM::Parameter", "Properties": {"Name": name, "Type": "String", "Value": value}}


def _tiny_project(folder: Path, racer: str) -> Path:
    """A group of three stacks as the team left them, and ours: ``racer`` and ``other`` wait on dep's new output."""
    kind, prop, name, _ = _RACERS[racer]
    named: dict[str, Any] = {prop: name}
    if kind == "AWS::IAM::Role":
        named["AssumeRolePolicyDocument"] = _TRUST
    value = {"Parameters": {"Value": {"Type": "String", "Default": "old"}}}
    ours = {
        "dep": {"Resources": {"Memo": _memo("/tiny/dep", "new")}, "Outputs": {"Value": {"Value": "new"}}},
        "racer": {**value, "Resources": {"Memo": _memo("/tiny/racer", {"Ref": "Value"}), "Named": {
            "Type": kind, "Properties": named}}},
        "other": {**value, "Resources": {"Memo": _memo("/tiny/other", {"Ref": "Value"})}},
    }  # fmt: skip
    (folder / "templates").mkdir(parents=True)
    (folder / "config" / "g").mkdir(parents=True)
    (folder / "config" / "config.yaml").write_text("project_code: tiny\nregion: ap-northeast-1\n")
    (folder / "config" / "g" / "config.yaml").write_text(
        "hooks:\n  before_create:\n    - !byodkim_preflight\n  before_update:\n    - !byodkim_preflight\n"
    )
    cfn = boto3.client("cloudformation")
    for stack, template in ours.items():
        (folder / "templates" / f"{stack}.yaml").write_text(json.dumps(template))
        config = f"template:\n  path: {stack}.yaml\n"
        if stack != "dep":
            config += "dependencies:\n  - g/dep.yaml\nparameters:\n  Value: !stack_output g/dep.yaml::Value\n"
        (folder / "config" / "g" / f"{stack}.yaml").write_text(config)
        old = {**value, "Resources": {"Memo": _memo(f"/tiny/{stack}", "old")}} if stack != "dep" else {
            "Resources": {"Memo": _memo("/tiny/dep", "old")}}  # fmt: skip
        cfn.create_stack(StackName=f"tiny-g-{stack}", TemplateBody=json.dumps(old))
    return folder


def _calls() -> list[dict[str, str]]:
    request = urllib.request.Request(  # noqa: S310 - the local emulator
        os.environ["AWS_ENDPOINT_URL"] + "/_byodkim/calls", data=b"{}", method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        calls: list[dict[str, str]] = json.loads(answer.read())["calls"]
    return calls


def _tiny_plan(folder: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Sceptre's plan of the group, its hooks bound the way Sceptre binds them, to the racing stack for all."""
    import types

    from sceptre.context import SceptreContext
    from sceptre.plan import actions
    from sceptre.plan.plan import SceptrePlan

    from byodkim.local.sceptre_run import POLL_SECONDS

    monkeypatch.delenv("BYODKIM_SCEPTRE_DIR", raising=False)  # the guard previews the project Sceptre launches
    quick = types.ModuleType("time")
    quick.__dict__.update(time.__dict__)
    quick.sleep = lambda seconds: time.sleep(min(seconds, POLL_SECONDS))  # type: ignore[attr-defined] # as sceptre_run
    monkeypatch.setattr(actions, "time", quick)
    plan = SceptrePlan(SceptreContext(project_path=str(folder), command_path="g"))
    stacks = {str(s.name).split("/")[1]: s for s in plan.graph}
    for stack in stacks.values():
        for hook in (h for hooks in stack.hooks.values() for h in hooks):
            hook.stack = stacks["racer"]  # one stack for every hook, as Sceptre's group config leaves it
    return stacks


@pytest.mark.parametrize("racer", sorted(_RACERS))
def test_a_hook_previewing_beside_another_stack_s_update_does_not_find_that_stack_s_names_taken(
    box: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, racer: str
) -> None:
    # Sceptre launches `racer` and `other` side by side once `dep` is done. Other's hook must guard
    # other: when it previewed racer (the stack its hook was bound to), its look-up of racer's name,
    # held here until racer's own update had made it, found the name taken ("collision").
    import threading

    from sceptre.plan.actions import StackActions

    del box
    kind, _, name, (service, operation) = _RACERS[racer]
    stacks = _tiny_plan(_tiny_project(tmp_path, racer), monkeypatch)
    StackActions(stacks["dep"]).update()  # the group's preview: racer and other wait on dep's output
    _control(
        "/_byodkim/faults", {"faults": [{"service": service, "operation": operation, "kind": "delay", "seconds": 8}]}
    )
    failed: list[BaseException] = []

    def other() -> None:
        try:
            StackActions(stacks["other"]).update()
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failed.append(exc)

    def lookups() -> int:
        return sum((c["service"], c["operation"]) == (service, operation) for c in _calls())

    before = lookups()  # the group's preview looked the name up already
    beside = threading.Thread(target=other)
    beside.start()
    deadline = time.monotonic() + 30
    while beside.is_alive() and time.monotonic() < deadline and lookups() == before:
        time.sleep(0.1)  # until other's guard looks racer's name up (held): racer's update goes first
    if lookups() == before:
        # Other's guard never looked racer's name up (it guards the stack being launched): the fault
        # would only hold racer's own look-up, for nothing. A guard that did look it up is held above.
        _control("/_byodkim/faults", {"faults": []})
    StackActions(stacks["racer"]).update()
    beside.join(60)
    assert failed == [], failed
    cfn = boto3.client("cloudformation")
    assert {
        s: cfn.describe_stacks(StackName=f"tiny-g-{s}")["Stacks"][0]["StackStatus"] for s in stacks
    } == dict.fromkeys(stacks, "UPDATE_COMPLETE")
    owned = cfn.describe_stack_resources(StackName="tiny-g-racer", LogicalResourceId="Named")["StackResources"][0]
    assert (owned["ResourceType"], owned["PhysicalResourceId"]) == (kind, name)


def test_a_name_held_outside_any_stack_still_stops_the_launch_before_anything_changes(
    box: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sceptre.plan.actions import StackActions

    from byodkim.errors import ByodkimError

    del box
    stacks = _tiny_plan(_tiny_project(tmp_path, "role"), monkeypatch)
    boto3.client("iam").create_role(RoleName="tiny-racer-role", AssumeRolePolicyDocument=json.dumps(_TRUST))
    for first in ("dep", "other"):  # whichever stack's hook runs first, and any stack's after it
        with pytest.raises(ByodkimError, match=r"^preflight: 1 finding\(s\) .* e\.g\. name taken Named in g/racer; "):
            StackActions(stacks[first]).update()
    cfn = boto3.client("cloudformation")
    assert {
        s: cfn.describe_stacks(StackName=f"tiny-g-{s}")["Stacks"][0]["StackStatus"] for s in stacks
    } == dict.fromkeys(stacks, "CREATE_COMPLETE")
