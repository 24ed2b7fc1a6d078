"""dmarc-report: the receivers' own verdict on the domain's mail, from their DMARC aggregate reports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from byodkim.cli.options import DOMAIN, SELECTOR, lang_option, output_option, profile_option
from byodkim.errors import InputError

if TYPE_CHECKING:
    from byodkim.dmarc.model import FileError
    from byodkim.dmarc.summary import Summariser


def _declared_selectors() -> tuple[str, ...]:
    """Return the selectors the Sceptre config declares (none outside a checkout)."""
    from byodkim import deployment

    folder = deployment.find_sceptre_dir()
    if folder is None:
        return ()
    target = deployment.read(folder)
    found = [spec.selector for spec in target.domains] + ([target.selector] if target.selector else [])
    return tuple(dict.fromkeys(s for s in found if s))


def _read(paths: tuple[str, ...], summariser: Summariser, profile: str | None, *, json_out: bool) -> list[FileError]:
    """Read every report into ``summariser``; with ``json_out``, print each counted report as it is read."""
    from byodkim.dmarc.model import FileError
    from byodkim.dmarc.sources import read_paths, s3_reader
    from byodkim.dmarc.summary import report_entry

    s3 = None
    if any(p.startswith("s3://") for p in paths):
        from byodkim.aws.session import Aws

        s3 = s3_reader(Aws(profile).client("s3"))
    errors: list[FileError] = []
    first = True
    for found in read_paths(paths, s3):
        if isinstance(found, FileError):
            errors.append(found)
        elif summariser.wanted(found) and summariser.add(found) and json_out:
            # One report at a time: a year of reports is never held to be printed at the end.
            click.echo(
                ("" if first else ",\n") + "    " + json.dumps(report_entry(found), ensure_ascii=False), nl=False
            )
            first = False
    return errors


@click.command("dmarc-report")
@click.argument("paths", nargs=-1, required=True)
@click.option("--domain", type=DOMAIN, help="Only this domain's reports (the report's policy domain).")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only reports whose period ends on or after DATE (UTC)."
)
@click.option(
    "--selector",
    "selectors",
    type=SELECTOR,
    multiple=True,
    help="The rollout's selector; repeat for several [default: those declared in the Sceptre config].",
)
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True, help="The policy verdict's window.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=99.0,
    show_default=True,
    help="Percent of the window's mail that must pass DMARC before p= may tighten.",
)
@click.option(
    "--min-orgs", type=click.IntRange(1), default=2, show_default=True, help="Reporting organisations needed."
)
@click.option("--min-days", type=click.IntRange(1), default=7, show_default=True, help="Days with reports needed.")
@profile_option
@output_option("text", "json", "markdown")
@lang_option("the summary")
def dmarc_report(
    paths: tuple[str, ...],
    domain: str | None,
    since: datetime | None,
    selectors: tuple[str, ...],
    days: int,
    threshold: float,
    min_orgs: int,
    min_days: int,
    profile: str | None,
    output: str,
    lang: str,
) -> int:
    """Summarise DMARC aggregate reports (PATH: .xml, .xml.gz, .zip, .eml, mbox, a folder, or s3://BUCKET/PREFIX).

    Exit 1 when mail signed with the rollout's selector failed aligned DKIM at some receiver.
    """
    from byodkim.dmarc.memo import render
    from byodkim.dmarc.summary import Summariser
    from byodkim.dmarc.tally import Request

    request = Request(
        domain=domain,
        since=int(since.replace(tzinfo=UTC).timestamp()) if since else None,
        selectors=selectors or _declared_selectors(),
        days=days,
        threshold=threshold,
        min_orgs=min_orgs,
        min_days=min_days,
    )
    summariser = Summariser(request)
    if output == "json":
        click.echo('{\n  "reports": [')
    errors = _read(paths, summariser, profile, json_out=output == "json")
    summary = summariser.summary()
    if output == "json":
        rest = json.dumps(
            {"errors": [{"file": e.file, "error": e.error} for e in errors], "summary": summary.as_dict()},
            indent=2,
            ensure_ascii=False,
        )
        click.echo("\n  ],\n" + rest[2:])
    else:
        click.echo(render(summary, errors, output, lang), nl=False)
    if not summary.domains:
        from byodkim.messages import say

        where = {"domain": domain} if domain else {}
        raise InputError(
            say("dmarc.none_read_for" if domain else "dmarc.none_read", paths=", ".join(paths), **where),
            say("dmarc.give_reports"),
        )
    return 0 if summary.ok else 1
