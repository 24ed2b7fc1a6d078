"""activate-receiving: make phase 8's DMARC reports rule set the active one, never replacing another silently."""

from __future__ import annotations

import click

from byodkim.cli.options import env_option, lang_option, profile_option, region_option


@click.command("activate-receiving")
@click.option(
    "--replace-active",
    metavar="RULE_SET",
    help="The receipt rule set active now that may stop (SES keeps one active per account and region).",
)
@env_option
@profile_option
@region_option
@click.option("--dry-run", is_flag=True, help="Say what would be activated; change nothing.")
@lang_option("the output")
def activate_receiving(
    replace_active: str | None,
    environment: str | None,
    profile: str | None,
    region: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    lang: str,
) -> None:
    """Activate the receipt rule set that stores DMARC reports (phase 8 with dmarc_reports_address)."""
    from byodkim import deployment
    from byodkim.aws.receiving import activate
    from byodkim.aws.session import Aws
    from byodkim.messages import render

    target = deployment.read(group=environment or deployment.DEFAULT_GROUP)
    aws = Aws(profile, region or target.region)
    where = aws.default_region()
    done = activate(aws.client("ses", where), where, target.dmarc_rule_set, replace=replace_active, dry_run=dry_run)
    click.echo(render(done.line(), lang))
