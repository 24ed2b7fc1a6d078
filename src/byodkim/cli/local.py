"""Commands for the local rehearsal: the emulator on its own, and the whole sandbox rollout."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from byodkim.cli.options import (
    DOMAIN,
    FILE,
    REGION,
    lang_option,
    nameserver_option,
    renamed,
    selector_option,
    servers,
    stop_on_sigterm,
)
from byodkim.deployment import DKIM_WINDOW_SECONDS
from byodkim.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.dkim.keys import PublicKey
    from byodkim.dnscheck.servers import Server
    from byodkim.local.sandbox import Sandbox


@click.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=4566, show_default=True, help="Port on 127.0.0.1 (0: any)."
)
@click.option(
    "--dns", "dns_servers", multiple=True, help="HOST:PORT of a name server the emulated SES reads DKIM records from."
)
@click.option(
    "--dkim-window",
    type=click.FloatRange(min=1),
    default=DKIM_WINDOW_SECONDS,
    help="Seconds before PENDING turns FAILED [72 h].",
)
@click.option("--region", type=REGION, help="AWS region for the printed environment [default: the Sceptre config's].")
@click.option(
    "--ses-limit",
    type=click.FloatRange(min=0),
    default=0.0,
    help="Throttle SES beyond this many calls/s per region and API family, as SES does [default: 0, off].",
)
@renamed("--ses-rate", "--ses-limit", "ses_limit", type=click.FloatRange(min=0))  # --ses-rate paces clients
def emulator(port: int, dns_servers: tuple[str, ...], dkim_window: float, region: str | None, ses_limit: float) -> None:
    """Run the local AWS emulator (moto + BYODKIM) until interrupted."""
    from byodkim.deployment import default_region
    from byodkim.emulator import Emulator

    stop_on_sigterm()
    where = region or default_region()
    server = Emulator(
        port=port, dns_servers=list(dns_servers), dkim_window=dkim_window, region=where, ses_rate=ses_limit
    ).start()
    click.echo("# the local AWS emulator is running; in another shell:")
    for name, value in server.environment().items():
        click.echo(f"export {name}={value}")
    click.echo(f"# server log: {server.log_path}; Ctrl-C stops it", err=True)
    try:
        server.wait()
    finally:
        server.stop()


@click.group(invoke_without_command=True)
@click.option(
    "--keep", is_flag=True, help="Leave the emulator and DNS server running until Ctrl-C, and say how to reach them."
)
@click.option(
    "--from-start",
    is_flag=True,
    help="With --keep: stop where the runbook starts (stacks launched; no key, no identity) so it can be typed.",
)
@click.option(
    "--mail-from-subdomain",
    default="",
    help="Rehearse a custom MAIL FROM (e.g. mail): phase 3 sets it, the DNS team publishes its MX and SPF.",
)
@click.option(
    "--second-region",
    type=REGION,
    default=None,
    help="Rehearse a fleet in two regions: a nested Sceptre group (e.g. us-west-2) deploys phase 3 there.",
)
@click.option(
    "--extra-domains",
    type=click.IntRange(0, 200),
    default=0,
    help="Declare this many subdomains (svc01.DOMAIN, ...) under `domains:` beside the domain.",
)
@lang_option("the report and request")
@click.pass_context
def sandbox(
    ctx: click.Context,
    keep: bool,  # noqa: FBT001
    from_start: bool,  # noqa: FBT001
    mail_from_subdomain: str,
    second_region: str | None,
    extra_domains: int,
    lang: str,
) -> None:
    """Rehearse the whole rollout locally: no AWS account needed.

    `byodkim sandbox dns ...` plays the DNS team against a running sandbox.
    """
    if ctx.invoked_subcommand is not None:
        return
    if from_start and not keep:
        raise InputError("--from-start leaves the sandbox for you to type the runbook in", "add --keep")
    import time

    from byodkim.local import sandbox as rehearsal

    started = time.monotonic()
    steps = [0]

    def progress(what: str, seconds: float) -> None:
        steps[0] += 1
        click.echo(f"[{steps[0]:>2}] {what} ({seconds:.1f} s)", err=True)

    stop_on_sigterm()
    options = rehearsal.SandboxOptions(
        lang=lang,
        progress=progress,
        mail_from_subdomain=mail_from_subdomain,
        second_region=second_region or "",
        extra_domains=extra_domains,
    )
    with rehearsal.running(options) as box:
        if from_start:
            launched = time.monotonic()
            rehearsal.launch_stacks(box)
            progress(
                "phases 1-5, 7, 8 and shared stacks launched with Sceptre; no key, no identity yet",
                time.monotonic() - launched,
            )
        else:
            rehearsal.rehearse(box, options)
            click.echo(box.report_text, nl=False)
            click.echo(f"sandbox rollout reached SUCCESS in {time.monotonic() - started:.1f} s", err=True)
        if keep:
            _keep_running(box, from_start=from_start)


def _keep_running(box: Sandbox, *, from_start: bool) -> None:
    """Say how to reach the running sandbox, then wait for Ctrl-C."""
    import time

    click.echo("# the sandbox is running; in another shell:")
    for name, value in box.environment.items():
        click.echo(f"export {name}={value}")
    if from_start:
        click.echo("# then follow docs/runbook.md; play the DNS team with: uv run byodkim sandbox dns --help")
    click.echo(f"# files: {box.workdir}; Ctrl-C stops it", err=True, nl=True)
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


@sandbox.command("dns")
@click.argument("action", type=click.Choice(["publish", "remove", "corrupt"]))
@click.option("--domain", type=DOMAIN, help="Domain [default: domain_name in the Sceptre config].")
@selector_option
@click.option("--public-key-file", type=FILE, help="The public key to publish (or a private key's file).")
@click.option(
    "--secret-id", help="Publish the key kept in this Secrets Manager secret (rotate keeps its new key there)."
)
@nameserver_option
@lang_option("the output")
def sandbox_dns(
    action: str,
    domain: str | None,
    selector: str,
    public_key_file: Path | None,
    secret_id: str | None,
    nameservers: tuple[list[Server], ...],
    lang: str,
) -> None:
    """Play the DNS team on a running sandbox: publish, remove, or corrupt (cut at 255) the record.

    The sandbox's name server is BYODKIM_NAMESERVERS, which `sandbox --keep` prints.
    """
    from byodkim import deployment
    from byodkim.cli.catalogue import text
    from byodkim.dkim.names import record_name
    from byodkim.dkim.record import DkimRecord, quote_strings
    from byodkim.local.dns import update_zone
    from byodkim.messages import say

    chosen = servers(nameservers)
    if not chosen:
        raise InputError(
            "no sandbox name server given", "export what `byodkim sandbox --keep` printed, or give --nameserver"
        )
    main = deployment.read().domain
    domain = domain or main
    if not domain:
        raise InputError("no domain given and none in the Sceptre config", "give --domain")
    # The sandbox serves one zone, the domain's: a declared subdomain's record lives in it.
    zone = main if main and (domain == main or domain.endswith("." + main)) else domain
    name = record_name(domain, selector)
    if action == "remove":
        update_zone(chosen[0].address, chosen[0].port, zone, delete=[name])
        click.echo(text(say("sandbox.removed", name=name), lang))
        return
    public = _public_to_publish(public_key_file, secret_id)
    record = DkimRecord(domain, selector, public.b64)
    strings = record.strings if action == "publish" else [record.value[:255]]  # the classic console mistake
    update_zone(
        chosen[0].address, chosen[0].port, zone, delete=[name], add=[(name, 300, "TXT", [quote_strings(strings)])]
    )
    key = "sandbox.published" if action == "publish" else "sandbox.corrupted"
    click.echo(text(say(key, name=name, fingerprint=public.fingerprint), lang))


@sandbox.command("break-phase-2")
@lang_option("the output")
def sandbox_break_phase_2(lang: str) -> None:
    """Fail a phase-2 update the way the Windows-built layer did (UPDATE_ROLLBACK_COMPLETE), to rehearse the recovery.

    Only against a running sandbox: AWS_ENDPOINT_URL must answer as byodkim's emulator.
    """
    import os

    from byodkim import deployment
    from byodkim.aws.session import Aws
    from byodkim.cli.catalogue import text
    from byodkim.local.breakage import break_phase_2

    broken = break_phase_2(Aws(), deployment.read(), os.environ)
    click.echo(text(broken.line(), lang))


def _public_to_publish(public_key_file: Path | None, secret_id: str | None) -> PublicKey:
    if (public_key_file is None) == (secret_id is None):
        from byodkim.cli.catalogue import one_of

        raise one_of("--public-key-file", "--secret-id")
    if public_key_file is not None:
        from byodkim.dkim.keyload import load_public_key

        return load_public_key(public_key_file)
    from byodkim.aws.secrets import read_public_key
    from byodkim.aws.session import Aws

    aws = Aws()
    found = read_public_key(aws.client("secretsmanager"), str(secret_id))
    if found is None:
        raise InputError(f"secret `{secret_id}` does not exist", "check --secret-id")
    return found
