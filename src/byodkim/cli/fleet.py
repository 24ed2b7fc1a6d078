"""The fleet side of the commands: ``--all`` or several ``--domain``, one line per unit, a summary, a progress bar.

A command given one domain keeps its own output; given several (or ``--all``) it hands
units to :class:`byodkim.workflows.units.Run` and prints each outcome as it comes: a line
(``-o text``) or a JSON object per line (``-o json``), then the summary. The progress bar
goes to stderr and only to a terminal, so piped output stays one record per line.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from byodkim.cli.options import DOMAIN

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment, DomainSpec
    from byodkim.dnscheck.servers import Server
    from byodkim.messages import Said
    from byodkim.workflows.units import Outcome, Progress, Summary, Unit

F = TypeVar("F", bound="Callable[..., Any]")

domains_option = click.option(
    "--domain",
    "domains",
    type=DOMAIN,
    multiple=True,
    help="Mail domain, e.g. goo.ne.jp (IDN allowed); repeat for several.",
)
all_option = click.option(
    "--all", "every", is_flag=True, help="Every domain declared in the Sceptre config (`domains:`, see docs/fleet.md)."
)
ses_rate_option = click.option(
    "--ses-rate",
    type=click.FloatRange(min=0.01, max=10_000),
    envvar="BYODKIM_SES_RATE",
    help="SES calls per second per account and region [default: 1, or BYODKIM_SES_RATE].",
)


def fleet_options(function: F) -> F:
    """Add ``--domain`` (repeatable), ``--all`` and ``--ses-rate``."""
    return domains_option(all_option(ses_rate_option(function)))


@dataclass(frozen=True)
class Targets:
    """What a domain command acts on, as one value: the domains (or --all), regions, profile, name servers, pace.

    One domain or many, the command builds its request from this and takes the same workflow;
    only the printing differs (``many``).
    """

    domains: tuple[str, ...]
    every: bool
    ses_rate: float | None
    regions: tuple[str, ...]
    profile: str | None
    nameservers: tuple[Server, ...]

    @property
    def many(self) -> bool:
        """Return whether the command runs in fleet form (several domains, or --all)."""
        return is_fleet(self.domains, self.every)

    def specs(self, selector: str | None, *, need_selector: bool = True, need_regions: bool = True) -> list[DomainSpec]:
        """Return the domains to act on, each with its selector and regions (see :func:`chosen`)."""
        return chosen(
            self.domains, self.every, selector, self.regions, need_selector=need_selector, need_regions=need_regions
        )

    def aws(self, specs: Sequence[DomainSpec]) -> Aws:
        """Return the Aws handle with the run's pace; one domain's first region is its default region."""
        first = specs[0].regions[0] if specs and specs[0].regions and not self.many else None
        return aws_for(self.profile, self.ses_rate, first)


def target_options(function: F) -> F:
    """Add the options that choose what a domain command acts on, passed on as one ``targets`` value.

    ``--domain`` (repeatable), ``--all``, ``--ses-rate``, ``--region`` (repeatable, one REGION type),
    ``--profile`` and ``--nameserver``.
    """
    from byodkim.cli.options import nameserver_option, profile_option, regions_option, servers

    @functools.wraps(function)
    def wrapper(
        *args: Any,  # noqa: ANN401
        domains: tuple[str, ...],
        every: bool,
        ses_rate: float | None,
        regions: tuple[str, ...],
        profile: str | None,
        nameservers: tuple[list[Server], ...],
        **values: Any,  # noqa: ANN401
    ) -> Any:  # noqa: ANN401
        targets = Targets(tuple(domains), every, ses_rate, tuple(regions), profile, servers(nameservers))
        return function(*args, targets=targets, **values)

    return cast("F", fleet_options(regions_option(profile_option(nameserver_option(wrapper)))))


def domain_targets(function: F) -> F:
    """Add ``--domain`` (repeatable) and ``--all`` alone, passed on as ``targets`` (keygen: no AWS, no DNS).

    A command that reads nothing remote takes the same bundle as the others, its AWS and DNS
    parts empty, so choosing the domains is one path everywhere.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, domains: tuple[str, ...], every: bool, **values: Any) -> Any:  # noqa: ANN401
        return function(*args, targets=Targets(tuple(domains), every, None, (), None, ()), **values)

    return cast("F", domains_option(all_option(wrapper)))


def declared() -> Deployment | None:
    """Return the deployment of the Sceptre project in reach, ``None`` outside one."""
    from byodkim import deployment

    folder = deployment.find_sceptre_dir()
    return deployment.read(folder) if folder is not None else None


def chosen(
    domains: Sequence[str],
    every: bool,  # noqa: FBT001 - a click flag passed on
    selector: str | None,
    regions: Sequence[str],
    *,
    need_selector: bool = True,
    need_regions: bool = True,
) -> list[DomainSpec]:
    """Return the domains to act on; refuse an undeclared domain without ``--selector`` when one is needed.

    A named domain the Sceptre config does not declare gets one warning line naming the declared
    ones (a typo); regions are compared with the declaration only where the command uses them.
    """
    from byodkim.errors import InputError
    from byodkim.workflows.units import select

    target = declared() if (every or domains) else None
    specs = select(target, domains, every=every, selector=selector, regions=regions)
    if need_selector:
        bare = next((s.domain for s in specs if not s.selector), None)
        if bare is not None:
            from byodkim.messages import say

            raise InputError(say("fleet.no_selector", domain=bare), say("fleet.no_selector_hint"))
    if target is not None and not every:  # the command goes on: say what it goes on with
        from byodkim.cli.catalogue import text
        from byodkim.messages import say

        # The warning speaks the command's --lang (a command without one speaks English).
        context = click.get_current_context(silent=True)
        lang = str(context.params.get("lang") or "en") if context is not None else "en"
        for line in declaration_warnings(target, domains, regions, regions_matter=need_regions):
            click.echo(text(say("fleet.warning", line=line), lang), err=True)
    return specs


def declaration_warnings(
    target: Deployment, domains: Sequence[str], regions: Sequence[str], *, regions_matter: bool = True
) -> list[Said]:
    """Return what the operator typed that the Sceptre config does not declare (a typo, most often).

    What was typed still runs: an explicit --region wins over the declaration. AWS_REGION (or
    AWS_DEFAULT_REGION) applies only to a domain with no declared region; it is named when it
    differs from the declaration, so it is never ignored silently.
    """
    import difflib
    import os

    from byodkim.cli import catalogue  # noqa: F401 - adds the CLI's texts to the catalogue
    from byodkim.messages import say

    found: list[Said] = []
    names = [spec.domain for spec in target.domains]
    for name in dict.fromkeys(domains):
        spec = target.declared(name)
        if spec is None:
            close = difflib.get_close_matches(name, names, n=3, cutoff=0.8)
            listed = ", ".join(close or names) if close or len(names) <= 5 else f"{len(names)} domains"  # noqa: PLR2004
            if listed:
                found.append(say("fleet.not_declared", name=name, declared=listed))
            else:
                found.append(say("fleet.not_declared_none", name=name))
        elif not regions_matter:
            continue
        elif regions and set(regions) - set(spec.regions):
            extra = ", ".join(r for r in regions if r not in spec.regions)
            found.append(say("fleet.region_undeclared", extra=extra, name=name, declared=", ".join(spec.regions)))
        elif not regions and spec.regions:
            env = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            if env and env not in spec.regions:
                found.append(say("fleet.env_region", env=env, name=name, declared=", ".join(spec.regions)))
    return found


def is_fleet(domains: Sequence[str], every: bool) -> bool:  # noqa: FBT001 - a click flag passed on
    """Return whether the command runs in fleet form (several domains, or --all)."""
    return every or len(set(domains)) > 1


def line(outcome: Outcome, lang: str = "en") -> str:
    """Return an outcome's line: ``ok|FAIL  DOMAIN REGION: action (detail; next: step)``, in ``lang``.

    One path for every language: the line, its mark, the action and the next step are catalogue
    keys, so English and Japanese show the same facts (a unit's next step included).
    """
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    where = f"{outcome.domain} {outcome.region}" if outcome.region else outcome.domain
    step = coded("fleet.next.", outcome.next) if outcome.next else None
    detail = outcome.detail or None
    if detail and step:
        inner: object = say("fleet.detail_next", detail=detail, step=step)
    else:
        inner = say("fleet.next", step=step) if step else detail
    values = {"mark": say("fleet.mark.ok" if outcome.ok else "fleet.mark.fail"), "where": where}
    values["action"] = coded("fleet.action.", outcome.action, "outcome.")
    said = say("fleet.line_detail", detail=inner, **values) if inner else say("fleet.line", **values)
    return text(said, lang)


def coded(prefix: str, code: str, *others: str) -> str:
    """Return a code (an action, a next step) as a keyed word: ``prefix + code``'s, else ``others``', else as it is.

    A code that is already a keyed line (a next step with values) is its own word.
    """
    from byodkim.messages import Said, catalogue, say

    if isinstance(code, Said) and code.key:
        return code
    known = catalogue()
    key = next((p + code for p in (prefix, *others) if p + code in known), None)
    return say(key) if key is not None else code


class Bar:
    """A one-line progress bar on stderr: counts, failures, time left; nothing when stderr is not a terminal."""

    WIDTH = 24

    def __init__(self, label: str, lang: str = "en") -> None:
        self.label = label
        self.lang = lang
        self.live = sys.stderr.isatty()
        self.shown = False

    def clear(self) -> None:
        """Remove the bar before a result line is printed."""
        if self.shown:
            click.echo("\r\033[2K", nl=False, err=True)
            self.shown = False

    def draw(self, progress: Progress) -> None:
        """Redraw the bar, in the run's language (a person watches it: it is a catalogue line too)."""
        if not self.live:
            return
        from byodkim.cli.catalogue import Codes, text
        from byodkim.messages import say

        filled = int(self.WIDTH * progress.done / max(progress.total, 1))
        eta = progress.eta
        running = eta is not None and progress.done < progress.total
        left = say("fleet.bar.left", time=_duration(eta)) if running and eta is not None else ""
        failed = say("fleet.bar.failed", count=progress.failed) if progress.failed else ""
        bar = "#" * filled + "." * (self.WIDTH - filled)
        label = Codes("fleet.label.", self.lang).get(self.label, self.label)
        said = say(
            "fleet.bar", bar=bar, done=progress.done, total=progress.total, label=label, failed=failed, left=left
        )
        click.echo(f"\r{text(said, self.lang)}", nl=False, err=True)
        self.shown = True


def _duration(seconds: float) -> Said:
    from byodkim.messages import say

    whole = int(seconds + 0.5)
    if whole >= 60:  # noqa: PLR2004 - a minute
        return say("fleet.bar.minutes", minutes=whole // 60, seconds=f"{whole % 60:02d}")
    return say("fleet.bar.seconds", seconds=whole)


def run(
    todo: Sequence[Unit],
    work: Callable[[Unit], Outcome],
    output: str,
    label: str = "done",
    *,
    workers: int | None = None,
    lang: str = "en",
) -> int:
    """Run the units, print each outcome and the summary; return the exit code (1 if any failed, 130 if interrupted)."""
    from byodkim.workflows.units import Run

    bar = Bar(label, lang)

    def show(outcome: Outcome, progress: Progress) -> None:
        bar.clear()
        if output == "json":
            click.echo(_json_line(outcome.as_dict()))
        else:
            click.echo(line(outcome, lang))
        bar.draw(progress)

    summary = Run(work, show, unregional_workers=workers).run(todo)
    bar.clear()
    if output == "json":
        click.echo(_json_line(summary.as_dict()))
    else:
        click.echo(summary_line(summary, lang))
    if summary.interrupted:
        # As a single command's Ctrl-C: the entry point names the command to run to resume (exit 130).
        raise click.Abort from KeyboardInterrupt()
    return 0 if summary.ok else 1


def summary_line(summary: Summary, lang: str = "en") -> str:
    """Return the last line: how many units, how long, how many failed, and what was done, in ``lang``."""
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    counts = tuple(
        say("fleet.count", action=coded("fleet.action.", name, "outcome."), count=count)
        for name, count in sorted(summary.actions.items())
    )
    said = say(
        "fleet.summary",
        units=summary.units,
        seconds=f"{summary.seconds:.1f}",
        ok=summary.units - summary.failed,
        failed=summary.failed,
        actions=counts or say("fleet.nothing_done"),
    )
    return text(said, lang)


def _json_line(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))


def aws_for(profile: str | None, ses_rate: float | None, region: str | None = None) -> Aws:
    """Return the Aws handle with the run's SES pace."""
    from byodkim.aws.session import Aws

    return Aws(profile, region, ses_rate=ses_rate)


def ready(aws: Aws, specs: Sequence[DomainSpec], *services: str) -> None:
    """Create the clients a run needs, once, before its threads start.

    Thirty-two threads asking for a client at once queue behind the first, which then builds
    it with a thirty-second of the interpreter: seconds, against a tenth of a second here.
    """
    if aws.session.get_credentials() is None:  # one line now, not one failed line per domain
        from botocore.exceptions import NoCredentialsError

        raise NoCredentialsError
    regions = dict.fromkeys(r for spec in specs for r in spec.regions or (aws.default_region(),))
    for service in services:
        for region in regions:
            aws.client(service, region)  # type: ignore[call-overload]
