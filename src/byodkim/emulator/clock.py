"""The emulator's clock: real time, or time run faster so schedules and alarm periods pass in seconds.

One origin and one speed: emulated = origin + (real - origin) x speed. Every timestamp the
emulator compares (a rule's next firing, a metric's datapoint, an alarm's evaluation window)
goes through it, so a 15-minute schedule and a 900-second alarm period stay in step whatever
the speed. Timestamps moto records are real; they are mapped the same way.

A test can also hold the clock still and move it on by exact steps (``pause``, ``advance``):
then what fires and what an alarm sees depend on the steps taken, not on how busy the machine
is. Each change starts a new segment (from this real time on, this emulated time, this speed),
and a real timestamp maps through the segment it falls in, so data recorded while the clock
stood still carries the emulated time it stood at.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class Clock:
    """Emulated time in seconds since the epoch."""

    speed: float = 1.0
    origin: float = field(default_factory=time.time)
    # (real, emulated, speed) in force from ``real`` on; the reals only grow.
    _segments: list[tuple[float, float, float]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._segments.append((self.origin, self.origin, self.speed))

    def now(self) -> float:
        """Return the emulated time now."""
        return self.emulated(time.time())

    def emulated(self, real: float) -> float:
        """Return the emulated time of a real one."""
        with self._lock:
            # Keyed, not a list of the reals built per call: a stepped clock adds a segment per
            # emulated minute, and a week of them made every timestamp cost a 10,000-item copy.
            index = max(0, bisect.bisect_right(self._segments, real, key=lambda s: s[0]) - 1)
            start, at, speed = self._segments[index]
        return at + (real - start) * speed

    @property
    def paused(self) -> bool:
        """Return whether the clock stands still."""
        with self._lock:
            return self._segments[-1][2] == 0.0

    def pause(self) -> float:
        """Stop the clock; return the emulated time it stands at."""
        return self._change(0.0, 0.0)

    def resume(self) -> float:
        """Run the clock again at its speed, from the emulated time it stood at."""
        return self._change(0.0, self.speed)

    def advance(self, seconds: float) -> float:
        """Move emulated time on by ``seconds`` at once (paused or not); return the new time."""
        with self._lock:
            speed = self._segments[-1][2]
        return self._change(max(0.0, seconds), speed)

    def restart(self) -> float:
        """Return to the start line (origin, speed) from now on, undoing every pause and advance.

        A reset between tests uses it: a test that held the clock still or moved it on by days
        must not leave the next test living on its date.
        """
        real = time.time()
        with self._lock:
            start = max(real, self._segments[-1][0])
            now = self.origin + (start - self.origin) * self.speed
            self._segments.append((start, now, self.speed))
        return now

    def _change(self, jump: float, speed: float) -> float:
        real = time.time()
        now = self.emulated(real) + jump
        with self._lock:
            self._segments.append((max(real, self._segments[-1][0]), now, speed))
        return now

    def of(self, stamp: datetime) -> float:
        """Return the emulated time of a datetime moto recorded (naive ones are UTC)."""
        return self.emulated(self.real(stamp))

    @staticmethod
    def real(stamp: datetime) -> float:
        """Return a datetime moto recorded as real epoch seconds (naive ones are UTC)."""
        return (stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)).timestamp()

    def settled(self) -> float:
        """Return the real time before which a real time's emulated time is fixed for good.

        A change starts its segment now or after the last one, never earlier, so a real time
        before both keeps the segment it falls in.
        """
        real = time.time()
        with self._lock:
            return max(real, self._segments[-1][0])

    def iso(self, emulated: float) -> str:
        """Return an emulated time as CloudWatch writes it (2026-11-28T23:13:19.000+0000)."""
        return datetime.fromtimestamp(emulated, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
