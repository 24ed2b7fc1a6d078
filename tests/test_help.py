"""``--help`` in Japanese: every description and option help has its Japanese, kept to the code's English.

The sweep (tests/test_japanese_sweep.py) reads every help page for English sentences; these
tests hold the table itself to the code: an option or command added without its Japanese, or
whose English changed under its Japanese, fails here by name (deny by default).
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

import click
import pytest

from byodkim import messages
from byodkim.cli import cli as byodkim_cli
from byodkim.cli import help_page
from byodkim.display import display_width
from test_cli_options import every_command, visible_options

if TYPE_CHECKING:
    from conftest import Cli

# Every command with its path as typed, byodkim itself first.
PAGES = [("byodkim", byodkim_cli)] + [(f"byodkim {name}", command) for name, command in every_command(byodkim_cli)]


def _help_options(command: click.Command) -> list[click.Option]:
    """Return the options a help page lists: the visible ones and click's own -h/--help."""
    with click.Context(command, info_name="byodkim", help_option_names=["-h", "--help"]) as ctx:
        return [p for p in command.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]


def untranslated() -> list[str]:
    """Return each description or option help with no Japanese written for its English, as ``path option: English``."""
    missing = []
    for path, command in PAGES:
        if help_page.description(path, command) is None:
            missing.append(f"{path}: {inspect.cleandoc(command.help or '')!r}")
        if command.epilog and help_page.epilog(path, command) is None:
            missing.append(f"{path} epilog: {inspect.cleandoc(command.epilog)!r}")
        missing += [
            f"{path} {help_page.name_of(option)}: {option.help!r}"
            for option in _help_options(command)
            if help_page.option_help(path, option) is None
        ]
        missing += [
            f"{path} {param.name}: {param.help!r}"
            for param in command.params
            if isinstance(param, click.Argument) and param.help and help_page.option_help(path, param) is None
        ]
    return missing


def test_every_description_and_option_has_its_japanese() -> None:
    """A new option, or a help line changed in the code, without its Japanese in cli/help_texts*.py fails here."""
    assert untranslated() == []


def test_a_changed_english_line_is_no_longer_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Japanese stands for one English line: change the help in the code and the old Japanese is not shown."""
    status = byodkim_cli.commands["status"]
    option = next(o for o in visible_options(status) if o.name == "no_dns")
    assert help_page.option_help("byodkim status", option) == "SES から見た状態だけを表示します"
    monkeypatch.setattr(option, "help", "Show SES's view only, without DNS.")
    assert help_page.option_help("byodkim status", option) is None
    assert untranslated() == ['byodkim status --no-dns: "Show SES\'s view only, without DNS."']
    monkeypatch.setattr(status, "help", f"{status.help} More.")
    assert help_page.description("byodkim status", status) is None


def test_a_new_option_without_japanese_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deny by default: an option nobody translated is reported, even one sharing a shared option's name."""
    status = byodkim_cli.commands["status"]
    added = click.Option(["--profile-name"], help="A new option.")
    monkeypatch.setattr(status, "params", [*status.params, added])
    assert untranslated() == ["byodkim status --profile-name: 'A new option.'"]


def test_an_epilog_needs_its_japanese_too(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text added after the options (click's epilog) is reported until translated, and shown in English meanwhile."""
    retain = byodkim_cli.commands["retain"]
    monkeypatch.setattr(retain, "epilog", "See docs/adopt.md for the whole procedure.")
    assert untranslated() == ["byodkim retain epilog: 'See docs/adopt.md for the whole procedure.'"]
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert cli("retain", "--help").out.endswith("\n\n  See docs/adopt.md for the whole procedure.\n")


def test_every_entry_is_used() -> None:
    """No Japanese is left behind for a command or an option that no longer exists (or whose English moved on)."""
    used = {f"help.{path}" for path, _ in PAGES} | {f"help.{path} epilog" for path, c in PAGES if c.epilog}
    used |= {f"help.{path} {help_page.name_of(o)}" for path, command in PAGES for o in _help_options(command)}
    shared = {
        (help_page.name_of(o), o.help or "") for path, command in PAGES for o in _help_options(command)
    }  # fmt: skip
    left = []
    for key, (english, _japanese) in messages.catalogue().items():
        if key.startswith("help.option "):
            if (key.split()[1], english) not in shared:
                left.append(key)
        elif key.startswith("help.byodkim") and key not in used:
            left.append(key)
    assert left == []


def test_the_english_help_is_clicks_own(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a Japanese locale, the page is exactly what click makes of the code's help= (nothing rewritten)."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    shown = cli("status", "--help")
    status = byodkim_cli.commands["status"]
    root = click.Context(byodkim_cli, info_name="byodkim", **byodkim_cli.context_settings)
    ctx = click.Context(status, info_name="status", parent=root)  # click's own Context: its page, untouched
    assert (shown.code, shown.out) == (0, click.Command.get_help(status, ctx) + "\n")
    assert "Show SES's view only." in shown.out
    assert "Show this message and exit." in shown.out


def test_a_japanese_page_as_click_lays_it_out(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """dns-record --help under LANG=ja_JP.UTF-8: usage, description, options, click's extras, all in Japanese."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.setenv("COLUMNS", "100")
    shown = cli("dns-record", "--help")
    assert shown.code == 0
    lines = shown.out.splitlines()
    assert lines[:4] == [
        "使い方: byodkim dns-record [OPTIONS]",
        "",
        "  鍵の DKIM TXT レコードを、お使いの DNS ツールが読み込める形式で表示します。",
        "",
    ]
    assert "オプション:" in lines
    assert "  --domain DOMAIN                 メールドメイン (例: goo.ne.jp、IDN 可)  [必須]" in lines
    assert "  --ttl INTEGER RANGE             レコードの TTL (秒)  [既定: 3600; 60<=x<=86400]" in lines
    assert lines[-1] == "  -h, --help                      このヘルプを表示して終了します"


def test_the_groups_list_their_commands_in_japanese(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A group's list of commands: each one's first Japanese sentence (LC_MESSAGES decides as LANG does)."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LC_MESSAGES", "ja_JP.UTF-8")
    shown = cli("sandbox", "--help")
    assert "コマンド:" in shown.out
    assert shown.out.endswith(
        "コマンド:\n"
        "  break-phase-2  Windows でビルドしたレイヤーのときと同じ形でフェーズ 2 の更新を失敗させます\n"
        "                 (UPDATE_ROLLBACK_COMPLETE)。\n"
        "  dns            動いているサンドボックスで DNS チームの役をします: レコードを公開 (publish)、削除\n"
        "                 (remove)、または壊します (corrupt: 255 文字で切る)。\n"
    )
    root = cli("--help").out.splitlines()
    assert "  status              各リージョンでの ID の DKIM の状態と、ネームサーバー上のレコードを並べて表示" in root


@pytest.mark.parametrize(
    ("locale", "args", "first"),
    [
        ("C.UTF-8", ("status", "--lang", "ja", "--help"), "使い方: byodkim status [OPTIONS]"),
        ("C.UTF-8", ("status", "--help", "--lang", "ja"), "使い方: byodkim status [OPTIONS]"),
        ("ja_JP.UTF-8", ("status", "--lang", "en", "--help"), "Usage: byodkim status [OPTIONS]"),
        ("C.UTF-8", ("status", "--help"), "Usage: byodkim status [OPTIONS]"),
    ],
    ids=["lang-ja-before", "lang-ja-after", "lang-en-under-ja", "locale-en"],
)
def test_lang_on_the_command_line_decides_then_the_locale(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, locale: str, args: tuple[str, ...], first: str
) -> None:
    """--help answers before --lang is parsed; the command line's --lang still decides, as it does for errors."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", locale)
    assert cli(*args).out.splitlines()[0] == first


@pytest.mark.parametrize(("path", "command"), PAGES, ids=[p for p, _ in PAGES])
def test_japanese_lines_fit_the_page_width(
    path: str, command: click.Command, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wrapped by display width: no line of a Japanese page is wider than click's 100 columns."""
    assert command is not None
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.setenv("COLUMNS", "80")
    shown = cli(*path.split()[1:], "--help")
    wide = [line for line in shown.out.splitlines() if display_width(line) > 80]
    assert wide == []
    assert not any(line.strip().startswith(("、", "。", ")")) for line in shown.out.splitlines())


def test_bare_byodkim_shows_the_japanese_page(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`byodkim` with nothing: click's help as the answer, in the locale's language too."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    shown = cli()
    assert (shown.code, shown.out.splitlines()[0]) == (0, "使い方: byodkim [OPTIONS] COMMAND [ARGS]...")
