"""Every command and option explains itself, and the option names follow one convention."""

from __future__ import annotations

import click

from byodkim.cli import cli


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
    return found


def test_every_visible_option_has_help_and_every_command_a_docstring() -> None:
    missing = []
    for name, command in _commands(cli):
        if not (command.help or "").strip():
            missing.append(f"{name}: no help")
        missing += [
            f"{name} {param.opts[0]}: no help"
            for param in command.params
            if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip()
        ]
    assert missing == []


def test_one_convention_for_format_files_and_confirmations() -> None:
    for name, command in _commands(cli):
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            if "--output" in param.opts:
                assert "-o" in param.opts, name  # the format, as the AWS CLI and Sceptre name it
            if "--out" in param.opts and "--out-dir" not in param.opts:
                assert "-O" in param.opts, name  # a file
            if "--yes" in param.opts:
                assert "-y" in param.opts, name
