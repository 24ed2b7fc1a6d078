"""The command line: thin commands over the library, and the one place errors become exit codes.

Heavy libraries (cryptography, boto3, dnspython) are imported inside the commands
that use them, so ``byodkim --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from byodkim import __version__
from byodkim.errors import ByodkimError, InputError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from byodkim.keys import PublicKey, SigningKey


class _Domain(click.ParamType[str]):
    name = "domain"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:  # noqa: ANN401
        from byodkim.names import normalize_domain

        try:
            return normalize_domain(str(value))
        except InputError as exc:
            self.fail(str(exc), param, ctx)


class _Selector(click.ParamType[str]):
    name = "selector"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:  # noqa: ANN401
        from byodkim.names import validate_selector

        try:
            return validate_selector(str(value))
        except InputError as exc:
            self.fail(str(exc), param, ctx)


DOMAIN = _Domain()
SELECTOR = _Selector()
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
def cli() -> None:
    """Take a mail domain onto Amazon SES with its own DKIM key (BYODKIM)."""


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
