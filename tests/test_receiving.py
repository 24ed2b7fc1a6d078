"""Where DMARC reports arrive: phase 8 with dmarc_reports_address, in the emulator, end to end.

The real Sceptre launch of the project's configs; a report mailed to the rua address is received
by the emulated SES under the active rule set, stored by its S3 action, read by the deployed
function (run by the bucket's notification) and measured; the alarm on the metric evaluates.
Off (the running deployment), phase 8 is what it was: no resource added, preflight finds nothing.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.aws.cfntemplate import load
from byodkim.aws.receiving import activate
from byodkim.emulator.alarms import EXTRA_PERIODS
from byodkim.local.sandbox import Sandbox, SandboxOptions, launch_stacks, running, sceptre_dir
from conftest import require_tool

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Cli

PHASE8 = "aws-ses-migration-prod-prod-phase-8-monitoring-system"
ADDRESS = "dmarc@reports.goo.ne.jp"
RULE_SET = "aws-ses-migration-prod-dmarc-reports"
BUCKET = "aws-ses-migration-prod-dmarc-reports-123456789012"
ALARM = "aws-ses-migration-prod-dmarc-dkim-aligned"
FIXTURES = Path(__file__).parent / "fixtures" / "dmarc"
LAUNCH = ("launch", "-y", "prod")
MICROSOFT = FIXTURES / "enterprise.protection.outlook.com!goo.ne.jp!1795996800!1796083199.xml"


def _control(path: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local emulator
        os.environ["AWS_ENDPOINT_URL"] + path, data=json.dumps(payload).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=300) as answer:  # noqa: S310 - the idle wait waits on runs
        found: dict[str, Any] = json.loads(answer.read())
        return found


def _running_template() -> str:
    """Return phase 8 as the running deployment has it: without anything the reporting option adds."""
    template = load((sceptre_dir() / "templates" / "phase-8-monitoring-system.yaml").read_text())
    template["Resources"] = {k: v for k, v in template["Resources"].items() if v.get("Condition") != "ReceiveReports"}
    template["Outputs"] = {k: v for k, v in template["Outputs"].items() if v.get("Condition") != "ReceiveReports"}
    del template["Conditions"]["ReceiveReports"]
    for parameter in ("DmarcReportsAddress", "DmarcAlignedThreshold"):
        del template["Parameters"][parameter]
    return json.dumps(template, indent=1)


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    require_tool("named", "apt-get install bind9")
    with running(SandboxOptions(lambda_network="host")) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def before(box: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Launch the deployment as it runs today (phase 8 without reporting); return phase 8's resources."""
    copy = tmp_path_factory.mktemp("running") / "sceptre"
    shutil.copytree(sceptre_dir(), copy)
    (copy / "templates" / "phase-8-monitoring-system.yaml").write_text(_running_template())
    environment = {**os.environ, **box.environment}
    environment.pop("BYODKIM_DMARC_REPORTS_ADDRESS", None)
    done = subprocess.run(
        [sys.executable, "-m", "byodkim.local.sceptre_run", "--var", f"function_nameservers={box.nameserver}", *LAUNCH],
        cwd=copy,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return _resources()


def _resources() -> list[str]:
    found = boto3.client("cloudformation").describe_stack_resources(StackName=PHASE8)["StackResources"]
    return sorted(r["LogicalResourceId"] for r in found)


@pytest.fixture(scope="module")
def receiving(box: Sandbox, before: list[str]) -> Sandbox:
    """Turn reporting on (the launch an operator runs after setting dmarc_reports_address) and activate it."""
    del before
    box.environment["BYODKIM_DMARC_REPORTS_ADDRESS"] = ADDRESS
    launch_stacks(box)
    activate(boto3.client("ses"), "ap-northeast-1", RULE_SET)
    # Nothing here waits on the schedules: with them off, a day on the clock costs no function runs.
    events = boto3.client("events")
    for rule in events.list_rules()["Rules"]:
        events.disable_rule(Name=rule["Name"])
    _control("/_byodkim/clock", {"pause": True})
    _control("/_byodkim/idle", {"timeout": 120})
    return box


def test_off_the_running_deployment_is_unchanged_and_preflight_finds_nothing(
    box: Sandbox, before: list[str], cli: Cli
) -> None:
    del box
    assert not [r for r in before if r.startswith("Dmarc")]
    # The new template, reporting off, against the stack as it runs: no change, no finding.
    found = cli("preflight", "--env", "prod", "--stack", "phase-8-monitoring-system", "-o", "json")
    assert found.code == 0, found.out + found.err
    preview = json.loads(found.out)
    phase8 = next(s for s in preview["stacks"] if s["stack"].endswith("phase-8-monitoring-system"))
    assert (phase8["changes"], phase8["findings"], preview["blocking"]) == ([], [], 0)


def _mail(report: bytes, filename: str) -> str:
    """Return a report mail as a receiver sends it: the report attached as gzip."""
    message = EmailMessage()
    message["From"] = "noreply-dmarc-support@receiver.example"
    message["To"] = ADDRESS
    message["Subject"] = f"Report Domain: goo.ne.jp Submitter: receiver.example Report-ID: {filename}"
    message.set_content("This is an aggregate report.")
    message.add_attachment(gzip.compress(report), maintype="application", subtype="gzip", filename=filename + ".gz")
    return message.as_string()


def _deliver(text: str, recipients: list[str] | None = None) -> dict[str, Any]:
    payload = {"region": "ap-northeast-1", "recipients": recipients or [ADDRESS], "message": text}
    return _control("/_byodkim/ses/inbound", payload)


def _metric(domain: str = "goo.ne.jp") -> list[float]:
    cw = boto3.client("cloudwatch")
    data = cw.get_metric_statistics(
        Namespace="BYODKIM",
        MetricName="DmarcDkimAligned",
        Dimensions=[{"Name": "Domain", "Value": domain}],
        StartTime="2000-01-01T00:00:00Z",
        EndTime="2100-01-01T00:00:00Z",
        Period=86400 * 365 * 100,
        Statistics=["Minimum"],
    )["Datapoints"]
    return [d["Minimum"] for d in data]


def _alarm() -> str:
    alarms = boto3.client("cloudwatch").describe_alarms(AlarmNames=[ALARM])["MetricAlarms"]
    return str(alarms[0]["StateValue"])


def test_a_report_mailed_to_the_rua_address_is_stored_read_and_measured(receiving: Sandbox) -> None:
    del receiving
    assert boto3.client("ses").describe_active_receipt_rule_set()["Metadata"]["Name"] == RULE_SET
    google = (FIXTURES / "google-report.eml").read_text()
    delivered = _deliver(google)
    assert delivered["accepted"] is True
    (stored,) = delivered["actions"]
    assert stored["stored"] is True
    assert stored["key"] == f"reports/{delivered['message_id']}"
    _control("/_byodkim/idle", {"timeout": 120})

    s3 = boto3.client("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert keys == sorted(["reports/AMAZON_SES_SETUP_NOTIFICATION", stored["key"]])  # SES's setup object too
    head = s3.head_object(Bucket=BUCKET, Key=stored["key"])
    assert head["ServerSideEncryption"] == "AES256"  # the bucket's default encryption
    runs = [r for r in _control("/_byodkim/invocations", {})["invocations"] if r["source"] == "S3"]
    read = [r["result"] for r in runs if stored["key"] in json.dumps(r["result"])]
    assert [(r["ok"], [x["org_name"] for x in r["reports"]]) for r in read] == [(True, ["google.com"])]
    # SES's setup object ran the function too (as in AWS): one unreadable file, not a failed run.
    setup = [r["result"] for r in runs if "AMAZON_SES_SETUP_NOTIFICATION" in json.dumps(r["result"])]
    assert [(r["ok"], r["reports"], len(r["errors"])) for r in setup] == [(True, [], 1)]
    assert _metric() == [100.0]  # Google: 150 of 150 signed messages passed aligned DKIM


def test_a_report_showing_the_selector_failing_at_one_receiver_raises_the_alarm(receiving: Sandbox) -> None:
    del receiving
    delivered = _deliver(_mail(MICROSOFT.read_bytes(), MICROSOFT.name))
    assert delivered["actions"][0]["stored"] is True
    _control("/_byodkim/idle", {"timeout": 120})
    assert min(_metric()) == pytest.approx(100.0 * 80 / 82)  # 2 of Microsoft's 82 signed messages failed
    alerts = _alert_queue()
    # With no report after it, CloudWatch keeps judging that day's datapoint while it is within the
    # alarm's evaluation range (more days than EvaluationPeriods); once none is left, missing data
    # is not breaching and it is OK again (CloudWatch User Guide, "How alarm state is evaluated when data is missing").
    _control("/_byodkim/clock", {"advance": 86400 * (1 + EXTRA_PERIODS) + 600, "timeout": 60})
    sent = [json.loads(json.loads(m["Body"])["Message"]) for m in _messages(alerts)]
    changes = [(m["AlarmName"], m["NewStateValue"]) for m in sent if m["AlarmName"] == ALARM]
    assert changes == [(ALARM, "ALARM"), (ALARM, "OK")]
    raised = next(m for m in sent if (m["AlarmName"], m["NewStateValue"]) == (ALARM, "ALARM"))
    assert raised["Trigger"]["Dimensions"] == [{"value": "goo.ne.jp", "name": "Domain"}]
    # Not NewStateReason: its wording is CloudWatch's free text, which the emulator only imitates.
    assert _alarm() == "OK"


def test_a_selector_failing_for_another_domain_of_the_fleet_raises_the_any_domain_alarm(receiving: Sandbox) -> None:
    """One step off the per-domain alarm: a fleet domain the template has no alarm of its own for."""
    del receiving
    other = MICROSOFT.read_bytes().replace(b"goo.ne.jp", b"fleet-two.example.jp")
    other = other.replace(b"4e2c8f1a9b7d4e0f8a6c3b2d1e0f9a8b", b"fleet-two-report-1")
    alerts = _alert_queue()
    _messages(alerts)  # what earlier tests left
    assert _deliver(_mail(other, "fleet-two.xml"))["actions"][0]["stored"] is True
    _control("/_byodkim/idle", {"timeout": 120})
    assert min(_metric("fleet-two.example.jp")) == pytest.approx(100.0 * 80 / 82)
    _control("/_byodkim/clock", {"advance": 86400 + 600, "timeout": 60})
    sent = [json.loads(json.loads(m["Body"])["Message"]) for m in _messages(alerts)]
    raised = [m["AlarmName"] for m in sent if m["NewStateValue"] == "ALARM" and m["AlarmName"].startswith(ALARM)]
    assert raised == [f"{ALARM}-any-domain"]  # goo.ne.jp's own alarm stays quiet: its mail passed
    assert _alarm() == "OK"


def _alert_queue() -> str:
    """Subscribe a queue to the alert topic, as a pager would be, and return its URL."""
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    url = sqs.create_queue(QueueName="alerts-seen")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = next(
        t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":aws-ses-migration-prod-alerts")
    )
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return str(url)


def _messages(url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    found: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found += [dict(message) for message in batch]
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_mail_for_another_address_or_with_no_active_rule_set_is_not_stored(receiving: Sandbox) -> None:
    del receiving
    s3 = boto3.client("s3")
    count = len(s3.list_objects_v2(Bucket=BUCKET)["Contents"])
    other = _deliver("Subject: hi\r\n\r\nnot a report\r\n", ["postmaster@reports.goo.ne.jp"])
    assert other == {"accepted": False, "message_id": other["message_id"], "actions": []}
    ses = boto3.client("ses")
    ses.set_active_receipt_rule_set()  # none active: SES refuses the mail
    try:
        refused = _deliver(base64.b64decode(base64.b64encode(b"Subject: x\r\n\r\nx\r\n")).decode())
        assert refused["accepted"] is False
        assert "no active receipt rule set in ap-northeast-1" in refused["reason"]
    finally:
        ses.set_active_receipt_rule_set(RuleSetName=RULE_SET)
    assert len(s3.list_objects_v2(Bucket=BUCKET)["Contents"]) == count


def test_activation_never_replaces_another_active_rule_set_unless_that_set_is_named(
    receiving: Sandbox, cli: Cli
) -> None:
    del receiving
    ses = boto3.client("ses")
    ses.create_receipt_rule_set(RuleSetName="team-inbound")
    ses.set_active_receipt_rule_set(RuleSetName="team-inbound")
    try:
        refused = cli("activate-receiving")
        assert refused.code == 1, refused.out + refused.err
        assert (
            "receipt rule set `team-inbound` is active in ap-northeast-1; SES allows one active set per account and "
            f"region, and activating `{RULE_SET}` would stop every rule of `team-inbound`" in refused.err
        )
        assert "`byodkim activate-receiving --replace-active team-inbound`" in refused.err
        # One step off: another name than the active set's is bad input, and nothing changes.
        wrong = cli("activate-receiving", "--replace-active", "team-inbound-old")
        assert wrong.code == 2, wrong.out + wrong.err
        dry = cli("activate-receiving", "--replace-active", "team-inbound", "--dry-run")
        assert dry.code == 0, dry.err
        assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == "team-inbound"
        done = cli("activate-receiving", "--replace-active", "team-inbound")
        assert done.code == 0, done.err
        assert done.out == f"receipt rule set `{RULE_SET}` is now active in ap-northeast-1 (before: team-inbound)\n"
        again = cli("activate-receiving", "--lang", "ja")
        assert again.out == f"受信ルールセット `{RULE_SET}` はすでに ap-northeast-1 で有効です。変更はありません\n"
    finally:
        ses.set_active_receipt_rule_set(RuleSetName=RULE_SET)
        ses.delete_receipt_rule_set(RuleSetName="team-inbound")
    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == RULE_SET


def test_ses_stores_only_where_the_bucket_policy_lets_this_rule_put(receiving: Sandbox) -> None:
    """One step off the template's policy: the same S3 action from a rule in another rule set is refused."""
    del receiving
    ses = boto3.client("ses")
    ses.create_receipt_rule_set(RuleSetName="other-set")
    rule = {
        "Name": "copy-reports",
        "Enabled": True,
        "Recipients": [ADDRESS],
        "Actions": [{"S3Action": {"BucketName": BUCKET, "ObjectKeyPrefix": "reports/"}}],
    }
    ses.create_receipt_rule(RuleSetName="other-set", Rule=rule)
    ses.set_active_receipt_rule_set(RuleSetName="other-set")
    try:
        refused = _deliver("Subject: x\r\n\r\nx\r\n")
    finally:
        ses.set_active_receipt_rule_set(RuleSetName=RULE_SET)
    (action,) = refused["actions"]
    assert (action["stored"], action["reason"]) == (False, "the bucket policy does not let SES put")


def test_preflight_looks_up_the_rule_set_name_in_and_outside_any_stack(receiving: Sandbox) -> None:
    from byodkim.aws import exists
    from byodkim.aws.session import Aws

    del receiving
    aws = Aws()
    found = exists.in_use(aws, "ap-northeast-1", "AWS::SES::ReceiptRuleSet", RULE_SET)
    assert found == exists.InUse(RULE_SET, PHASE8)
    ses = boto3.client("ses")
    ses.create_receipt_rule_set(RuleSetName="made-by-hand")
    try:
        assert exists.in_use(aws, "ap-northeast-1", "AWS::SES::ReceiptRuleSet", "made-by-hand") == exists.InUse(
            "made-by-hand", None
        )
    finally:
        ses.delete_receipt_rule_set(RuleSetName="made-by-hand")
    assert exists.in_use(aws, "ap-northeast-1", "AWS::SES::ReceiptRuleSet", "made-by-hand") is None


def test_an_s3_action_with_a_kms_key_records_it_and_honours_its_prefix(receiving: Sandbox) -> None:
    del receiving
    ses, s3 = boto3.client("ses"), boto3.client("s3")
    key = boto3.client("kms").describe_key(KeyId="alias/aws-ses-migration-prod-dkim")["KeyMetadata"]["Arn"]
    action = {"BucketName": BUCKET, "ObjectKeyPrefix": "reports/sealed/", "KmsKeyArn": key}
    rule = {
        "Name": "sealed-copy",
        "Enabled": True,
        "Recipients": ["reports.goo.ne.jp"],
        "Actions": [{"S3Action": action}],
    }
    ses.create_receipt_rule(RuleSetName=RULE_SET, Rule=rule)
    try:
        delivered = _deliver("Subject: x\r\n\r\nx\r\n")  # the domain matches too: both rules store it
    finally:
        # Off again (moto's DeleteReceiptRule answers HTTP 500).
        ses.update_receipt_rule(RuleSetName=RULE_SET, Rule={**rule, "Enabled": False})
    _control("/_byodkim/idle", {"timeout": 120})
    sealed = next(a for a in delivered["actions"] if a["rule"] == "sealed-copy")
    assert (sealed["stored"], sealed["key"], sealed["kms_key_arn"]) == (
        True,
        f"reports/sealed/{delivered['message_id']}",
        key,
    )
    metadata = s3.head_object(Bucket=BUCKET, Key=sealed["key"])["Metadata"]
    assert json.loads(metadata["x-amz-matdesc"]) == {"kms_cmk_id": key}


def test_activating_a_rule_set_that_was_never_made_says_to_launch_phase_8_first(receiving: Sandbox) -> None:
    from byodkim.errors import ByodkimError

    del receiving
    with pytest.raises(ByodkimError) as refused:
        activate(boto3.client("ses"), "ap-northeast-1", "aws-ses-migration-stg-dmarc-reports")
    assert str(refused.value) == (
        "receipt rule set `aws-ses-migration-stg-dmarc-reports` does not exist in ap-northeast-1; set "
        "dmarc_reports_address in the Sceptre config and launch phase 8 first (docs/dmarc-report.md)"
    )
    assert refused.value.exit_code == 1
    assert boto3.client("ses").describe_active_receipt_rule_set()["Metadata"]["Name"] == RULE_SET
