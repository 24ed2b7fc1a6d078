"""The command line: one thin door onto the library, and the one place errors become messages and exit codes.

Each command group lives in its own module; heavy libraries (cryptography, boto3,
dnspython, rich) are imported inside the commands that use them, so ``byodkim --help``
stays fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

from byodkim import __version__
from byodkim.cli import dmarc, keys, layer, local, mail, rollout, ses, stacks, verify
from byodkim.errors import ByodkimError

if TYPE_CHECKING:
    from collections.abc import Sequence


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="byodkim")
@click.option(
    "--debug", is_flag=True, help="Log one line per AWS call (service, operation, region, status, time) to stderr."
)
def cli(debug: bool) -> None:  # noqa: FBT001 - a click flag
    """Take a mail domain onto Amazon SES with its own DKIM key (BYODKIM)."""
    from byodkim import logs

    logs.configure(debug=debug)


for command in (
    keys.keygen,
    keys.dns_record,
    keys.dns_request,
    layer.build_layer,
    ses.register,
    verify.verify,
    ses.status,
    ses.rollback,
    local.emulator,
    rollout.report,
    local.sandbox,
    rollout.rotate,
    rollout.phase,
    stacks.preflight,
    stacks.adopt,
    stacks.continue_rollback,
    stacks.retain,
    stacks.iam_policy,
    mail.check_mail,
    mail.send_test,
    mail.check_domain,
    dmarc.dmarc_report,
):
    cli.add_command(command)


def _in_language(line: str, argv: Sequence[str] | None) -> str:
    """Return an error line in the language the user asked for (--lang ja, or a Japanese locale)."""
    from byodkim.cli.options import default_lang

    args = list(argv) if argv is not None else sys.argv[1:]
    asked = args[args.index("--lang") + 1] if "--lang" in args[:-1] else default_lang()
    if asked != "ja":
        return line
    from byodkim.cli.ja import translate

    return translate(line)


class _Printable:
    """A text stream that writes what it is given through :func:`byodkim.text.printable`.

    Everything the CLI prints passes here, so text from DNS or a message reaches the terminal
    as escapes, whichever command and line print it.
    """

    def __init__(self, stream: TextIO, *, carriage_return: bool = False) -> None:
        self._stream, self._carriage_return = stream, carriage_return

    def write(self, text: str) -> int:
        from byodkim.text import printable

        return self._stream.write(printable(text, carriage_return=self._carriage_return))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; the only place errors become messages and output is made printable."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = _Printable(stdout)
    sys.stderr = _Printable(stderr, carriage_return=True)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run(argv: Sequence[str] | None) -> int:
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="byodkim", standalone_mode=False)
    except ByodkimError as exc:
        click.echo(_in_language(f"error: {_with_way_on(exc, argv)}", argv), err=True)
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message())  # bare `byodkim`: the help is the answer, not an error
        return 0
    except click.UsageError as exc:
        where = f" (see 'byodkim {exc.ctx.command_path.partition(' ')[2]} --help')" if exc.ctx else ""
        line = f"error: {exc.format_message()}{where.replace('byodkim  --help', 'byodkim --help')}"
        click.echo(_in_language(line, argv), err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.Abort as exc:
        # Ctrl-C (click re-raises it as Abort) names the way back in; a "no" at a prompt does not.
        said = f"interrupted; {_resume(argv)}" if isinstance(exc.__cause__, KeyboardInterrupt) else "interrupted"
        click.echo(f"error: {said}", err=True)
        return 130
    except Exception as exc:
        translated = _translate(exc)
        if translated is None:
            raise
        click.echo(_in_language(f"error: {_with_way_on(translated, argv)}", argv), err=True)
        return translated.exit_code
    return result if isinstance(result, int) else 0


def _with_way_on(exc: ByodkimError, argv: Sequence[str] | None) -> str:
    """Return the error's line; an AWS failure with no advice of its own (an outage, retries spent) names the re-run."""
    from byodkim.errors import AwsError

    if isinstance(exc, AwsError) and not exc.hint:
        return f"{exc.message}; {_resume(argv)}"
    return str(exc)


def _resume(argv: Sequence[str] | None) -> str:
    """Return how to pick up an interrupted command: every command is safe to run again and resumes."""
    import shlex

    from byodkim.cli.options import prefix

    args = list(argv) if argv is not None else sys.argv[1:]
    return f"run the same command to resume: {prefix()} {shlex.join(args)}"


def _translate(exc: Exception) -> ByodkimError | None:
    if "botocore" not in sys.modules:  # nothing AWS ran, so it is not an AWS error
        return None
    from byodkim.aws.errors import translate

    return translate(exc)


def main() -> NoReturn:
    """Console-script entry point."""
    sys.exit(run())
