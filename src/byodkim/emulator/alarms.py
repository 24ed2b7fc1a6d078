"""CloudWatch alarms that change state and act, as CloudWatch evaluates them.

moto stores alarms and metric data but never evaluates one: an alarm stays "OK" whatever
is sent. Here each single-metric alarm is evaluated on the emulator's clock against the
datapoints with its exact namespace, name and dimension set, in windows of ``Period``
seconds, as the CloudWatch User Guide's "How alarm state is evaluated when data is missing"
describes: CloudWatch looks at more periods than ``EvaluationPeriods`` (the *evaluation
range*); when at least ``EvaluationPeriods`` of them hold data it judges the most recent of
those and ``TreatMissingData`` plays no part; only with fewer does it fill in as few missing
periods as it needs, the most recent ones, as ``TreatMissingData`` says (``breaching``,
``notBreaching``; ``ignore`` and ``missing`` leave them undecided). ``DatapointsToAlarm``
breaching of them is ALARM, fewer is OK. Data from before the alarm was created counts.

PutMetricAlarm sets a new alarm to INSUFFICIENT_DATA and leaves an updated alarm's state as
it was (CloudWatch API Reference, PutMetricAlarm); its first evaluation comes on the
emulator's next clock step. A state change runs the state's actions: SNS topics are
published the message CloudWatch sends, and SNS delivers it to its subscriptions (SQS
queues among them). Metric-math and composite alarms are left as moto keeps them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

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


# How many periods CloudWatch looks back beyond EvaluationPeriods. AWS says only that it
# "depends on the length of the alarm period" and the metric's resolution; its worked example
# retrieves 5 datapoints for 3 evaluation periods, which is what is modelled here.
EXTRA_PERIODS = 2


@dataclass(frozen=True)
class Window:
    """One period of the evaluation range: where it starts, and its statistic (None: no data came)."""

    start: float
    value: float | None


@dataclass
class Evaluator:
    """Evaluates every alarm; ``tick()`` is called by the clock thread and after PutMetricData."""

    clock: Clock
    created: dict[str, float] = field(default_factory=dict)  # alarm ARN -> emulated time first seen
    objects: dict[str, Any] = field(default_factory=dict)  # alarm ARN -> the moto object last evaluated
    series: dict[int, Series] = field(default_factory=dict)  # id(backend) -> its datapoints, indexed
    lock: threading.Lock = field(default_factory=threading.Lock)

    def tick(self) -> None:
        """Evaluate every alarm once, acting on any state change."""
        with self.lock:
            now = self.clock.now()
            for account, region, backend, alarm in _alarms():
                if alarm.metric_data_queries or not alarm.metric_name or alarm.rule:
                    continue
                first = self.created.setdefault(alarm.alarm_arn, now)
                self.objects[alarm.alarm_arn] = alarm
                if now <= first:
                    continue  # created at this instant: INSUFFICIENT_DATA until the clock moves on
                judged = self._judged(alarm, backend, now)
                if judged is not None and judged[0] != alarm.state_value:
                    old = alarm.state_value
                    state, reason, data = self._explained(alarm, *judged, now)  # only for a change: 3 dates each
                    alarm.update_state(reason, json.dumps(data), state)
                    _act(account, region, alarm, old, self.clock.iso(now))

    def _judged(self, alarm: Any, backend: Any, now: float) -> tuple[str, list[Window]] | None:  # noqa: ANN401
        """Return the state ``alarm`` is in now and the windows judged, or None to keep its state."""
        windows = self._windows(alarm, backend, now)
        state = judge(
            [w.value for w in windows],
            evaluation_periods=int(alarm.evaluation_periods),
            datapoints_to_alarm=int(alarm.datapoints_to_alarm or alarm.evaluation_periods),
            breaches=lambda value: bool(_COMPARE[alarm.comparison_operator](value, float(alarm.threshold))),
            treat=alarm.treat_missing_data or "missing",
        )
        return None if state is None else (state, windows)

    def _explained(
        self,
        alarm: Any,  # noqa: ANN401 - moto's Alarm
        state: str,
        windows: list[Window],
        now: float,
    ) -> tuple[str, str, dict[str, Any]]:
        """Return (state, reason, reason data) as CloudWatch writes them for a state the windows gave."""
        real = [w for w in windows if w.value is not None]
        evaluated = real[: int(alarm.evaluation_periods)]
        data = {
            "version": "1.0",
            "queryDate": self.clock.iso(now),
            "startDate": self.clock.iso(windows[-1].start),
            "statistic": str(alarm.statistic),
            "period": int(alarm.period),
            "recentDatapoints": [w.value for w in reversed(real)],
            "threshold": float(alarm.threshold),
            "evaluatedDatapoints": [{"timestamp": self.clock.iso(w.start), "value": w.value} for w in evaluated],
        }
        shown = ", ".join(f"{w.value:g}" for w in evaluated)
        if state == "INSUFFICIENT_DATA":
            return state, "Insufficient Data: no datapoints were received", data
        verdict = "breached" if state == "ALARM" else "were not breaching"
        return (
            state,
            f"Threshold Crossed: datapoints [{shown}] {verdict} the threshold ({float(alarm.threshold):g})",
            data,
        )

    def _windows(self, alarm: Any, backend: Any, now: float) -> list[Window]:  # noqa: ANN401
        """Return the evaluation range, newest period first."""
        period = int(alarm.period)
        periods = int(alarm.evaluation_periods) + EXTRA_PERIODS
        key = (alarm.namespace, alarm.metric_name, frozenset((d.name, d.value) for d in alarm.dimensions))
        oldest = now - periods * period
        points = [(at, value) for at, value in self._series(backend).points(key, self.clock) if oldest <= at < now]
        windows = []
        for index in range(periods):
            end = now - index * period
            values = [value for at, value in points if end - period <= at < end]
            windows.append(Window(end - period, statistic(alarm.statistic, values) if values else None))
        return windows

    def _series(self, backend: Any) -> Series:  # noqa: ANN401 - moto's CloudWatchBackend
        found = self.series.get(id(backend))
        # moto's reset makes new backends, or new lists in the same one.
        if found is None or found.backend is not backend or found.data is not backend.metric_data:
            found = self.series[id(backend)] = Series(backend, backend.metric_data)
        found.catch_up()
        return found


@dataclass
class Series:
    """A backend's datapoints by (namespace, name, dimensions), each at its emulated time, read as they come.

    moto only appends to ``metric_data``. Mapping every datapoint through the clock on every
    tick, for every alarm, was most of a long rehearsal's alarm time (4 s of 5 in a rotation
    calendar). A datapoint's emulated time is fixed once its real time has passed (Clock.settled);
    one stamped later than that is mapped again each time, as before.
    """

    backend: Any
    data: list[Any]  # the backend's metric_data list, as long as it is the same one
    seen: int = 0
    fixed: dict[tuple[str, str, frozenset[tuple[str, str]]], list[tuple[float, float]]] = field(default_factory=dict)
    moving: list[tuple[tuple[str, str, frozenset[tuple[str, str]]], Any, float]] = field(default_factory=list)

    def catch_up(self) -> None:
        """Take the datapoints moto appended since the last call."""
        data = self.data
        for datum in data[self.seen :]:
            if hasattr(datum, "value"):  # statistic sets have none; alarms here read single values
                key = (datum.namespace, datum.name, frozenset((x.name, x.value) for x in datum.dimensions))
                self.moving.append((key, datum.timestamp, float(datum.value)))
        self.seen = len(data)

    def points(self, key: tuple[str, str, frozenset[tuple[str, str]]], clock: Clock) -> list[tuple[float, float]]:
        """Return (emulated time, value) of every datapoint of ``key``."""
        if self.moving:
            settled = clock.settled()
            still = []
            for item in self.moving:
                stamp = item[1]
                if clock.real(stamp) < settled:
                    self.fixed.setdefault(item[0], []).append((clock.of(stamp), item[2]))
                else:
                    still.append(item)
            self.moving = still
        return self.fixed.get(key, []) + [(clock.of(stamp), value) for k, stamp, value in self.moving if k == key]


def judge(
    values: list[float | None],
    *,
    evaluation_periods: int,
    datapoints_to_alarm: int,
    breaches: Callable[[float], bool],
    treat: str,
) -> str | None:
    """Return the state an evaluation range (newest period first) gives, or None to keep the state.

    As the CloudWatch User Guide says: with at least ``evaluation_periods`` real datapoints in
    the range, the most recent of them decide and missing periods do not count; with fewer,
    all the real ones count and the most recent missing periods fill in, as few as needed.
    ``breaching``/``notBreaching`` give those a verdict; ``ignore`` and ``missing`` do not,
    so a real non-breaching datapoint makes it OK, and otherwise ``ignore`` keeps the state
    and ``missing`` is ALARM when the oldest period evaluated breached (the guide's
    "X - - - -" row), INSUFFICIENT_DATA when it is missing.
    """
    real = [i for i, value in enumerate(values) if value is not None]
    if len(real) >= evaluation_periods:
        evaluated = real[:evaluation_periods]
    else:
        filled = [i for i, value in enumerate(values) if value is None][: evaluation_periods - len(real)]
        evaluated = sorted(real + filled)
    verdicts = [None if (value := values[i]) is None else breaches(value) for i in evaluated]
    if treat in ("breaching", "notBreaching"):
        verdicts = [treat == "breaching" if v is None else v for v in verdicts]
    breaching = sum(1 for v in verdicts if v is True)
    if breaching >= datapoints_to_alarm:
        return "ALARM"
    if None not in verdicts or False in verdicts:
        return "OK"
    if treat == "ignore":
        return None
    return "ALARM" if verdicts[-1] is True else "INSUFFICIENT_DATA"


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


def patch_put_metric_alarm() -> None:
    """Make PutMetricAlarm set a new alarm to INSUFFICIENT_DATA and keep an updated one's state.

    moto creates every alarm, and re-creates an updated one, in state OK. The CloudWatch API
    Reference (PutMetricAlarm): "When this operation creates an alarm, the alarm state is
    immediately set to INSUFFICIENT_DATA"; "When you update an existing alarm, its state is
    left unchanged". CloudFormation's alarms go through the same backend call.
    """
    from moto.cloudwatch.models import CloudWatchBackend

    original = CloudWatchBackend.put_metric_alarm

    def put_metric_alarm(self: CloudWatchBackend, name: str, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        before = self.alarms.get(name)
        alarm = original(self, name, *args, **kwargs)
        if before is None:
            alarm.state_value = "INSUFFICIENT_DATA"
        elif before is not alarm:
            alarm.state_value, alarm.state_reason = before.state_value, before.state_reason
            alarm.state_reason_data, alarm.state_updated_timestamp = (
                before.state_reason_data,
                before.state_updated_timestamp,
            )
            alarm.history = before.history
        return alarm

    CloudWatchBackend.put_metric_alarm = put_metric_alarm  # type: ignore[method-assign]
