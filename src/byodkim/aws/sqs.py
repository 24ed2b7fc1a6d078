"""Messages onto an SQS queue: the fleet health check's batches, from its planner and from a batch handing on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.errors import AwsError
from byodkim.messages import say

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

    from byodkim.aws.session import Aws

SEND_BATCH_MOST = 10  # SendMessageBatch's most entries


def send_bodies(aws: Aws, region: str, queue_url: str, bodies: list[str]) -> None:
    """Send ``bodies``, ten to a SendMessageBatch; a message SQS refuses raises (the caller's run then fails)."""
    sqs = aws.client("sqs", region)
    for start in range(0, len(bodies), SEND_BATCH_MOST):
        chunk = enumerate(bodies[start : start + SEND_BATCH_MOST])
        entries: list[SendMessageBatchRequestEntryTypeDef] = [{"Id": str(i), "MessageBody": b} for i, b in chunk]
        sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        failed = sent.get("Failed") or []
        if failed:
            raise AwsError(say("fanout.not_queued", count=len(failed), reason=str(failed[0].get("Message", ""))))
