"""``--help`` in the reader's language: click's help page with its texts looked up by command path and option name.

Every command's context is a :class:`HelpContext` (:func:`install` sets it once, over the whole
tree), so no command module carries anything for it. In English the page is click's own,
untouched. In Japanese it is laid out as click lays it out, each text taken from
``cli/help_texts*.py`` only while the English stored there equals the code's ``help=`` (a help
line changed in the code shows in English until its Japanese is written, never a stale
translation), and wrapped by display width: a Japanese character takes two columns.

``--help`` is eager, so it answers before ``--lang`` is read as an option: the language is
the one errors use, ``--lang`` when it is on the command line (before or after ``--help``),
else the locale's.
"""

from __future__ import annotations

import inspect
from contextvars import ContextVar
from typing import TYPE_CHECKING

import click

from byodkim import messages
from byodkim.cli import help_texts, help_texts_rollout

if TYPE_CHECKING:
    from collections.abc import Iterable

messages.extend(help_texts.TEXTS)
messages.extend(help_texts_rollout.TEXTS)

# The language of this run's help, set by cli.run() from the command line (None: the locale's).
LANG: ContextVar[str | None] = ContextVar("byodkim_help_lang", default=None)


class HelpContext(click.Context):
    """A click context whose help page is in the reader's language."""

    def get_help(self) -> str:
        """Return the help page: click's own in English, the catalogue's in Japanese."""
        if _lang() != "ja":
            return super().get_help()
        return _japanese_page(self)


def install(command: click.Command) -> None:
    """Give ``command`` and every command under it a :class:`HelpContext`."""
    command.context_class = HelpContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            install(sub)


def _lang() -> str:
    from byodkim.cli.options import default_lang

    return LANG.get() or default_lang()


# --- the lookup -----------------------------------------------------------------------------------


def name_of(param: click.Parameter) -> str:
    """Return the name a help key uses for ``param``: an option's longest name, an argument's own."""
    if isinstance(param, click.Option):
        return max((*param.opts, *param.secondary_opts), key=len)
    return str(param.name)


def description(path: str, command: click.Command) -> str | None:
    """Return the Japanese of ``command``'s description (``None`` when none is written for its English)."""
    english = inspect.cleandoc(command.help or "")
    return _japanese(f"help.{path}", english)


def epilog(path: str, command: click.Command) -> str | None:
    """Return the Japanese of ``command``'s epilog, the text after its options (``None`` when none is written)."""
    return _japanese(f"help.{path} epilog", inspect.cleandoc(command.epilog or ""))


def option_help(path: str, param: click.Parameter) -> str | None:
    """Return the Japanese of ``param``'s help: the command's own entry, else a shared one with the same English."""
    english = getattr(param, "help", None) or ""
    own = _japanese(f"help.{path} {name_of(param)}", english)
    return own if own is not None else _shared().get((name_of(param), english))


def _japanese(key: str, english: str) -> str | None:
    texts = messages.catalogue().get(key)
    return texts[1] if texts is not None and texts[0] == english else None


def _shared() -> dict[tuple[str, str], str]:
    """Return the shared entries by (option name, English): ``help.option --lang table`` is --lang's with that text."""
    global _SHARED  # noqa: PLW0603 - built once per catalogue (a door's extend() makes a new one)
    texts = messages.catalogue()
    if _SHARED[0] is not texts:
        _SHARED = (texts, {(k.split()[1], en): ja for k, (en, ja) in texts.items() if k.startswith("help.option ")})
    return _SHARED[1]


_SHARED: tuple[object, dict[tuple[str, str], str]] = (None, {})


def _click(key: str, **values: object) -> str:
    return messages.text_of(f"help.click {key}", "ja").format(**values)


# --- the page -------------------------------------------------------------------------------------


def _japanese_page(ctx: click.Context) -> str:
    """Return ``ctx``'s help page as click lays it out, in Japanese where the catalogue has it."""
    command, path = ctx.command, ctx.command_path
    formatter = _WideFormatter(width=ctx.terminal_width, max_width=ctx.max_content_width)
    formatter.write_usage(path, " ".join(command.collect_usage_pieces(ctx)), prefix=_click("usage") + " ")
    text = description(path, command) or inspect.cleandoc(command.help or "").partition("\f")[0]
    if text:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)
    params = command.get_params(ctx)
    arguments = [p for p in params if isinstance(p, click.Argument)]
    if any(p.help for p in arguments):
        with formatter.section(_click("arguments")):
            formatter.write_dl([(p.make_metavar(ctx), option_help(path, p) or p.help or "") for p in arguments])
    rows = [_option_row(ctx, path, p) for p in params if isinstance(p, click.Option) and not p.hidden]
    if rows:
        with formatter.section(_click("options")):
            formatter.write_dl(rows)
    if isinstance(command, click.Group):
        commands = [
            (name, sub)
            for name in command.list_commands(ctx)
            if (sub := command.get_command(ctx, name)) is not None and not sub.hidden
        ]
        if commands:
            with formatter.section(_click("commands")):
                formatter.write_dl([(name, _short(f"{path} {name}", sub)) for name, sub in commands])
    if command.epilog:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(epilog(path, command) or inspect.cleandoc(command.epilog))
    return formatter.getvalue().rstrip("\n")


def _option_row(ctx: click.Context, path: str, option: click.Option) -> tuple[str, str]:
    """Return an option's row: its names as click writes them, its help and click's extras in Japanese."""
    spec = option.get_help_spec(ctx)
    text = option_help(path, option) or option.help or ""
    extra = option.get_help_extra(ctx)
    items = []
    if "envvars" in extra:
        items.append(_click("env var", value=", ".join(extra["envvars"])))
    if "default" in extra:
        items.append(_click("default", value=extra["default"]))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(_click("required"))
    if items:
        text = f"{text}  [{'; '.join(items)}]" if text else f"[{'; '.join(items)}]"
    return spec, text


def _short(path: str, command: click.Command) -> str:
    """Return a subcommand's line in a group's list: the first sentence of its description."""
    found = description(path, command)
    if found is None:
        return command.get_short_help_str()
    return found.split("。", 1)[0] + "。"


# Lines do not start with these, nor end with an opening bracket (the rules Japanese typesetting calls kinsoku).
_NO_START = "、。)]」』】!?:;ーぁぃぅぇぉっゃゅょァィゥェォッャュョ"
_NO_END = "([「『【"


class _WideFormatter(click.HelpFormatter):
    """click's formatter, wrapping by display width (two columns a Japanese character) and between any two of them."""

    def write_text(self, text: str) -> None:
        """Write ``text`` wrapped to the width, indented; blank lines separate paragraphs."""
        width = max(self.width - self.current_indent, 11)
        for number, paragraph in enumerate(text.split("\n\n")):
            if number:
                self.write("\n")
            for line in _wrap(" ".join(paragraph.split()), width):
                self.write(f"{'':>{self.current_indent}}{line}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """Write a definition list as click does, its second column wrapped by display width."""
        from byodkim.display import display_width

        rows = list(rows)
        first_col = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _wrap(second, max(self.width - first_col - 2, 10))
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def _wrap(text: str, width: int) -> list[str]:
    """Return ``text`` in lines of at most ``width`` columns: break at a space, or between two wide characters."""
    import re

    from byodkim.display import display_width

    # Pieces that stay whole: a run of ASCII without spaces (a word, an option, a path), a katakana word,
    # a kanji compound, one other wide character, a space.
    units: list[str] = []
    for piece in re.findall(r" +|[\x21-\x7e]+|[\u30a1-\u30fa\u30fc]+|[\u4e00-\u9fff\u3005]+|.", text):
        # What may not start a line joins the piece before; what follows an opening bracket joins the bracket.
        if units and not units[-1].isspace() and (piece[0] in _NO_START or units[-1][-1] in _NO_END):
            units[-1] += piece
        else:
            units.append(piece)
    lines: list[str] = []
    line = ""
    for unit in units:
        if unit.isspace():
            line += unit if line else ""  # click's two spaces before [default: ...] stay two
        elif display_width(line + unit) <= width or not line.strip():
            line += unit
        else:
            lines.append(line.rstrip())
            line = unit
    lines.append(line.rstrip())
    return lines
