"""`byodkim iam-policy` grants no path to more than the deployment needs (issue 29).

Each escalation path the security review found is asked of the printed policy through a small
IAM evaluator (explicit Deny wins; Allow needs a matching action, resource and every condition;
a condition on a key the request does not carry fails, as in IAM), and one step off each path
the legitimate call is still allowed, so the guards are not a blanket Deny.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from iam_eval import allowed

if TYPE_CHECKING:
    from conftest import Cli

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
PREFIX = "aws-ses-migration-prod"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/{PREFIX}-permissions-boundary"
DKIM_ROLE = f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-dkim-manager-role"
NEW_ROLE = f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-helper"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-0000-0000-0000-000000000000"
PROJECT_KEY = {"kms:ResourceAliases": [f"alias/{PREFIX}-dkim"]}
SECRETS_KEY = {"kms:ResourceAliases": [f"alias/{PREFIX}-dkim-secrets"]}
FOREIGN_KEY = {"kms:ResourceAliases": ["alias/payroll"]}


def _policy(cli: Cli, role: str) -> dict[str, Any]:
    result = cli("iam-policy", "--role", role, "--account", ACCOUNT)
    assert result.code == 0, result.err
    loaded: dict[str, Any] = json.loads(result.out)
    return loaded


BOUNDED = {"iam:PermissionsBoundary": BOUNDARY}
OTHER_BOUNDARY = {"iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/{PREFIX}-wide-open"}

# (action, resource, context, allowed?) for the deployer: each escalation path, then one step off it.
DEPLOYER = [
    ("iam:CreateRole", NEW_ROLE, {}, False),  # a role without a boundary: attach admin, assume it
    ("iam:CreateRole", NEW_ROLE, OTHER_BOUNDARY, False),  # a boundary of the deployer's own making
    ("iam:CreateRole", NEW_ROLE, BOUNDED, True),
    ("iam:AttachRolePolicy", NEW_ROLE, {"iam:PolicyARN": ADMIN}, False),  # an unbounded role made admin
    ("iam:AttachRolePolicy", NEW_ROLE, {"iam:PolicyARN": ADMIN, **BOUNDED}, True),  # bounded: admin is capped
    ("iam:PutRolePolicy", DKIM_ROLE, {}, False),
    ("iam:PutRolePolicy", DKIM_ROLE, BOUNDED, True),
    ("iam:DeleteRolePermissionsBoundary", NEW_ROLE, BOUNDED, False),
    ("iam:PutRolePermissionsBoundary", NEW_ROLE, OTHER_BOUNDARY, False),
    ("iam:CreatePolicyVersion", BOUNDARY, {}, False),  # widen the boundary itself
    ("iam:SetDefaultPolicyVersion", BOUNDARY, {}, False),
    ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/{PREFIX}-other", {}, True),
    ("iam:UpdateAssumeRolePolicy", DKIM_ROLE, {}, False),  # rewrite the key reader's trust, assume it
    ("iam:DeleteRole", DKIM_ROLE, {}, False),  # ...or delete and recreate it
    ("iam:UpdateAssumeRolePolicy", NEW_ROLE, {}, True),
    ("iam:PassRole", DKIM_ROLE, {"iam:PassedToService": "ec2.amazonaws.com"}, False),
    ("iam:PassRole", DKIM_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}, True),
    ("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/Admin", BOUNDED, False),
    ("kms:PutKeyPolicy", KEY, FOREIGN_KEY, False),  # every key in the region
    ("kms:ScheduleKeyDeletion", KEY, FOREIGN_KEY, False),
    ("kms:Decrypt", KEY, FOREIGN_KEY, False),
    ("kms:Encrypt", KEY, {}, False),
    ("kms:Decrypt", KEY, SECRETS_KEY, False),  # the DKIM secrets' key, even though it is the project's
    ("kms:PutKeyPolicy", KEY, SECRETS_KEY, False),
    ("kms:ScheduleKeyDeletion", KEY, SECRETS_KEY, False),
    ("kms:CreateGrant", KEY, {**SECRETS_KEY, "kms:GrantIsForAWSResource": "true"}, False),
    ("kms:PutKeyPolicy", KEY, PROJECT_KEY, True),
    (
        "kms:EnableKeyRotation",
        KEY,
        {"aws:ResourceTag/Project": "aws-ses-migration", "aws:ResourceTag/Environment": "prod"},
        True,
    ),
    ("kms:CreateGrant", KEY, PROJECT_KEY, False),  # a grant for a person, not for a service
    ("kms:CreateGrant", KEY, {**PROJECT_KEY, "kms:GrantIsForAWSResource": "true"}, True),
    ("events:DisableRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PREFIX}-dkim-secret-read", {}, False),
    ("events:RemoveTargets", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PREFIX}-dkim-alerting-tampered", {}, False),
    ("events:DeleteRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PREFIX}-dkim-health", {}, False),
    ("events:PutRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PREFIX}-dkim-secret-read", {}, True),  # launches
    ("events:DisableRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PREFIX}-phase7-dkim-activation", {}, True),
    ("sns:Unsubscribe", f"arn:aws:sns:{REGION}:{ACCOUNT}:{PREFIX}-alerts", {}, False),
    ("sns:DeleteTopic", f"arn:aws:sns:{REGION}:{ACCOUNT}:{PREFIX}-alerts", {}, False),
    ("sns:Unsubscribe", f"arn:aws:sns:{REGION}:{ACCOUNT}:{PREFIX}-dns-team", {}, True),
    (
        "secretsmanager:GetSecretValue",
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:byodkim/dkim/goo.ne.jp/s-AbC",
        {},
        False,
    ),
]


@pytest.mark.parametrize(
    ("action", "resource", "context", "expected"), DEPLOYER, ids=lambda v: v if isinstance(v, str) else None
)
def test_the_deployer_has_no_escalation_path(
    cli: Cli, action: str, resource: str, context: dict[str, Any], expected: bool
) -> None:
    assert allowed(_policy(cli, "deployer"), action, resource, **context) is expected


OPERATOR = [
    ("ses:PutEmailIdentityDkimAttributes", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/goo.ne.jp", {}, False),
    ("ses:PutEmailIdentityDkimSigningAttributes", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/goo.ne.jp", {}, True),
    ("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:{PREFIX}-dns-team", {}, False),
    ("lambda:InvokeFunction", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{PREFIX}-dkim-manager", {}, True),
    ("events:DisableRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PREFIX}-dkim-secret-read", {}, False),
    ("events:DisableRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PREFIX}-phase7-dkim-activation", {}, True),
    ("sns:Unsubscribe", f"arn:aws:sns:{REGION}:{ACCOUNT}:{PREFIX}-alerts", {}, False),
    ("kms:Decrypt", KEY, SECRETS_KEY, False),  # never directly
    ("kms:Decrypt", KEY, {**SECRETS_KEY, "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}, True),
    ("kms:Decrypt", KEY, {**FOREIGN_KEY, "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}, False),
]


@pytest.mark.parametrize(
    ("action", "resource", "context", "expected"), OPERATOR, ids=lambda v: v if isinstance(v, str) else None
)
def test_the_operator_cannot_switch_signing_off_publish_to_the_dns_team_or_silence_alerts(
    cli: Cli, action: str, resource: str, context: dict[str, Any], expected: bool
) -> None:
    assert allowed(_policy(cli, "operator"), action, resource, **context) is expected


def test_the_boundary_holds_no_iam_sts_or_code_change(cli: Cli) -> None:
    boundary = _policy(cli, "boundary")
    for action in ("iam:CreateRole", "iam:PassRole", "sts:AssumeRole", "lambda:UpdateFunctionCode", "kms:PutKeyPolicy"):
        assert not allowed(boundary, action, "*"), action
    dkim_secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:byodkim/dkim/goo.ne.jp/s-AbC"
    assert allowed(boundary, "secretsmanager:GetSecretValue", dkim_secret)  # the dkim-manager still works


def test_every_role_the_templates_create_carries_the_boundary() -> None:
    from pathlib import Path

    from byodkim.aws.cfntemplate import load

    roles = 0
    for path in sorted((Path(__file__).resolve().parents[1] / "sceptre" / "templates").glob("*.yaml")):
        for logical, resource in load(path.read_text(encoding="utf-8")).get("Resources", {}).items():
            if resource["Type"] == "AWS::IAM::Role":
                roles += 1
                assert "PermissionsBoundary" in resource["Properties"], (path.name, logical)
    assert roles == 3  # the dkim-manager and the two SES-events roles
