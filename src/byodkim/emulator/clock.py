"""The emulator's clock: real time, or time run faster so schedules and alarm periods pass in seconds.

One origin and one speed: emulated = origin + (real - origin) x speed. Every timestamp the
emulator compares (a rule's next firing, a metric's datapoint, an alarm's evaluation window)
goes through it, so a 15-minute schedule and a 900-second alarm period stay in step whatever
the speed. Timestamps moto records are real; they are mapped the same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Clock:
    """Emulated time in seconds since the epoch."""

    speed: float = 1.0
    origin: float = field(default_factory=time.time)

    def now(self) -> float:
        """Return the emulated time now."""
        return self.emulated(time.time())

    def emulated(self, real: float) -> float:
        """Return the emulated time of a real one."""
        return self.origin + (real - self.origin) * self.speed

    def of(self, stamp: datetime) -> float:
        """Return the emulated time of a datetime moto recorded (naive ones are UTC)."""
        aware = stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
        return self.emulated(aware.timestamp())

    def iso(self, emulated: float) -> str:
        """Return an emulated time as CloudWatch writes it (2026-11-28T23:13:19.000+0000)."""
        return datetime.fromtimestamp(emulated, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
