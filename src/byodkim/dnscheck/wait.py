"""Wait until every server publishes the key (and, when asked, SES reports SUCCESS), backing off."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from byodkim.dnscheck.check import Report, check
from byodkim.dnscheck.judge import AMBIGUOUS, DIFFERENT, MALFORMED, PRIVATE, REVOKED
from byodkim.errors import ByodkimError, InputError
from byodkim.messages import say

# What a published record can be that no amount of waiting turns into "ok".
PERMANENT = frozenset({DIFFERENT, PRIVATE, MALFORMED, REVOKED, AMBIGUOUS})


class PublishedMistakeError(ByodkimError):
    """A server publishes a record that is wrong in a way time will not fix."""


class UnroutableServersError(ByodkimError):
    """A server has no address this host can route to: waiting here cannot ever check it."""


if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.dnscheck.judge import Check


@dataclass
class SesView:
    """SES's DKIM status per region, as the wait loop last saw it."""

    statuses: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)  # region -> VerificationInfo.ErrorType, where SES gave one

    @property
    def success(self) -> bool:
        """Return whether every region reports SUCCESS."""
        return bool(self.statuses) and all(v == "SUCCESS" for v in self.statuses.values())

    @property
    def failed(self) -> list[str]:
        """Return the regions where SES gave up."""
        return [r for r, v in self.statuses.items() if v == "FAILED"]


@dataclass
class Waited:
    """Where things stood when waiting ended."""

    report: Report
    ses: SesView | None
    elapsed: float
    polls: int


PROGRESS_EVERY = 30.0  # seconds between progress lines of an unchanged wait (a log read later, a CI job's output)


class Paced:
    """Decide when a wait's progress line is due where no live line can be drawn (a log, a CI job, a pipe).

    A line at the first poll; then one when what it says changed, else one every ``every``
    seconds, so a wait of hours is never silent and a steady one writes at most one line per
    ``every`` (changes come at most once per poll, and polls back off to 60 s).
    """

    def __init__(self, every: float | None = None) -> None:
        self.every = PROGRESS_EVERY if every is None else every
        self.last_at: float | None = None
        self.last_text = ""

    def due(self, text: str, elapsed: float) -> bool:
        """Return whether to print ``text`` now (``elapsed``: seconds into the wait); remember it if so."""
        if self.last_at is not None and text == self.last_text and elapsed - self.last_at < self.every:
            return False
        self.last_at, self.last_text = elapsed, text
        return True


def wait(
    request: Check,
    *,
    timeout: float,
    interval: float = 5.0,
    ses: Callable[[], dict[str, str] | SesView] | None = None,
    progress: Callable[[Waited], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    through_mistakes: bool = False,
) -> Waited:
    """Poll until every server agrees (and SES reports SUCCESS when ``ses`` is given).

    Back-off grows from ``interval`` by half each poll, to at most 60 s. Raises
    :class:`WaitTimeoutError` when ``timeout`` passes; returns early when SES says FAILED.
    A server publishing a mistake waiting cannot fix (another key, the private key, a
    malformed, revoked or doubled record) stops the wait with :class:`PublishedMistakeError`
    at once, unless ``through_mistakes`` (the DNS team is replacing it).
    """
    from byodkim.errors import WaitTimeoutError

    start = time.monotonic()
    delay = interval
    polls = 0
    while True:
        polls += 1
        report = check(request)
        view = _view(ses()) if ses is not None and report.ok else None
        state = Waited(report, view, time.monotonic() - start, polls)
        if progress is not None:
            progress(state)
        if report.ok and (ses is None or (view is not None and (view.success or view.failed))):
            return state
        if report.unroutable:
            raise UnroutableServersError(say("wait.unroutable", summary=report.summary()), say("wait.unroutable_hint"))
        mistake = next((a for a in report.servers if a.outcome in PERMANENT), None)
        if mistake is not None and not through_mistakes:
            raise PublishedMistakeError(
                say(
                    "wait.mistake",
                    server=mistake.server,
                    outcome=say(f"outcome.{mistake.outcome}"),
                    detail=mistake.detail,
                ),
                say("wait.mistake_hint"),
            )
        remaining = timeout - (time.monotonic() - start)
        if remaining <= 0:
            took, where = _duration(timeout), report.summary()
            gave_up = say("wait.gave_up_ses", duration=took, where=where, ses=_ses_text(view)) if view else None
            raise WaitTimeoutError(gave_up or say("wait.gave_up", duration=took, where=where), say("wait.again"))
        sleep(min(delay, remaining))
        delay = min(delay * 1.5, 60.0)


def _ses_text(view: SesView) -> str:
    return ", ".join(f"{region} {status}" for region, status in view.statuses.items())


def _duration(seconds: float) -> str:
    """Return ``1h30m`` or ``20s`` as typed for --timeout (in Japanese ``1 時間 30 分``, ``20 秒``)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = {unit: value for unit, value in (("h", hours), ("m", minutes), ("s", secs)) if value}
    if not parts:
        return say("wait.duration_s", s=f"{seconds:.1f}")
    return say("wait.duration_" + "".join(parts), **parts)


def parse_duration(text: str) -> float:
    """Parse ``72h``, ``30m``, ``1h30m``, ``90s`` or plain seconds."""
    import re

    raw = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return float(raw)
    parts = re.findall(r"(\d+(?:\.\d+)?)([hms])", raw)
    if not parts or "".join(n + u for n, u in parts) != raw:
        raise InputError(say("wait.not_a_duration", text=text), say("wait.duration_hint"))
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)


def _view(seen: dict[str, str] | SesView) -> SesView:
    return seen if isinstance(seen, SesView) else SesView(seen)
