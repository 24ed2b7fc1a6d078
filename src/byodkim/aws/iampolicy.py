"""Least-privilege IAM policies for the people who run byodkim, from the deployment's own names.

``operator``: register, status, verify --ses, report, rotate, rollback, phase 4/5/7 and
send-test for the deployment's domain. ``deployer``: ``sceptre launch``/``preflight`` of the
project's stacks with the caller's own credentials (Sceptre uses no service role here), each
service's actions limited to the resource names the templates use. Checked by cfn-lint's IAM
rules in the tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byodkim.deployment import Deployment

ROLES = ("operator", "deployer")


def policy(role: str, target: Deployment, domain: str, region: str, account: str) -> dict[str, Any]:
    """Return the IAM policy document for ``role`` (operator or deployer)."""
    arn = _Arns(target, domain, region, account)
    statements = _operator(arn) if role == "operator" else _deployer(arn)
    return {"Version": "2012-10-17", "Statement": statements}


class _Arns:
    def __init__(self, target: Deployment, domain: str, region: str, account: str) -> None:
        self.t, self.domain, self.region, self.account = target, domain, region, account
        self.prefix = target.prefix

    def of(self, service: str, resource: str, region: str | None = None) -> str:
        where = self.region if region is None else region
        return f"arn:aws:{service}:{where}:{self.account}:{resource}"

    @property
    def identity(self) -> str:
        return self.of("ses", f"identity/{self.domain}")

    @property
    def stacks(self) -> str:
        return self.of("cloudformation", f"stack/{self.t.project_code}-{self.t.group}-*/*")


def _statement(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:  # noqa: ANN401
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources, **extra}


def _operator(a: _Arns) -> list[dict[str, Any]]:
    t = a.t
    return [
        _statement("WhoAmI", ["sts:GetCallerIdentity"], ["*"]),
        _statement(
            "SesThisIdentity",
            [
                "ses:GetEmailIdentity",
                "ses:CreateEmailIdentity",
                "ses:PutEmailIdentityDkimSigningAttributes",
                "ses:PutEmailIdentityDkimAttributes",
                "ses:TagResource",
                "ses:UntagResource",
                "ses:ListTagsForResource",
                "ses:SendEmail",
            ],
            [a.identity, a.of("ses", "identity/*@" + a.domain), a.of("ses", f"configuration-set/{a.prefix}-*")],
        ),
        _statement(
            "DkimKeys",
            [
                "secretsmanager:CreateSecret",
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:TagResource",
            ],
            [a.of("secretsmanager", f"secret:{t.secret_prefix}/{a.domain}/*")],
        ),
        _statement(
            "Phase1Key",
            ["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey"],
            [a.of("kms", "key/*")],
            Condition={"ForAnyValue:StringEquals": {"kms:ResourceAliases": [t.kms_alias]}},
        ),
        _statement(
            "RolloutState",
            ["ssm:GetParameter", "ssm:PutParameter"],
            [a.of("ssm", f"parameter{t.parameter_root}/{a.domain}/*")],
        ),
        _statement(
            "Report",
            [
                "cloudformation:DescribeStacks",
                "cloudformation:DescribeStackEvents",
                "cloudformation:DescribeStackResources",
                "cloudformation:ListStackResources",
            ],
            [a.stacks],
        ),
        _statement(
            "LayerAndFunction",
            ["lambda:ListLayerVersions", "lambda:GetFunction"],
            [a.of("lambda", f"layer:{t.layer_name}"), a.of("lambda", f"function:{t.function_name}")],
        ),
        _statement("Phase4Objects", ["s3:PutObject"], [f"arn:aws:s3:::{t.certificates_bucket}/dns/{a.domain}/*"]),
        _statement("Phase5Request", ["sns:Publish"], [a.of("sns", t.dns_topic_name)]),
        _statement("Phase7Schedule", ["events:DisableRule"], [a.of("events", f"rule/{t.phase7_rule_name}")]),
        _statement(
            "Phase7Metric",
            ["cloudwatch:PutMetricData"],
            ["*"],
            Condition={"StringEquals": {"cloudwatch:namespace": "BYODKIM"}},
        ),
    ]


def _deployer(a: _Arns) -> list[dict[str, Any]]:
    p = a.prefix
    named = f"{p}-*"
    return [
        _statement("WhoAmI", ["sts:GetCallerIdentity", "cloudformation:ValidateTemplate"], ["*"]),
        _statement(
            "Stacks",
            [
                "cloudformation:CreateStack",
                "cloudformation:UpdateStack",
                "cloudformation:DeleteStack",
                "cloudformation:DescribeStacks",
                "cloudformation:DescribeStackEvents",
                "cloudformation:DescribeStackResource",
                "cloudformation:DescribeStackResources",
                "cloudformation:ListStackResources",
                "cloudformation:GetTemplate",
                "cloudformation:GetTemplateSummary",
                "cloudformation:CreateChangeSet",
                "cloudformation:DescribeChangeSet",
                "cloudformation:ExecuteChangeSet",
                "cloudformation:DeleteChangeSet",
                "cloudformation:ListChangeSets",
                "cloudformation:ContinueUpdateRollback",
                "cloudformation:TagResource",
            ],
            [a.stacks],
        ),
        _statement(
            "Buckets",
            [
                "s3:CreateBucket",
                "s3:DeleteBucket",
                "s3:GetBucketLocation",
                "s3:ListBucket",
                "s3:PutObject",
                "s3:GetObject",
                "s3:PutBucketPolicy",
                "s3:GetBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:PutEncryptionConfiguration",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutBucketVersioning",
                "s3:PutLifecycleConfiguration",
                "s3:PutBucketTagging",
                "s3:PutBucketOwnershipControls",
            ],
            [f"arn:aws:s3:::{named}", f"arn:aws:s3:::{named}/*"],
        ),
        _statement(
            "Roles",
            [
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:TagRole",
                "iam:PutRolePolicy",
                "iam:GetRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PassRole",
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:GetPolicy",
                "iam:ListPolicyVersions",
            ],
            [f"arn:aws:iam::{a.account}:role/{named}", f"arn:aws:iam::{a.account}:policy/{named}"],
        ),
        _statement(
            "FunctionAndLayer",
            [
                "lambda:CreateFunction",
                "lambda:DeleteFunction",
                "lambda:GetFunction",
                "lambda:GetFunctionConfiguration",
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
                "lambda:AddPermission",
                "lambda:RemovePermission",
                "lambda:TagResource",
                "lambda:ListTags",
                "lambda:PublishLayerVersion",
                "lambda:GetLayerVersion",
                "lambda:ListLayerVersions",
                "lambda:DeleteLayerVersion",
            ],
            [a.of("lambda", f"function:{named}"), a.of("lambda", f"layer:{named}"), a.of("lambda", f"layer:{named}:*")],
        ),
        _statement("KeyCreate", ["kms:CreateKey", "kms:ListAliases"], ["*"]),
        _statement(
            "Keys",
            [
                "kms:DescribeKey",
                "kms:PutKeyPolicy",
                "kms:GetKeyPolicy",
                "kms:EnableKeyRotation",
                "kms:GetKeyRotationStatus",
                "kms:TagResource",
                "kms:ScheduleKeyDeletion",
                "kms:CreateAlias",
                "kms:DeleteAlias",
                "kms:UpdateAlias",
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:GenerateDataKey",
            ],
            [a.of("kms", "key/*"), a.of("kms", f"alias/{named}")],
        ),
        _statement(
            "Topics",
            [
                "sns:CreateTopic",
                "sns:DeleteTopic",
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
                "sns:Unsubscribe",
                "sns:TagResource",
            ],
            [a.of("sns", named)],
        ),
        _statement(
            "Rules",
            [
                "events:PutRule",
                "events:DeleteRule",
                "events:DescribeRule",
                "events:PutTargets",
                "events:RemoveTargets",
                "events:EnableRule",
                "events:DisableRule",
                "events:TagResource",
            ],
            [a.of("events", f"rule/{named}")],
        ),
        _statement(
            "AlarmsAndDashboard",
            [
                "cloudwatch:PutMetricAlarm",
                "cloudwatch:DeleteAlarms",
                "cloudwatch:DescribeAlarms",
                "cloudwatch:PutDashboard",
                "cloudwatch:DeleteDashboards",
                "cloudwatch:GetDashboard",
                "cloudwatch:TagResource",
            ],
            [a.of("cloudwatch", f"alarm:{named}"), f"arn:aws:cloudwatch::{a.account}:dashboard/{named}"],
        ),
        _statement(
            "Logs",
            [
                "logs:CreateLogGroup",
                "logs:DeleteLogGroup",
                "logs:PutRetentionPolicy",
                "logs:AssociateKmsKey",
                "logs:TagResource",
                "logs:DescribeLogGroups",
            ],
            [a.of("logs", f"log-group:/aws/lambda/{named}"), a.of("logs", f"log-group:/aws/lambda/{named}:*")],
        ),
        _statement(
            "Parameters",
            [
                "ssm:PutParameter",
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:DeleteParameter",
                "ssm:AddTagsToResource",
            ],
            [a.of("ssm", f"parameter/byodkim/{p}/*")],
        ),
        _statement(
            "Ses",
            [
                "ses:CreateEmailIdentity",
                "ses:GetEmailIdentity",
                "ses:DeleteEmailIdentity",
                "ses:PutEmailIdentityDkimSigningAttributes",
                "ses:PutEmailIdentityMailFromAttributes",
                "ses:CreateConfigurationSet",
                "ses:DeleteConfigurationSet",
                "ses:GetConfigurationSet",
                "ses:CreateConfigurationSetEventDestination",
                "ses:DeleteConfigurationSetEventDestination",
                "ses:UpdateConfigurationSetEventDestination",
                "ses:TagResource",
            ],
            [a.identity, a.of("ses", f"configuration-set/{named}")],
        ),
        _statement(
            "Streams",
            [
                "kinesis:CreateStream",
                "kinesis:DeleteStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:AddTagsToStream",
                "kinesis:StartStreamEncryption",
                "firehose:CreateDeliveryStream",
                "firehose:DeleteDeliveryStream",
                "firehose:DescribeDeliveryStream",
                "firehose:TagDeliveryStream",
            ],
            [a.of("kinesis", f"stream/{named}"), a.of("firehose", f"deliverystream/{named}")],
        ),
        _statement(
            "Secrets",
            [
                "secretsmanager:CreateSecret",
                "secretsmanager:DeleteSecret",
                "secretsmanager:DescribeSecret",
                "secretsmanager:TagResource",
            ],
            [a.of("secretsmanager", f"secret:{named}")],
        ),
    ]
