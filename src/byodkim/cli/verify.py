"""verify: the record on every authoritative name server, and SES's verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from byodkim.cli import fleet
from byodkim.cli.fleet import Targets, target_options
from byodkim.cli.options import (
    DURATION,
    FILE,
    aws_regions,
    declared_selector_option,
    key_file_option,
    lang_option,
    output_option,
    passphrase_option,
    public_key,
    signing_key,
)
from byodkim.cli.render import WaitProgress, verify_result
from byodkim.errors import ByodkimError, InputError

if TYPE_CHECKING:
    from pathlib import Path

    from mypy_boto3_secretsmanager import SecretsManagerClient

    from byodkim.aws.session import Aws
    from byodkim.deployment import DomainSpec
    from byodkim.dkim.keys import PublicKey
    from byodkim.dnscheck.wait import SesView


@click.command()
@target_options
@declared_selector_option
@key_file_option
@click.option("--public-key-file", type=FILE, help="Public key (or DKIM record value) instead of --key-file.")
@click.option("--secret-id", help="Read the key from this Secrets Manager secret instead.")
@passphrase_option
@click.option(
    "--query-timeout", type=click.FloatRange(0.1, 60), default=3.0, show_default=True, help="Seconds per query."
)
@click.option("--wait", "wait_", is_flag=True, help="Poll until every server agrees (and SES, with --ses).")
@click.option(
    "--timeout", type=DURATION, default="72h", show_default=True, help="How long --wait waits (72h, 30m, 90s)."
)
@click.option(
    "--interval", type=click.FloatRange(0.05, 3600), default=5.0, show_default=True, help="First poll interval (s)."
)
@click.option(
    "--wait-through-mistakes",
    is_flag=True,
    help="Keep waiting while a server publishes another key or a malformed record (the DNS team is replacing it).",
)
@click.option("--ses", is_flag=True, help="Also read SES's DKIM status in each --region.")
@output_option("text", "json")
@lang_option("the text output")
def verify(
    targets: Targets,
    selector: str | None,
    key_file: Path | None,
    public_key_file: Path | None,
    secret_id: str | None,
    passphrase: bytes | None,
    query_timeout: float,
    wait_: bool,  # noqa: FBT001 - a click flag
    timeout: float,
    interval: float,
    wait_through_mistakes: bool,  # noqa: FBT001 - a click flag
    ses: bool,  # noqa: FBT001 - a click flag
    output: str,
    lang: str,
) -> int:
    """Check the DKIM record on every authoritative name server; exit 0 only when all publish this key.

    With several --domain or --all, each domain's public key comes from its secret's
    description (the secret itself is not read): one line per domain, and per region with --ses.
    """
    from byodkim.dnscheck import check as checker
    from byodkim.dnscheck import wait
    from byodkim.workflows.unit_work import VerifyWork
    from byodkim.workflows.units import domain_units

    specs = targets.specs(selector, need_regions=bool(ses or secret_id))
    if targets.many:
        if key_file or public_key_file or secret_id or wait_:
            raise InputError(
                "--key-file, --public-key-file, --secret-id and --wait take one domain",
                "with several, each key is read from Secrets Manager; re-run to see progress",
            )
        return _verify_fleet(specs, targets, query_timeout, ses=ses, output=output, lang=lang)
    domain, selector = specs[0].domain, specs[0].selector
    if sum(x is not None for x in (key_file, public_key_file, secret_id)) != 1:
        from byodkim.cli.catalogue import one_of

        raise one_of("--key-file", "--public-key-file", "--secret-id")
    aws, chosen = aws_regions(targets.profile, specs[0].regions, targets.ses_rate) if (ses or secret_id) else (None, ())
    if secret_id is not None and aws is not None:
        from byodkim.aws.secrets import read_key

        stored = read_key(aws.client("secretsmanager", chosen[0]), secret_id)
        if stored is None:
            raise InputError(f"secret `{secret_id}` does not exist", "check --secret-id and --region")
        signing = stored
    elif key_file is not None:
        signing = signing_key(key_file, passphrase)
    else:
        signing = None
    # With the private key, a receiver (dkimpy) also verifies a signed message against each answer.
    expected = signing.public if signing is not None else public_key(key_file, public_key_file, passphrase)
    _ses_signs_with(aws.client("secretsmanager", chosen[0]) if ses and aws is not None else None, specs[0], expected)
    work = VerifyWork(
        aws, targets.nameservers, query_timeout, public_keys={domain: expected}, signing=signing, lean=False
    )
    request = work.request(domain_units(specs, lambda: chosen or ("",))[0])
    ses_poll = (lambda: _ses_view(aws, domain, chosen)) if ses and aws is not None else None
    if not wait_:
        report = checker.check(request)
        view = ses_poll() if ses_poll else None
        state = wait.Waited(report, view, report.seconds, 1)
    else:
        live = WaitProgress(output, lang)
        try:
            state = wait.wait(
                request,
                timeout=timeout,
                interval=interval,
                ses=ses_poll,
                progress=live,
                through_mistakes=wait_through_mistakes,
            )
        except KeyboardInterrupt:
            live.close()
            where = live.last.report.summary() if live.last else "nothing checked yet"
            click.echo(f"interrupted: {where}", err=True)
            return 130
        finally:
            live.close()
    verify_result(state, output, lang)
    if not state.report.ok or (state.ses is not None and not state.ses.success):
        return 1
    return 0


def _verify_fleet(
    specs: list[DomainSpec],
    targets: Targets,
    query_timeout: float,
    *,
    ses: bool,
    output: str,
    lang: str,
) -> int:
    from byodkim import deployment
    from byodkim.workflows.registration import public_keys
    from byodkim.workflows.unit_work import VerifyWork
    from byodkim.workflows.units import domain_units, units

    aws = fleet.aws_for(targets.profile, targets.ses_rate)
    target = fleet.declared()
    prefix = target.secret_prefix if target is not None else deployment.SECRET_PREFIX
    todo = domain_units(specs, lambda: (aws.default_region(),))
    domains = [u.spec for u in todo]
    if ses:
        todo += units(domains)
    fleet.ready(aws, domains, "secretsmanager", *(("sesv2",) if ses else ()))
    work = VerifyWork(aws, targets.nameservers, query_timeout, prefix, public_keys(aws, domains, prefix))
    return fleet.run(todo, work, output, "checked", lang=lang)


def _ses_signs_with(client: SecretsManagerClient | None, spec: DomainSpec, given: PublicKey) -> None:
    """Stop when register kept another key for this domain and selector: SES would stay PENDING for good.

    SES verifies the record against the key it signs with, the one in the secret; a record of
    any other key matches on every server and still never verifies, so --wait would sit out 72 h.
    Only the secret's description is read (its public half), never its value.
    """
    from byodkim import deployment
    from byodkim.aws.secrets import described_public_key
    from byodkim.messages import say

    if client is None:
        return  # without --ses, SES's verdict is not asked for
    target = fleet.declared()
    prefix = target.secret_prefix if target is not None else deployment.SECRET_PREFIX
    secret = deployment.secret_id(spec.domain, spec.selector, prefix)
    held = described_public_key(client, secret)
    if held is None or held.fingerprint == given.fingerprint:
        return  # no secret (the key is kept elsewhere), or the very key SES signs with
    raise ByodkimError(
        say("verify.ses_other_key", secret=secret, held=held.fingerprint, given=given.fingerprint),
        say("verify.ses_other_key_hint", secret=secret),
    )


def _ses_view(aws: Aws, domain: str, regions: tuple[str, ...]) -> SesView:
    """Return SES's DKIM status per region, with VerificationInfo.ErrorType where SES gives one."""
    from byodkim.aws.guards import NO_IDENTITY, read_statuses
    from byodkim.dnscheck.wait import SesView

    found = read_statuses(aws, domain, regions)  # one read: the statuses and the errors are of the same moment
    statuses = {item.region: (item.status or NO_IDENTITY) if item.exists else NO_IDENTITY for item in found}
    errors = {item.region: item.verification_error for item in found if item.verification_error}
    return SesView(statuses, errors)
