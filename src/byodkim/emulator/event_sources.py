"""SQS event source mappings that deliver, as Lambda's pollers do: batches, a concurrency cap, partial failures.

moto keeps event source mappings, but on every SendMessage it hands the queue's messages to
its own Lambda invoke (which needs Docker) at once. Here moto's hand-off is switched off and the
emulator's clock thread polls instead: for each enabled mapping on an SQS queue it receives up to
``BatchSize`` messages (with the queue's visibility timeout), and runs the function through the
emulator's Lambda runtime with Lambda's SQS event, never more than
``ScalingConfig.MaximumConcurrency`` runs of one mapping at once (Lambda's own default, 1,000,
without it). After the run:

- an error (the handler raised, timed out): nothing is deleted; every message returns to the
  queue when its visibility timeout ends, as Lambda leaves them;
- success, with ``FunctionResponseTypes: [ReportBatchItemFailures]``: every message is deleted
  except those the answer names in ``batchItemFailures`` (an answer Lambda cannot read fails the
  whole batch); without that setting every message is deleted;
- a message received ``maxReceiveCount`` times moves to the dead-letter queue (moto's receive
  does that, as SQS does, when the message would be received once more).

Visibility timeouts run on real time (moto's); the emulator's accelerated clock does not touch them. As
Lambda does, a mapping is refused when the queue's visibility timeout is shorter than the function's
timeout (a batch still running would be handed out again).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from byodkim.emulator.runtime import Invocation

log = logging.getLogger(__name__)

DEFAULT_BATCH = 10  # Lambda's default BatchSize for SQS
DEFAULT_CONCURRENCY = 1000  # Lambda's SQS pollers scale to 1,000 concurrent batches without a cap

Invoke = Callable[[str, str, str, bytes, str], "Invocation"]


def install() -> None:
    """Stop moto from invoking a mapping's function itself when a message is sent (the poller does it)."""
    from moto.awslambda.models import LambdaBackend

    original = LambdaBackend.create_event_source_mapping
    if getattr(original, "byodkim_polled", False):
        return

    def create(self: LambdaBackend, spec: dict[str, Any]) -> Any:  # noqa: ANN401 - moto's mapping
        _refuse_short_visibility(self, spec)
        mapping = original(self, spec)
        _detach(mapping)
        return mapping

    create.byodkim_polled = True  # type: ignore[attr-defined]
    LambdaBackend.create_event_source_mapping = create  # type: ignore[method-assign]


def _refuse_short_visibility(backend: Any, spec: dict[str, Any]) -> None:  # noqa: ANN401 - moto's backend
    """Refuse a mapping whose queue would hand a batch out again while the function may still run it.

    Lambda's own check, in its words ("Queue visibility timeout: 30 seconds is less than Function
    timeout: 60 seconds"); moto creates the mapping anyway, and the batch is then run twice.
    """
    from moto.awslambda.exceptions import InvalidParameterValueException

    arn = str(spec.get("EventSourceArn", ""))
    if ":sqs:" not in arn:
        return
    queue = _queue(backend.account_id, backend.region_name, arn)
    function = backend.get_function(spec.get("FunctionName", ""))
    if queue is None or function is None:
        return  # moto's own refusal names what is missing
    visibility, timeout = int(queue.visibility_timeout), int(function.timeout)
    if visibility < timeout:
        raise InvalidParameterValueException(
            f"Queue visibility timeout: {visibility} seconds is less than Function timeout: {timeout} seconds"
        )


def _detach(mapping: Any) -> None:  # noqa: ANN401 - moto's EventSourceMapping
    from moto.sqs.models import sqs_backends

    for queue in sqs_backends[mapping.account_id][mapping.region].queues.values():
        queue.lambda_event_source_mappings.pop(mapping.function_arn, None)


@dataclass
class EventSources:
    """Polls SQS queues with mappings and runs their function; ``tick()`` is called by the clock thread."""

    invoke: Invoke
    running: dict[str, int] = field(default_factory=dict)  # runs going, per mapping (its UUID)
    deliveries: list[dict[str, Any]] = field(default_factory=list)  # each run's batch, for the control endpoint
    lock: threading.Lock = field(default_factory=threading.Lock)

    def tick(self) -> None:
        """Start a run for every batch waiting on a mapped queue, up to each mapping's concurrency."""
        for account, region, mapping, queue in _sqs_mappings():
            cap = int((mapping.scaling_config or {}).get("MaximumConcurrency") or DEFAULT_CONCURRENCY)
            while True:
                with self.lock:
                    if self.running.get(mapping.uuid, 0) >= cap:
                        break
                messages = _receive(account, region, queue, int(mapping.batch_size or DEFAULT_BATCH))
                if not messages:
                    break
                with self.lock:
                    self.running[mapping.uuid] = self.running.get(mapping.uuid, 0) + 1
                threading.Thread(
                    target=self._deliver, args=(account, region, mapping, queue, messages), daemon=True
                ).start()

    def _deliver(self, account: str, region: str, mapping: Any, queue: Any, messages: list[Any]) -> None:  # noqa: ANN401
        started = time.time()
        record: dict[str, Any] = {"mapping": mapping.uuid, "queue": queue.name, "size": len(messages)}
        try:
            with self.lock:
                record["concurrent"] = self.running.get(mapping.uuid, 0)
            payload = json.dumps(_event(region, queue, messages)).encode()
            name = str(mapping.function_arn).rsplit(":", 1)[-1]
            run = self.invoke(account, region, name, payload, f"sqs:{mapping.uuid}")
            failed = _failed(run.error, run.result, messages, mapping)
            record.update({"error": run.error, "failed": sorted(failed)})
            from moto.sqs.models import sqs_backends

            backend = sqs_backends[account][region]
            for message in messages:
                if message.id not in failed:
                    backend.delete_message(queue.name, message.receipt_handle)
        except Exception as exc:  # one bad batch must not stop the poller
            log.exception("event source mapping %s", mapping.uuid)
            record["error"] = {"errorMessage": str(exc)}
        finally:
            record["seconds"] = round(time.time() - started, 3)
            with self.lock:
                self.running[mapping.uuid] -= 1
                self.deliveries.append(record)


def _failed(error: object, result: object, messages: list[Any], mapping: Any) -> set[str]:  # noqa: ANN401
    """Return the ids of the messages that go back to the queue."""
    every = {str(m.id) for m in messages}
    if error is not None:
        return every
    if "ReportBatchItemFailures" not in (mapping.function_response_types or []):
        return set()
    items = result.get("batchItemFailures") if isinstance(result, dict) else None
    if items is None:
        return set()  # Lambda: no batchItemFailures (or null) is a full success
    if not isinstance(items, list):
        return every
    named = {str(item.get("itemIdentifier")) if isinstance(item, dict) else "" for item in items}
    # An identifier that is empty or not in the batch: Lambda treats the whole batch as failed.
    return every if not named <= every else named


def _receive(account: str, region: str, queue: Any, count: int) -> list[Any]:  # noqa: ANN401
    from moto.sqs.models import sqs_backends

    return list(sqs_backends[account][region].receive_message(queue.name, count, 0, int(queue.visibility_timeout)))


def _event(region: str, queue: Any, messages: list[Any]) -> dict[str, Any]:  # noqa: ANN401
    """Return Lambda's SQS event for ``messages``."""
    return {
        "Records": [
            {
                "messageId": str(m.id),
                "receiptHandle": str(m.receipt_handle),
                "body": m.body,
                "attributes": {
                    "ApproximateReceiveCount": str(m.approximate_receive_count),
                    "SentTimestamp": str(m.sent_timestamp or ""),
                    "ApproximateFirstReceiveTimestamp": str(getattr(m, "approximate_first_receive_timestamp", "")),
                },
                "messageAttributes": {},
                "md5OfBody": m.body_md5,
                "eventSource": "aws:sqs",
                "eventSourceARN": queue.queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


def _sqs_mappings() -> Iterator[tuple[str, str, Any, Any]]:
    """Yield (account, region, mapping, queue) for every enabled mapping on an existing SQS queue."""
    from moto.awslambda.models import lambda_backends

    for account, regions in list(lambda_backends.items()):
        for region, backend in list(regions.items()):
            for mapping in list(backend._event_source_mappings.values()):  # noqa: SLF001 - moto keeps them there
                if not mapping.enabled or ":sqs:" not in str(mapping.event_source_arn):
                    continue
                queue = _queue(account, region, str(mapping.event_source_arn))
                if queue is not None:
                    yield account, region, mapping, queue


def _queue(account: str, region: str, arn: str) -> Any:  # noqa: ANN401 - moto's Queue
    """Return moto's queue with ``arn``, or None (deleted, or never made)."""
    from moto.sqs.models import sqs_backends

    queues: list[Any] = list(sqs_backends[account][region].queues.values())
    return next((q for q in queues if q.queue_arn == arn), None)
