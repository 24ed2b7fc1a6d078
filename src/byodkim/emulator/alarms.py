"""CloudWatch alarms that change state and act, as CloudWatch evaluates them.

moto stores alarms and metric data but never evaluates one: an alarm stays "OK" whatever
is sent. Here each single-metric alarm is evaluated on the emulator's clock against the
datapoints with its exact namespace, name and dimension set, over ``EvaluationPeriods``
windows of ``Period`` seconds: the statistic per window, the comparison with the
threshold, ``DatapointsToAlarm`` of them breaching for ALARM, and ``TreatMissingData`` for
windows with no data (``breaching``, ``notBreaching``, ``ignore`` keeps the state,
``missing`` keeps it too unless every window is empty, then INSUFFICIENT_DATA). A new
alarm starts in INSUFFICIENT_DATA and only windows after its creation count. A state
change runs the state's actions: SNS topics are published the message CloudWatch sends,
and SNS delivers it to its subscriptions (SQS queues among them). Metric-math and
composite alarms are left as moto keeps them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from byodkim.emulator.clock import Clock

_COMPARE = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_REGION_NAMES = {
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "us-east-1": "US East (N. Virginia)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
}


def statistic(name: str, values: list[float]) -> float:
    """Return one CloudWatch statistic of a window's values."""
    if name == "Minimum":
        return min(values)
    if name == "Maximum":
        return max(values)
    if name == "Sum":
        return sum(values)
    if name == "SampleCount":
        return float(len(values))
    return sum(values) / len(values)  # Average


@dataclass
class Evaluator:
    """Evaluates every alarm; ``tick()`` is called by the clock thread and after PutMetricData."""

    clock: Clock
    created: dict[str, float] = field(default_factory=dict)  # alarm ARN -> emulated time first seen
    objects: dict[str, Any] = field(default_factory=dict)  # alarm ARN -> the moto object last evaluated
    lock: threading.Lock = field(default_factory=threading.Lock)

    def tick(self) -> None:
        """Evaluate every alarm once, acting on any state change."""
        with self.lock:
            now = self.clock.now()
            for account, region, backend, alarm in _alarms():
                if alarm.metric_data_queries or not alarm.metric_name or alarm.rule:
                    continue
                first = self.created.get(alarm.alarm_arn)
                before = self.objects.get(alarm.alarm_arn)
                if first is None:  # a new alarm starts in INSUFFICIENT_DATA, with no action
                    first = self.created[alarm.alarm_arn] = now
                    alarm.update_state("Unchecked: Initial alarm creation", "{}", "INSUFFICIENT_DATA")
                elif before is not None and before is not alarm:
                    # Put again (moto makes a new object, in state OK): CloudWatch keeps the state on update.
                    alarm.update_state(before.state_reason, before.state_reason_data, before.state_value)
                self.objects[alarm.alarm_arn] = alarm
                found = self.evaluate(alarm, backend, now, first)
                if found is not None and found[0] != alarm.state_value:
                    old = alarm.state_value
                    alarm.update_state(found[1], json.dumps(found[2]), found[0])
                    _act(account, region, alarm, old, self.clock.iso(now))

    def evaluate(
        self,
        alarm: Any,  # noqa: ANN401 - moto's Alarm
        backend: Any,  # noqa: ANN401 - moto's CloudWatchBackend
        now: float,
        first: float,
    ) -> tuple[str, str, dict[str, Any]] | None:
        """Return (state, reason, reason data) for ``alarm`` now, or None to keep its state."""
        count = int(alarm.evaluation_periods)
        windows = self._windows(alarm, backend, now, first)
        if not windows:
            return None
        treat = alarm.treat_missing_data or "missing"
        breaching, judged = 0, 0
        for value in windows:
            if value is None:
                if treat in ("breaching", "notBreaching"):
                    judged += 1
                    breaching += treat == "breaching"
                continue
            judged += 1
            breaching += _COMPARE[alarm.comparison_operator](value, float(alarm.threshold))
        data = {"evaluatedDatapoints": windows, "period": int(alarm.period), "treatMissingData": treat}
        if not judged:
            if treat == "missing" and len(windows) == count:
                return "INSUFFICIENT_DATA", "Insufficient Data: no datapoints were received", data
            return None
        needed = int(alarm.datapoints_to_alarm or count)
        shown = ", ".join("missing" if v is None else f"{v:g}" for v in windows)
        if breaching >= needed:
            reason = f"Threshold Crossed: {breaching} out of the last {len(windows)} datapoints [{shown}] breached"
            return "ALARM", f"{reason} the threshold ({float(alarm.threshold):g})", data
        if judged >= min(needed, len(windows)):
            return "OK", f"Threshold Crossed: datapoints [{shown}] were not breaching the threshold", data
        return None

    def _windows(self, alarm: Any, backend: Any, now: float, first: float) -> list[float | None]:  # noqa: ANN401
        """Return the statistic of each evaluation window, newest first (None where no data came)."""
        period, count = int(alarm.period), int(alarm.evaluation_periods)
        wanted = {(d.name, d.value) for d in alarm.dimensions}
        points = [
            (self.clock.of(d.timestamp), float(d.value))
            for d in list(backend.metric_data)
            if d.namespace == alarm.namespace
            and d.name == alarm.metric_name
            and hasattr(d, "value")
            and {(x.name, x.value) for x in d.dimensions} == wanted
        ]
        windows: list[float | None] = []
        for index in range(count):
            end = now - index * period
            if end - period < first:
                break  # a window before the alarm existed is not evaluated
            values = [value for at, value in points if end - period <= at < end]
            windows.append(statistic(alarm.statistic, values) if values else None)
        return windows


def _alarms() -> Iterator[tuple[str, str, Any, Any]]:
    from moto.cloudwatch.models import cloudwatch_backends

    for account, regions in list(cloudwatch_backends.items()):
        for region, backend in list(regions.items()):
            for alarm in list(backend.alarms.values()):
                yield account, region, backend, alarm


def _act(account: str, region: str, alarm: Any, old: str, when: str) -> None:  # noqa: ANN401 - moto's Alarm
    actions = {
        "ALARM": alarm.alarm_actions,
        "OK": alarm.ok_actions,
        "INSUFFICIENT_DATA": alarm.insufficient_data_actions,
    }[alarm.state_value]
    if not alarm.actions_enabled:
        return
    from moto.sns.models import sns_backends

    region_name = _REGION_NAMES.get(region, region)
    message = json.dumps(_message(account, region_name, alarm, old, when))
    subject = f'{alarm.state_value}: "{alarm.name}" in {region_name}'[:100]
    for arn in actions:
        parts = str(arn).split(":")
        if len(parts) >= 6 and parts[2] == "sns":  # noqa: PLR2004 - arn:partition:sns:region:account:topic
            sns_backends[parts[4]][parts[3]].publish(message, arn=arn, subject=subject)


def _message(account: str, region_name: str, alarm: Any, old: str, when: str) -> dict[str, Any]:  # noqa: ANN401
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account,
        "NewStateValue": alarm.state_value,
        "NewStateReason": alarm.state_reason,
        "StateChangeTime": when,
        "Region": region_name,
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old,
        "OKActions": list(alarm.ok_actions),
        "AlarmActions": list(alarm.alarm_actions),
        "InsufficientDataActions": list(alarm.insufficient_data_actions),
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "StatisticType": "Statistic",
            "Statistic": str(alarm.statistic).upper(),
            "Unit": alarm.unit,
            "Dimensions": [{"value": d.value, "name": d.name} for d in alarm.dimensions],
            "Period": int(alarm.period),
            "EvaluationPeriods": int(alarm.evaluation_periods),
            "DatapointsToAlarm": int(alarm.datapoints_to_alarm or alarm.evaluation_periods),
            "ComparisonOperator": alarm.comparison_operator,
            "Threshold": float(alarm.threshold),
            "TreatMissingData": alarm.treat_missing_data or "missing",
            "EvaluateLowSampleCountPercentile": "",
        },
    }
