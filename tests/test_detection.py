"""The security stack, launched in the emulator, really tells the alert topic (issue 29).

The emulator sends CloudTrail management events to EventBridge as AWS does: read-only ones
(GetSecretValue) only to rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS. So a key
read reaching the alert queue here proves the state, not only the pattern.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.aws.cfntemplate import load
from byodkim.emulator.trail import ALL_MANAGEMENT, read_only

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.emulator import Emulator

ROOT = Path(__file__).resolve().parents[1]
REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
PREFIX = "aws-ses-migration-prod"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-dkim-manager-role"
SECRET = "byodkim/dkim/goo.ne.jp/gooid-21-pro-20250912-1"  # noqa: S105 - a secret's name


def _template(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = load((ROOT / "sceptre" / "templates" / name).read_text(encoding="utf-8"))
    return loaded


def _event_names(pattern: object) -> list[tuple[str, str]]:
    """Return (service, eventName) for every eventName a rule's pattern lists."""
    found: list[tuple[str, str]] = []
    if isinstance(pattern, dict):
        sources = [s.removeprefix("aws.") for s in pattern.get("source", []) if isinstance(s, str)]
        for key, value in pattern.items():
            if key == "eventName" and isinstance(value, list):
                found += [(service, name) for service in sources or ["?"] for name in value if isinstance(name, str)]
            else:
                found += [(s if s != "?" else "?", n) for s, n in _event_names(value)]
    elif isinstance(pattern, list):
        for item in pattern:
            found += _event_names(item)
    return found


def test_every_rule_watching_a_read_only_call_is_in_the_state_that_receives_it() -> None:
    rules = {
        k: v["Properties"]
        for k, v in _template("security.yaml")["Resources"].items()
        if v["Type"] == "AWS::Events::Rule"
    }
    assert rules["SecretReadRule"]["State"] == ALL_MANAGEMENT
    for logical, rule in rules.items():
        pattern = rule["EventPattern"]
        sources = [s.removeprefix("aws.") for s in pattern["source"]]
        reads = [(s, n) for s in sources for _, n in _event_names(pattern) if read_only(s, n)]
        if reads:
            assert rule["State"] == ALL_MANAGEMENT, (logical, reads)


class Alerting:
    """The security stack launched from its template, its alert topic fanned out to a queue."""

    def __init__(self) -> None:
        self.sqs = boto3.client("sqs", region_name=REGION)
        sns = boto3.client("sns", region_name=REGION)
        kms = boto3.client("kms", region_name=REGION)
        self.topic = sns.create_topic(Name=f"{PREFIX}-alerts")["TopicArn"]
        self.queue = self.sqs.create_queue(QueueName="alerts")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(
            TopicArn=self.topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
        )
        self.key = kms.create_key(Description="phase-1 stand-in")["KeyMetadata"]["Arn"]
        self.secrets_key = kms.create_key(Description="phase-1 secrets stand-in")["KeyMetadata"]["Arn"]
        values = {
            "ProjectName": "aws-ses-migration",
            "Environment": "prod",
            "SecretPrefix": "byodkim/dkim",
            "KmsKeyArn": self.key,
            "SecretsKmsKeyArn": self.secrets_key,
            "DkimManagerRoleArn": ROLE,
            "AlertTopicArn": self.topic,
        }
        cfn = boto3.client("cloudformation", region_name=REGION)
        cfn.create_stack(
            StackName=f"{PREFIX}-prod-security",
            TemplateBody=(ROOT / "sceptre" / "templates" / "security.yaml").read_text(encoding="utf-8"),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
        )
        status = cfn.describe_stacks(StackName=f"{PREFIX}-prod-security")["Stacks"][0]["StackStatus"]
        assert status == "CREATE_COMPLETE"

    def alerts(self) -> list[str]:
        """Return the eventName of every alert that reached the queue since the last call."""
        names: list[str] = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return names
            for message in got:
                names.append(json.loads(message["Body"])["detail"]["eventName"])
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def alerting(emulator: Emulator) -> Alerting:
    del emulator
    found = Alerting()
    boto3.client("secretsmanager", region_name=REGION).create_secret(Name=SECRET, SecretString="{}")
    found.alerts()  # the secret's creation is a custody event of its own; start from an empty queue
    return found


def _as_dkim_manager() -> boto3.Session:
    iam = boto3.client("iam")
    iam.create_role(RoleName=f"{PREFIX}-dkim-manager-role", AssumeRolePolicyDocument="{}")
    got = boto3.client("sts", region_name=REGION).assume_role(RoleArn=ROLE, RoleSessionName="dkim-manager")
    c = got["Credentials"]
    return boto3.Session(
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
        region_name=REGION,
    )


def test_an_operators_key_read_reaches_the_alert_queue(alerting: Alerting) -> None:
    boto3.client("secretsmanager", region_name=REGION).get_secret_value(SecretId=SECRET)
    assert alerting.alerts() == ["GetSecretValue"]


def test_the_dkim_managers_own_read_and_a_describe_raise_nothing(alerting: Alerting) -> None:
    _as_dkim_manager().client("secretsmanager").get_secret_value(SecretId=SECRET)
    boto3.client("secretsmanager", region_name=REGION).describe_secret(SecretId=SECRET)
    assert alerting.alerts() == []


def test_a_rule_in_state_enabled_never_sees_a_key_read(alerting: Alerting) -> None:
    # The first release's rule: the same pattern, state ENABLED. The emulator delivers as AWS does.
    events = boto3.client("events", region_name=REGION)
    rule = events.describe_rule(Name=f"{PREFIX}-dkim-secret-read")
    events.put_rule(Name=f"{PREFIX}-dkim-secret-read", EventPattern=rule["EventPattern"], State="ENABLED")
    assert alerting.alerts() == ["PutRule"]  # changing a security rule is tampering, and says so
    boto3.client("secretsmanager", region_name=REGION).get_secret_value(SecretId=SECRET)
    assert alerting.alerts() == []


def _secret_value(a: Alerting) -> None:
    del a
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(SecretId=SECRET, SecretString="{}")


def _resource_policy(a: Alerting) -> None:
    del a
    boto3.client("secretsmanager", region_name=REGION).put_resource_policy(
        SecretId=SECRET, ResourcePolicy=json.dumps({"Version": "2012-10-17", "Statement": []})
    )


def _update_secret(a: Alerting) -> None:
    del a
    boto3.client("secretsmanager", region_name=REGION).update_secret(SecretId=SECRET, Description="swapped")


def _key_policy(a: Alerting) -> None:
    policy = {"Version": "2012-10-17", "Statement": []}
    boto3.client("kms", region_name=REGION).put_key_policy(
        KeyId=a.secrets_key, PolicyName="default", Policy=json.dumps(policy)
    )


def _grant(a: Alerting) -> None:
    boto3.client("kms", region_name=REGION).create_grant(
        KeyId=a.secrets_key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/Admin", Operations=["Decrypt"]
    )


def _disable_key(a: Alerting) -> None:
    boto3.client("kms", region_name=REGION).disable_key(KeyId=a.key.rsplit("/", 1)[1])  # moto takes only the ID


def _disable_rule(a: Alerting) -> None:
    del a
    boto3.client("events", region_name=REGION).disable_rule(Name=f"{PREFIX}-dkim-secret-read")


def _remove_targets(a: Alerting) -> None:
    del a
    boto3.client("events", region_name=REGION).remove_targets(
        Rule=f"{PREFIX}-dkim-signing-changed", Ids=["alert-topic"]
    )


def _unsubscribe(a: Alerting) -> None:
    # Another subscriber (the on-call address) is removed; the queue still hears about it.
    sns = boto3.client("sns", region_name=REGION)
    other = a.sqs.create_queue(QueueName="on-call")["QueueUrl"]
    arn = a.sqs.get_queue_attributes(QueueUrl=other, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = sns.subscribe(TopicArn=a.topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    sns.unsubscribe(SubscriptionArn=subscription)


def _signing_off(a: Alerting) -> None:
    del a
    ses = boto3.client("sesv2", region_name=REGION)
    ses.create_email_identity(EmailIdentity="goo.ne.jp")
    ses.put_email_identity_dkim_attributes(EmailIdentity="goo.ne.jp", SigningEnabled=False)


def _stop_logging(a: Alerting) -> None:
    del a
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="trail", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    trail = boto3.client("cloudtrail", region_name=REGION)
    trail.create_trail(Name="org", S3BucketName="trail")
    trail.stop_logging(Name="org")


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        (_secret_value, "PutSecretValue"),
        (_resource_policy, "PutResourcePolicy"),
        (_update_secret, "UpdateSecret"),
        (_key_policy, "PutKeyPolicy"),
        (_grant, "CreateGrant"),
        (_disable_key, "DisableKey"),
        (_disable_rule, "DisableRule"),
        (_remove_targets, "RemoveTargets"),
        (_unsubscribe, "Unsubscribe"),
        (_signing_off, "PutEmailIdentityDkimAttributes"),
        (_stop_logging, "StopLogging"),
    ],
    ids=lambda v: v if isinstance(v, str) else v.__name__.strip("_"),
)
def test_custody_changes_and_tampering_reach_the_alert_queue(
    alerting: Alerting, act: Callable[[Alerting], None], expected: str
) -> None:
    act(alerting)
    assert expected in alerting.alerts()


def test_the_dkim_manager_switching_its_own_signing_raises_nothing(alerting: Alerting) -> None:
    boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity="goo.ne.jp")
    alerting.alerts()
    ses = _as_dkim_manager().client("sesv2")
    ses.put_email_identity_dkim_attributes(EmailIdentity="goo.ne.jp", SigningEnabled=True)
    assert alerting.alerts() == []


def test_only_the_function_may_publish_to_the_dns_team_topic() -> None:
    resources = _template("phase-5-dns-team-collaboration.yaml")["Resources"]
    statements = resources["DnsTeamTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allows] == [{"AWS": {"Ref": "DkimManagerRoleArn"}}]
    (deny,) = [s for s in statements if s["Effect"] == "Deny" and "aws:PrincipalArn" in json.dumps(s)]
    assert deny["Principal"] == "*"
    assert deny["Action"] == "sns:Publish"
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": {"Ref": "DkimManagerRoleArn"}}}
