"""Commands on the SES identity: register, status, rollback."""

from __future__ import annotations

import dataclasses
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from byodkim.cli import fleet
from byodkim.cli.fleet import fleet_options
from byodkim.cli.options import (
    aws_regions,
    declared_selector_option,
    domain_option,
    echo_json,
    key_file_option,
    kms_key,
    lang_option,
    nameserver_option,
    output_option,
    passphrase_option,
    prefix,
    profile_option,
    record_selector,
    regions_option,
    secret_readers,
    servers,
    signing_key,
)
from byodkim.cli.render import print_registration, region_line
from byodkim.deployment import SECRET_PREFIX, secret_id
from byodkim.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.aws.secrets import KeySource
    from byodkim.aws.ses import LiveCheck, RegionResult, RegionStatus, Registration
    from byodkim.aws.session import Aws
    from byodkim.deployment import DomainSpec
    from byodkim.dnscheck.servers import Server


def _next_after_register(results: list[RegionResult], domain: str, selector: str) -> str:
    """Return the next step for what SES says now: nothing when it signs with this key already."""
    if all(r.status == "SUCCESS" for r in results):
        return (
            f"next: nothing; SES signs with {selector} in every region (check with {prefix()} status --domain {domain})"
        )
    return (
        f"next: have the record published ({prefix()} phase 4 --domain {domain}, then phase 5), then "
        f"{prefix()} verify --domain {domain} --selector {selector} --secret-id "
        f"{secret_id(domain, selector)} --ses --wait"
    )


@click.command()
@fleet_options
@declared_selector_option
@key_file_option
@passphrase_option
@click.option("--secret-id", help="Secrets Manager secret holding the key [default: byodkim/dkim/DOMAIN/SELECTOR].")
@click.option(
    "--key-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="With --all or several --domain: keygen's folder; registers DIR/DOMAIN/SELECTOR.private.pem for each.",
)
@click.option(
    "--kms-key-id",
    help="KMS key for a new secret [default: phase 1's alias/<project>-<env>-dkim-secrets, else its "
    "alias/<project>-<env>-dkim; refused when neither exists].",
)
@regions_option
@profile_option
@click.option("--dry-run", is_flag=True, help="Print the calls it would make; change nothing.")
@click.option(
    "--force", is_flag=True, help="Switch an identity that signs now (Easy DKIM or another key) without the DNS check."
)
@nameserver_option
@output_option("text", "json")
def register(
    domains: tuple[str, ...],
    every: bool,  # noqa: FBT001 - a click flag
    ses_rate: float | None,
    selector: str | None,
    key_file: Path | None,
    passphrase: bytes | None,
    secret_id: str | None,
    key_dir: Path | None,
    kms_key_id: str | None,
    regions: tuple[str, ...],
    profile: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    force: bool,  # noqa: FBT001 - a click flag
    nameservers: tuple[list[Server], ...],
    output: str,
) -> int:
    """Register the DKIM key with SES (SigningAttributesOrigin=EXTERNAL) in each region.

    With several --domain or --all, each domain's key comes from its secret (generated and
    stored first when there is none), one line per domain and region.
    """
    from byodkim.aws import secrets
    from byodkim.aws.guards import live_check
    from byodkim.aws.ses import Registration, register

    if key_file is not None and secret_id is not None:
        raise InputError("give --key-file or --secret-id, not both")
    specs = fleet.chosen(domains, every, selector, regions)
    if fleet.is_fleet(domains, every):
        if key_file is not None or secret_id is not None:
            raise InputError("--key-file and --secret-id name one domain's key", "give one --domain with them")
        return _register_fleet(
            specs, profile, ses_rate, kms_key_id, dry_run, force, servers(nameservers), output, key_dir
        )
    if key_dir is not None:
        raise InputError("--key-dir is for several domains", "give one domain's key with --key-file")
    domain, selector = specs[0].domain, specs[0].selector
    given = signing_key(key_file, passphrase) if key_file is not None else None
    aws, chosen = aws_regions(profile, specs[0].regions, ses_rate)
    sm = aws.client("secretsmanager", chosen[0])
    kms = kms_key(aws, chosen[0], kms_key_id)
    obtain = functools.partial(
        secrets.obtain_key,
        sm,
        domain=domain,
        selector=selector,
        secret_id=secret_id,
        kms_key_id=kms,
        readers=secret_readers(aws, chosen[0]) if not dry_run else (),
    )
    # The key first in memory only, and the guard asked on a dry run: a refused register writes
    # nothing (no secret, no SES change), so a refusal leaves the account as it found it.
    source = obtain(given=given, dry_run=True)
    check = live_check(domain, selector, source.key.public, servers(nameservers))
    results = register(Registration(domain, selector, source.key, chosen, dry_run=True, force=force), aws, check)
    if not dry_run:
        request = Registration(domain, selector, source.key, chosen, force=force)
        source, results = _register_planned(obtain, source, results, request, aws, check, servers(nameservers))
    print_registration(output, (domain, selector), source, chosen, results, dry_run=dry_run)
    if output != "json" and not dry_run and all(r.ok for r in results):
        click.echo(_next_after_register(results, domain, selector))
    return 0 if all(r.ok for r in results) else 1


def _register_planned(
    obtain: Callable[..., KeySource],
    source: KeySource,
    planned: list[RegionResult],
    request: Registration,
    aws: Aws,
    check: LiveCheck,
    nameservers: tuple[Server, ...],
) -> tuple[KeySource, list[RegionResult]]:
    """Carry out a planned registration: nothing when a region refused, else store the key, then register."""
    from byodkim.aws.ses import UNPUBLISHED, register

    if any(r.action == "refused" for r in planned):
        return dataclasses.replace(source, action="not stored"), planned
    if source.action == "would store":
        source = dataclasses.replace(obtain(given=source.key, dry_run=False), generated=source.generated)
    if all(r.action == "already registered" for r in planned):
        return source, planned  # SES holds this key everywhere: no second read
    results = register(request, aws, check)
    from byodkim.rollout.rotate import undo_unpublished

    back = undo_unpublished(request.domain, results, aws, nameservers)  # as rotate: no region left on it
    for result in results:
        if result.action == "refused":  # the record went between the plan and an attempt of the switch
            result.detail += ". Have the record published again, check it with `byodkim verify`, then run again"
        if result.action == UNPUBLISHED:
            result.detail += (
                f"; {back}. Have the record published again, check it with `byodkim verify`, then run again"
            )
    if any(r.action in ("created", "updated") for r in results) and all(r.ok for r in results):
        record_selector(aws, request.regions[0], request.domain, request.selector)  # phases 4, 5, 7 read SSM
    return source, results


def _register_fleet(
    specs: list[DomainSpec],
    profile: str | None,
    ses_rate: float | None,
    kms_key_id: str | None,
    dry_run: bool,  # noqa: FBT001
    force: bool,  # noqa: FBT001
    nameservers: tuple[Server, ...],
    output: str,
    key_dir: Path | None,
) -> int:
    from byodkim.rollout.fleet import units
    from byodkim.rollout.fleetops import RegisterWork, public_keys

    aws = fleet.aws_for(profile, ses_rate)
    todo = units(specs, aws.default_region)
    fleet.ready(aws, [u.spec for u in todo], "secretsmanager", "sesv2", "sts")
    kept = public_keys(aws, [u.spec for u in todo], SECRET_PREFIX)
    work = RegisterWork(
        aws,
        lambda region: kms_key(aws, region, kms_key_id),
        dry_run,
        force,
        nameservers,
        kept,
        key_dir,
        readers=lambda region: secret_readers(aws, region),
    )
    return fleet.run(todo, work, output, "domain-regions registered")


@click.command()
@fleet_options
@regions_option
@profile_option
@nameserver_option
@click.option("--no-dns", is_flag=True, help="Show SES's view only.")
@output_option("text", "json")
@lang_option("the table")
def status(
    domains: tuple[str, ...],
    every: bool,  # noqa: FBT001 - a click flag
    ses_rate: float | None,
    regions: tuple[str, ...],
    profile: str | None,
    nameservers: tuple[list[Server], ...],
    no_dns: bool,  # noqa: FBT001 - a click flag
    output: str,
    lang: str,
) -> int:
    """Show the identity's DKIM state in each region, and the record on the name servers beside it."""
    from dataclasses import asdict

    from byodkim.aws.ses import status as ses_status
    from byodkim.rollout.report import dns_views

    specs = fleet.chosen(domains, every, None, regions, need_selector=False)
    if fleet.is_fleet(domains, every):
        from byodkim.rollout.fleet import units
        from byodkim.rollout.fleetops import StatusWork

        aws = fleet.aws_for(profile, ses_rate)
        fleet.ready(aws, specs, "sesv2")
        return fleet.run(units(specs, aws.default_region), StatusWork(aws), output, "domain-regions read", lang=lang)
    domain = specs[0].domain
    aws, chosen = aws_regions(profile, specs[0].regions, ses_rate)
    found = ses_status(domain, chosen, aws)
    views = [] if no_dns else dns_views(domain, found, servers(nameservers))
    if output == "json":
        echo_json({"domain": domain, "regions": [s.as_dict() for s in found], "dns": [asdict(v) for v in views]})
        return 1 if any(item.error for item in found) or not any(item.exists for item in found) else 0
    if not any(item.exists or item.error for item in found):
        # A typo reads as "no identity" everywhere: a state no rollout step leaves, so not a success.
        _status_table(domain, found, lang)
        click.echo(f"error: no SES identity for {domain} in {', '.join(chosen)}", err=True)
        return 1
    _status_table(domain, found, lang)
    for view in views:
        if lang == "ja":
            from byodkim.cli.ja import OUTCOMES, translate

            click.echo(f"DNS: {translate(view.summary)}")
            for answer in view.servers:
                outcome = OUTCOMES.get(answer.outcome, answer.outcome)
                click.echo(f"  {answer.server}: {outcome} {translate(answer.detail)}".rstrip())
            continue
        click.echo(f"dns: {view.summary}")
        for answer in view.servers:
            click.echo(f"  {answer.server}: {answer.outcome} {answer.detail}".rstrip())
    return 1 if any(item.error for item in found) else 0


_HEADERS = {
    "en": ("REGION", "ORIGIN", "STATUS", "SIGNING", "SELECTOR", "SENDING", "KEY SINCE"),
    "ja": ("リージョン", "鍵の出所", "状態", "署名", "セレクタ", "送信", "鍵の作成日時"),
}


def _status_table(domain: str, found: list[RegionStatus], lang: str = "en") -> None:
    """Print one row per region under a header, columns aligned by display width (full data: -o json)."""
    from byodkim.text import display_width, pad

    header = _HEADERS[lang]
    ja = lang == "ja"
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for item in found:
        if item.error:
            notes.append(f"{item.region}: {'エラー' if ja else 'error'}: {item.error}")
        elif not item.exists:
            notes.append(
                f"{item.region}: {domain} の ID はありません" if ja else f"{item.region}: no identity for {domain}"
            )
        else:
            selector = ",".join(item.tokens) if item.origin == "EXTERNAL" else f"Easy DKIM ({len(item.tokens)} tokens)"
            rows.append(
                (
                    item.region,
                    str(item.origin),
                    str(item.status),
                    "on" if item.signing_enabled else "off",
                    selector or "-",
                    ("送信可" if item.verified_for_sending else "未確認")
                    if ja
                    else ("verified" if item.verified_for_sending else "not verified"),
                    str(item.last_key_time or "-")[:19],
                )
            )
    if rows:
        widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            click.echo("  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())
    for note in notes:
        click.echo(note)
    for item in found:
        if item.exists and item.origin != "EXTERNAL" and item.tokens:
            click.echo(
                f"{item.region}: Easy DKIM CNAME records:" if not ja else f"{item.region}: Easy DKIM の CNAME レコード:"
            )
            for line in cname_lines(domain, item.tokens):
                click.echo(f"  {line}")


@click.command()
@domain_option
@regions_option
@profile_option
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@output_option("text", "json")
def rollback(
    domain: str,
    regions: tuple[str, ...],
    profile: str | None,
    yes: bool,  # noqa: FBT001 - a click flag
    dry_run: bool,  # noqa: FBT001 - a click flag
    output: str,
) -> int:
    """Switch the identity back to Easy DKIM (SigningAttributesOrigin=AWS_SES)."""
    from byodkim.aws.guards import ses_statuses
    from byodkim.aws.ses import rollback as switch_back

    aws, chosen = aws_regions(profile, regions)
    warning = (
        f"warning: after the switch, mail from {domain} goes out without {domain}'s DKIM signature until Easy "
        "DKIM's three CNAME records are published and SES verifies them (printed after the switch; "
        f"`{prefix()} status --domain {domain}` shows them)"
    )
    if dry_run:
        seen = ses_statuses(aws, domain, chosen)
        plan = {
            r: ("would switch to Easy DKIM" if s != "NO IDENTITY" else "no identity: nothing") for r, s in seen.items()
        }
        if output == "json":
            echo_json({"domain": domain, "dry_run": True, "regions": plan})
        else:
            for region, what in plan.items():
                click.echo(f"{region}: {what} (DKIM now {seen[region]})")
            if any(s != "NO IDENTITY" for s in seen.values()):
                click.echo(warning, err=True)
        return 0
    if not yes and not sys.stdin.isatty():
        raise InputError(
            "rollback changes how mail is signed and needs confirmation", "run it in a terminal or add -y/--yes"
        )
    click.echo(warning, err=True)  # before the prompt, so the answer is given knowing it
    if not yes:
        click.confirm(f"Switch {domain} back to Easy DKIM in {', '.join(chosen)}?", abort=True)
    results = switch_back(domain, chosen, aws)
    if output == "json":
        echo_json({"domain": domain, "regions": [r.as_dict() for r in results]})
        return 0 if all(r.ok for r in results) else 1
    for result in results:
        click.echo(region_line(result))
    _cnames_to_publish(aws, domain, tuple(r.region for r in results if r.ok and r.action.startswith("rolled back")))
    return 0 if all(r.ok for r in results) else 1


def _cnames_to_publish(aws: Aws, domain: str, switched: tuple[str, ...]) -> None:
    """Print the CNAME records Easy DKIM needs in each region switched back, as BIND lines."""
    from byodkim.aws.ses import status as ses_status

    for item in ses_status(domain, switched, aws) if switched else []:
        if item.exists and item.origin != "EXTERNAL":
            check = f"{prefix()} status --domain {domain}"
            click.echo(f"publish these records for {item.region} (BIND lines), then check `{check}`:")
            for line in cname_lines(domain, item.tokens):
                click.echo(f"  {line}")
            ask = f"dns-request --domain {domain} --easy-dkim --region {item.region} --out easy-dkim-{domain}.md"
            click.echo(f"the request for the DNS team (add --lang ja for Japanese): {prefix()} {ask}")


def cname_lines(domain: str, tokens: list[str]) -> list[str]:
    """Return Easy DKIM's CNAME records as BIND zone lines: TOKEN._domainkey.DOMAIN -> TOKEN.dkim.amazonses.com."""
    from byodkim.dkim.request import easy_dkim_records

    return easy_dkim_records(domain, tokens)
