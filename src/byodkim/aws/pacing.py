"""Pacing SES's control plane: one token bucket per account and region, and patient retries on throttling.

SES answers its control-plane API (GetEmailIdentity, PutEmailIdentityDkimSigningAttributes, ...)
at about one request per second per account and region, and answers faster callers with
``TooManyRequestsException``. A loop over a fleet of domains hits that at once, and botocore's
standard retries (5 attempts, and a retry quota shared by the client) give up while the
bucket is still empty. So every SES client gets two hooks:

- ``before-send``: every attempt takes a token from the bucket of its account (asked of STS
  once; the profile if that fails) and region. The bucket reserves slots, so callers on many
  threads are served in turn and none sleeps holding a lock. A shared bucket's retry of a
  throttled attempt takes none: the attempt SES refused did not count, so its token stands for
  the retry (a new one would cost the caller ``concurrency + 1`` slots of the account's rate).
- ``needs-retry``: the one retry policy of SES calls (botocore's own retries are off for SES
  clients). A throttling answer is retried up to ``THROTTLE_ATTEMPTS`` times with full-jitter
  backoff, and pushes the bucket back one slot so every thread slows down, not only the one
  that was told. A 5xx answer or a broken connection is retried up to ``SERVER_ATTEMPTS``
  times from a budget of its own: throttling never eats the budget for server errors (five
  throttles then one 500 used to fail a call that four 500s alone passed). Each retry is
  logged on ``byodkim.progress``, naming the operation, region, attempt and delay.

A write that changes what SES signs with may carry a precondition (:func:`precondition`):
it runs immediately before every attempt, retries included, so a check made before a
minute of throttling does not stand for the moment the write lands.

A caller with a time limit (a fanned-out health batch) sets a deadline (:func:`deadline`): a call
whose slot would come after it is not made, and raises :class:`Late` at once, reserving nothing.

The rate is ``BYODKIM_SES_RATE`` (calls per second, default 1), or a command's ``--ses-rate``.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import random
import threading
import time
from typing import TYPE_CHECKING, Any

from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

log = logging.getLogger(__name__)
progress = logging.getLogger("byodkim.progress")  # lines an operator reads as they happen (see byodkim.redacted_logs)

RATE_ENV = "BYODKIM_SES_RATE"
DEFAULT_RATE = 1.0  # what SES allows an account by default, as users measure it
THROTTLE_ATTEMPTS = 12  # throttled answers retried before a domain is reported failed
SERVER_ATTEMPTS = 4  # 5xx answers and broken connections retried (botocore's standard mode: 4 retries)
BACKOFF_BASE = 0.5  # seconds; full jitter doubles the ceiling per attempt
BACKOFF_CAP = 20.0
SERVER_BACKOFF_CAP = 8.0
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
        raise InputError(say("pacing.bad_rate", name=name, value=value), say("pacing.give_number"))
    return rate


class TokenBucket:
    """Calls per second with a burst of ``burst``; ``take`` reserves the next slot and sleeps until it."""

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        tokens: float | None = None,
    ) -> None:
        self.rate, self.burst, self._clock, self._sleep = rate, burst, clock, sleep
        self._tokens, self._stamp = burst if tokens is None else tokens, clock()
        self._lock = threading.Lock()
        self.taken = 0
        self.waited = 0.0

    def take(self, until: float | None = None) -> float:
        """Take one token, sleeping until it is due; return the seconds slept.

        ``until``: a time on the bucket's clock; a token due after it is not taken (:class:`Late`).
        """
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            wait = max(0.0, (1.0 - self._tokens) / self.rate)  # until this caller's token is due
            if until is not None and now + wait > until:
                raise Late
            self._tokens -= 1.0  # below zero: a reservation the next callers queue behind
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


def bucket(account: str, region: str, rate: float, *, shared: bool = False) -> TokenBucket:
    """Return the process's bucket for ``account`` and ``region``, made at ``rate`` on first use.

    ``shared``: this process is one of several that split the account's rate between them (the
    fleet health check's consumers, started together by their queue). Each bucket then starts a
    random part of a slot in debt instead of full, so their first calls spread over the slot
    rather than arriving at SES in one instant, where all but one would be throttled.
    """
    with _BUCKETS_LOCK:
        found = _BUCKETS.get((account, region))
        if found is None or found.rate != rate:
            start = -random.random() if shared else None  # noqa: S311 - a spread in time, not a secret
            found = _BUCKETS[(account, region)] = TokenBucket(rate, tokens=start)
        return found


def throttled(response: Any, caught: BaseException | None) -> bool:  # noqa: ANN401 - botocore's response tuple
    """Return whether an answer says "too fast": a throttling error code, or HTTP 429."""
    if caught is not None or response is None:
        return False
    http, parsed = response
    code = parsed.get("Error", {}).get("Code", "") if isinstance(parsed, dict) else ""
    return code in THROTTLING or getattr(http, "status_code", 0) == 429  # noqa: PLR2004 - Too Many Requests


_CONNECTION_ERRORS = (
    "ConnectionClosedError",
    "EndpointConnectionError",
    "ReadTimeoutError",
    "ConnectTimeoutError",
    "ConnectionError",
    "ProxyConnectionError",
)


def server_error(response: Any, caught: BaseException | None) -> str | None:  # noqa: ANN401 - botocore's tuple
    """Return what went wrong when an answer is worth retrying from the server budget (a 5xx, a broken connection)."""
    if caught is not None:
        names = {kind.__name__ for kind in type(caught).__mro__}
        return "the connection broke" if names.intersection(_CONNECTION_ERRORS) else None
    if response is None:
        return None
    status = getattr(response[0], "status_code", 0)
    return f"HTTP {status}" if status >= 500 else None  # noqa: PLR2004 - server errors


class Late(Exception):  # noqa: N818 - not a failure: the caller's time is up before the call's slot
    """A call whose slot would come after the caller's deadline, not made."""


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("byodkim_deadline", default=None)


@contextlib.contextmanager
def deadline(when: float) -> Iterator[None]:
    """Refuse, with :class:`Late`, every SES call in this block whose slot would come after ``when`` (monotonic)."""
    token = _DEADLINE.set(when)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


_PRECONDITION: contextvars.ContextVar[tuple[frozenset[str], Callable[[], None]] | None] = contextvars.ContextVar(
    "byodkim_precondition", default=None
)


@contextlib.contextmanager
def precondition(operations: frozenset[str], check: Callable[[], None]) -> Iterator[None]:
    """Run ``check`` immediately before every attempt of ``operations`` made in this block (retries included).

    ``check`` raises to stop the call: the exception comes out of the client call unchanged
    and is never retried.
    """
    token = _PRECONDITION.set((operations, check))
    try:
        yield
    finally:
        _PRECONDITION.reset(token)


def _token_kept(request: Any) -> bool:  # noqa: ANN401 - botocore's AWSPreparedRequest
    """Return whether this attempt retries a throttled one whose token stands for it (and forget it)."""
    context = getattr(request, "context", None)
    return isinstance(context, dict) and bool(context.pop("byodkim_token_kept", False))


def _after_throttle(
    paced: TokenBucket, slot: float | None, context: dict[str, Any], name: str, region: str
) -> float | None:
    """Return the delay before a throttled attempt's retry (None: give up), pushing the bucket back."""
    counts = context["byodkim_retries"]
    counts["throttle"] += 1
    if counts["throttle"] > THROTTLE_ATTEMPTS:
        return None
    paced.push_back(1.0 if slot is None else paced.rate * slot)
    if slot is not None:  # shared: the refused attempt's token stands for the retry (see the module)
        context["byodkim_token_kept"] = True
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (counts["throttle"] - 1)) * (slot or 1.0)
    delay = random.uniform(0, ceiling)  # noqa: S311 - jitter
    progress.info(say("pacing.throttled", operation=name, region=region, attempt=counts["throttle"],
                      attempts=THROTTLE_ATTEMPTS, seconds=f"{delay:.1f}"))  # fmt: skip
    return delay


def install(client: Any, find: Callable[[], TokenBucket], slot: float | None = None) -> None:  # noqa: ANN401
    """Pace every attempt of ``client`` through the bucket ``find`` returns; retry throttled and failed calls.

    ``find`` runs at the first call (it may ask STS whose account this is), then is remembered.
    ``slot``: for a bucket holding a share of the account's rate, the seconds of one call at the
    account's rate. A throttle then costs the bucket one such slot (not one of its own, which is
    several: every consumer would pay for the whole account's excess), and the backoff is counted
    in slots (1 s at SES's default rate), so a retry waits as long in SES's terms at any rate.
    """
    service = client.meta.service_model.service_id.hyphenize()
    region = client.meta.region_name
    found: list[TokenBucket] = []
    lock = threading.Lock()

    def bucket_of_client() -> TokenBucket:
        with lock:
            if not found:
                found.append(find())
            return found[0]

    def before_send(event_name: str = "", request: Any = None, **_: Any) -> None:  # noqa: ANN401
        if not _token_kept(request):
            bucket_of_client().take(_DEADLINE.get())
        guard = _PRECONDITION.get()
        if guard is not None and event_name.rsplit(".", 1)[-1] in guard[0]:
            guard[1]()  # after the wait for a token: as close to the attempt as it can be

    def needs_retry(
        response: Any,  # noqa: ANN401 - botocore's response tuple
        caught_exception: BaseException | None,
        operation: Any,  # noqa: ANN401 - botocore's OperationModel
        request_dict: dict[str, Any],
        **_: Any,  # noqa: ANN401
    ) -> float | None:
        # Per-request counts, kept in the request's own context so each budget is counted apart.
        counts = request_dict.setdefault("context", {}).setdefault("byodkim_retries", {"throttle": 0, "server": 0})
        if throttled(response, caught_exception):
            return _after_throttle(bucket_of_client(), slot, request_dict["context"], operation.name, region)
        what = server_error(response, caught_exception)
        if what is None:
            return None
        counts["server"] += 1
        if counts["server"] > SERVER_ATTEMPTS:
            return None
        delay = random.uniform(0, min(SERVER_BACKOFF_CAP, BACKOFF_BASE * 2 ** (counts["server"] - 1)))  # noqa: S311
        progress.info(say("pacing.server_error", operation=operation.name, region=region, what=what,
                          attempt=counts["server"], attempts=SERVER_ATTEMPTS, seconds=f"{delay:.1f}"))  # fmt: skip
        return delay

    client.meta.events.register(f"before-send.{service}", before_send)
    client.meta.events.register_first(f"needs-retry.{service}", needs_retry)
