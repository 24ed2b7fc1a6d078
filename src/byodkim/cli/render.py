"""What commands show while they work and when they finish: live progress, the verify table, region lines.

Live progress on a terminal is rich's (imported only then, so `byodkim --help` and piped
runs never pay for it); elsewhere each change is one plain line on stderr.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.status import Status

    from byodkim.aws.secrets import KeySource
    from byodkim.aws.ses import RegionResult
    from byodkim.dnscheck.wait import Waited


def _live_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


class StepProgress:
    """Library progress ``(step, done, total)``: a rich progress bar on a terminal, step lines otherwise."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.last = ""
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        """Show that ``step`` is at ``done`` of ``total``."""
        if self.live:
            self._show(step, done, total)
        elif step != self.last:
            click.echo(f"{step}...", err=True)
        self.last = step

    def _show(self, step: str, done: int, total: int) -> None:
        if self._bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

            self._bar = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                console=_live_console(), transient=True,
            )  # fmt: skip
            self._bar.start()
            self._task = self._bar.add_task(step, total=total or None)
        if self._task is not None:
            self._bar.update(self._task, description=step, completed=done, total=total or None)

    def close(self) -> None:
        """Remove the live bar."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class WaitProgress:
    """The live line while ``verify --wait`` polls: one status line on a terminal, otherwise a line per change."""

    def __init__(self, output: str) -> None:
        self.live = sys.stderr.isatty()
        self.last: Waited | None = None
        self.last_text = ""
        self.quiet = output == "json" and not self.live
        self._status: Status | None = None
        from byodkim.dnscheck.wait import Paced

        self.paced = Paced()

    def __call__(self, state: Waited) -> None:
        """Show the latest poll."""
        self.last = state
        # Each server's own verdict, not only a count: "0/1" hides that a server publishes another key.
        verdicts = "; ".join(f"{a.server} {a.outcome}" for a in state.report.servers)
        text = f"{state.report.summary()} ({verdicts})" if verdicts else state.report.summary()
        if state.ses is not None:
            text += "; SES " + ", ".join(f"{r} {v}" for r, v in state.ses.statuses.items())
        if self.live:
            line = f"waiting {int(state.elapsed)}s (poll {state.polls}): {text}"
            if self._status is None:
                self._status = _live_console().status(line)
                self._status.start()
            else:
                self._status.update(line)
        elif not self.quiet and self.paced.due(text, state.elapsed):  # a log or CI job: never silent for long
            click.echo(f"waiting {int(state.elapsed)}s: {text}", err=True)
        self.last_text = text

    def close(self) -> None:
        """Remove the live line."""
        if self._status is not None:
            self._status.stop()
            self._status = None


def region_line(result: RegionResult) -> str:
    """Return ``REGION: ACTION (DKIM STATUS): DETAIL``, the line register and rollback print per region."""
    status = f" (DKIM {result.status})" if result.status else ""
    return f"{result.region}: {result.action}{status}{': ' + result.detail if result.detail else ''}"


def verify_result(state: Waited, output: str, lang: str = "en") -> None:
    """Print where the record (and SES) stood: a table per server, or JSON; text in ``lang``."""
    from byodkim.cli.options import echo_json

    report = state.report
    if output == "json":
        data = report.as_dict()
        if state.ses is not None:
            data["ses"] = state.ses.statuses
        echo_json(data)
        return
    say = _sayer(lang)
    zone = f"zone {report.zone}, " if report.zone else ""
    header = f"{report.name} ({zone}key {report.fingerprint})"
    say(header if lang != "ja" else header.replace("(zone ", "(ゾーン ").replace("key sha256", "鍵 sha256"))
    width = max((len(a.server) for a in report.servers), default=10)
    for answer in report.servers:
        serial = f"serial {answer.serial}" if answer.serial is not None else "serial -"
        say(f"  {answer.server:<{width}}  {answer.outcome:<13} {serial:<17} {answer.detail}")
        if answer.receiver:
            say(f"  {'':<{width}}  receiver (dkimpy, a message signed with the key): {answer.receiver}")
        for warning in answer.warnings:
            say(f"  {'':<{width}}  warning: {warning}")
    for hint in report.hints:
        say(f"hint: {hint}")
    say(report.summary())
    if state.ses is not None:
        for region, status in state.ses.statuses.items():
            say(f"SES {region}: {status}")
        for region in state.ses.failed:
            say(
                f"SES {region} gave up (FAILED): with the record live, "
                "run `byodkim register` again to restart verification"
            )


def _sayer(lang: str) -> Callable[[str], None]:
    """Return how a line is printed: as it is, or in Japanese through the one catalogue."""
    if lang != "ja":
        return click.echo
    from byodkim.cli.ja import translate

    return lambda line: click.echo(translate(line))


def print_registration(
    output: str,
    name: tuple[str, str],
    source: KeySource,
    chosen: tuple[str, ...],
    results: list[RegionResult],
    *,
    dry_run: bool,
) -> None:
    """Print what register did (or would do) with the key and in each region."""
    from byodkim.cli.options import echo_json

    domain, selector = name
    if output == "json":
        echo_json(
            {
                "domain": domain,
                "selector": selector,
                "fingerprint": source.key.public.fingerprint,
                "secret": {
                    "id": source.secret_id,
                    "region": chosen[0],
                    "action": source.action,
                    "kms_key": source.kms_key_id,
                },
                "generated": source.generated,
                "dry_run": dry_run,
                "regions": [r.as_dict() for r in results],
            }
        )
        return
    origin = "new key" if source.generated else "key"
    click.echo(f"{origin} {source.key.public.fingerprint}: {source.action} {source.secret_id} ({chosen[0]})")
    if source.action == "would store":
        click.echo(f"  would encrypt it with KMS key {source.kms_key_id}")
    for result in results:
        click.echo(region_line(result))
        for call in result.calls if dry_run else ():
            click.echo(f"  would call {call}")
