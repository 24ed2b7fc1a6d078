"""Commands on the SES identity: register, status, rollback."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from byodkim.cli import fleet
from byodkim.cli.fleet import Targets, target_options
from byodkim.cli.options import (
    aws_regions,
    declared_selector_option,
    domain_option,
    echo_json,
    key_file_option,
    kms_key,
    lang_option,
    output_option,
    passphrase_option,
    prefix,
    profile_option,
    regions_option,
    secret_readers,
    signing_key,
)
from byodkim.cli.render import print_registration, region_line
from byodkim.deployment import SECRET_PREFIX
from byodkim.dkim.request import easy_dkim_records
from byodkim.errors import ByodkimError, InputError

if TYPE_CHECKING:
    from byodkim.aws.ses import RegionResult, RegionStatus
    from byodkim.aws.session import Aws
    from byodkim.deployment import DomainSpec
    from byodkim.dkim.keys import PublicKey
    from byodkim.workflows.registration import Registered


def _next_after_register(results: list[RegionResult], domain: str, selector: str, secret: str) -> str:
    """Return the next step for what SES says now: nothing when it signs with this key already."""
    from byodkim.messages import say

    if all(r.status == "SUCCESS" for r in results):
        return say("register.next_done", selector=selector, command=f"{prefix()} status --domain {domain}")
    return say(
        "register.next_publish",
        phase4=f"{prefix()} phase 4 --domain {domain}",
        verify=f"{prefix()} verify --domain {domain} --selector {selector} --secret-id {secret} --ses --wait",
    )


@click.command()
@target_options
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
@click.option("--dry-run", is_flag=True, help="Print the calls it would make; change nothing.")
@click.option(
    "--force", is_flag=True, help="Switch an identity that signs now (Easy DKIM or another key) without the DNS check."
)
@output_option("text", "json")
@lang_option("the output")
def register(
    targets: Targets,
    selector: str | None,
    key_file: Path | None,
    passphrase: bytes | None,
    secret_id: str | None,
    key_dir: Path | None,
    kms_key_id: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    force: bool,  # noqa: FBT001 - a click flag
    output: str,
    lang: str,
) -> int:
    """Register the DKIM key with SES (SigningAttributesOrigin=EXTERNAL) in each region.

    With several --domain or --all, each domain's key comes from its secret (generated and
    stored first when there is none), one line per domain and region.
    """
    from byodkim.messages import say
    from byodkim.workflows.registration import RegisterRequest, Registrar, public_keys
    from byodkim.workflows.units import units

    if key_file is not None and secret_id is not None:
        raise InputError(say("register.key_or_secret"))
    specs = targets.specs(selector)
    many = targets.many
    if many and (key_file is not None or secret_id is not None):
        raise InputError(say("register.one_domains_key"), say("register.one_domains_key_hint"))
    target = fleet.declared()
    request = RegisterRequest(
        tuple(specs),
        target.secret_prefix if target is not None else SECRET_PREFIX,
        dry_run=dry_run,
        force=force,
        servers=targets.nameservers,
        key=signing_key(key_file, passphrase) if key_file is not None else None,
        secret_id=secret_id,
        key_dir=key_dir,
        unnamed_key_files=_keygen_files(specs, key_file, secret_id, key_dir, many=many),
    )
    aws = targets.aws(specs)
    todo = units(specs, aws.default_region)
    kept: dict[str, PublicKey] = {}
    if many:  # a fleet's kept keys by their descriptions, in one sweep: no secret value read per domain
        fleet.ready(aws, [u.spec for u in todo], "secretsmanager", "sesv2", "sts")
        kept = public_keys(aws, [u.spec for u in todo], request.secret_prefix)
    registrar = Registrar(
        request,
        aws,
        kms_key=lambda region: kms_key(aws, region, kms_key_id),
        readers=lambda region: () if dry_run else secret_readers(aws, region),
        kept=kept,
    )
    if many:
        return fleet.run(todo, registrar, output, "domain-regions registered", lang=lang)
    done = registrar.register_all(todo)
    _print_one(done, output, dry_run=dry_run, lang=lang)
    return 0 if all(d.result.ok for d in done) else 1


def _print_one(done: list[Registered], output: str, *, dry_run: bool, lang: str = "en") -> None:
    """Print one domain's registration: its key's line, a line per region, the next step."""
    domain, selector = done[0].unit.domain, done[0].unit.spec.selector
    key = done[-1].key
    assert key.source is not None  # noqa: S101 - one domain's key is always read or made, not described
    source = dataclasses.replace(key.source, action=key.action)
    results = [d.result for d in done]
    from byodkim.cli.catalogue import text

    for note in dict.fromkeys(d.note for d in done if d.note):
        click.echo(text(note, lang), err=True)
    print_registration(output, (domain, selector), source, tuple(d.unit.region or "" for d in done), results,
                       dry_run=dry_run, lang=lang)  # fmt: skip
    if output != "json" and not dry_run and all(r.ok for r in results):
        click.echo(text(_next_after_register(results, domain, selector, key.secret_id), lang))


@click.command()
@target_options
@click.option("--no-dns", is_flag=True, help="Show SES's view only.")
@output_option("text", "json")
@lang_option("the table")
def status(
    targets: Targets,
    no_dns: bool,  # noqa: FBT001 - a click flag
    output: str,
    lang: str,
) -> int:
    """Show the identity's DKIM state in each region, and the record on the name servers beside it."""
    from dataclasses import asdict

    from byodkim.workflows.report import dns_views
    from byodkim.workflows.unit_work import StatusWork
    from byodkim.workflows.units import units

    specs = targets.specs(None, need_selector=False)
    aws = targets.aws(specs)
    todo = units(specs, aws.default_region)
    work = StatusWork(aws, fleet.declared())
    if targets.many:
        fleet.ready(aws, specs, "sesv2", "secretsmanager")
        return fleet.run(todo, work, output, "domain-regions read", lang=lang)
    domain = specs[0].domain
    chosen = tuple(str(u.region) for u in todo)
    found = [work.read(unit) for unit in todo]
    keys = work.keys(todo[0], found)
    views = [] if no_dns else dns_views(domain, found, targets.nameservers)
    if output == "json":
        echo_json(
            {
                "domain": domain,
                "regions": [s.as_dict() for s in found],
                "keys": [key.as_dict() for key in keys],
                "dns": [asdict(v) for v in views],
            }
        )
        return 1 if any(item.error for item in found) or not any(item.exists for item in found) else 0
    from byodkim.cli.catalogue import Codes, text
    from byodkim.messages import say

    if not any(item.exists or item.error for item in found):
        # A typo reads as "no identity" everywhere: a state no rollout step leaves, so not a success.
        _status_table(domain, found, lang)
        click.echo(text(say("status.none_anywhere", domain=domain, regions=", ".join(chosen)), lang), err=True)
        return 1
    _status_table(domain, found, lang)
    outcomes = Codes("outcome.", lang)
    for view in views:
        click.echo(text(say("status.dns", summary=text(view.summary, lang)), lang))
        for answer in view.servers:
            outcome = outcomes.get(answer.outcome, answer.outcome)
            click.echo(f"  {answer.server}: {outcome} {text(answer.detail, lang)}".rstrip())
    for key in keys:  # last, so the lines above stay where scripts and people find them
        click.echo(text(key.said(), lang))
    return 1 if any(item.error for item in found) else 0


def _status_table(domain: str, found: list[RegionStatus], lang: str = "en") -> None:
    """Print one row per region under a header, columns aligned by display width (full data: -o json)."""
    from byodkim.cli.catalogue import text
    from byodkim.display import display_width, pad
    from byodkim.messages import say

    header = tuple(text(say("status.head"), lang).split(" | "))
    sending = {True: text(say("status.sending"), lang), False: text(say("status.not_sending"), lang)}
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for item in found:
        if item.error:
            notes.append(text(say("status.error", region=item.region, error=item.error), lang))
        elif not item.exists:
            notes.append(text(say("status.no_identity", region=item.region, domain=domain), lang))
        else:
            easy = say("status.easy_tokens", count=len(item.tokens))
            selector = ",".join(item.tokens) if item.origin == "EXTERNAL" else text(easy, lang)
            rows.append(
                (
                    item.region,
                    str(item.origin),
                    str(item.status),
                    "on" if item.signing_enabled else "off",
                    selector or "-",
                    sending[bool(item.verified_for_sending)],
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
            click.echo(text(say("status.easy_cnames", region=item.region), lang))
            for line in easy_dkim_records(domain, item.tokens):
                click.echo(f"  {line}")


@click.command()
@domain_option
@regions_option
@profile_option
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@output_option("text", "json")
@lang_option("the output")
def rollback(
    domain: str,
    regions: tuple[str, ...],
    profile: str | None,
    yes: bool,  # noqa: FBT001 - a click flag
    dry_run: bool,  # noqa: FBT001 - a click flag
    output: str,
    lang: str,
) -> int:
    """Switch the identity back to Easy DKIM (SigningAttributesOrigin=AWS_SES)."""
    from byodkim.aws.guards import ses_statuses
    from byodkim.aws.ses import rollback as switch_back
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    aws, chosen = aws_regions(profile, regions)
    warning = text(say("rollback.warning", domain=domain, command=f"{prefix()} status --domain {domain}"), lang)
    if dry_run:
        seen = ses_statuses(aws, domain, chosen)
        plan = {
            r: ("would switch to Easy DKIM" if s != "NO IDENTITY" else "no identity: nothing") for r, s in seen.items()
        }
        if output == "json":
            echo_json({"domain": domain, "dry_run": True, "regions": plan})
        else:
            for region, status in seen.items():
                key = "rollback.would_switch" if status != "NO IDENTITY" else "rollback.nothing"
                click.echo(text(say(key, region=region, status=status), lang))
            if any(s != "NO IDENTITY" for s in seen.values()):
                click.echo(warning, err=True)
        return 0
    if not yes and not sys.stdin.isatty():
        raise InputError(say("rollback.confirm_needed"), say("rollback.confirm_needed_hint", yes="-y/--yes"))
    click.echo(warning, err=True)  # before the prompt, so the answer is given knowing it
    asked = text(say("rollback.prompt", domain=domain, regions=", ".join(chosen)), lang)
    if not yes and not click.confirm(asked, err=True):  # on stderr, as the warning: stdout holds the answer alone
        # A "no" is an answer, not Ctrl-C (130): a refusal, exit 1, as rotate --approve's; nothing changed.
        raise ByodkimError(say("rollback.declined", domain=domain), say("rollback.declined_hint", domain=domain))
    results = switch_back(domain, chosen, aws)
    if output == "json":
        echo_json({"domain": domain, "regions": [r.as_dict() for r in results]})
        return 0 if all(r.ok for r in results) else 1
    for result in results:
        click.echo(region_line(result, lang))
    switched = tuple(r.region for r in results if r.ok and r.action.startswith("rolled back"))
    _cnames_to_publish(aws, domain, switched, lang)
    return 0 if all(r.ok for r in results) else 1


def _cnames_to_publish(aws: Aws, domain: str, switched: tuple[str, ...], lang: str) -> None:
    """Print the CNAME records Easy DKIM needs in each region switched back, as BIND lines."""
    from byodkim.aws.ses import status as ses_status
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    for item in ses_status(domain, switched, aws) if switched else []:
        if item.exists and item.origin != "EXTERNAL":
            check = f"{prefix()} status --domain {domain}"
            click.echo(text(say("rollback.publish", region=item.region, command=check), lang))
            for line in easy_dkim_records(domain, item.tokens):
                click.echo(f"  {line}")
            ask = f"dns-request --domain {domain} --easy-dkim --region {item.region} --out easy-dkim-{domain}.md"
            click.echo(
                text(
                    say(
                        "rollback.request",
                        lang="--lang en" if lang == "ja" else "--lang ja",
                        command=f"{prefix()} {ask}",
                    ),
                    lang,
                )
            )


def _keygen_files(
    specs: list[DomainSpec], key_file: Path | None, secret_id: str | None, key_dir: Path | None, *, many: bool
) -> tuple[Path, ...]:
    """Return keygen's files for one domain's selector under ./keys, when no key source was named."""
    if many or key_file is not None or secret_id is not None or key_dir is not None:
        return ()
    spec = specs[0]
    found = (Path("keys") / f"{spec.selector}.private.pem", Path("keys") / spec.domain / f"{spec.selector}.private.pem")
    return tuple(path for path in found if path.is_file())
