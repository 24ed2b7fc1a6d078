"""The emulator's SQS event source mappings deliver as Lambda does: batch size, a concurrency cap, partial failures, DLQ.

A real function (run by the emulator's Lambda runtime) takes each batch, sleeps a little so runs
overlap, and answers ``batchItemFailures`` for the bodies that ask to fail (or raises for one that
asks to raise). What came back to the queue, what reached the dead-letter queue and how many runs
overlapped is read from the emulator.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from conftest import python_for, zip_of

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

    from byodkim.emulator import Emulator

HANDLER = """
import json, time

def handler(event, context):
    bodies = [json.loads(r["body"]) for r in event["Records"]]
    if any(b.get("raise") for b in bodies):
        raise RuntimeError("asked to raise")
    time.sleep(0.4)
    failed = [{"itemIdentifier": r["messageId"]} for r, b in zip(event["Records"], bodies) if b.get("fail")]
    return {"batchItemFailures": failed, "seen": [b["n"] for b in bodies],
            "sources": sorted({r["eventSource"] for r in event["Records"]})}
"""


TIMEOUT = 4  # seconds: a process start and the handler's 0.4 s, with room for a loaded machine


def _mapped_queue(name: str, *, batch: int, concurrency: int) -> tuple[str, str]:
    """Return (queue URL, DLQ URL) of a queue mapped to a fresh consumer function."""
    python_for("3.12")
    sqs = boto3.client("sqs")
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    # As short as Lambda allows (the function's timeout), so a failed message comes back soon; no
    # shorter, or a batch still running is handed out again (Lambda refuses that mapping).
    queue = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": str(TIMEOUT), "RedrivePolicy": redrive})[
        "QueueUrl"
    ]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    role = boto3.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="consumer.handler",
        Code={"ZipFile": zip_of({"consumer.py": HANDLER})},
        Timeout=TIMEOUT,
    )
    boto3.client("lambda").create_event_source_mapping(
        FunctionName=name,
        EventSourceArn=arn,
        BatchSize=batch,
        ScalingConfig={"MaximumConcurrency": concurrency},
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    return queue, dlq


def _drained(emulator: Emulator, queue: str, dlq: str, dead: int, timeout: float = 60.0) -> list[dict[str, Any]]:
    """Wait until ``queue`` is empty and ``dlq`` holds ``dead`` messages; return the function's answers."""
    sqs = boto3.client("sqs")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = [
            sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            for url in (queue, dlq)
        ]
        left = sum(int(v) for v in counts[0].values())
        if left == 0 and int(counts[1]["ApproximateNumberOfMessages"]) == dead:
            break
        time.sleep(0.3)
    emulator.control("/_byodkim/idle", {"timeout": 30})
    return [run for run in emulator.control("/_byodkim/invocations")["invocations"] if run["source"].startswith("sqs:")]


def test_batches_honour_size_and_concurrency_and_only_failed_items_return_then_go_to_the_dlq(
    emulator: Emulator,
) -> None:
    queue, dlq = _mapped_queue("esm-consumer", batch=3, concurrency=2)
    sqs = boto3.client("sqs")
    for start in range(0, 12, 6):
        entries: list[SendMessageBatchRequestEntryTypeDef] = [
            {"Id": str(n), "MessageBody": json.dumps({"n": n, "fail": n == 7})} for n in range(start, start + 6)
        ]
        sqs.send_message_batch(QueueUrl=queue, Entries=entries)

    runs = _drained(emulator, queue, dlq, dead=1)
    assert all(run["error"] is None for run in runs), runs
    seen = [n for run in runs for n in run["result"]["seen"]]
    # Every message once, except 7: it failed, came back after the visibility timeout, failed again
    # (maxReceiveCount 2) and went to the dead-letter queue; its batch-mates were not run again.
    assert sorted(seen) == sorted([*range(12), 7])
    assert {s for run in runs for s in run["result"]["sources"]} == {"aws:sqs"}
    deliveries = emulator.control("/_byodkim/event-sources")["deliveries"]
    assert max(d["size"] for d in deliveries) == 3  # BatchSize
    assert max(d["concurrent"] for d in deliveries) == 2  # MaximumConcurrency: reached, never passed
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["n"] for m in dead] == [7]


def test_a_run_that_raises_returns_its_whole_batch_and_batch_size_one_is_one_record_a_run(emulator: Emulator) -> None:
    queue, dlq = _mapped_queue("esm-raises", batch=1, concurrency=2)
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"n": 0, "raise": True}))
    runs = _drained(emulator, queue, dlq, dead=1)
    assert len(runs) == 2  # received twice (maxReceiveCount 2), failed both times, then dead-lettered
    assert all(run["error"] is not None for run in runs)
    for n in range(1, 5):
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"n": n}))
    _drained(emulator, queue, dlq, dead=1)
    deliveries = emulator.control("/_byodkim/event-sources")["deliveries"]
    assert {d["size"] for d in deliveries} == {1}
    assert max(d["concurrent"] for d in deliveries) == 2


def test_a_queue_whose_visibility_timeout_is_shorter_than_the_function_timeout_is_refused(emulator: Emulator) -> None:
    """Lambda's check: the queue would hand a batch out again while the function may still be running it."""
    python_for("3.12")
    sqs = boto3.client("sqs")
    queue = sqs.create_queue(QueueName="esm-short", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    role = boto3.client("iam").create_role(RoleName="esm-short-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = boto3.client("lambda")
    lam.create_function(
        FunctionName="esm-short",
        Runtime="python3.12",
        Role=role,
        Handler="consumer.handler",
        Code={"ZipFile": zip_of({"consumer.py": HANDLER})},
        Timeout=60,
    )
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as refused:
        lam.create_event_source_mapping(FunctionName="esm-short", EventSourceArn=arn, BatchSize=1)
    assert refused.value.response["Error"]["Message"] == (
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
    )
    assert lam.list_event_source_mappings(FunctionName="esm-short")["EventSourceMappings"] == []
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "60"})  # equal is enough
    assert lam.create_event_source_mapping(FunctionName="esm-short", EventSourceArn=arn, BatchSize=1)["UUID"]
