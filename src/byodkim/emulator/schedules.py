"""EventBridge scheduled rules that fire, on the emulator's clock, as EventBridge does.

moto stores rules but never fires a schedule. Here every ENABLED rule with a ``rate()``
expression fires its targets one period after it was first seen and every period after,
with the target's ``Input`` as the event (EventBridge's scheduled-event JSON when there is
none). A disabled rule stops; enabled again, it starts a fresh period. Lambda targets run
through the emulator's Lambda runtime; SNS targets are published to. A Lambda target whose
previous run from the same rule has not finished is not started twice: on an accelerated clock one run can
span several periods, and piling runs up would measure the host, not the rollout.
``cron()`` expressions are not evaluated (byodkim's templates use ``rate()`` only).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byodkim.emulator.clock import Clock

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}

Invoke = Callable[[str, str, str, bytes, str], None]  # (account, region, function name, payload, source)


def rate_refused(expression: str) -> bool:
    """Return True for a ``rate()`` expression EventBridge refuses (PutRule: ValidationException).

    AWS: the value is a positive integer, and the unit is singular when it is 1, plural above
    (``rate(1 hours)`` and ``rate(5 hour)`` are not valid). moto's own check takes both, and
    ``rate(0 minutes)``: a Sceptre config with one would launch here and fail in AWS.
    """
    if not expression.strip().startswith("rate("):
        return False
    match = _RATE.match(expression.strip())
    if match is None:
        return True
    value, unit = int(match.group(1)), match.group(2)
    return value < 1 or (value == 1) == unit.endswith("s")


def rate_seconds(expression: str) -> int | None:
    """Return a ``rate()`` expression's period in seconds, or None for anything else."""
    match = _RATE.match(expression.strip())
    if match is None:
        return None
    return int(match.group(1)) * _UNIT[match.group(2).rstrip("s")]


@dataclass
class Scheduler:
    """Fires due scheduled rules; ``tick()`` is called by the emulator's clock thread."""

    clock: Clock
    invoke: Invoke
    busy: Callable[[str], bool]  # whether a run this source started (events:RULE) is still going
    next_fire: dict[str, float] = field(default_factory=dict)
    fired: list[dict[str, Any]] = field(default_factory=list)  # what fired, for the control endpoint
    lock: threading.Lock = field(default_factory=threading.Lock)

    def tick(self) -> None:
        """Fire every rule that is due."""
        now = self.clock.now()
        seen = set()
        for account, region, rule in _scheduled_rules():
            period = rate_seconds(rule.scheduled_expression or "")
            if period is None or rule.state != "ENABLED":
                continue
            seen.add(rule.arn)
            due = self.next_fire.setdefault(rule.arn, now + period)
            if now < due:
                continue
            self.next_fire[rule.arn] = max(due + period, now)
            for target in list(rule.targets):
                self._fire(account, region, rule, target, now)
        for arn in set(self.next_fire) - seen:  # deleted or disabled: forget its period
            del self.next_fire[arn]

    def _fire(self, account: str, region: str, rule: Any, target: dict[str, Any], now: float) -> None:  # noqa: ANN401 - moto's Rule
        arn = str(target.get("Arn", ""))
        payload = target_input(target, _scheduled_event(account, region, rule.arn, self.clock.iso(now)))
        record = {"rule": rule.name, "target": arn, "at": self.clock.iso(now), "started": True}
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""  # noqa: PLR2004 - arn:partition:service:region:account:resource
        if service == "lambda":
            source = f"events:{rule.name}"  # what the runtime counts running runs by
            if self.busy(source):
                record["started"] = False  # still running from the last firing
            else:
                self.invoke(account, arn.split(":")[3], arn.rsplit(":", maxsplit=1)[-1], payload.encode(), source)
        elif service == "sns":
            from moto.sns.models import sns_backends

            sns_backends[account][arn.split(":")[3]].publish(payload, arn=arn)
        else:
            record["started"] = False
        with self.lock:
            self.fired.append(record)


def _scheduled_rules() -> Iterator[tuple[str, str, Any]]:
    from moto.events.models import events_backends

    for account, regions in list(events_backends.items()):
        for region, backend in list(regions.items()):
            for bus in list(backend.event_buses.values()):
                for rule in list(bus.rules.values()):
                    if rule.scheduled_expression:
                        yield account, region, rule


def target_input(target: dict[str, Any], event: dict[str, Any]) -> str:
    """Return what a target receives, as EventBridge builds it: its Input, its InputTransformer, else the event.

    An InputTransformer is how a scheduled rule hands its event's ``time`` on with a fixed payload
    (``{"action": "rotation", "time": "<time>"}``, docs/rotation.md): each ``<name>`` of the
    template is the value its InputPathsMap path (``$.a.b``) finds in the event, a string as it
    is (the template quotes it), anything else as JSON.
    """
    if target.get("Input"):
        return str(target["Input"])
    transformer = target.get("InputTransformer")
    if not transformer:
        return json.dumps(event)
    text = str(transformer.get("InputTemplate", ""))
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        value: Any = event
        for part in str(path).removeprefix("$.").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        text = text.replace(f"<{name}>", value if isinstance(value, str) else json.dumps(value))
    return text


def _scheduled_event(account: str, region: str, rule_arn: str, time: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": time[:19] + "Z",
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }
