"""The lines a shell sources to enter a running sandbox (or emulator) and to leave it.

`sandbox --keep` and `emulator` print them and write them to two owner-only files under
the working directory: ``.byodkim/NAME.env`` (the exports) and ``.byodkim/NAME-unset.env``
(``unset`` of exactly those names). Each file appears whole (written aside, then renamed),
so a script may wait for it and source it. When the server stops, the exports file is removed
(nothing answers there any more) and the unset file stays: a shell that sourced the exports
still needs it.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from byodkim.messages import render, say

if TYPE_CHECKING:
    from collections.abc import Mapping

FOLDER = Path(".byodkim")


def export_lines(environment: Mapping[str, str]) -> list[str]:
    """Return ``export NAME=VALUE`` for each variable, quoted only where the shell needs it."""
    return [f"export {name}={shlex.quote(value)}" for name, value in environment.items()]


def unset_line(environment: Mapping[str, str]) -> str:
    """Return the ``unset`` line of exactly the names ``environment`` exports."""
    return "unset " + " ".join(environment)


@dataclass
class EnvFiles:
    """The two files of one running sandbox or emulator (``name``: sandbox or emulator)."""

    name: str
    folder: Path = FOLDER
    written: str = ""  # what this process wrote to ``enter``: removed at the end only if still ours

    @property
    def enter(self) -> Path:
        """Return the exports file."""
        return self.folder / f"{self.name}.env"

    @property
    def leave(self) -> Path:
        """Return the unset file."""
        return self.folder / f"{self.name}-unset.env"

    def write(self, environment: Mapping[str, str], command: str, lang: str = "en") -> None:
        """Write both files (0600, in a 0700 folder), the unset file first: the way out exists before the way in."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        leave = _comment(say("shellenv.leave", command=command, path=self.leave), lang) + unset_line(environment)
        enter = _comment(say("shellenv.enter", command=command, pid=os.getpid(), path=self.enter), lang)
        enter += "\n".join(export_lines(environment)) + "\n"
        _write_whole(self.leave, leave + "\n")
        _write_whole(self.enter, enter)
        self.written = enter

    def retire(self) -> bool:
        """Remove the exports file if it is still this process's; return whether it was removed."""
        if not self.written:
            return False
        try:
            if self.enter.read_text(encoding="utf-8") != self.written:
                return False  # another sandbox started from this folder since: its file, not ours
            self.enter.unlink()
        except OSError:
            return False
        return True


def _comment(line: object, lang: str) -> str:
    return f"# {render(line, lang)}\n"


def _write_whole(path: Path, text: str) -> None:
    """Write ``text`` owner-only under a temporary name, then rename it into place."""
    aside = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(aside, 0o600)  # noqa: PTH101 - an existing file keeps its old mode through O_CREAT
    aside.replace(path)
