"""The command line: one thin door onto the library, and the one place errors become messages and exit codes.

Each command group lives in its own module; heavy libraries (cryptography, boto3,
dnspython, rich) are imported inside the commands that use them, so ``byodkim --help``
stays fast.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

from byodkim import __version__
from byodkim.cli import dmarc, help_page, keys, layer, local, mail, receiving, rollout, ses, stacks, verify
from byodkim.errors import ByodkimError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="byodkim")
@click.option(
    "--debug", is_flag=True, help="Log one line per AWS call (service, operation, region, status, time) to stderr."
)
def cli(debug: bool) -> None:  # noqa: FBT001 - a click flag
    """Take a mail domain onto Amazon SES with its own DKIM key (BYODKIM)."""
    from byodkim import redacted_logs

    redacted_logs.configure(debug=debug)


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
    receiving.activate_receiving,
):
    cli.add_command(command)
help_page.install(cli)  # every command's --help in the reader's language


def _lang(argv: Sequence[str] | None) -> str:
    """Return the language the user asked for: ``--lang``, else the locale's."""
    from byodkim.cli.options import default_lang

    args = list(argv) if argv is not None else sys.argv[1:]
    asked = args[args.index("--lang") + 1] if "--lang" in args[:-1] else ""
    # A --lang click refuses (`--lang jp`) is the error being reported: say it in the locale's language.
    return asked if asked in ("en", "ja") else default_lang()


class _OutputFailed(Exception):  # noqa: N818 - the CLI's own signal, not a library error
    """The command's output could not be written (a full disk, a file closed under it)."""

    def __init__(self, error: OSError) -> None:
        self.why = error.strerror or str(error)
        super().__init__(self.why)


class _Printable:
    """A text stream that writes what it is given through :func:`byodkim.display.printable`.

    Everything the CLI prints passes here, so text from DNS or a message reaches the terminal
    as escapes, whichever command and line print it. A write to stdout that fails (``> record.txt``
    on a full disk) becomes one line on stderr, not a traceback; a reader gone (``| head``) keeps
    Python's own quiet end.
    """

    def __init__(self, stream: TextIO, *, carriage_return: bool = False, output: bool = False) -> None:
        self._stream, self._carriage_return, self._output = stream, carriage_return, output
        self.terminal = stream  # for rich's live lines, which draw with escapes on purpose
        self.reader_gone = False

    def write(self, text: str) -> int:
        from byodkim.display import printable

        with self._reported():
            return self._stream.write(printable(text, carriage_return=self._carriage_return))

    def flush(self) -> None:
        with self._reported():
            self._stream.flush()

    @contextlib.contextmanager
    def _reported(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):  # a reader gone: click ends it quietly, else run() does
                self.reader_gone = True
                raise
            if not self._output:
                raise
            raise _OutputFailed(exc) from exc

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; the only place errors become messages and output is made printable."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = printed = _Printable(stdout, output=True)
    sys.stderr = _Printable(stderr, carriage_return=True)
    language = help_page.LANG.set(_lang(argv))  # --help answers before --lang is parsed: it reads the command line
    try:
        return _run(argv)
    except _OutputFailed as exc:  # raised wherever the output is printed, the bare command's help included
        from byodkim.cli.catalogue import text

        click.echo(text(say("error.line", line=say("usage.output_failed", why=exc.why)), _lang(argv)), err=True)
        return 1
    except BrokenPipeError:
        if not printed.reader_gone:  # another pipe (a socket, a child): not ours to hide
            raise
        return 1  # the reader is gone where click does not end it (the bare command's help)
    finally:
        help_page.LANG.reset(language)
        sys.stdout, sys.stderr = stdout, stderr


def _run(argv: Sequence[str] | None) -> int:
    from byodkim import redacted_logs
    from byodkim.cli.catalogue import error_line, text

    redacted_logs.language = _lang(argv)  # progress lines the library logs, in the language of the run
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="byodkim", standalone_mode=False)
    except ByodkimError as exc:
        click.echo(error_line(exc, _lang(argv), _way_on(exc, argv)), err=True)
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message())  # bare `byodkim`: the help is the answer, not an error
        return 0
    except click.UsageError as exc:
        click.echo(_usage_line(exc, _lang(argv), argv), err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.Abort as exc:
        # Ctrl-C (click re-raises it as Abort) names the way back in; a "no" at a prompt does not.
        said = say("usage.interrupted")
        if isinstance(exc.__cause__, KeyboardInterrupt):
            said = say("usage.interrupted_resume", resume=_resume(argv))
        click.echo(text(say("error.line", line=said), _lang(argv)), err=True)
        return 130
    except Exception as exc:
        translated = _translate(exc)
        if translated is None:
            raise
        click.echo(error_line(translated, _lang(argv), _way_on(translated, argv)), err=True)
        return translated.exit_code
    return result if isinstance(result, int) else 0


def _way_on(exc: ByodkimError, argv: Sequence[str] | None) -> object:
    """Return the next step of an AWS failure with no advice of its own (an outage, retries spent): the re-run."""
    from byodkim.errors import AwsError

    return _resume(argv) if isinstance(exc, AwsError) and not exc.hint else ""


def _resume(argv: Sequence[str] | None) -> object:
    """Return how to pick up an interrupted command: every command is safe to run again and resumes."""
    import shlex

    from byodkim.cli.options import prefix

    args = list(argv) if argv is not None else sys.argv[1:]
    return say("aws.resume", command=f"{prefix()} {shlex.join(args)}")


def _usage_line(exc: click.UsageError, lang: str, argv: Sequence[str] | None = None) -> str:
    """Return click's usage error as one line, in Japanese from the catalogue when asked."""
    from byodkim.cli.catalogue import text

    line: object = exc.format_message()
    if lang == "ja":
        line = _usage_said(exc, list(argv) if argv is not None else sys.argv[1:]) or line
    if exc.ctx is not None:
        line = say("usage.see_help", line=line, command=f"byodkim {exc.ctx.command_path.partition(' ')[2]}".strip())
    return text(say("error.line", line=line), lang)


def _typed(param: click.Parameter, args: list[str]) -> str:
    """Return the option's name as the operator typed it (``--output`` or ``-o``), else its longest name."""
    names = [*param.opts, *param.secondary_opts]
    typed = [a.partition("=")[0] for a in args if a.partition("=")[0] in names]
    return typed[-1] if typed else max(names, key=len)


def _usage_said(exc: click.UsageError, args: list[str]) -> object:
    """Return what click said as a catalogue line (``None`` for a form the catalogue does not know)."""
    param = getattr(exc, "param", None)
    name = (_typed(param, args) if param.param_type_name == "option" else param.human_readable_name) if param else ""
    if isinstance(exc, click.MissingParameter) and param is not None:
        kind = "usage.missing_option" if param.param_type_name == "option" else "usage.missing_argument"
        return say(kind, name=name if kind == "usage.missing_option" else name.upper())
    if isinstance(exc, click.NoSuchOption):
        return say("usage.no_such_option", name=exc.option_name)
    if isinstance(exc, click.BadParameter) and param is not None:
        hint = f"'{name}'" if param.param_type_name == "option" else f"'{name.upper()}'"
        cause = exc.__context__
        if isinstance(cause, ByodkimError):  # a library check behind the option type: its own keyed line
            return say("usage.bad_value", name=hint, why=_keyed(cause))
        if isinstance(param.type, click.Choice) and " is not one of " in exc.message:
            choices = ", ".join(repr(str(c)) for c in param.type.choices)
            value = exc.message.split(" is not one of ")[0].strip("'")  # click's own words: the value it was given
            return say("usage.bad_value", name=hint, why=say("usage.not_one_of", value=value, choices=choices))
        why = _click_reason(exc.message, cause)
        return say("usage.bad_value", name=hint, why=why) if why is not None else None
    if isinstance(exc, click.BadOptionUsage) and exc.message.endswith("requires an argument."):
        return say("usage.needs_value", name=exc.option_name)
    if exc.message.startswith("No such command"):
        return say("usage.no_such_command", name=exc.message.split("'")[1])
    return None


# click's reasons for refusing a value (its types' own English), each with the catalogue key that says
# it in Japanese. click words them itself, so this reads its sentences: the one place that does.
_CLICK_REASONS = (
    (r"^(?:File|Directory|Path) '(?P<path>.*)' does not exist\.$", "usage.path_missing"),
    (r"^(?:File|Directory|Path) '(?P<path>.*)' is a file\.$", "usage.path_is_file"),
    (r"^(?:File|Directory|Path) '(?P<path>.*)' is a directory\.$", "usage.path_is_folder"),
    (r"^(?:File|Directory|Path) '(?P<path>.*)' is not readable\.$", "usage.path_unreadable"),
    (r"^(?:File|Directory|Path) '(?P<path>.*)' is not writable\.$", "usage.path_unwritable"),
    (r"^'(?P<value>.*)' is not a valid (?:integer|float)(?: range)?\.$", "usage.not_a_number"),
    (r"^(?P<value>\S+) is not in the range (?P<range>.+)\.$", "usage.not_in_range"),
    (r"^'(?P<value>.*)' does not match the formats? (?P<formats>.+)\.$", "usage.not_a_date"),
)
# click.File says the operating system's words (strerror); the error number says which.
_OS_REASONS = {"ENOENT": "usage.path_missing", "EACCES": "usage.path_unreadable", "EISDIR": "usage.path_is_folder"}


def _click_reason(message: str, cause: BaseException | None) -> object:
    """Return click's reason for refusing a value as a catalogue line (``None`` for one it does not know)."""
    import errno
    import re

    if isinstance(cause, OSError) and cause.errno is not None:
        key = _OS_REASONS.get(errno.errorcode.get(cause.errno, ""))
        if key is not None:
            return say(key, path=str(cause.filename))
    for pattern, key in _CLICK_REASONS:
        found = re.match(pattern, message)
        if found:
            return say(key, **found.groupdict())
    return None


def _keyed(exc: ByodkimError) -> object:
    """Return an error's message and hint as one catalogue line (plain text when either has no key)."""
    return say("error.with_hint", message=exc.message, hint=exc.hint) if exc.hint else exc.message


def _translate(exc: Exception) -> ByodkimError | None:
    if "botocore" not in sys.modules:  # nothing AWS ran, so it is not an AWS error
        return None
    from byodkim.aws.errors import translate

    return translate(exc)


def main() -> NoReturn:
    """Console-script entry point."""
    from byodkim import gc_policy
    from byodkim.aws import modelcache
    from byodkim.dnscheck.servers import without_dns_over_https

    gc_policy.for_a_tool()  # a command's boto3 and botocore models are imported after this line
    without_dns_over_https()
    modelcache.enable()  # botocore's JSON, parsed once on this machine rather than in every command
    sys.exit(run())


def program() -> NoReturn:
    """Be the ``byodkim`` program (its console script, ``python -m byodkim``): :func:`main`, then the end.

    The end without the interpreter's teardown (``gc_policy.end_program``); an in-process caller
    uses :func:`main` (or :func:`run`) and gets its ``SystemExit``.
    """
    from byodkim import gc_policy

    gc_policy.end_program(main)
