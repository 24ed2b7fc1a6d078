"""Pacing SES's control plane: one token bucket per account and region, and patient retries on throttling.

SES answers its control-plane API (GetEmailIdentity, PutEmailIdentityDkimSigningAttributes, ...)
at about one request per second per account and region, and answers faster callers with
``TooManyRequestsException``. A loop over a fleet of domains hits that at once, and botocore's
standard retries (5 attempts, and a retry quota shared by the client) give up while the
bucket is still empty. So every SES client gets two hooks:

- ``before-send``: every attempt, retries included, takes a token from the bucket of its
  account (asked of STS once; the profile if that fails) and region. The bucket reserves
  slots, so callers on many threads are served in turn and none sleeps holding a lock.
- ``needs-retry``: a throttling answer is retried up to ``THROTTLE_ATTEMPTS`` times with
  full-jitter backoff, and pushes the bucket back one slot so every thread slows down, not
  only the one that was told. Other errors are left to botocore's standard retries.

The rate is ``BYODKIM_SES_RATE`` (calls per second, default 1), or a command's ``--ses-rate``.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from typing import TYPE_CHECKING, Any

from byodkim.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

RATE_ENV = "BYODKIM_SES_RATE"
DEFAULT_RATE = 1.0  # what SES allows an account by default, as users measure it
THROTTLE_ATTEMPTS = 12  # throttled answers retried before a domain is reported failed
BACKOFF_BASE = 0.5  # seconds; full jitter doubles the ceiling per attempt
BACKOFF_CAP = 20.0
THROTTLING = frozenset(
    {
        "TooManyRequestsException",  # SESv2's own (HTTP 429), as its API model declares it
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
    }
)


def rate_from(value: str | float | None, name: str = RATE_ENV) -> float:
    """Return a pacing rate (calls per second) from a flag or the environment; refuse nonsense."""
    if value is None or value == "":
        raw = os.environ.get(RATE_ENV, "")
        if not raw:
            return DEFAULT_RATE
        value, name = raw, RATE_ENV
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not 0 < rate <= 10_000:  # noqa: PLR2004 - beyond any quota SES grants
        raise InputError(f"{name} `{value}` is not a rate in calls per second", "give a number such as 1 or 25")
    return rate


class TokenBucket:
    """Calls per second with a burst of ``burst``; ``take`` reserves the next slot and sleeps until it."""

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate, self.burst, self._clock, self._sleep = rate, burst, clock, sleep
        self._tokens, self._stamp = burst, clock()
        self._lock = threading.Lock()
        self.taken = 0
        self.waited = 0.0

    def take(self) -> float:
        """Take one token, sleeping until it is due; return the seconds slept."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0  # below zero: a reservation the next callers queue behind
            wait = max(0.0, -self._tokens / self.rate)
            self.taken += 1
            self.waited += wait
        if wait > 0:
            self._sleep(wait)
        return wait

    def push_back(self, slots: float = 1.0) -> None:
        """Delay every caller by ``slots`` tokens' time (the service said we were too fast)."""
        with self._lock:
            self._tokens -= slots


_BUCKETS: dict[tuple[str, str], TokenBucket] = {}
_BUCKETS_LOCK = threading.Lock()


def bucket(account: str, region: str, rate: float) -> TokenBucket:
    """Return the process's bucket for ``account`` and ``region``, made at ``rate`` on first use."""
    with _BUCKETS_LOCK:
        found = _BUCKETS.get((account, region))
        if found is None or found.rate != rate:
            found = _BUCKETS[(account, region)] = TokenBucket(rate)
        return found


def throttled(response: Any, caught: BaseException | None) -> bool:  # noqa: ANN401 - botocore's response tuple
    """Return whether an answer says "too fast": a throttling error code, or HTTP 429."""
    if caught is not None or response is None:
        return False
    http, parsed = response
    code = parsed.get("Error", {}).get("Code", "") if isinstance(parsed, dict) else ""
    return code in THROTTLING or getattr(http, "status_code", 0) == 429  # noqa: PLR2004 - Too Many Requests


def install(client: Any, find: Callable[[], TokenBucket]) -> None:  # noqa: ANN401 - any boto3 client
    """Pace every attempt of ``client`` through the bucket ``find`` returns; retry throttled calls patiently.

    ``find`` runs at the first call (it may ask STS whose account this is), then is remembered.
    """
    service = client.meta.service_model.service_id.hyphenize()
    found: list[TokenBucket] = []
    lock = threading.Lock()

    def bucket_of_client() -> TokenBucket:
        with lock:
            if not found:
                found.append(find())
            return found[0]

    def before_send(**_: Any) -> None:  # noqa: ANN401
        bucket_of_client().take()

    def needs_retry(response: Any, attempts: int, caught_exception: BaseException | None, **_: Any) -> float | None:  # noqa: ANN401
        if not throttled(response, caught_exception):
            return None  # botocore's standard handler decides
        if attempts > THROTTLE_ATTEMPTS:
            return None
        bucket_of_client().push_back()
        delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempts - 1)))  # noqa: S311 - jitter
        log.debug("throttled (attempt %d); retrying in %.2f s", attempts, delay)
        return delay

    client.meta.events.register(f"before-send.{service}", before_send)
    client.meta.events.register_first(f"needs-retry.{service}", needs_retry)
