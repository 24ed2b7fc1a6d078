"""Commands for the key and its record: keygen, dns-record, dns-request."""

from __future__ import annotations

from pathlib import Path

import click

from byodkim.cli import fleet
from byodkim.cli.fleet import Targets, domain_targets
from byodkim.cli.options import (
    DOMAIN,
    FILE,
    OUT_FILE,
    REGION,
    SELECTOR,
    Checked,
    aws_regions,
    check_mail_from,
    declared_selector_option,
    domain_option,
    key_file_option,
    lang_option,
    output_option,
    passphrase_option,
    prefix,
    public_key,
    renamed,
    selector_option,
    write_text,
)
from byodkim.errors import InputError

REPORTS_ADDRESS = Checked[str]("address", "byodkim.dkim.request:check_reports_address")

KEY_DIR = click.Path(path_type=Path, file_okay=True)


@click.command()
@declared_selector_option
@click.option("--bits", type=click.Choice(["2048", "1024"]), default="2048", show_default=True, help="RSA key size.")
@click.option(
    "--key-dir",
    "key_dir",
    type=KEY_DIR,
    default=Path("keys"),
    show_default=True,
    help="Folder for the key files (created owner-only); register --key-dir reads the same layout.",
)
@renamed("--out-dir", "--key-dir", "key_dir", type=KEY_DIR)
@renamed("--out", "--key-dir", "key_dir", type=KEY_DIR)  # a folder, where --out is a file everywhere else
@domain_targets
@output_option("text", "json")
@lang_option("the output")
def keygen(
    selector: str | None,
    bits: str,
    key_dir: Path,
    targets: Targets,
    output: str,
    lang: str,
) -> int:
    """Generate an RSA DKIM key pair; the private key is written owner-only (0600).

    With several --domain or --all, one pair per domain under KEY_DIR/DOMAIN/, generated on
    every core; a domain whose key file exists is kept as it is.
    """
    from byodkim.cli.catalogue import text
    from byodkim.deployment import DomainSpec
    from byodkim.messages import say
    from byodkim.workflows.unit_work import KeygenWork
    from byodkim.workflows.units import Unit, cores

    if key_dir.exists() and not key_dir.is_dir():
        raise InputError(say("keygen.dir_is_file", path=str(key_dir)), say("keygen.give_folder"))
    work = KeygenWork(key_dir, int(bits), flat=not targets.many)
    if targets.many:
        todo = [Unit(spec) for spec in targets.specs(selector, need_regions=False)]
        return fleet.run(todo, work, output, "keys", workers=cores(), lang=lang)
    domain = targets.domains[0] if targets.domains else None
    if selector is None:
        spec = targets.specs(None, need_regions=False)[0] if domain else None
        if spec is None:
            raise InputError(say("keygen.no_selector"), say("keygen.no_selector_hint"))
        selector = spec.selector
    made = work.generate(Unit(DomainSpec(domain or "", selector, ())))
    if output == "json":  # stdout is the JSON alone, so it parses
        from byodkim.cli.options import echo_json

        echo_json({"private": str(made.private), "public": str(made.public), "fingerprint": made.fingerprint})
        return 0
    # The runbook's next step (phase 3): register keeps the key in Secrets Manager and registers it with SES.
    command = f"{prefix()} register --domain {domain or 'DOMAIN'} --selector {selector} --key-file {made.private}"
    for line in (
        say("keygen.private", path=str(made.private), bits=made.bits),
        say("keygen.public", path=str(made.public)),
        say("keygen.fingerprint", fingerprint=made.fingerprint),
        say("keygen.next", command=command),
    ):
        click.echo(text(line, lang))
    return 0


@click.command("dns-record")
@domain_option
@selector_option
@key_file_option
@click.option("--public-key-file", type=FILE, help="Public key, or a DKIM record value, instead of --key-file.")
@passphrase_option
@output_option(
    "value",
    "bind",
    "json",
    "route53",
    default="value",
    help_text="value: the TXT value; bind: a zone-file line; json; route53: a ChangeBatch.",
)
@click.option("--ttl", type=click.IntRange(60, 86400), default=3600, show_default=True, help="Record TTL in seconds.")
def dns_record(
    domain: str,
    selector: str,
    key_file: Path | None,
    public_key_file: Path | None,
    passphrase: bytes | None,
    output: str,
    ttl: int,
) -> None:
    """Print the DKIM TXT record for a key, in the form your DNS tool loads."""
    from byodkim.dkim.record import DkimRecord

    public = public_key(key_file, public_key_file, passphrase)
    click.echo(DkimRecord(domain, selector, public.b64, ttl).render(output))


@click.command("dns-request")
@domain_option
@click.option("--selector", type=SELECTOR, help="DKIM selector: one DNS label (not with --easy-dkim).")
@key_file_option
@click.option("--public-key-file", type=FILE, help="Public key instead of --key-file.")
@passphrase_option
@lang_option("the request")
@click.option("-O", "--out", type=OUT_FILE, help="Write the request here instead of stdout.")
@click.option(
    "--ttl", type=click.IntRange(60, 86400), default=3600, show_default=True, help="Suggested TTL in seconds."
)
@click.option("--requester", default="", help="Your name and contact, filled into the request.")
@click.option("--deadline", default="", help="When the record is needed, filled into the request.")
@click.option("--mail-from", type=DOMAIN, help="Also ask for the MX and SPF records of this MAIL FROM domain.")
@click.option(
    "--dmarc-reports-address",
    type=REPORTS_ADDRESS,
    help="Also ask for the records DMARC reports to this rua address need (SES receiving them).",
)
@click.option(
    "--region",
    "mail_from_region",
    type=REGION,
    help=(
        "SES region the MX records point at (with --mail-from or --dmarc-reports-address); "
        "with --easy-dkim, where SES is read."
    ),
)
@click.option(
    "--easy-dkim", is_flag=True, help="Instead, the three Easy DKIM CNAME records rollback needs, read from SES."
)
def dns_request(
    domain: str,
    selector: str | None,
    key_file: Path | None,
    public_key_file: Path | None,
    passphrase: bytes | None,
    lang: str,
    out: Path | None,
    ttl: int,
    requester: str,
    deadline: str,
    mail_from: str | None,
    dmarc_reports_address: str | None,
    mail_from_region: str | None,
    easy_dkim: bool,  # noqa: FBT001 - a click flag
) -> None:
    """Write the Markdown request a DNS team receives to publish the record."""
    from byodkim.dkim.record import DkimRecord
    from byodkim.dkim.request import RequestFields, render_easy_dkim_request, render_request

    if easy_dkim:
        from byodkim.aws.easydkim import easy_dkim_tokens

        aws, regions = aws_regions(None, (mail_from_region,) if mail_from_region else ())
        tokens = easy_dkim_tokens(domain, regions, aws)
        text = render_easy_dkim_request(domain, tokens, lang, RequestFields(requester, deadline))
    else:
        from byodkim.messages import say

        if selector is None:
            raise click.UsageError(say("request.no_selector"))  # a keyed line: cli/__init__.py gives it in Japanese
        check_mail_from(domain, mail_from)
        if mail_from is not None and not mail_from_region:
            raise InputError(say("mail_from.needs_region", option="--mail-from"), say("mail_from.add_region"))
        if dmarc_reports_address is not None and not mail_from_region:
            raise InputError(
                say("reporting.needs_region", option="--dmarc-reports-address"), say("reporting.add_region")
            )
        public = public_key(key_file, public_key_file, passphrase)
        fields = RequestFields(
            requester, deadline, mail_from or "", mail_from_region or "", dmarc_reports_address or ""
        )
        text = render_request(DkimRecord(domain, selector, public.b64, ttl), lang, fields)
    if out is None:
        click.echo(text, nl=False)
        return
    write_text(out, text)
    from byodkim.cli.catalogue import text as shown
    from byodkim.messages import say

    click.echo(shown(say("request.wrote", path=str(out), lang=lang), lang))  # --lang, as every command's
