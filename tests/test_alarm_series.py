"""The alarm evaluator's index of datapoints: the same emulated times as mapping each one on every tick."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from byodkim.emulator.alarms import Evaluator
from byodkim.emulator.clock import Clock


@dataclass
class _Dim:
    name: str
    value: str


@dataclass
class _Datum:
    namespace: str
    name: str
    value: float
    timestamp: datetime
    dimensions: list[_Dim] = field(default_factory=list)


@dataclass
class _Backend:
    metric_data: list[Any] = field(default_factory=list)


def _at(real: float) -> datetime:
    return datetime.fromtimestamp(real, UTC)


def test_indexed_points_are_the_clocks_own_mapping_through_pauses_advances_future_stamps_and_resets() -> None:
    clock = Clock(speed=60.0)
    evaluator = Evaluator(clock)
    backend = _Backend()
    key = ("BYODKIM", "Errors", frozenset({("Fn", "a")}))
    now = time.time()
    past = _Datum("BYODKIM", "Errors", 1.0, _at(now - 1), [_Dim("Fn", "a")])
    future = _Datum("BYODKIM", "Errors", 2.0, _at(now + 3600), [_Dim("Fn", "a")])  # a client's own Timestamp
    other = _Datum("BYODKIM", "Errors", 5.0, _at(now - 1), [_Dim("Fn", "b")])
    backend.metric_data += [past, future, other]

    def expected() -> list[tuple[float, float]]:
        return sorted((clock.of(d.timestamp), d.value) for d in backend.metric_data if d.dimensions[0].value == "a")

    assert sorted(evaluator._series(backend).points(key, clock)) == expected()
    clock.pause()
    clock.advance(86400.0)  # a new segment: the future stamp now maps through it
    assert sorted(evaluator._series(backend).points(key, clock)) == expected()
    later = _Datum("BYODKIM", "Errors", 3.0, _at(time.time()), [_Dim("Fn", "a")])
    backend.metric_data.append(later)  # while paused: the emulated time the clock stands at
    clock.resume()
    assert sorted(evaluator._series(backend).points(key, clock)) == expected()
    assert len(expected()) == 3
    # moto's reset: the same backend object with a new list; nothing of the old one is counted.
    backend.metric_data = [_Datum("BYODKIM", "Errors", 9.0, _at(time.time() - 1), [_Dim("Fn", "a")])]
    assert [v for _, v in evaluator._series(backend).points(key, clock)] == [9.0]
