"""check-mail and send-test: the message a receiver gets, judged as a receiver judges it."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

import click

from byodkim.cli import fleet
from byodkim.cli.fleet import Targets, target_options
from byodkim.cli.options import (
    DOMAIN,
    FILE,
    SELECTOR,
    aws_regions,
    check_mail_from,
    domain_option,
    echo_json,
    lang_option,
    nameserver_option,
    output_option,
    profile_option,
    regions_option,
    renamed,
    servers,
)
from byodkim.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.dnscheck.mailcheck import MailVerdict
    from byodkim.dnscheck.servers import Server
    from byodkim.workflows.domaincheck import Posture
    from byodkim.workflows.unit_work import DomainChecked


def _render(verdict: MailVerdict, output: str, lang: str) -> None:
    from byodkim.dnscheck.mailtext import message_lines

    if output == "json":
        echo_json(verdict.as_dict())
        return
    for line in message_lines(verdict, lang):
        click.echo(line)


@click.command("check-mail")
@click.argument("message", type=click.File("rb"))
@nameserver_option
@click.option("--selector", type=SELECTOR, help="Require the aligned signature to use this selector (the rollout's).")
@click.option(
    "--query-timeout", type=click.FloatRange(0.1, 60), default=3.0, show_default=True, help="Seconds per DNS query."
)
@renamed("--timeout", "--query-timeout", "query_timeout", type=click.FloatRange(0.1, 60))  # --timeout: a whole wait
@click.option("--strict", is_flag=True, help="A signature with l= that leaves part of the body unsigned fails.")
@output_option("text", "json")
@lang_option("every line")
def check_mail(
    message: BinaryIO,
    nameservers: tuple[list[Server], ...],
    selector: str | None,
    query_timeout: float,
    strict: bool,  # noqa: FBT001 - a click flag
    output: str,
    lang: str,
) -> int:
    """Verify every DKIM signature of a saved message or mbox (FILE, or - for stdin) and DMARC alignment with From.

    Exit 0 only when, in every message, a signature aligned with the From domain verifies (with --selector's).
    """
    from byodkim.dnscheck.mailcheck import judge_mailbox
    from byodkim.dnscheck.mailtext import mailbox_lines

    data = message.read()
    if not data:
        raise InputError("the message is empty", "give a saved message (.eml), or - to read stdin")
    verdicts = judge_mailbox(data, list(servers(nameservers)), selector, query_timeout, strict=strict)
    if len(verdicts) == 1:
        _render(verdicts[0], output, lang)
    elif output == "json":
        echo_json({"ok": all(v.ok for v in verdicts), "messages": [v.as_dict() for v in verdicts]})
    else:
        for line in mailbox_lines(verdicts, lang):
            click.echo(line)
    return 0 if all(v.ok for v in verdicts) else 1


@click.command("send-test")
@domain_option
@click.option("--from", "sender", required=True, help="From address, at the domain (e.g. dkim-check@goo.ne.jp).")
@click.option("--to", "recipient", required=True, help="Where to send it (a mailbox you can read).")
@click.option("--configuration-set", help="SES configuration set [default: none].")
@click.option("--selector", type=SELECTOR, help="Require the aligned signature to use this selector.")
@regions_option
@profile_option
@nameserver_option
@click.option("--dry-run", is_flag=True, help="Say what would be sent, from where; send nothing.")
@output_option("text", "json")
@lang_option("the summary")
def send_test(
    domain: str,
    sender: str,
    recipient: str,
    configuration_set: str | None,
    selector: str | None,
    regions: tuple[str, ...],
    profile: str | None,
    nameservers: tuple[list[Server], ...],
    dry_run: bool,  # noqa: FBT001 - a click flag
    output: str,
    lang: str,
) -> int:
    """Send one test message through SES in each region; against the emulator, judge the copy as check-mail does."""
    from byodkim import deployment
    from byodkim.cli.catalogue import text
    from byodkim.dnscheck.mailcheck import judge_message
    from byodkim.local.mailbox import sent_message
    from byodkim.messages import say
    from byodkim.workflows import sendtest

    if sender.rpartition("@")[2].lower() != domain:
        raise InputError(
            say("sendtest.not_at_domain", option="--from", sender=sender, domain=domain),
            say("sendtest.not_at_domain_hint", domain=domain),
        )
    aws, chosen = aws_regions(profile, regions)
    if dry_run:
        for region in chosen:
            click.echo(text(say("sendtest.would_send", region=region, sender=sender, recipient=recipient), lang))
        return 0
    folder = deployment.find_sceptre_dir()
    target = deployment.read(folder) if folder is not None else None
    code = 0
    for region in chosen:
        message_id = sendtest.send(aws, region, sender, recipient, configuration_set)
        raw = sent_message(message_id)
        if raw is None:
            command = f"uv run byodkim check-mail FILE.eml --selector {selector or 'SELECTOR'}"
            said = say("sendtest.sent_save", region=region, message_id=message_id, recipient=recipient, command=command)
            click.echo(text(said, lang))
            continue
        verdict = judge_message(raw, list(servers(nameservers)), selector)
        if target is not None:
            sendtest.remember(aws, region, target, domain, verdict, message_id)
        if output != "json":
            click.echo(text(say("sendtest.sent_judged", region=region, message_id=message_id), lang))
        _render(verdict, output, lang)
        code = code or (0 if verdict.ok else 1)
    return code


@click.command("check-domain")
@target_options
@click.option("--selector", type=SELECTOR, help="The BYODKIM selector [default: the one SES signs with].")
@click.option(
    "--mail-from",
    type=DOMAIN,
    help="The custom MAIL FROM domain, e.g. mail.goo.ne.jp [default: the identity's in SES].",
)
@click.option("--public-key-file", type=FILE, help="The key the record must hold [default: the one SES holds].")
@click.option("--no-ses", is_flag=True, help="Read DNS only, not SES (no AWS credentials needed).")
@output_option("text", "json", "markdown")
@lang_option("the output")
def check_domain(
    targets: Targets,
    selector: str | None,
    mail_from: str | None,
    public_key_file: Path | None,
    no_ses: bool,  # noqa: FBT001 - a click flag
    output: str,
    lang: str,
) -> int:
    """Check the domain's SPF, DMARC, DKIM and SES for mail sent through SES; exit 0 when all is met.

    With several --domain or --all: one line per domain (the unmet requirements), and a summary.
    """
    from byodkim.workflows.unit_work import CheckDomainWork
    from byodkim.workflows.units import domain_units

    specs = targets.specs(selector, need_selector=False)
    many = targets.many
    if many and (mail_from or public_key_file):
        raise InputError("--mail-from and --public-key-file are one domain's", "give one --domain with them")
    check_mail_from(specs[0].domain, mail_from, itself_ok=True)
    expected = None
    if public_key_file is not None:
        from byodkim.dkim.keyload import load_public_key

        expected = load_public_key(public_key_file).fingerprint
    aws = None if no_ses else targets.aws(specs)
    todo = domain_units(specs, lambda: (aws.default_region(),) if aws is not None else ("",))
    work = CheckDomainWork(aws, targets.nameservers, mail_from, expected)
    if many:
        if aws is not None:
            fleet.ready(aws, [u.spec for u in todo], "sesv2")
        return fleet.run(todo, work, "json" if output == "json" else "text", "domains checked", lang=lang)
    checked = work.check(todo[0])
    _render_checked(checked, output, lang)
    return 0 if checked.ok else 1  # from the data: the same for every -o and --lang


def _render_checked(checked: DomainChecked, output: str, lang: str) -> None:
    """Print one domain's verdict in the form asked for; every form shows the missing configuration sets."""
    posture = checked.posture
    if output == "json":
        echo_json(checked.as_dict())
        return
    from byodkim.workflows.rollout_memo import render_posture

    click.echo(render_posture(posture, output, lang), nl=False)  # one renderer: every language, text or Markdown
    _echo_reports_hint(posture, output, lang)
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    for where in checked.missing_sets:
        click.echo(("- " if output == "markdown" else "  ") + text(say("check.missing_set", where=where), lang))


def _echo_reports_hint(posture: Posture, output: str, lang: str) -> None:
    """Point from the DMARC record's rua= to dmarc-report (docs/dmarc-report.md), when there is a rua=."""
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    if posture.dmarc.rua:
        hint = text(say("check.reports_hint", rua=posture.dmarc.rua, domain=posture.domain), lang)
        click.echo(("\n- " if output == "markdown" else "  ") + hint)
