"""Options every command shares, checked by the library's own validators, and small output helpers.

A bad value is refused by click naming the option once ("Invalid value for '--domain': the
domain is empty; ..."): the library's message describes the value, this layer adds the flag.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from byodkim.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.aws.session import Aws
    from byodkim.dkim.keys import PublicKey, SigningKey
    from byodkim.dnscheck.servers import Server

T = TypeVar("T")
F = TypeVar("F", bound="Callable[..., Any]")


class Checked(click.ParamType[T]):
    """An option value checked by a library function, whose refusal names the option and the value.

    The function is named as ``module:function`` and imported only when a value arrives,
    so ``byodkim --help`` does not pay for it.
    """

    def __init__(self, name: str, checker: str, *, naming: bool = True) -> None:
        # naming=False: the refusal is a whole sentence of its own (`phase 6` is the DNS team's), so
        # it is not put after "Invalid value for '{4|5|7}'".
        self.name, self.checker, self.naming = name, checker, naming

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> T:  # noqa: ANN401
        """Return the checked value, or fail naming the option."""
        from importlib import import_module

        module, _, function = self.checker.partition(":")
        try:
            checked: T = getattr(import_module(module), function)(str(value))
        except InputError as exc:
            if not self.naming:
                raise click.UsageError(str(exc), ctx) from None
            self.fail(str(exc), param, ctx)
        return checked


DOMAIN = Checked[str]("domain", "byodkim.dkim.names:normalize_domain")
SELECTOR = Checked[str]("selector", "byodkim.dkim.names:validate_selector")
DURATION = Checked[float]("duration", "byodkim.dnscheck.wait:parse_duration")
NAMESERVER = Checked["list[Server]"]("nameserver", "byodkim.dnscheck.servers:parse_server")
FILE = click.Path(path_type=Path, dir_okay=True)
OUT_FILE = click.Path(path_type=Path, dir_okay=False)

domain_option = click.option("--domain", required=True, type=DOMAIN, help="Mail domain, e.g. goo.ne.jp (IDN allowed).")
selector_option = click.option(
    "--selector", required=True, type=SELECTOR, help="DKIM selector: one DNS label, e.g. gooid-21-pro-20250912-1."
)
declared_selector_option = click.option(
    "--selector",
    type=SELECTOR,
    help="DKIM selector: one DNS label [default: the domain's, declared in the Sceptre config].",
)
key_file_option = click.option("--key-file", type=FILE, help="Private key: PEM (PKCS#1/PKCS#8), DER or base64 body.")
PASSPHRASE_FILE = Checked[bytes]("file", "byodkim.dkim.keyload:passphrase_from_file")
passphrase_option = click.option(
    "--passphrase-file",
    "passphrase",
    type=PASSPHRASE_FILE,
    help="File holding the passphrase of an encrypted key (or set BYODKIM_KEY_PASSPHRASE).",
)
profile_option = click.option("--profile", help="AWS profile (default: the standard credential chain).")
# A typo in a region is a usage error before any call (and before the declaration is consulted).
REGION = Checked[str]("region", "byodkim.aws.session:check_region")
region_option = click.option("--region", type=REGION, help="AWS region (default: AWS_REGION or the profile's).")
regions_option = click.option(
    "--region",
    "regions",
    type=REGION,
    multiple=True,
    help="AWS region; repeat for several [default: the domain's declared regions, else AWS_REGION or the profile's].",
)
nameserver_option = click.option(
    "--nameserver",
    "nameservers",
    type=NAMESERVER,
    multiple=True,
    envvar="BYODKIM_NAMESERVERS",
    help="Ask this name server (HOST[:PORT]); repeat for several [default: the zone's own, or BYODKIM_NAMESERVERS].",
)
env_option = click.option(
    "--env", "environment", help="Environment: the Sceptre config group [default: prod, from sceptre/config]."
)
project_option = click.option("--project", help="Project name [default: project_name in the Sceptre config].")


def default_lang() -> str:
    """Return ``ja`` when the user's locale is Japanese (LC_ALL, LC_MESSAGES or LANG ``ja_JP.*``), else ``en``."""
    from byodkim.messages import locale_lang

    return locale_lang()


def lang_option(what: str) -> Callable[[F], F]:
    """Return ``--lang en|ja`` for ``what`` (default: the locale's)."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "ja"]),
        default=default_lang,
        help=f"Language of {what} [default: ja under a Japanese locale (LANG=ja_JP.*), else en].",
    )


def output_option(*choices: str, default: str = "text", help_text: str = "Output format.") -> Callable[[F], F]:
    """Return ``-o/--output CHOICE`` (the AWS CLI's and Sceptre's name), with ``--format`` as a hidden alias.

    ``--format`` was this option's name in some commands before 0.2; it stays for a release.
    """

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, output: str, format_alias: str | None = None, **kwargs: Any) -> Any:  # noqa: ANN401
            if format_alias is not None:
                _deprecated("--format", "--output", kwargs.get("lang"))
            return function(*args, output=format_alias or output, **kwargs)

        choice = click.Choice(list(choices))
        wrapped = click.option("--format", "format_alias", type=choice, hidden=True)(wrapper)
        visible = click.option("-o", "--output", type=choice, default=default, show_default=True, help=help_text)
        # The wrapper takes the command's own arguments plus the alias, which it consumes.
        return cast("F", visible(wrapped))

    return decorate


def renamed(old: str, new: str, dest: str, **kwargs: Any) -> Callable[[F], F]:  # noqa: ANN401
    """Accept ``old``, an option's name before this release, as a hidden alias of ``new`` (parameter ``dest``).

    Given, it prints one deprecation line on stderr and its value goes to ``dest``; the alias
    stays for a release (CHANGELOG), so scripts keep working while they are updated.
    """

    def decorate(function: F) -> F:
        alias = f"renamed_{dest}_{old.lstrip('-').replace('-', '_')}"

        @functools.wraps(function)
        def wrapper(*args: Any, **values: Any) -> Any:  # noqa: ANN401
            given = values.pop(alias, None)
            if given is not None and given != ():
                _deprecated(old, new, values.get("lang"))
                values[dest] = given
            return function(*args, **values)

        return cast("F", click.option(old, alias, hidden=True, default=None, **kwargs)(wrapper))

    return decorate


def _deprecated(old: str, new: str, lang: object) -> None:
    """Print that ``old`` is an option's former name, in the command's language (its --lang, else the locale's)."""
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    click.echo(text(say("options.deprecated", old=old, new=new), str(lang or default_lang())), err=True)


def servers(nameservers: tuple[list[Server], ...]) -> tuple[Server, ...]:
    """Flatten ``--nameserver`` values (a host name may stand for several addresses)."""
    return tuple(server for group in nameservers for server in group)


def aws_regions(
    profile: str | None, regions: tuple[str, ...], ses_rate: float | None = None
) -> tuple[Aws, tuple[str, ...]]:
    """Return the Aws handle and the regions to act on, refusing bad ones before any call."""
    from byodkim.aws.session import Aws, check_region

    aws = Aws(profile, regions[0] if regions else None, ses_rate=ses_rate)
    chosen = tuple(dict.fromkeys(check_region(r) for r in regions)) or (aws.default_region(),)
    return aws, chosen


def kms_key(aws: Aws, region: str, given: str | None) -> str:
    """Return the KMS key for a new secret: the one given, else phase 1's secrets key (or its older key).

    Never Secrets Manager's AWS-managed key (aws/secretsmanager), which the deployment's key
    policy and audit do not cover: without phase 1's key and without --kms-key-id, refuse
    before anything is stored.
    """
    if given:
        return given
    from byodkim import deployment
    from byodkim.aws.secrets import existing_kms_key

    folder = deployment.find_sceptre_dir()
    target = deployment.read(folder) if folder is not None else None
    aliases = [f"{target.kms_alias}-secrets", target.kms_alias] if target is not None else []
    client = aws.client("kms", region)
    for alias in aliases:
        found = existing_kms_key(client, alias)
        if found is not None:
            return found
    from byodkim.messages import say

    wanted = aliases[0] if aliases else say("kms.phase_1")
    raise InputError(say("kms.missing", alias=wanted, region=region), say("kms.missing_hint", option="--kms-key-id"))


def secret_readers(aws: Aws, region: str) -> tuple[str, ...]:
    """Return who may read a new DKIM secret: the dkim-manager role and the operator storing it."""
    from byodkim import deployment
    from byodkim.aws.secrets import principal_patterns

    caller = aws.client("sts", region).get_caller_identity()
    account, arn = str(caller["Account"]), str(caller["Arn"])
    folder = deployment.find_sceptre_dir()
    readers = principal_patterns(arn)
    if folder is not None:
        prefix = deployment.read(folder).prefix
        readers = (f"arn:aws:iam::{account}:role/{prefix}-dkim-manager-role", *readers)
    return readers


def prefix() -> str:
    """Return how the user runs byodkim, for the commands we suggest: ``uv run byodkim`` under uv."""
    import os

    return "uv run byodkim" if os.environ.get("UV_RUN_RECURSION_DEPTH") or os.environ.get("UV") else "byodkim"


def check_mail_from(domain: str, mail_from: str | None, *, itself_ok: bool = False) -> None:
    """Refuse a ``--mail-from`` that is not a subdomain of ``domain`` (or ``domain`` itself, when ``itself_ok``)."""
    if mail_from is None or mail_from.endswith("." + domain) or (itself_ok and mail_from == domain):
        return
    from byodkim.messages import say

    raise InputError(
        say("mail_from.not_under", option="--mail-from", mail_from=mail_from, domain=domain),
        say("mail_from.use_sub", domain=domain),
    )


def echo_json(data: object) -> None:
    """Print ``data`` as indented JSON (UTF-8 text kept as it is)."""
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def write_text(path: Path, text: str) -> None:
    """Write a file people open: UTF-8 without a BOM and with LF, which every editor, git and DNS tool reads alike."""
    try:
        path.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        from byodkim.messages import say

        raise InputError(say("file.cannot_write", path=str(path), why=exc.strerror), say("key.check_path")) from None


def signing_key(key_file: Path, passphrase: bytes | None) -> SigningKey:
    """Load ``--key-file`` with the passphrase from ``--passphrase-file`` or the environment."""
    from byodkim.dkim import keyload

    return keyload.load_private_key(key_file, passphrase or keyload.read_passphrase(None))


def public_key(key_file: Path | None, public_key_file: Path | None, passphrase: bytes | None) -> PublicKey:
    """Return the public key from exactly one of ``--key-file`` and ``--public-key-file``."""
    from byodkim.dkim import keyload

    if (key_file is None) == (public_key_file is None):
        from byodkim.cli.catalogue import one_of

        raise one_of("--key-file", "--public-key-file")
    if public_key_file is not None:
        return keyload.load_public_key(public_key_file)
    assert key_file is not None  # noqa: S101 - narrowed by the check above
    return signing_key(key_file, passphrase).public


def stop_on_signals() -> None:
    """Stop a long-running command cleanly: SIGTERM as a normal exit, and Ctrl-C only once.

    SIGTERM becomes ``SystemExit(143)``, so `finally` blocks stop the servers we started. A
    terminal's Ctrl-C signals the whole foreground group, and `uv run` forwards it to its child as
    well: the command gets two SIGINTs. The first interrupts; later ones are ignored, since they
    would interrupt the cleanup the first started (servers stopping, env files retired) and end it
    as an error ("interrupted; run the same command").
    """
    import signal

    def interrupt(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    def terminate(_signum: int, _frame: object) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, terminate)
