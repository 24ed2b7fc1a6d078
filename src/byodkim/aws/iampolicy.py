"""Least-privilege IAM policies for the people who run byodkim, from the deployment's own names.

``operator``: register, status, verify --ses, report, rotate, rollback, phase 4/7 and
send-test for the deployment's domain. ``deployer``: ``sceptre launch``/``preflight`` of the
project's stacks with the caller's own credentials (Sceptre uses no service role here), each
service's actions limited to the resource names the templates use. ``boundary``: the
permissions boundary every role the deployer creates or edits must carry (an administrator
creates it once; the deployer cannot change it).

No path to more than the deployment needs: the deployer creates and edits roles only with the
boundary attached, cannot rewrite the dkim-manager role's trust, delete it, or pass it to
anything but Lambda, uses KMS only on the project's keys and never on the DKIM secrets' key,
and neither role can switch off, delete or unsubscribe the security alerting. Checked by
cfn-lint's IAM rules and a test per escalation path in the tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from byodkim.aws.iamdeployer import deployer
from byodkim.aws.iamparts import SECURITY_RULES, Arns, alerting_untouchable, boundary_name, statement

if TYPE_CHECKING:
    from byodkim.deployment import Deployment

ROLES = ("operator", "deployer", "boundary")
__all__ = ["ROLES", "SECURITY_RULES", "boundary_name", "policy"]


def policy(role: str, target: Deployment, domain: str, region: str, account: str) -> dict[str, Any]:
    """Return the IAM policy document for ``role`` (operator, deployer or boundary)."""
    arn = Arns(target, domain, region, account)
    build = {"operator": _operator, "deployer": deployer, "boundary": _boundary}[role]
    return {"Version": "2012-10-17", "Statement": build(arn)}


def _operator(a: Arns) -> list[dict[str, Any]]:
    t = a.t
    return [
        statement("WhoAmI", ["sts:GetCallerIdentity"], ["*"]),
        statement(
            "SesThisIdentity",
            [
                "ses:GetEmailIdentity",
                "ses:CreateEmailIdentity",
                "ses:PutEmailIdentityDkimSigningAttributes",
                "ses:TagResource",
                "ses:UntagResource",
                "ses:ListTagsForResource",
                "ses:SendEmail",
            ],
            [a.identity, a.of("ses", "identity/*@" + a.domain), a.of("ses", f"configuration-set/{a.prefix}-*")],
        ),
        statement(
            "DkimKeys",
            [
                "secretsmanager:CreateSecret",
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutResourcePolicy",
                "secretsmanager:GetResourcePolicy",
                "secretsmanager:TagResource",
            ],
            [a.of("secretsmanager", f"secret:{t.secret_prefix}/{a.domain}/*")],
        ),
        statement(
            "FindPhase1Key",
            ["kms:DescribeKey"],
            [a.of("kms", "key/*")],
            Condition={"ForAnyValue:StringEquals": {"kms:ResourceAliases": [a.secrets_key_alias, t.kms_alias]}},
        ),
        statement(
            # Only through Secrets Manager: the key protects nothing else, and nobody decrypts it directly.
            "Phase1Key",
            ["kms:Decrypt", "kms:GenerateDataKey"],
            [a.of("kms", "key/*")],
            Condition={
                "ForAnyValue:StringEquals": {"kms:ResourceAliases": [a.secrets_key_alias, t.kms_alias]},
                "StringEquals": {"kms:ViaService": f"secretsmanager.{a.region}.amazonaws.com"},
            },
        ),
        statement(
            "RolloutState",
            ["ssm:GetParameter", "ssm:PutParameter"],
            [a.of("ssm", f"parameter{t.parameter_root}/{a.domain}/*")],
        ),
        statement(
            "Report",
            [
                "cloudformation:DescribeStacks",
                "cloudformation:DescribeStackEvents",
                "cloudformation:DescribeStackResources",
                "cloudformation:ListStackResources",
            ],
            [a.stacks],
        ),
        statement(
            "LayerAndFunction",
            ["lambda:ListLayerVersions", "lambda:GetFunction"],
            [a.of("lambda", f"layer:{t.layer_name}"), a.of("lambda", f"function:{t.function_name}")],
        ),
        statement("Phase4Objects", ["s3:PutObject"], [f"arn:aws:s3:::{t.certificates_bucket}/dns/{a.domain}/*"]),
        # Phase 5: the DNS team's topic takes messages from the dkim-manager role only; an operator
        # asks the function to send the request.
        statement("Phase5Request", ["lambda:InvokeFunction"], [a.of("lambda", f"function:{t.function_name}")]),
        statement("Phase7Schedule", ["events:DisableRule"], [a.of("events", f"rule/{t.phase7_rule_name}")]),
        statement(
            "Phase7Metric",
            ["cloudwatch:PutMetricData"],
            ["*"],
            Condition={"StringEquals": {"cloudwatch:namespace": "BYODKIM"}},
        ),
        *alerting_untouchable(a),
    ]


def _boundary(a: Arns) -> list[dict[str, Any]]:
    """Return the most any project role may do: what the templates' roles need, on the project's resources.

    No IAM, no STS, no Lambda code changes, no KMS administration: a role inside it cannot make
    another role, widen itself, or replace the function that reads the keys.
    """
    t, p = a.t, a.prefix
    return [
        statement(
            "DkimManager",
            [
                "ses:GetEmailIdentity",
                "ses:CreateEmailIdentity",
                "ses:PutEmailIdentityDkimSigningAttributes",
                "ses:TagResource",
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
                # The scheduled rotation stores each new key (phase 2's RotationPermissions).
                "secretsmanager:CreateSecret",
                "secretsmanager:PutSecretValue",
                "secretsmanager:TagResource",
                # ...readable only by the function's role and its caller (secrets.store_key's reader policy).
                "secretsmanager:PutResourcePolicy",
                "ssm:GetParameter",
                # A fanned-out health batch reads its domains' state ten at a time (function/healthbatch.py).
                "ssm:GetParameters",
                "ssm:PutParameter",
                "sns:Publish",
                "events:DisableRule",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            [
                f"arn:aws:ses:*:{a.account}:identity/*",
                a.of("secretsmanager", f"secret:{t.secret_prefix}/*"),
                a.of("ssm", f"parameter/byodkim/{p}/*"),
                a.of("sns", f"{p}-*"),
                a.of("events", f"rule/{t.phase7_rule_name}"),
                a.of("logs", f"log-group:/aws/lambda/{p}-*"),
            ],
        ),
        statement(
            "ProjectObjects",
            [
                "s3:GetObject",
                "s3:PutObject",
                "s3:AbortMultipartUpload",
                "s3:GetBucketLocation",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
            ],
            [f"arn:aws:s3:::{p}-*", f"arn:aws:s3:::{p}-*/*"],
        ),
        statement(
            "ProjectKeysUse",
            # DescribeKey: the rotation finds the secrets key by its alias before storing with it.
            ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            [a.of("kms", "key/*")],
            Condition={"ForAnyValue:StringLike": {"kms:ResourceAliases": [f"alias/{p}-*"]}},
        ),
        statement(
            "SesEvents", ["firehose:PutRecord", "firehose:PutRecordBatch"], [a.of("firehose", f"deliverystream/{p}-*")]
        ),
        statement(
            "Unscoped",
            # ListSecrets has no resource: the rotation reads the keys already made from their names.
            [
                "cloudwatch:PutMetricData",
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "secretsmanager:ListSecrets",
            ],
            ["*"],
        ),
        *_zone(a),
    ]


def _zone(a: Arns) -> list[dict[str, Any]]:
    """Return the Route 53 statements the rotation needs when the deployment names its hosted zone, else none."""
    zone = a.t.hosted_zone_id
    if not zone:
        return []
    return [
        statement(
            "DkimRecordsInTheZone",
            ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
            [f"arn:aws:route53:::hostedzone/{zone}"],
        ),
        statement("ItsChangesSeen", ["route53:GetChange"], ["arn:aws:route53:::change/*"]),
    ]
