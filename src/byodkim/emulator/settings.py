"""What the emulator was told: where SES looks for DNS, the DKIM window, the clock's speed, faults, SES's rate.

Below the state object and the SES model, which both read it; it imports neither.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from byodkim.deployment import DKIM_WINDOW_SECONDS
from byodkim.emulator.wire import named

if TYPE_CHECKING:
    from byodkim.emulator.wire import Call

ACCOUNT = "123456789012"  # moto's default account


FAULT_KINDS = frozenset({"throttle", "5xx", "error", "reset", "delay"})


@dataclass
class Fault:
    """Answer matching calls with an error instead of passing them on."""

    service: str = "*"
    operation: str = "*"
    region: str = "*"
    kind: str = "throttle"  # throttle | 5xx | error | reset (the connection closed unanswered) | delay
    code: str = ""
    seconds: float = 0.0  # delay: how long the call is held before it is handled (applied after the wait)
    status: int = 400
    count: int = 1  # how many calls it answers; -1 for every call
    probability: float = 1.0  # the share of matching calls it answers (a seeded draw, so runs repeat)

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
    clock_speed: float = 1.0  # emulated seconds per real second, for schedules and alarm periods
    lambda_network: str = "auto"  # isolated | host | auto
    faults: list[Fault] = field(default_factory=list)
    calls: list[dict[str, str]] = field(default_factory=list)  # a log of service, operation, region, names
    lock: threading.Lock = field(default_factory=threading.Lock)
    draw: random.Random = field(default_factory=lambda: random.Random(1))  # noqa: S311 - fault injection
    ses_rate_at_start: float = 0.0  # the server's --ses-rate, which a reset returns to
    ses_limit: SesRateLimit = field(default_factory=lambda: SesRateLimit(0.0))
    # The account is in the SES sandbox (GetAccount ProductionAccessEnabled false): mail only to verified recipients.
    ses_sandbox: bool = False

    def __post_init__(self) -> None:
        if self.ses_rate_at_start and not self.ses_limit.rate:
            self.ses_limit = SesRateLimit(self.ses_rate_at_start)

    def take_fault(self, call: Call) -> Fault | None:
        """Return the first fault that applies, counting it down; SES's own rate limit when it is exceeded."""
        with self.lock:
            self.calls.append(
                {
                    "service": call.service,
                    "operation": call.operation,
                    "region": call.region,
                    # What the call acts on, so a test can ask IAM about it (tests/test_function_role.py).
                    "method": call.method,
                    "path": call.path,
                    **named(call),
                }
            )
            for fault in self.faults:
                if fault.count != 0 and fault.matches(call):
                    if fault.probability < 1.0 and self.draw.random() >= fault.probability:
                        continue
                    if fault.count > 0:
                        fault.count -= 1
                    return fault
        if call.service == "ses" and not self.ses_limit.allow(ACCOUNT, call.region, call.operation):
            return Fault(service="ses", kind="throttle", code="TooManyRequestsException", status=429)
        return None


def ses_family(operation: str) -> str:
    """Return the API family SES counts a call against: read (Get, List), send, or write."""
    if operation.startswith(("Get", "List")):
        return "read"
    return "send" if operation.startswith("Send") else "write"


@dataclass
class SesRateLimit:
    """SES's control-plane rate: a token bucket per account, region and API family (off at rate 0).

    ``burst`` tokens absorb the jitter of a client that paces exactly at the rate.
    """

    rate: float
    burst: float = 2.0
    families: dict[str, float] = field(default_factory=dict)  # a family's own rate, overriding ``rate``
    _buckets: dict[tuple[str, str, str], tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    throttled: int = 0

    def allow(self, account: str, region: str, operation: str) -> bool:
        """Take a token for the call; ``False`` (throttle it) when its bucket is empty."""
        family = ses_family(operation)
        rate = self.families.get(family, self.rate)
        if rate <= 0:
            return True
        key = (account, region, family)
        with self._lock:
            now = time.monotonic()
            tokens, stamp = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                self.throttled += 1
                return False
            self._buckets[key] = (tokens - 1.0, now)
            return True
