"""The emulator's one state object: what it was told (DNS servers, the DKIM window, faults) and what it holds.

Created once by the server process and handed to the middleware and the CloudFormation
models, instead of module globals each reaches for.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from byodkim.deployment import DKIM_WINDOW_SECONDS

if TYPE_CHECKING:
    from byodkim.emulator.ses import SesIdentities
    from byodkim.emulator.wire import Call

ACCOUNT = "123456789012"  # moto's default account


@dataclass
class Fault:
    """Answer matching calls with an error instead of passing them on."""

    service: str = "*"
    operation: str = "*"
    region: str = "*"
    kind: str = "throttle"  # throttle | 5xx | error
    code: str = ""
    status: int = 400
    count: int = 1  # how many calls it answers; -1 for every call

    def matches(self, call: Call) -> bool:
        """Return whether this fault applies to ``call``."""
        return all(
            want in ("*", have)
            for want, have in (
                (self.service, call.service),
                (self.operation, call.operation),
                (self.region, call.region),
            )
        )


@dataclass
class Settings:
    """What the emulator was told: where SES looks for DNS, how long it waits, which faults to inject."""

    dns_servers: list[str] = field(default_factory=list)
    dkim_window: float = DKIM_WINDOW_SECONDS
    faults: list[Fault] = field(default_factory=list)
    calls: list[dict[str, str]] = field(default_factory=list)  # a log of (service, operation, region)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, call: Call) -> Fault | None:
        """Return the first fault that applies, counting it down."""
        with self.lock:
            self.calls.append({"service": call.service, "operation": call.operation, "region": call.region})
            for fault in self.faults:
                if fault.count != 0 and fault.matches(call):
                    if fault.count > 0:
                        fault.count -= 1
                    return fault
        return None


@dataclass
class State:
    """Settings and the SES identity store, shared by the API middleware and the CloudFormation models."""

    settings: Settings
    identities: SesIdentities

    @classmethod
    def create(cls, settings: Settings) -> State:
        """Return a fresh state for one server process."""
        from byodkim.emulator.ses import SesIdentities

        return cls(settings, SesIdentities(settings))
