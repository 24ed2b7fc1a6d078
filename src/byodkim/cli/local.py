"""Commands for the local rehearsal: the emulator on its own, and the whole sandbox rollout."""

from __future__ import annotations

import contextlib
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
    stop_on_signals,
)
from byodkim.deployment import DKIM_WINDOW_SECONDS
from byodkim.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.dkim.keys import PublicKey
    from byodkim.dnscheck.servers import Server
    from byodkim.local.sandbox import Sandbox
    from byodkim.local.shellenv import EnvFiles


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
    """Run the local AWS emulator (moto + BYODKIM) until interrupted.

    The exports are also written to .byodkim/emulator.env, the unset line to
    .byodkim/emulator-unset.env (under the working directory); Ctrl-C removes the first.
    """
    from byodkim.cli.catalogue import text
    from byodkim.cli.options import default_lang
    from byodkim.deployment import default_region
    from byodkim.emulator import Emulator
    from byodkim.local import shellenv
    from byodkim.messages import say

    stop_on_signals()
    lang = default_lang()
    where = region or default_region()
    server = Emulator(
        port=port, dns_servers=list(dns_servers), dkim_window=dkim_window, region=where, ses_rate=ses_limit
    ).start()
    endpoint, files = server.endpoint, shellenv.EnvFiles("emulator")
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops: say what stopped, exit 0
            _say_how_to_enter(say("emulator.keep.running"), files, server.environment(), lang)
            click.echo(f"# {text(say('emulator.keep.log', path=server.log_path), lang)}", err=True)
            files.write(server.environment(), "byodkim emulator", lang)
            server.wait()
    finally:
        stopped = [_retire(files, server.environment())]
        server.stop()
        for line in [say("sandbox.stopped.emulator", endpoint=endpoint), *stopped]:
            if line:
                click.echo(text(line, lang), err=True)


def _say_how_to_enter(header: object, files: EnvFiles, environment: dict[str, str], lang: str) -> None:
    """Print the exports (the lines tests and people take) and, as comments, the files and the way out."""
    from byodkim.cli.catalogue import text
    from byodkim.local import shellenv
    from byodkim.messages import say

    click.echo(f"# {text(header, lang)}")
    for line in shellenv.export_lines(environment):
        click.echo(line)
    click.echo(f"# {text(say('sandbox.keep.or_source', path=files.enter.resolve()), lang)}")
    # A comment, not a bare line: pasting (or eval-ing) the whole block must not undo the exports.
    click.echo(f"# {text(say('sandbox.keep.leave', path=files.leave.resolve()), lang)}")
    click.echo(f"#   {shellenv.unset_line(environment)}")
    sys.stdout.flush()  # out before the file appears: a script waiting for the file has the lines too


def _retire(files: EnvFiles, environment: dict[str, str]) -> object:
    """Remove the exports file (if still ours) and return the line saying so, or ""."""
    from byodkim.local import shellenv
    from byodkim.messages import say

    if not files.retire():
        return ""
    return say("sandbox.stopped.env", path=files.enter.resolve(), unset=shellenv.unset_line(environment))


@click.group(invoke_without_command=True)
@click.option(
    "--keep", is_flag=True, help="Leave the emulator and DNS server running until Ctrl-C, and say how to reach them."
)
@click.option(
    "--from-start",
    is_flag=True,
    help="With --keep: stop where the runbook starts (stacks launched; no key of ours yet) so it can be typed.",
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
@click.option(
    "--receive-dmarc-reports",
    is_flag=True,
    help="After SUCCESS, receive DMARC reports: phase 8 with a rua address, a receiver's report read and measured.",
)
@click.option(
    "--route53",
    is_flag=True,
    help="Host the domain in a Route 53 zone of the emulator (live on the sandbox's BIND): "
    "the stacks get its id, records are published there, no DNS team.",
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
    receive_dmarc_reports: bool,  # noqa: FBT001
    route53: bool,  # noqa: FBT001
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

    from byodkim.cli.catalogue import text
    from byodkim.local import sandbox as rehearsal
    from byodkim.local import sandbox_end
    from byodkim.messages import say

    started = time.monotonic()
    steps = [0]

    def progress(what: str, seconds: float) -> None:
        steps[0] += 1
        click.echo(f"[{steps[0]:>2}] {text(what, lang)} ({seconds:.1f} s)", err=True)

    stopped: list[object] = []  # what running() stopped, said once everything has stopped
    retired: list[object] = []  # then the exports file --keep removed, with the line that leaves it
    stop_on_signals()
    options = rehearsal.SandboxOptions(
        lang=lang,
        progress=progress,
        stopped=stopped.append,
        mail_from_subdomain=mail_from_subdomain,
        second_region=second_region or "",
        extra_domains=extra_domains,
        dmarc_reports=receive_dmarc_reports,
        route53=route53,
    )
    try:
        with rehearsal.running(options) as box:
            if from_start:
                launched = time.monotonic()
                rehearsal.launch_stacks(box)
                progress(say("sandbox.step.launched_from_start"), time.monotonic() - launched)
            else:
                rehearsal.rehearse(box, options)
                click.echo(box.report_text, nl=False)
                seconds = f"{time.monotonic() - started:.1f}"
                for said in sandbox_end.checked(box.stacks, box.dmarc_fix, seconds):
                    click.echo(text(said, lang), err=True)
            if keep:
                _keep_running(box, lang=lang, from_start=from_start, retired=retired)
    finally:
        # Also after a failure or Ctrl-C mid-rehearsal: what was started has stopped, say so.
        for line in [*stopped, *retired]:
            if line:
                click.echo(text(line, lang), err=True)
    click.echo(text(say("sandbox.end.next"), lang), err=True)


def _keep_running(box: Sandbox, *, lang: str, from_start: bool, retired: list[object]) -> None:
    """Say how to reach the running sandbox, wait for Ctrl-C, then remove its exports file (said in ``retired``)."""
    import time

    from byodkim.cli.catalogue import text
    from byodkim.local import shellenv
    from byodkim.messages import say

    files = shellenv.EnvFiles("sandbox")
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops, even while this is said
            _say_how_to_enter(say("sandbox.keep.running"), files, box.environment, lang)
            if from_start:
                click.echo(f"# {text(say('sandbox.keep.then'), lang)}")
            click.echo(f"# {text(say('sandbox.keep.files', path=box.workdir), lang)}", err=True, nl=True)
            sys.stdout.flush()
            files.write(box.environment, "byodkim sandbox --keep", lang)
            while True:
                time.sleep(3600)
    finally:
        retired.append(_retire(files, box.environment))


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
        raise InputError(say("sandbox.no_server"), say("sandbox.no_server_hint"))
    main = deployment.read().domain
    domain = domain or main
    if not domain:
        raise InputError(say("iam.no_domain"), say("iam.give_domain"))
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
        from byodkim.messages import say

        raise InputError(say("secret.missing", secret=str(secret_id)), say("sandbox.check_secret"))
    return found
