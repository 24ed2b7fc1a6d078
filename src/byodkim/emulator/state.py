"""The emulator's one state object: what it was told (DNS servers, the DKIM window, faults) and what it holds.

Created once by the server process and handed to the middleware and the CloudFormation
models, instead of module globals each reaches for.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.emulator.ses import SesIdentities

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator.alarms import Evaluator
    from byodkim.emulator.clock import Clock
    from byodkim.emulator.event_sources import EventSources
    from byodkim.emulator.outbound import Outbound
    from byodkim.emulator.runtime import LambdaRuntime
    from byodkim.emulator.schedules import Scheduler
    from byodkim.emulator.settings import Settings

_TICK = 0.1  # real seconds between looks at schedules and alarms
_EVALUATION = 60.0  # emulated seconds between alarm evaluations when the clock is stepped


@dataclass
class State:
    """Settings and the SES identity store, shared by the API middleware and the CloudFormation models."""

    settings: Settings
    identities: SesIdentities
    outbound: Outbound
    runtime: LambdaRuntime | None = None  # set once the server knows its port
    scheduler: Scheduler | None = None
    event_sources: EventSources | None = None  # SQS event source mappings, polled on the clock thread
    alarms: Evaluator | None = None
    clock: Clock | None = None
    _ticking: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def create(cls, settings: Settings) -> State:
        """Return a fresh state for one server process."""
        from byodkim.emulator.outbound import Outbound

        state = cls(settings, SesIdentities(settings), Outbound.create())
        state.identities.now = state.now
        return state

    def now(self) -> float:
        """Return the emulated time: the clock's once services run, real time before."""
        return self.clock.now() if self.clock is not None else time.time()

    def forget_runs(self) -> None:
        """Forget past invocations, firings and alarm history (the control endpoint's reset)."""
        if self.runtime is not None:
            self.runtime.invocations.clear()
            self.runtime.reset()  # no execution environment, and so no module state, outlives a reset
        if self.scheduler is not None:
            self.scheduler.next_fire.clear()
            self.scheduler.fired.clear()
        if self.event_sources is not None:
            with self.event_sources.lock:
                self.event_sources.deliveries.clear()
        if self.alarms is not None:
            self.alarms.created.clear()
            self.alarms.objects.clear()
            self.alarms.series.clear()
        if self.clock is not None:
            self.clock.restart()  # a reset undoes a test's pauses and advances: the next test lives on today

    def start_services(self, port: int, workdir: Path) -> None:
        """Start what runs on the emulator's own clock: Lambda runs, schedules, alarm evaluation."""
        from byodkim.emulator import event_sources
        from byodkim.emulator.alarms import Evaluator
        from byodkim.emulator.clock import Clock
        from byodkim.emulator.runtime import LambdaRuntime
        from byodkim.emulator.schedules import Scheduler

        self.clock = Clock(self.settings.clock_speed)
        self.alarms = Evaluator(self.clock)
        self.runtime = LambdaRuntime(
            workdir, port, self.settings.dns_servers, self.settings.lambda_network, on_metrics=self.alarms.tick
        )
        self.scheduler = Scheduler(self.clock, self.runtime.invoke_async, self.runtime.busy)
        event_sources.install()
        self.event_sources = event_sources.EventSources(self.runtime.invoke)

        def tick() -> None:
            while True:
                time.sleep(_TICK)
                self.tick()

        threading.Thread(target=tick, daemon=True, name="emulator-clock").start()

    def tick(self) -> None:
        """Fire the rules that are due and evaluate every alarm, once (the clock thread, or a step of the clock)."""
        with self._ticking:  # one at a time: a step must not fire a rule the clock thread is firing
            for step in (self.scheduler, self.event_sources, self.alarms):
                if step is None:
                    continue
                try:
                    step.tick()
                except RuntimeError:  # a dict moto's request threads changed meanwhile: next tick
                    continue
                except Exception:  # one bad rule or alarm must not stop the clock
                    logging.getLogger(__name__).exception("emulator clock")

    def step_clock(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Pause, resume or advance the clock (the control endpoint).

        An advance goes a minute at a time, as CloudWatch evaluates alarms every minute; at each
        minute what is due fires, and the runs it started are waited for (up to ``timeout``
        seconds), so on a held clock their data carries the minute they fired at, however long
        they took.
        """
        if self.clock is None:
            return {"now": time.time(), "paused": False}
        if payload.get("pause"):
            self.clock.pause()
        if payload.get("resume"):
            self.clock.resume()
        remaining, timeout = float(payload.get("advance", 0.0)), float(payload.get("timeout", 120.0))
        self.tick()  # a rule made since the last tick is seen now, so it fires one period from now
        while True:
            minute = min(remaining, _EVALUATION)
            if minute > 0:
                self.clock.advance(minute)
                remaining -= minute
            self.tick()
            if self.runtime is not None and not self.runtime.wait_idle(timeout):
                break  # a run that does not end: answer, and let the caller see the clock where it stopped
            if remaining <= 0:
                break
        return {"now": self.clock.now(), "paused": self.clock.paused}
