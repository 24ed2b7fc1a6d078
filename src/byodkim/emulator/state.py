"""The emulator's one state object: what it was told (DNS servers, the DKIM window, faults) and what it holds.

Created once by the server process and handed to the middleware and the CloudFormation
models, instead of module globals each reaches for.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from byodkim.emulator.ses import SesIdentities

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator.alarms import Evaluator
    from byodkim.emulator.outbound import Outbound
    from byodkim.emulator.runtime import LambdaRuntime
    from byodkim.emulator.schedules import Scheduler
    from byodkim.emulator.settings import Settings

_TICK = 0.1  # real seconds between looks at schedules and alarms


@dataclass
class State:
    """Settings and the SES identity store, shared by the API middleware and the CloudFormation models."""

    settings: Settings
    identities: SesIdentities
    outbound: Outbound
    runtime: LambdaRuntime | None = None  # set once the server knows its port
    scheduler: Scheduler | None = None
    alarms: Evaluator | None = None

    @classmethod
    def create(cls, settings: Settings) -> State:
        """Return a fresh state for one server process."""
        from byodkim.emulator.outbound import Outbound

        return cls(settings, SesIdentities(settings), Outbound.create())

    def forget_runs(self) -> None:
        """Forget past invocations, firings and alarm history (the control endpoint's reset)."""
        if self.runtime is not None:
            self.runtime.invocations.clear()
        if self.scheduler is not None:
            self.scheduler.next_fire.clear()
            self.scheduler.fired.clear()
        if self.alarms is not None:
            self.alarms.created.clear()
            self.alarms.objects.clear()

    def start_services(self, port: int, workdir: Path) -> None:
        """Start what runs on the emulator's own clock: Lambda runs, schedules, alarm evaluation."""
        from byodkim.emulator.alarms import Evaluator
        from byodkim.emulator.clock import Clock
        from byodkim.emulator.runtime import LambdaRuntime
        from byodkim.emulator.schedules import Scheduler

        clock = Clock(self.settings.clock_speed)
        self.alarms = Evaluator(clock)
        self.runtime = LambdaRuntime(
            workdir, port, self.settings.dns_servers, self.settings.lambda_network, on_metrics=self.alarms.tick
        )
        self.scheduler = Scheduler(clock, self.runtime.invoke_async, self.runtime.busy)

        def tick() -> None:
            while True:
                time.sleep(_TICK)
                for step in (self.scheduler.tick, self.alarms.tick):  # type: ignore[union-attr]
                    try:
                        step()
                    except RuntimeError:  # a dict moto's request threads changed meanwhile: next tick
                        continue
                    except Exception:  # one bad rule or alarm must not stop the clock
                        logging.getLogger(__name__).exception("emulator clock")

        threading.Thread(target=tick, daemon=True, name="emulator-clock").start()
