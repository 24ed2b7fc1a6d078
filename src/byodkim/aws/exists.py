"""Whether a resource with a given physical name already exists, and which stack owns it.

CloudFormation creates named resources under the name the template gives; when that name
is taken (by the team's own stack, or by something made by hand) the update fails and
rolls back: how phase 2 came to sit in UPDATE_ROLLBACK_COMPLETE. Preflight asks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from byodkim.aws.errors import error_code

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.aws.session import Aws

_ABSENT = {
    "404",
    "NoSuchBucket",
    "NotFound",
    "NotFoundException",
    "NoSuchEntity",
    "ParameterNotFound",
    "ResourceNotFound",
    "ResourceNotFoundException",
    "DashboardNotFoundError",
    "RuleSetDoesNotExist",
    "AWS.SimpleQueueService.NonExistentQueue",  # SQS, query protocol
    "QueueDoesNotExist",  # SQS, JSON protocol
}


@dataclass(frozen=True)
class InUse:
    """A physical name that is taken, and by what."""

    name: str
    stack: str | None  # the owning stack's name; None: outside any stack

    def describe(self) -> str:
        """Return where the name is in use, for people."""
        return f"stack {self.stack}" if self.stack else "outside any stack"


def _s3(aws: Aws, region: str, name: str) -> None:
    aws.client("s3", region).head_bucket(Bucket=name)


def _lambda(aws: Aws, region: str, name: str) -> None:
    aws.client("lambda", region).get_function(FunctionName=name)


def _identity(aws: Aws, region: str, name: str) -> None:
    aws.client("sesv2", region).get_email_identity(EmailIdentity=name)


def _configuration_set(aws: Aws, region: str, name: str) -> None:
    aws.client("sesv2", region).get_configuration_set(ConfigurationSetName=name)


def _receipt_rule_set(aws: Aws, region: str, name: str) -> None:
    aws.client("ses", region).describe_receipt_rule_set(RuleSetName=name)


def _secret(aws: Aws, region: str, name: str) -> None:
    aws.client("secretsmanager", region).describe_secret(SecretId=name)


def _topic(aws: Aws, region: str, name: str) -> None:
    arn = f"arn:aws:sns:{region}:{aws.account(region)}:{name}"
    aws.client("sns", region).get_topic_attributes(TopicArn=arn)


def _parameter(aws: Aws, region: str, name: str) -> None:
    aws.client("ssm", region).get_parameter(Name=name)


def _queue(aws: Aws, region: str, name: str) -> None:
    aws.client("sqs", region).get_queue_url(QueueName=name)


def _rule(aws: Aws, region: str, name: str) -> None:
    aws.client("events", region).describe_rule(Name=name)


def _dashboard(aws: Aws, region: str, name: str) -> None:
    aws.client("cloudwatch", region).get_dashboard(DashboardName=name)


def _log_group(aws: Aws, region: str, name: str) -> None:
    groups = aws.client("logs", region).describe_log_groups(logGroupNamePrefix=name).get("logGroups", [])
    if not any(group.get("logGroupName") == name for group in groups):
        raise LookupError(name)


def _alarm(aws: Aws, region: str, name: str) -> None:
    if not aws.client("cloudwatch", region).describe_alarms(AlarmNames=[name]).get("MetricAlarms"):
        raise LookupError(name)


def _role(aws: Aws, region: str, name: str) -> None:
    aws.client("iam", region).get_role(RoleName=name)  # IAM is global: a role name is taken in every region


def _alias(aws: Aws, region: str, name: str) -> None:
    kms = aws.client("kms", region)
    for page in kms.get_paginator("list_aliases").paginate():
        if any(alias.get("AliasName") == name for alias in page.get("Aliases", [])):
            return
    raise LookupError(name)


def _delivery_stream(aws: Aws, region: str, name: str) -> None:
    aws.client("firehose", region).describe_delivery_stream(DeliveryStreamName=name)


def _table(aws: Aws, region: str, name: str) -> None:
    aws.client("dynamodb", region).describe_table(TableName=name)


def _stream(aws: Aws, region: str, name: str) -> None:
    aws.client("kinesis", region).describe_stream_summary(StreamName=name)


_PROBES: dict[str, Callable[[Aws, str, str], None]] = {
    "AWS::IAM::Role": _role,
    "AWS::KMS::Alias": _alias,
    "AWS::KinesisFirehose::DeliveryStream": _delivery_stream,
    "AWS::DynamoDB::Table": _table,
    "AWS::Kinesis::Stream": _stream,
    "AWS::S3::Bucket": _s3,
    "AWS::Lambda::Function": _lambda,
    "AWS::SES::EmailIdentity": _identity,
    "AWS::SES::ConfigurationSet": _configuration_set,
    "AWS::SES::ReceiptRuleSet": _receipt_rule_set,
    "AWS::SecretsManager::Secret": _secret,
    "AWS::SNS::Topic": _topic,
    "AWS::SSM::Parameter": _parameter,
    "AWS::Events::Rule": _rule,
    "AWS::SQS::Queue": _queue,
    "AWS::CloudWatch::Dashboard": _dashboard,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::Logs::LogGroup": _log_group,
}


def checkable(resource_type: str) -> bool:
    """Return whether a name of this type can be looked up."""
    return resource_type in _PROBES


def physical_id(aws: Aws, region: str, resource_type: str, name: str) -> str:
    """Return what CloudFormation calls the physical ID of a resource with this name (a topic's is its ARN)."""
    if resource_type == "AWS::SNS::Topic":
        return f"arn:aws:sns:{region}:{aws.account(region)}:{name}"
    return name


def in_use(aws: Aws, region: str, resource_type: str, name: str) -> InUse | None:
    """Return who holds ``name`` for a resource of ``resource_type``, or ``None`` when it is free."""
    probe = _PROBES.get(resource_type)
    if probe is None:
        return None
    try:
        probe(aws, region, name)
    except LookupError:
        return None
    except Exception as exc:
        if error_code(exc) in _ABSENT:
            return None
        raise
    return InUse(name, owner(aws, region, physical_id(aws, region, resource_type, name)))


def owner(aws: Aws, region: str, physical_id: str) -> str | None:
    """Return the stack that manages ``physical_id``, or ``None``."""
    try:
        found = aws.client("cloudformation", region).describe_stack_resources(PhysicalResourceId=physical_id)
    except Exception as exc:
        if error_code(exc) == "ValidationError":  # "Stack for <id> does not exist": no stack manages it
            return None
        raise
    resources = found.get("StackResources", [])
    return resources[0]["StackName"] if resources else None
