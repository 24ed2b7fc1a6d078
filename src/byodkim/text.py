"""Text as a terminal shows it: display width by East Asian Width (a CJK character takes two columns)."""

from __future__ import annotations

import unicodedata


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
