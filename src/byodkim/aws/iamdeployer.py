"""The deployer's policy: launch the project's stacks with no path to more (see docs/iam.md, "No escalation")."""

from __future__ import annotations

from typing import Any

from byodkim.aws.iamparts import Arns, deny, statement

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


def deployer(a: Arns) -> list[dict[str, Any]]:
    """Return the deployer's statements."""
    p = a.prefix
    named = f"{p}-*"
    return [
        statement("WhoAmI", ["sts:GetCallerIdentity", "cloudformation:ValidateTemplate"], ["*"]),
        statement(
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
        statement(
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
                "s3:PutBucketNotification",
            ],
            [f"arn:aws:s3:::{named}", f"arn:aws:s3:::{named}/*"],
        ),
        statement(
            "RolesRead",
            ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:TagRole"],
            [f"arn:aws:iam::{a.account}:role/{named}"],
        ),
        statement(
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
        statement(
            "RolesDeleteAndTrust",
            ["iam:DeleteRole", "iam:UpdateAssumeRolePolicy"],
            [f"arn:aws:iam::{a.account}:role/{named}"],
        ),
        statement(
            "PassRolesToTheirServices",
            ["iam:PassRole"],
            [f"arn:aws:iam::{a.account}:role/{named}"],
            Condition={
                "StringEquals": {
                    "iam:PassedToService": ["lambda.amazonaws.com", "firehose.amazonaws.com", "ses.amazonaws.com"]
                }
            },
        ),
        statement(
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
        deny(
            # Its trust decides who may act as the key reader: a rewritten trust would let anyone assume it.
            "DkimManagerTrustFixed",
            ["iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary"],
            [a.dkim_manager_role],
        ),
        deny("BoundaryKept", ["iam:DeleteRolePermissionsBoundary"], [f"arn:aws:iam::{a.account}:role/{named}"]),
        deny(
            "BoundaryFixed",
            [
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:SetDefaultPolicyVersion",
            ],
            [a.boundary],
        ),
        statement(
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
        statement("KeyCreate", ["kms:CreateKey", "kms:ListAliases"], ["*"]),
        statement(
            # The project's keys only: by alias, or (before its alias exists) by the stack tags
            # Sceptre puts on a key it creates.
            "ProjectKeysByAlias",
            _KEY_ACTIONS,
            [a.of("kms", "key/*")],
            Condition={"ForAnyValue:StringLike": {"kms:ResourceAliases": [f"alias/{named}"]}},
        ),
        statement(
            "ProjectKeysByTag",
            _KEY_ACTIONS,
            [a.of("kms", "key/*")],
            Condition={
                "StringEquals": {"aws:ResourceTag/Project": a.t.project, "aws:ResourceTag/Environment": a.t.environment}
            },
        ),
        statement(
            "ProjectAliases", ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], [a.of("kms", f"alias/{named}")]
        ),
        statement(
            "GrantsForAwsServices",
            ["kms:CreateGrant"],
            [a.of("kms", "key/*")],
            Condition={
                "Bool": {"kms:GrantIsForAWSResource": "true"},
                "ForAnyValue:StringLike": {"kms:ResourceAliases": [f"alias/{named}"]},
            },
        ),
        deny(
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
        statement(
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
        statement(
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
        deny(
            "SecurityRulesStayOn", ["events:DisableRule", "events:DeleteRule", "events:RemoveTargets"], a.security_rules
        ),
        deny("AlertTopicStays", ["sns:Unsubscribe", "sns:DeleteTopic", "sns:RemovePermission"], [a.alert_topic]),
        statement(
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
        statement(
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
        statement(
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
        statement(
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
        statement(
            # Phase 8's DMARC reports (dmarc_reports_address) and `byodkim activate-receiving`. On "*":
            # whether SES v1's receipt rule actions can be scoped to a rule set's ARN was not confirmed;
            # which set may become active is activate-receiving's guard.
            "SesReceiving",
            [
                "ses:CreateReceiptRuleSet",
                "ses:DeleteReceiptRuleSet",
                "ses:DescribeReceiptRuleSet",
                "ses:CreateReceiptRule",
                "ses:DeleteReceiptRule",
                "ses:UpdateReceiptRule",
                "ses:DescribeReceiptRule",
                "ses:DescribeActiveReceiptRuleSet",
                "ses:SetActiveReceiptRuleSet",
            ],
            ["*"],
        ),
        statement(
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
        statement(
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
