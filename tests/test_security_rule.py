"""The secret-read alarm's rule, judged by an EventBridge pattern matcher that is not ours (moto's).

CloudTrail events from IAM users and root carry no ``sessionIssuer``, and ``anything-but`` never
matches a field that is missing: a rule written only with ``anything-but`` stays silent when a
person reads the key. The samples are CloudTrail's shapes for each kind of caller.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest
from moto.events.models import EventPattern

from byodkim.aws.cfntemplate import load, resolve

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/aws-ses-migration-prod-dkim-manager-role"
SECRET = "byodkim/dkim/goo.ne.jp/gooid-21-pro-20250912-1"  # noqa: S105 - a secret's name, not a secret


def _pattern() -> EventPattern:
    template = load((ROOT / "sceptre" / "templates" / "security.yaml").read_text(encoding="utf-8"))
    rule = template["Resources"]["SecretReadRule"]["Properties"]["EventPattern"]
    parameters = {"SecretPrefix": "byodkim/dkim", "DkimManagerRoleArn": ROLE}
    pseudo = {"AWS::Partition": "aws", "AWS::Region": "ap-northeast-1", "AWS::AccountId": ACCOUNT}
    return EventPattern.load(json.dumps(resolve(rule, parameters, pseudo)))


def _matches(pattern: EventPattern, event: dict[str, Any]) -> bool:
    return bool(pattern.matches_event(cast("Any", event)))  # moto types events as its own TypedDict


def _event(identity: dict[str, Any], secret: str = SECRET, name: str = "GetSecretValue") -> dict[str, Any]:
    return {
        "version": "0",
        "source": "aws.secretsmanager",
        "detail-type": "AWS API Call via CloudTrail",
        "account": ACCOUNT,
        "region": "ap-northeast-1",
        "detail": {
            "eventSource": "secretsmanager.amazonaws.com",
            "eventName": name,
            "userIdentity": identity,
            "requestParameters": {"secretId": secret},
        },
    }


IAM_USER = {
    "type": "IAMUser",
    "principalId": "AIDA1",
    "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
    "accountId": ACCOUNT,
    "userName": "alice",
}
ROOT_USER = {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT}
CONSOLE_USER = {**IAM_USER, "sessionContext": {"attributes": {"mfaAuthenticated": "true"}}}


def _assumed(role_arn: str) -> dict[str, Any]:
    name = role_arn.rsplit("/", 1)[1]
    return {
        "type": "AssumedRole",
        "principalId": "AROA1:session",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/session",
        "accountId": ACCOUNT,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROA1",
                "arn": role_arn,
                "accountId": ACCOUNT,
                "userName": name,
            }
        },
    }


@pytest.mark.parametrize(
    ("event", "alarms"),
    [
        (_event(IAM_USER), True),
        (_event(CONSOLE_USER), True),
        (_event(ROOT_USER), True),
        (_event(ROOT_USER, name="BatchGetSecretValue"), True),
        (_event(_assumed(f"arn:aws:iam::{ACCOUNT}:role/Admin")), True),
        (_event(IAM_USER, secret=f"arn:aws:secretsmanager:ap-northeast-1:{ACCOUNT}:secret:{SECRET}-AbCdEf"), True),
        (_event(_assumed(ROLE)), False),  # the dkim-manager itself
        (_event(IAM_USER, secret="other/app/secret"), False),  # noqa: S106 - a name
        (_event(IAM_USER, name="DescribeSecret"), False),
    ],
    ids=[
        "iam-user",
        "console-user",
        "root",
        "root-batch",
        "other-role",
        "by-arn",
        "dkim-manager",
        "other-secret",
        "describe",
    ],
)
def test_secret_reads_alarm_for_everyone_but_the_dkim_manager(event: dict[str, Any], alarms: bool) -> None:
    assert _matches(_pattern(), event) is alarms


def test_the_old_pattern_missed_iam_users_and_root() -> None:
    # The same matcher on the pattern as it was: silent for IAM users and root (why it changed).
    old = {
        "source": ["aws.secretsmanager"],
        "detail": {"userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [{"anything-but": ROLE}]}}}},
    }
    matcher = EventPattern.load(json.dumps(old))
    assert not _matches(matcher, _event(IAM_USER))
    assert not _matches(matcher, _event(ROOT_USER))
    assert _matches(matcher, _event(_assumed(f"arn:aws:iam::{ACCOUNT}:role/Admin")))
