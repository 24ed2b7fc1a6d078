"""The command line: thin commands over the library, and the one place errors become exit codes.

Heavy libraries (cryptography, boto3, dnspython) are imported inside the commands
that use them, so ``byodkim --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from byodkim import __version__
from byodkim.errors import ByodkimError, InputError

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Sequence

    from byodkim.keys import PublicKey, SigningKey


class _Checked(click.ParamType[T]):
    """An option value checked by a library function, whose refusal names the option and the value.

    The function is named as ``module:function`` and imported only when a value arrives,
    so ``byodkim --help`` does not pay for it.
    """

    def __init__(self, name: str, checker: str) -> None:
        self.name, self.checker = name, checker

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> T:  # noqa: ANN401
        from importlib import import_module

        module, _, function = self.checker.partition(":")
        try:
            checked: T = getattr(import_module(module), function)(str(value))
        except InputError as exc:
            self.fail(str(exc), param, ctx)
        return checked


DOMAIN = _Checked[str]("domain", "byodkim.names:normalize_domain")
SELECTOR = _Checked[str]("selector", "byodkim.names:validate_selector")
DURATION = _Checked[float]("duration", "byodkim.verify:parse_duration")
_FILE = click.Path(path_type=Path, dir_okay=True)

domain_option = click.option("--domain", required=True, type=DOMAIN, help="Mail domain, e.g. goo.ne.jp (IDN allowed).")
selector_option = click.option(
    "--selector", required=True, type=SELECTOR, help="DKIM selector: one DNS label, e.g. gooid-21-pro-20250912-1."
)
key_file_option = click.option("--key-file", type=_FILE, help="Private key: PEM (PKCS#1/PKCS#8), DER or base64 body.")
passphrase_option = click.option(
    "--passphrase-file",
    type=_FILE,
    help="File holding the passphrase of an encrypted key (or set BYODKIM_KEY_PASSPHRASE).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="byodkim")
@click.option("--debug", is_flag=True, help="Log every AWS call to stderr (key material is redacted).")
def cli(debug: bool) -> None:  # noqa: FBT001 - a click flag
    """Take a mail domain onto Amazon SES with its own DKIM key (BYODKIM)."""
    from byodkim import logs

    logs.configure(debug=debug)


profile_option = click.option("--profile", help="AWS profile (default: the standard credential chain).")
regions_option = click.option(
    "--region", "regions", multiple=True, help="AWS region; repeat for several (default: AWS_REGION or the profile's)."
)
nameserver_option = click.option(
    "--nameserver",
    "nameservers",
    multiple=True,
    envvar="BYODKIM_NAMESERVERS",
    help="Ask this name server (HOST[:PORT]); repeat for several [default: the zone's own, or BYODKIM_NAMESERVERS].",
)
output_option = click.option(
    "--output", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)


def _regions(profile: str | None, regions: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
    """Return the Aws handle and the regions to act on, refusing bad ones before any call."""
    from byodkim.aws import Aws, check_region

    aws = Aws(profile, regions[0] if regions else None)
    chosen = tuple(dict.fromkeys(check_region(r) for r in regions)) or (aws.default_region(),)
    return aws, chosen


def _echo_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@cli.command()
@selector_option
@click.option("--bits", type=click.Choice(["2048", "1024"]), default="2048", show_default=True, help="RSA key size.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=True),
    default=Path("keys"),
    show_default=True,
    help="Folder for the key files (created owner-only).",
)
@click.option("--domain", type=DOMAIN, help="Mail domain, only to print the exact next command.")
def keygen(selector: str, bits: str, out: Path, domain: str | None) -> None:
    """Generate an RSA DKIM key pair; the private key is written owner-only (0600)."""
    from byodkim import keys

    key = keys.generate(int(bits))
    files = keys.write_key_files(out, selector, key)
    click.echo(f"private key: {files.private} (PKCS#1 PEM, {key.bits} bits, owner-only; keep it secret)")
    click.echo(f"public key:  {files.public}")
    click.echo(f"fingerprint: {key.public.fingerprint}")
    click.echo(
        "next: byodkim dns-request --domain "
        f"{domain or 'DOMAIN'} --selector {selector} --key-file {files.private} --out dns-request.md"
    )


def _public_key(key_file: Path | None, public_key_file: Path | None, passphrase_file: Path | None) -> PublicKey:
    from byodkim import keys

    if (key_file is None) == (public_key_file is None):
        raise InputError("give exactly one of --key-file or --public-key-file")
    if public_key_file is not None:
        return keys.load_public_key(public_key_file)
    assert key_file is not None  # noqa: S101 - narrowed by the check above
    return _signing_key(key_file, passphrase_file).public


def _signing_key(key_file: Path, passphrase_file: Path | None) -> SigningKey:
    from byodkim import keys

    return keys.load_private_key(key_file, keys.read_passphrase(passphrase_file))


@cli.command("dns-record")
@domain_option
@selector_option
@key_file_option
@click.option("--public-key-file", type=_FILE, help="Public key, or a DKIM record value, instead of --key-file.")
@passphrase_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["value", "bind", "json", "route53"]),
    default="value",
    show_default=True,
    help="value: the TXT value; bind: a zone-file line; json; route53: a ChangeBatch.",
)
@click.option("--ttl", type=click.IntRange(60, 86400), default=3600, show_default=True, help="Record TTL in seconds.")
def dns_record(
    domain: str,
    selector: str,
    key_file: Path | None,
    public_key_file: Path | None,
    passphrase_file: Path | None,
    fmt: str,
    ttl: int,
) -> None:
    """Print the DKIM TXT record for a key, in the form your DNS tool loads."""
    from byodkim.record import DkimRecord

    public = _public_key(key_file, public_key_file, passphrase_file)
    click.echo(DkimRecord(domain, selector, public.b64, ttl).render(fmt))


@cli.command("dns-request")
@domain_option
@selector_option
@key_file_option
@click.option("--public-key-file", type=_FILE, help="Public key instead of --key-file.")
@passphrase_option
@click.option(
    "--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True, help="Language of the request."
)
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the request here instead of stdout."
)
@click.option(
    "--ttl", type=click.IntRange(60, 86400), default=3600, show_default=True, help="Suggested TTL in seconds."
)
@click.option("--requester", default="", help="Your name and contact, filled into the request.")
@click.option("--deadline", default="", help="When the record is needed, filled into the request.")
def dns_request(
    domain: str,
    selector: str,
    key_file: Path | None,
    public_key_file: Path | None,
    passphrase_file: Path | None,
    lang: str,
    out: Path | None,
    ttl: int,
    requester: str,
    deadline: str,
) -> None:
    """Write the Markdown request a DNS team receives to publish the record."""
    from byodkim.record import DkimRecord
    from byodkim.request import RequestFields, render_request

    public = _public_key(key_file, public_key_file, passphrase_file)
    text = render_request(DkimRecord(domain, selector, public.b64, ttl), lang, RequestFields(requester, deadline))
    if out is None:
        click.echo(text, nl=False)
        return
    _write_text(out, text)
    click.echo(f"wrote {out} ({lang}); send it to the DNS team")


def _write_text(path: Path, text: str) -> None:
    try:
        # UTF-8 without a BOM and with LF: what every editor, git and the DNS team's tools read alike.
        path.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write `{path}`: {exc.strerror}", "check the path") from None


class _Progress:
    """Render library progress on stderr: one live line on a terminal, step lines otherwise."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.last = ""

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.live:
            counter = f" {done}/{total}" if total else ""
            click.echo(f"\r\033[K{step}{counter}", nl=False, err=True)
        elif step != self.last:
            click.echo(f"{step}...", err=True)
        self.last = step

    def close(self) -> None:
        if self.live and self.last:
            click.echo("\r\033[K", nl=False, err=True)


@cli.command("build-layer")
@click.option(
    "--runtime", "runtime_name", default="python3.12", show_default=True, help="Lambda runtime, python3.10-3.14."
)
@click.option("--arch", "arch_name", default="x86_64", show_default=True, help="Lambda architecture: x86_64 or arm64.")
@click.option(
    "--requirements",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Packages for the layer [default: layers/cryptography/requirements.txt].",
)
@click.option(
    "--out", type=click.Path(path_type=Path), help="Zip to write [default: cryptography-layer-RUNTIME-ARCH.zip]."
)
@click.option("--publish", is_flag=True, help="Publish the zip as a layer version (skipped when unchanged).")
@click.option("--layer-name", help="Layer name to publish under (with --publish).")
@click.option("--bucket", help="S3 bucket to upload through (needed above 50 MB).")
@click.option("--profile", help="AWS profile (default: the standard credential chain).")
@click.option("--region", help="AWS region (default: AWS_REGION or the profile's).")
def build_layer(
    runtime_name: str,
    arch_name: str,
    requirements: Path | None,
    out: Path | None,
    publish: bool,  # noqa: FBT001 - a click flag
    layer_name: str | None,
    bucket: str | None,
    profile: str | None,
    region: str | None,
) -> None:
    """Build the cryptography Lambda layer for a runtime, from any OS, without Docker."""
    from byodkim import layer

    target = layer.runtime(runtime_name)
    layer.arch(arch_name)
    if target.deprecated:
        click.echo(
            f"warning: Lambda deprecated {target.name} on {target.deprecated}; new functions should use python3.12",
            err=True,
        )
    if publish and not layer_name:
        raise InputError("--publish needs --layer-name", "e.g. --layer-name aws-ses-migration-prod-cryptography")
    if (layer_name or bucket) and not publish:
        raise InputError("--layer-name and --bucket only apply with --publish", "add --publish")
    aws = None
    if publish:
        from byodkim.aws import Aws

        aws = Aws(profile, region)
        aws.default_region()  # refuse a missing or malformed region before building anything
    progress = _Progress()
    try:
        built = layer.build_layer(
            layer.BuildOptions(target, arch_name, requirements=requirements, out=out, progress=progress)
        )
    finally:
        progress.close()
    origin = "from cache, unchanged" if built.cached else "built"
    click.echo(
        f"layer: {built.path} ({origin}; {built.runtime} {built.arch}; {built.size / 1e6:.2f} MB zipped, "
        f"{built.unzipped_size / 1e6:.2f} MB unzipped, {built.files} files)"
    )
    click.echo(f"packages: {' '.join(built.packages)}")
    click.echo(f"CodeSha256: {built.sha256_b64}")
    if aws is not None and layer_name:
        from byodkim.publish import publish_layer

        result = publish_layer(built, layer_name, aws.client("lambda"), aws.client("s3") if bucket else None, bucket)
        if result.created:
            click.echo(f"published: {result.arn}" + (" (through S3)" if result.via_s3 else ""))
        else:
            click.echo(f"unchanged: the latest version already has this CodeSha256: {result.arn}")


@cli.command()
@domain_option
@selector_option
@key_file_option
@passphrase_option
@click.option("--secret-id", help="Secrets Manager secret holding the key [default: byodkim/dkim/DOMAIN/SELECTOR].")
@click.option("--kms-key-id", help="KMS key for a new secret (e.g. the phase-1 key's alias).")
@regions_option
@profile_option
@click.option("--dry-run", is_flag=True, help="Print the calls it would make; change nothing.")
@click.option("--force", is_flag=True, help="Switch an identity signing with Easy DKIM without the DNS check.")
@nameserver_option
@output_option
def register(
    domain: str,
    selector: str,
    key_file: Path | None,
    passphrase_file: Path | None,
    secret_id: str | None,
    kms_key_id: str | None,
    regions: tuple[str, ...],
    profile: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    force: bool,  # noqa: FBT001 - a click flag
    nameservers: tuple[str, ...],
    output: str,
) -> int:
    """Register the DKIM key with SES (SigningAttributesOrigin=EXTERNAL) in each region."""
    from byodkim import registration, secretstore

    if key_file is not None and secret_id is not None:
        raise InputError("give --key-file or --secret-id, not both")
    given = _signing_key(key_file, passphrase_file) if key_file is not None else None
    aws, chosen = _regions(profile, regions)
    source = secretstore.obtain_key(
        aws.client("secretsmanager", chosen[0]),
        domain=domain,
        selector=selector,
        given=given,
        secret_id=secret_id,
        kms_key_id=kms_key_id,
        dry_run=dry_run,
    )
    request = registration.Registration(domain, selector, source.key, chosen, dry_run=dry_run, force=force)
    results = registration.register(request, aws, _live_check(domain, selector, source.key, nameservers))
    if output == "json":
        _echo_json(
            {
                "domain": domain,
                "selector": selector,
                "fingerprint": source.key.public.fingerprint,
                "secret": {"id": source.secret_id, "region": chosen[0], "action": source.action},
                "generated": source.generated,
                "dry_run": dry_run,
                "regions": [r.as_dict() for r in results],
            }
        )
    else:
        origin = "new key" if source.generated else "key"
        click.echo(f"{origin} {source.key.public.fingerprint}: {source.action} {source.secret_id} ({chosen[0]})")
        for result in results:
            click.echo(_region_line(result))
            for call in result.calls if dry_run else ():
                click.echo(f"  would call {call}")
        if not dry_run and all(r.ok for r in results):
            click.echo(f"next: publish the record, then byodkim verify --domain {domain} --selector {selector} --ses")
    return 0 if all(r.ok for r in results) else 1


def _region_line(result: Any) -> str:  # noqa: ANN401 - registration.RegionResult
    """Return ``REGION: ACTION (DKIM STATUS): DETAIL``, the line register and rollback print per region."""
    status = f" (DKIM {result.status})" if result.status else ""
    return f"{result.region}: {result.action}{status}{': ' + result.detail if result.detail else ''}"


def _live_check(domain: str, selector: str, key: SigningKey, nameservers: tuple[str, ...]) -> Any:  # noqa: ANN401
    """Return the Easy DKIM guard's check: whether the new record is live on every authoritative server."""
    from byodkim import verify

    def live() -> tuple[bool, str]:
        try:
            servers = verify.parse_servers(nameservers)
            report = verify.check(verify.Check(domain, selector, key.public, servers))
        except ByodkimError as exc:
            return False, f"the DNS check failed: {exc}"
        return report.ok, report.summary()

    return live


@cli.command()
@domain_option
@selector_option
@key_file_option
@click.option("--public-key-file", type=_FILE, help="Public key (or DKIM record value) instead of --key-file.")
@click.option("--secret-id", help="Read the key from this Secrets Manager secret instead.")
@passphrase_option
@nameserver_option
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
@click.option("--ses", is_flag=True, help="Also read SES's DKIM status in each --region.")
@regions_option
@profile_option
@output_option
def verify(
    domain: str,
    selector: str,
    key_file: Path | None,
    public_key_file: Path | None,
    secret_id: str | None,
    passphrase_file: Path | None,
    nameservers: tuple[str, ...],
    query_timeout: float,
    wait_: bool,  # noqa: FBT001 - a click flag
    timeout: float,
    interval: float,
    ses: bool,  # noqa: FBT001 - a click flag
    regions: tuple[str, ...],
    profile: str | None,
    output: str,
) -> int:
    """Check the DKIM record on every authoritative name server; exit 0 only when all publish this key."""
    from byodkim import verify as checker

    if sum(x is not None for x in (key_file, public_key_file, secret_id)) != 1:
        raise InputError("give exactly one of --key-file, --public-key-file or --secret-id")
    servers = checker.parse_servers(nameservers)
    aws, chosen = _regions(profile, regions) if (ses or secret_id) else (None, ())
    if secret_id is not None and aws is not None:
        from byodkim import secretstore

        stored = secretstore.read_key(aws.client("secretsmanager", chosen[0]), secret_id)
        if stored is None:
            raise InputError(f"secret `{secret_id}` does not exist", "check --secret-id and --region")
        expected = stored.public
    else:
        expected = _public_key(key_file, public_key_file, passphrase_file)
    request = checker.Check(domain, selector, expected, servers, timeout=query_timeout)
    ses_poll = _ses_poll(domain, chosen, aws) if ses else None
    if not wait_:
        report = checker.check(request)
        view = checker.SesView(ses_poll()) if ses_poll else None
        state = checker.Waited(report, view, report.seconds, 1)
    else:
        live = _WaitProgress(output)
        try:
            state = checker.wait(request, timeout=timeout, interval=interval, ses=ses_poll, progress=live)
        except KeyboardInterrupt:
            live.close()
            where = live.last.report.summary() if live.last else "nothing checked yet"
            click.echo(f"interrupted: {where}", err=True)
            return 130
        finally:
            live.close()
    _render_verify(state, output)
    if not state.report.ok or (state.ses is not None and not state.ses.success):
        return 1
    return 0


def _ses_poll(domain: str, regions: tuple[str, ...], aws: Any) -> Any:  # noqa: ANN401
    from byodkim import registration

    def poll() -> dict[str, str]:
        return {
            s.region: (s.status or "NO IDENTITY") if s.exists else "NO IDENTITY"
            for s in registration.status(domain, regions, aws)
        }

    return poll


class _WaitProgress:
    """The live line while --wait polls: on a terminal one line rewritten, otherwise a line per change."""

    def __init__(self, output: str) -> None:
        self.live = sys.stderr.isatty()
        self.last: Any = None
        self.last_text = ""
        self.quiet = output == "json" and not self.live

    def __call__(self, state: Any) -> None:  # noqa: ANN401 - verify.Waited
        self.last = state
        text = f"{state.report.summary()}"
        if state.ses is not None:
            text += "; SES " + ", ".join(f"{r} {v}" for r, v in state.ses.statuses.items())
        if self.live:
            click.echo(f"\r\033[Kwaiting {int(state.elapsed)}s (poll {state.polls}): {text}", nl=False, err=True)
        elif text != self.last_text and not self.quiet:
            click.echo(f"waiting {int(state.elapsed)}s: {text}", err=True)
        self.last_text = text

    def close(self) -> None:
        if self.live and self.last is not None:
            click.echo("\r\033[K", nl=False, err=True)


def _render_verify(state: Any, output: str) -> None:  # noqa: ANN401 - verify.Waited
    report = state.report
    if output == "json":
        data = report.as_dict()
        if state.ses is not None:
            data["ses"] = state.ses.statuses
        _echo_json(data)
        return
    zone = f"zone {report.zone}, " if report.zone else ""
    click.echo(f"{report.name} ({zone}key {report.fingerprint})")
    width = max((len(a.server) for a in report.servers), default=10)
    for answer in report.servers:
        serial = f"serial {answer.serial}" if answer.serial is not None else "serial -"
        click.echo(f"  {answer.server:<{width}}  {answer.outcome:<13} {serial:<17} {answer.detail}")
        for warning in answer.warnings:
            click.echo(f"  {'':<{width}}  warning: {warning}")
    for hint in report.hints:
        click.echo(f"hint: {hint}")
    click.echo(report.summary())
    if state.ses is not None:
        for region, status in state.ses.statuses.items():
            click.echo(f"SES {region}: {status}")
        for region in state.ses.failed:
            click.echo(
                f"SES {region} gave up (FAILED): with the record live, "
                "run `byodkim register` again to restart verification"
            )


@cli.command()
@domain_option
@regions_option
@profile_option
@nameserver_option
@click.option("--no-dns", is_flag=True, help="Show SES's view only.")
@output_option
def status(
    domain: str,
    regions: tuple[str, ...],
    profile: str | None,
    nameservers: tuple[str, ...],
    no_dns: bool,  # noqa: FBT001 - a click flag
    output: str,
) -> int:
    """Show the identity's DKIM state in each region, and the record on the name servers beside it."""
    from byodkim import registration, verify
    from byodkim.report import dns_views as report_dns_views

    servers = verify.parse_servers(nameservers)
    aws, chosen = _regions(profile, regions)
    found = registration.status(domain, chosen, aws)
    dns_views = [] if no_dns else report_dns_views(domain, found, servers)
    if output == "json":
        _echo_json({"domain": domain, "regions": [s.as_dict() for s in found], "dns": dns_views})
        return 1 if any(item.error for item in found) else 0
    for item in found:
        if item.error:
            click.echo(f"{item.region}: error: {item.error}")
        elif not item.exists:
            click.echo(f"{item.region}: no identity for {domain}")
        else:
            signing = "on" if item.signing_enabled else "off"
            click.echo(
                f"{item.region}: {item.origin} status={item.status} signing={signing} "
                f"tokens={','.join(item.tokens) or '-'} verified_for_sending={item.verified_for_sending} "
                f"last_key={item.last_key_time or '-'}"
            )
    for view in dns_views:
        click.echo(f"dns: {view['summary']}")
        for answer in view.get("servers", []):
            click.echo(f"  {answer['server']}: {answer['outcome']} {answer['detail']}".rstrip())
    return 1 if any(item.error for item in found) else 0


@cli.command()
@domain_option
@regions_option
@profile_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def rollback(domain: str, regions: tuple[str, ...], profile: str | None, yes: bool) -> int:  # noqa: FBT001
    """Switch the identity back to Easy DKIM (SigningAttributesOrigin=AWS_SES)."""
    from byodkim import registration

    aws, chosen = _regions(profile, regions)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError(
                "rollback changes how mail is signed and needs confirmation", "run it in a terminal or add --yes"
            )
        click.confirm(f"Switch {domain} back to Easy DKIM in {', '.join(chosen)}?", abort=True)
    results = registration.rollback(domain, chosen, aws)
    for result in results:
        click.echo(_region_line(result))
    if all(r.ok for r in results):
        click.echo("Easy DKIM publishes three CNAME records; check `byodkim status` for the tokens to publish")
    return 0 if all(r.ok for r in results) else 1


@cli.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=4566, show_default=True, help="Port on 127.0.0.1 (0: any)."
)
@click.option(
    "--dns", "dns_servers", multiple=True, help="HOST:PORT of a name server the emulated SES reads DKIM records from."
)
@click.option(
    "--dkim-window",
    type=click.FloatRange(min=1),
    default=72 * 3600.0,
    help="Seconds before PENDING turns FAILED [72 h].",
)
@click.option("--region", default="ap-northeast-1", show_default=True, help="Region for the printed environment.")
def emulator(port: int, dns_servers: tuple[str, ...], dkim_window: float, region: str) -> None:
    """Run the local AWS emulator (moto + BYODKIM) until interrupted."""
    from byodkim.emulator import Emulator

    _stop_on_sigterm()
    server = Emulator(port=port, dns_servers=list(dns_servers), dkim_window=dkim_window, region=region).start()
    click.echo("# the local AWS emulator is running; in another shell:")
    for name, value in server.environment().items():
        click.echo(f"export {name}={value}")
    click.echo(f"# server log: {server.log_path}; Ctrl-C stops it", err=True)
    try:
        server.wait()
    finally:
        server.stop()


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so `finally` blocks stop the servers we started."""
    import signal

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, stop)


@cli.command()
@click.option("--env", "environment", default="prod", show_default=True, help="Environment (Sceptre config group).")
@click.option("--project", default="aws-ses-migration", show_default=True, help="Project name.")
@click.option("--domain", type=DOMAIN, help="Mail domain [default: the phase-3 stack's identity].")
@regions_option
@profile_option
@nameserver_option
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True, help="Language of the memo.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the memo here instead of stdout.")
def report(
    environment: str,
    project: str,
    domain: str | None,
    regions: tuple[str, ...],
    profile: str | None,
    nameservers: tuple[str, ...],
    fmt: str,
    lang: str,
    out: Path | None,
) -> None:
    """Write where the rollout stands: stacks, layer, SES per region, DNS, next step."""
    from byodkim import report as memo
    from byodkim import verify

    servers = verify.parse_servers(nameservers)
    aws, chosen = _regions(profile, regions)
    request = memo.ReportRequest(project, environment, domain, chosen, servers, lang)
    text = memo.render(memo.collect(request, aws, chosen[0]), fmt, lang)
    if out is None:
        click.echo(text, nl=False)
    else:
        _write_text(out, text)
        click.echo(f"wrote {out}")


@cli.command()
@click.option(
    "--keep", is_flag=True, help="Leave the emulator and DNS server running until Ctrl-C, and say how to reach them."
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    default="en",
    show_default=True,
    help="Language of the report and request.",
)
def sandbox(keep: bool, lang: str) -> None:  # noqa: FBT001 - a click flag
    """Rehearse the whole rollout locally: no AWS account needed."""
    import time

    from byodkim import sandbox as rehearsal

    started = time.monotonic()
    steps = [0]

    def progress(what: str, seconds: float) -> None:
        steps[0] += 1
        click.echo(f"[{steps[0]:>2}] {what} ({seconds:.1f} s)", err=True)

    _stop_on_sigterm()
    with rehearsal.running(rehearsal.SandboxOptions(lang=lang, progress=progress)) as box:
        rehearsal.rehearse(box, rehearsal.SandboxOptions(lang=lang, progress=progress))
        click.echo(box.report_text, nl=False)
        click.echo(f"sandbox rollout reached SUCCESS in {time.monotonic() - started:.1f} s", err=True)
        if keep:
            click.echo("# the sandbox is running; in another shell:")
            for name, value in box.environment.items():
                click.echo(f"export {name}={value}")
            click.echo(f"# files: {box.workdir}; Ctrl-C stops it", err=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


@cli.command()
@domain_option
@click.option("--new-selector", required=True, type=SELECTOR, help="Selector of the new key (one DNS label).")
@regions_option
@profile_option
@nameserver_option
@click.option("--timeout", type=DURATION, default="72h", show_default=True, help="How long each wait may take.")
@click.option(
    "--interval", type=click.FloatRange(0.05, 3600), default=5.0, show_default=True, help="First poll interval (s)."
)
@click.option(
    "--until",
    type=click.Choice(["keyed", "requested", "published", "switched", "verified"]),
    help="Stop after this step.",
)
@click.option(
    "--state-dir", type=click.Path(path_type=Path, file_okay=False), default=Path(".byodkim"), show_default=True
)
@click.option(
    "--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True, help="Language of the DNS request."
)
@click.option(
    "--keep-old-days", type=click.IntRange(1, 365), default=7, show_default=True, help="Days to keep the old record."
)
@click.option("--kms-key-id", help="KMS key for the new key's secret.")
def rotate(
    domain: str,
    new_selector: str,
    regions: tuple[str, ...],
    profile: str | None,
    nameservers: tuple[str, ...],
    timeout: float,
    interval: float,
    until: str | None,
    state_dir: Path,
    lang: str,
    keep_old_days: int,
    kms_key_id: str | None,
) -> None:
    """Rotate to a new key and selector safely; an interrupted rotation resumes where it stopped."""
    from byodkim import rotate as rotation
    from byodkim import verify

    servers = verify.parse_servers(nameservers)
    aws, chosen = _regions(profile, regions)
    request = rotation.RotationRequest(
        domain, new_selector, chosen, servers, state_dir, timeout, interval, until, lang, keep_old_days, kms_key_id
    )
    labels = {
        "keyed": "new key generated and stored in Secrets Manager",
        "requested": "DNS request written",
        "published": "new record live on every authoritative server",
        "switched": "SES switched to the new key",
        "verified": "SES reports SUCCESS with the new key",
    }

    def progress(step: str, what: str) -> None:
        click.echo(f"{step}: {labels[step]} ({what})", err=True)

    state = rotation.rotate(request, aws, progress)
    if "requested" in state.done and "published" not in state.done:
        click.echo(f"send {state.request_file} to the DNS team; then run the same command again")
    if "verified" in state.done:
        click.echo(
            f"rotated {domain} from {state.old_selector} to {state.new_selector}. Keep the old record "
            f"{state.old_selector}._domainkey.{domain} until {state.old_record_until}, then remove it"
        )
    else:
        click.echo(f"stopped after {state.done[-1]}; state in {request.state_file}")


@cli.command()
@click.argument("number", type=click.Choice(["4", "5", "7"]))
@domain_option
@click.option("--selector", type=SELECTOR, help="Selector [default: the one phase-4 keeps in SSM].")
@click.option("--env", "environment", default="prod", show_default=True, help="Environment (Sceptre config group).")
@click.option("--project", default="aws-ses-migration", show_default=True, help="Project name.")
@nameserver_option
@profile_option
@click.option("--region", help="AWS region (default: AWS_REGION or the profile's).")
def phase(
    number: str,
    domain: str,
    selector: str | None,
    environment: str,
    project: str,
    nameservers: tuple[str, ...],
    profile: str | None,
    region: str | None,
) -> int:
    """Run the dkim-manager Lambda's phase 4, 5 or 7 from here, with the same code and payload."""
    import json

    from byodkim.aws import Aws
    from byodkim.manager import Manager, ManagerConfig, PhaseRequest

    aws = Aws(profile, region)
    where = aws.default_region()
    account = aws.client("sts", where).get_caller_identity()["Account"]
    config = ManagerConfig.for_deployment(project, environment, domain, f"{where}:{account}", nameservers)
    result = Manager(config, aws, where).run(PhaseRequest("phase_manager", number, domain, selector))
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; the only place errors become messages."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="byodkim", standalone_mode=False)
    except ByodkimError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message())  # bare `byodkim`: the help is the answer, not an error
        return 0
    except click.UsageError as exc:
        where = f" (see 'byodkim {exc.ctx.command_path.partition(' ')[2]} --help')" if exc.ctx else ""
        click.echo(f"error: {exc.format_message()}{where.replace('byodkim  --help', 'byodkim --help')}", err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.Abort:
        click.echo("error: interrupted", err=True)
        return 130
    except Exception as exc:
        translated = _translate(exc)
        if translated is None:
            raise
        click.echo(f"error: {translated}", err=True)
        return translated.exit_code
    return result if isinstance(result, int) else 0


def _translate(exc: Exception) -> ByodkimError | None:
    if "botocore" not in sys.modules:  # nothing AWS ran, so it is not an AWS error
        return None
    from byodkim.aws import translate

    return translate(exc)


def main() -> NoReturn:
    """Console-script entry point."""
    sys.exit(run())
