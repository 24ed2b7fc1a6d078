"""What commands show while they work and when they finish: live progress, the verify table, region lines.

Live progress on a terminal is rich's (imported only then, so `byodkim --help` and piped
runs never pay for it); elsewhere each change is one plain line on stderr.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.status import Status

    from byodkim.aws.secrets import KeySource
    from byodkim.aws.ses import RegionResult
    from byodkim.dnscheck.wait import Waited


def _live_console() -> Console:
    from rich.console import Console

    # rich draws with escapes of its own (cursor, colour): it writes to the terminal behind the CLI's
    # printable stderr, which would show them as text; what it is given passes _safe() first.
    return Console(file=getattr(sys.stderr, "terminal", sys.stderr))


def _safe(line: str) -> str:
    """Return ``line`` for rich: control characters as escapes (DNS text is written by others), no markup."""
    from rich.markup import escape

    from byodkim.display import printable

    return escape(printable(line))


class StepProgress:
    """Library progress ``(step, done, total)``: a rich progress bar on a terminal, step lines otherwise."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.live = sys.stderr.isatty()
        self.last = ""
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, step: str, done: int, total: int) -> None:
        """Show that ``step`` is at ``done`` of ``total`` (a catalogue line, in the command's language)."""
        from byodkim.cli.catalogue import text

        shown = text(step, self.lang)
        if self.live:
            self._show(_safe(shown), done, total)
        elif shown != self.last:
            click.echo(f"{shown}...", err=True)
        self.last = shown

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

    def __init__(self, output: str, lang: str = "en") -> None:
        self.lang = lang
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
        from byodkim.cli.catalogue import text as shown
        from byodkim.messages import say

        # Each server's own verdict, not only a count: "0/1" hides that a server publishes another key.
        verdicts = "; ".join(
            shown(say(f"outcome.{a.outcome}"), self.lang).join((f"{a.server} ", "")) for a in state.report.servers
        )
        text = shown(state.report.summary(), self.lang) + (f" ({verdicts})" if verdicts else "")
        if state.ses is not None:
            text += "; " + shown(
                say("verify.ses_states", states=", ".join(f"{r} {v}" for r, v in state.ses.statuses.items())), self.lang
            )
        if self.live:
            line = _safe(
                shown(say("verify.waiting_live", seconds=int(state.elapsed), polls=state.polls, text=text), self.lang)
            )
            if self._status is None:
                self._status = _live_console().status(line)
                self._status.start()
            else:
                self._status.update(line)
        elif not self.quiet and self.paced.due(text, state.elapsed):  # a log or CI job: never silent for long
            click.echo(shown(say("verify.waiting", seconds=int(state.elapsed), text=text), self.lang), err=True)
        self.last_text = text

    def close(self) -> None:
        """Remove the live line."""
        if self._status is not None:
            self._status.stop()
            self._status = None


def region_line(result: RegionResult, lang: str = "en") -> str:
    """Return ``REGION: ACTION (DKIM STATUS): DETAIL``, the line register and rollback print per region."""
    from byodkim.cli.catalogue import Codes, text
    from byodkim.messages import say

    status = say("region.status", status=result.status) if result.status else ""
    detail = say("region.detail", detail=text(result.detail, lang)) if result.detail else ""
    action = Codes("region.action.", lang).get(result.action, result.action)
    return text(say("region.line", region=result.region, action=action, status=status, detail=detail), lang)


def verify_result(state: Waited, output: str, lang: str = "en") -> None:
    """Print where the record (and SES) stood: a table per server, or JSON; text in ``lang``."""
    from byodkim.cli.options import echo_json

    report = state.report
    if output == "json":
        data = report.as_dict()
        if state.ses is not None:
            data["ses"] = state.ses.statuses
            if state.ses.errors:  # VerificationInfo.ErrorType per region, where SES gave one
                data["ses_errors"] = state.ses.errors
        echo_json(data)
        return
    for line in verify_lines(state, lang):
        click.echo(line)


def verify_lines(state: Waited, lang: str = "en") -> list[str]:
    """Return verify's table: columns aligned by display width, every line from the catalogue in ``lang``."""
    from byodkim.cli.catalogue import text
    from byodkim.display import display_width, pad
    from byodkim.messages import say

    report = state.report
    zone = {"zone": report.zone} if report.zone else {}
    head = say(
        "verify.header_zone" if zone else "verify.header", name=report.name, fingerprint=report.fingerprint, **zone
    )
    lines = [text(head, lang)]
    rows = [
        (
            answer.server,
            text(say(f"outcome.{answer.outcome}"), lang),
            text(say("verify.serial", serial="-" if answer.serial is None else answer.serial), lang),
            text(answer.detail, lang),
        )
        for answer in report.servers
    ]
    # English keeps its columns (13 and 17, a longer word overflowing its row); another language's
    # words and "serial" differ in width, so its columns are as wide as their widest cell.
    widths = [max((display_width(row[i]) for row in rows), default=10) for i in range(3)]
    if lang == "en":
        widths[1:] = [13, 17]
    width = widths[0]
    for answer, row in zip(report.servers, rows, strict=True):
        lines.append(f"  {pad(row[0], width)}  {pad(row[1], widths[1])} {pad(row[2], widths[2])} {row[3]}")
        below = [say("verify.receiver_pass")] if answer.receiver == "pass" else []
        if answer.receiver and not below:
            below = [say("verify.receiver_fail", why=answer.receiver.removeprefix("fail: "))]
        below += [say("verify.warning", text=warning) for warning in answer.warnings]
        lines += [f"  {'':<{width}}  {text(line, lang)}" for line in below]
    lines += [text(say("verify.hint", text=hint), lang) for hint in report.hints]
    lines.append(text(report.summary(), lang))
    if state.ses is not None:
        lines += [text(say("verify.ses", region=r, status=s), lang) for r, s in state.ses.statuses.items()]
        for region in state.ses.failed:
            lines.append(text(say("verify.ses_failed", region=region), lang))
            if state.ses.errors.get(region):
                from byodkim.aws.errors import ses_error  # here: boto's import must not delay the first line

                why = ses_error(state.ses.errors[region])
                lines.append(text(say("verify.ses_failed_why", region=region, why=why), lang))
    return lines


def print_registration(
    output: str,
    name: tuple[str, str],
    source: KeySource,
    chosen: tuple[str, ...],
    results: list[RegionResult],
    *,
    dry_run: bool,
    lang: str = "en",
) -> None:
    """Print what register did (or would do) with the key and in each region; text in ``lang``."""
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
    from byodkim.cli.catalogue import Codes, text
    from byodkim.messages import say

    action = Codes("key.action.", lang).get(source.action, source.action)
    head = say(
        "register.new_key" if source.generated else "register.key",
        fingerprint=source.key.public.fingerprint, action=action, secret=source.secret_id, region=chosen[0],
    )  # fmt: skip
    click.echo(text(head, lang))
    if source.action == "would store":
        click.echo(text(say("register.kms", kms=source.kms_key_id), lang))
    for result in results:
        click.echo(region_line(result, lang))
        for call in result.calls if dry_run else ():
            click.echo(text(say("register.would_call", call=call), lang))
