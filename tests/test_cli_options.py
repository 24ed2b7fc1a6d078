"""Every command and option explains itself, and the option names are one vocabulary (docs/cli.md)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from byodkim.cli import cli

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
# Commands that change AWS: each has --dry-run.
CHANGES_AWS = {"register", "rollback", "rotate", "phase", "adopt", "retain", "continue-rollback", "build-layer",
               "send-test"}  # fmt: skip
# Commands whose switch cannot be taken back: each asks unless -y.
IRREVERSIBLE = {"rollback", "continue-rollback"}
# Commands that print no text for a person: the record itself, a JSON policy, shell export lines.
NO_TEXT = {"dns-record", "iam-policy", "emulator"}


def every_command(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += every_command(command, f"{prefix}{name} ")
    return found


def visible_options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and not p.hidden]


def _name(option: click.Option) -> str:
    return ", ".join(sorted(option.opts + option.secondary_opts, key=len))


def _documented() -> dict[str, set[str]]:
    """Return option -> the commands docs/cli.md's table lists for it."""
    table = DOCS.read_text(encoding="utf-8").split("## Options", 1)[1].split("\n## ", 1)[0]
    found: dict[str, set[str]] = {}
    for row in re.findall(r"^\| `([^`]+)` \| [^|]+ \| ([^|]+) \|$", table, flags=re.MULTILINE):
        name, commands = row
        assert name not in found, f"{name} is in the table twice: one name, one meaning"
        found[name] = {c.strip() for c in commands.split(",")}
    return found


def test_every_visible_option_has_help_and_every_command_a_docstring() -> None:
    missing = []
    for name, command in every_command(cli):
        if not (command.help or "").strip():
            missing.append(f"{name}: no help")
        missing += [
            f"{name} {param.opts[0]}: no help" for param in visible_options(command) if not (param.help or "").strip()
        ]
    assert missing == []


def test_every_option_is_in_the_vocabulary_with_exactly_its_commands() -> None:
    documented = _documented()
    used: dict[str, set[str]] = {}
    for name, command in every_command(cli):
        for option in visible_options(command):
            used.setdefault(_name(option), set()).add(name)
    assert {o: sorted(c) for o, c in used.items()} == {o: sorted(c) for o, c in documented.items()}


def test_one_convention_for_format_files_and_confirmations() -> None:
    for name, command in every_command(cli):
        for option in visible_options(command):
            if "--output" in option.opts:
                assert "-o" in option.opts, name  # the format, as the AWS CLI and Sceptre name it
                choices = list(getattr(option.type, "choices", []))
                assert "json" in choices, name
                assert option.default == (choices[0] if name == "dns-record" else "text"), name
            if "--out" in option.opts:
                assert "-O" in option.opts, name  # a file
            if "--yes" in option.opts:
                assert "-y" in option.opts, name


@pytest.mark.parametrize(
    ("rule", "commands", "option"),
    [("changes AWS", CHANGES_AWS, "--dry-run"), ("irreversible", IRREVERSIBLE, "--yes")],
)
def test_commands_that_change_aws_have_dry_run_and_irreversible_ones_ask(
    rule: str, commands: set[str], option: str
) -> None:
    everything = dict(every_command(cli))
    lacking = [
        name for name in sorted(commands) if not any(option in o.opts for o in visible_options(everything[name]))
    ]
    assert lacking == [], f"{rule} without {option}"


def test_every_command_that_prints_text_takes_lang() -> None:
    lacking = [
        name
        for name, command in every_command(cli)
        if name not in NO_TEXT
        and not isinstance(command, click.Group)
        and not any("--lang" in o.opts for o in visible_options(command))
    ]
    assert lacking == []


def test_one_click_type_checks_every_region() -> None:
    from byodkim.cli.options import REGION

    for name, command in every_command(cli):
        for option in visible_options(command):
            if "--region" in option.opts or "--second-region" in option.opts:
                assert option.type is REGION, name


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        (["check-mail", "-", "--timeout", "2"], "warning: --timeout is deprecated; use --query-timeout"),
        (["adopt", "--stack", "nope", "--resource", "R", "--from", "Old"], "warning: --from is deprecated; use --live-resource"),
        (["preflight", "prod", "--stack", "nope"], "warning: preflight GROUP is deprecated; use --env GROUP"),
    ],
)  # fmt: skip
def test_an_old_spelling_works_with_one_deprecation_line(
    args: list[str], warning: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from byodkim.cli import run

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert run(args) == 2  # the alias reached the command, whose own check of the rest refused: nothing ran
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == warning
    assert sum("deprecated" in line for line in lines) == 1
