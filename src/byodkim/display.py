"""Text as a terminal shows it: display width by East Asian Width (a CJK character takes two columns)."""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that make a
# terminal show text in another order than it is: none belongs in a line about DNS or mail.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PROGRESS_CLEAR = "\r\x1b[2K"  # the fleet progress line's own "clear this line", written alone


def printable(text: str, *, carriage_return: bool = False) -> str:
    r"""Return ``text`` with control characters shown as escapes (``\x1b``) instead of acted on by a terminal.

    TXT records and message headers are written by others: an escape sequence in a ``d=`` or a
    record could clear the screen, rewrite what was printed before it, or set the window title.
    ``carriage_return`` keeps ``\r`` for stderr, where the progress line redraws itself.
    """
    if text == _PROGRESS_CLEAR:
        return text

    def shown(match: re.Match[str]) -> str:
        char = match.group()
        return char if carriage_return and char == "\r" else char.encode("unicode_escape").decode("ascii")

    return _CONTROL.sub(shown, text)


def display_width(text: str) -> int:
    """Return the columns ``text`` takes on a terminal (W and F characters count two, combining marks none)."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """Return ``text`` padded with spaces to ``width`` display columns."""
    return text + " " * max(0, width - display_width(text))
