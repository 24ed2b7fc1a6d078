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

if TYPE_CHECKING:
    from byodkim.deployment import Deployment

ROLES = ("operator", "deployer", "boundary")
# The security stack's rules and phase 8's health check: what watches the keys (see security.yaml).
SECURITY_RULES = (
    "dkim-secret-read",
    "dkim-kms-key-at-risk",
    "dkim-secret-changed",
    "dkim-signing-changed",
    "dkim-alerting-tampered",
    "dkim-health",
)
_ALERTING_CHANGES = [
    "events:DisableRule",
    "events:DeleteRule",
    "events:PutRule",
    "events:PutTargets",
    "events:RemoveTargets",
]
_ALERT_TOPIC_CHANGES = [
    "sns:Unsubscribe",
    "sns:SetTopicAttributes",
    "sns:DeleteTopic",
    "sns:RemovePermission",
    "sns:AddPermission",
]


def policy(role: str, target: Deployment, domain: str, region: str, account: str) -> dict[str, Any]:
    """Return the IAM policy document for ``role`` (operator, deployer or boundary)."""
    arn = _Arns(target, domain, region, account)
    build = {"operator": _operator, "deployer": _deployer, "boundary": _boundary}[role]
    return {"Version": "2012-10-17", "Statement": build(arn)}


def boundary_name(target: Deployment) -> str:
    """Return the name of the managed policy that bounds every role the deployer creates."""
    return f"{target.prefix}-permissions-boundary"


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

    @property
    def boundary(self) -> str:
        return f"arn:aws:iam::{self.account}:policy/{boundary_name(self.t)}"

    @property
    def dkim_manager_role(self) -> str:
        return f"arn:aws:iam::{self.account}:role/{self.prefix}-dkim-manager-role"

    @property
    def security_rules(self) -> list[str]:
        return [self.of("events", f"rule/{self.prefix}-{name}") for name in SECURITY_RULES]

    @property
    def alert_topic(self) -> str:
        return self.of("sns", self.t.alert_topic_name)

    @property
    def secrets_key_alias(self) -> str:
        return f"{self.t.kms_alias}-secrets"


def _statement(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:  # noqa: ANN401
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources, **extra}


def _deny(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:  # noqa: ANN401
    return {**_statement(sid, actions, resources, **extra), "Effect": "Deny"}


def _alerting_untouchable(a: _Arns) -> list[dict[str, Any]]:
    """Deny switching off, rewiring or deleting what watches the keys (whatever else the role is given)."""
    return [
        _deny("SecurityRulesUntouchable", _ALERTING_CHANGES, a.security_rules),
        _deny("AlertTopicUntouchable", _ALERT_TOPIC_CHANGES, [a.alert_topic]),
    ]


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
                "secretsmanager:PutResourcePolicy",
                "secretsmanager:GetResourcePolicy",
                "secretsmanager:TagResource",
            ],
            [a.of("secretsmanager", f"secret:{t.secret_prefix}/{a.domain}/*")],
        ),
        _statement(
            "FindPhase1Key",
            ["kms:DescribeKey"],
            [a.of("kms", "key/*")],
            Condition={"ForAnyValue:StringEquals": {"kms:ResourceAliases": [a.secrets_key_alias, t.kms_alias]}},
        ),
        _statement(
            # Only through Secrets Manager: the key protects nothing else, and nobody decrypts it directly.
            "Phase1Key",
            ["kms:Decrypt", "kms:GenerateDataKey"],
            [a.of("kms", "key/*")],
            Condition={
                "ForAnyValue:StringEquals": {"kms:ResourceAliases": [a.secrets_key_alias, t.kms_alias]},
                "StringEquals": {"kms:ViaService": f"secretsmanager.{a.region}.amazonaws.com"},
            },
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
        # Phase 5: the DNS team's topic takes messages from the dkim-manager role only; an operator
        # asks the function to send the request.
        _statement("Phase5Request", ["lambda:InvokeFunction"], [a.of("lambda", f"function:{t.function_name}")]),
        _statement("Phase7Schedule", ["events:DisableRule"], [a.of("events", f"rule/{t.phase7_rule_name}")]),
        _statement(
            "Phase7Metric",
            ["cloudwatch:PutMetricData"],
            ["*"],
            Condition={"StringEquals": {"cloudwatch:namespace": "BYODKIM"}},
        ),
        *_alerting_untouchable(a),
    ]


_KEY_ACTIONS = [
    "kms:DescribeKey",
    "kms:PutKeyPolicy",
    "kms:GetKeyPolicy",
    "kms:EnableKeyRotation",
    "kms:GetKeyRotationStatus",
    "kms:TagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CreateAlias",
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:GenerateDataKey",
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
                "s3:GetObjectVersion",
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
            "RolesRead",
            ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:TagRole"],
            [f"arn:aws:iam::{a.account}:role/{named}"],
        ),
        _statement(
            # A role the deployer creates or edits carries the boundary an administrator made: it can
            # never hold more than the boundary allows, whatever policy is attached to it.
            "RolesOnlyWithinTheBoundary",
            [
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePermissionsBoundary",
            ],
            [f"arn:aws:iam::{a.account}:role/{named}"],
            Condition={"StringEquals": {"iam:PermissionsBoundary": a.boundary}},
        ),
        _statement(
            "RolesDeleteAndTrust",
            ["iam:DeleteRole", "iam:UpdateAssumeRolePolicy"],
            [f"arn:aws:iam::{a.account}:role/{named}"],
        ),
        _statement(
            "PassRolesToTheirServices",
            ["iam:PassRole"],
            [f"arn:aws:iam::{a.account}:role/{named}"],
            Condition={
                "StringEquals": {
                    "iam:PassedToService": ["lambda.amazonaws.com", "firehose.amazonaws.com", "ses.amazonaws.com"]
                }
            },
        ),
        _statement(
            "Policies",
            [
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:GetPolicy",
                "iam:ListPolicyVersions",
            ],
            [f"arn:aws:iam::{a.account}:policy/{named}"],
        ),
        _deny(
            # Its trust decides who may act as the key reader: a rewritten trust would let anyone assume it.
            "DkimManagerTrustFixed",
            ["iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary"],
            [a.dkim_manager_role],
        ),
        _deny("BoundaryKept", ["iam:DeleteRolePermissionsBoundary"], [f"arn:aws:iam::{a.account}:role/{named}"]),
        _deny(
            "BoundaryFixed",
            [
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:SetDefaultPolicyVersion",
            ],
            [a.boundary],
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
            # The project's keys only: by alias, or (before its alias exists) by the stack tags
            # Sceptre puts on a key it creates.
            "ProjectKeysByAlias",
            _KEY_ACTIONS,
            [a.of("kms", "key/*")],
            Condition={"ForAnyValue:StringLike": {"kms:ResourceAliases": [f"alias/{named}"]}},
        ),
        _statement(
            "ProjectKeysByTag",
            _KEY_ACTIONS,
            [a.of("kms", "key/*")],
            Condition={
                "StringEquals": {"aws:ResourceTag/Project": a.t.project, "aws:ResourceTag/Environment": a.t.environment}
            },
        ),
        _statement(
            "ProjectAliases", ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], [a.of("kms", f"alias/{named}")]
        ),
        _statement(
            "GrantsForAwsServices",
            ["kms:CreateGrant"],
            [a.of("kms", "key/*")],
            Condition={
                "Bool": {"kms:GrantIsForAWSResource": "true"},
                "ForAnyValue:StringLike": {"kms:ResourceAliases": [f"alias/{named}"]},
            },
        ),
        _deny(
            # The DKIM secrets' key: its policy decides who reads the keys; an administrator changes it.
            "SecretsKeyUntouchable",
            [
                "kms:PutKeyPolicy",
                "kms:ScheduleKeyDeletion",
                "kms:DisableKey",
                "kms:CreateGrant",
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:GenerateDataKey",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
            ],
            [a.of("kms", "key/*")],
            Condition={"ForAnyValue:StringEquals": {"kms:ResourceAliases": [a.secrets_key_alias]}},
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
        # Launches create and update the security rules and the alert topic; switching them off, cutting
        # their targets or subscribers, or deleting them is an administrator's act (and alerts).
        _deny(
            "SecurityRulesStayOn", ["events:DisableRule", "events:DeleteRule", "events:RemoveTargets"], a.security_rules
        ),
        _deny("AlertTopicStays", ["sns:Unsubscribe", "sns:DeleteTopic", "sns:RemovePermission"], [a.alert_topic]),
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


def _boundary(a: _Arns) -> list[dict[str, Any]]:
    """Return the most any project role may do: what the templates' roles need, on the project's resources.

    No IAM, no STS, no Lambda code changes, no KMS administration: a role inside it cannot make
    another role, widen itself, or replace the function that reads the keys.
    """
    t, p = a.t, a.prefix
    return [
        _statement(
            "DkimManager",
            [
                "ses:GetEmailIdentity",
                "ses:CreateEmailIdentity",
                "ses:PutEmailIdentityDkimSigningAttributes",
                "ses:TagResource",
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
                "ssm:GetParameter",
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
        _statement(
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
        _statement(
            "ProjectKeysUse",
            ["kms:Decrypt", "kms:GenerateDataKey"],
            [a.of("kms", "key/*")],
            Condition={"ForAnyValue:StringLike": {"kms:ResourceAliases": [f"alias/{p}-*"]}},
        ),
        _statement(
            "SesEvents", ["firehose:PutRecord", "firehose:PutRecordBatch"], [a.of("firehose", f"deliverystream/{p}-*")]
        ),
        _statement(
            "Unscoped",
            ["cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            ["*"],
        ),
    ]
