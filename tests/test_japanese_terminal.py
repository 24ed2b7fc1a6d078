"""What only a terminal shows, under a Japanese locale: the fleet's progress bar and verify's live line.

These lines are drawn only when stderr is a terminal, so the sweep (which captures output)
never sees them. Here stderr is a real pseudo-terminal, and what was drawn on it is read back
from the other end and searched with the sweep's English-sentence detector.
"""

from __future__ import annotations

import io
import os
import re
import sys
from typing import TYPE_CHECKING

import pytest

from byodkim.cli import run
from test_fleet import fleet_project
from test_japanese_sweep import english_sentences

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from byodkim.local.dns import LocalNameServer

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


class Terminal:
    """A pseudo-terminal standing in for the person's: stderr writes to one end, the test reads the other."""

    def __init__(self) -> None:
        self.reader, writer = os.openpty()
        self.stream = io.TextIOWrapper(io.FileIO(writer, "w"), encoding="utf-8", line_buffering=True)
        os.set_blocking(self.reader, False)
        self.drawn = b""

    def read(self) -> str:
        """Return everything drawn so far, control sequences removed, one line per redraw."""
        self.stream.flush()
        while True:
            try:
                chunk = os.read(self.reader, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            self.drawn += chunk
        text = _CONTROL.sub("", self.drawn.decode("utf-8", "replace"))
        return "\n".join(part for part in re.split(r"[\r\n]+", text) if part.strip())

    def attach(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Put stderr on the terminal (in the test itself: pytest's capture takes stderr back between setup and call)."""
        monkeypatch.setattr(sys, "stderr", self.stream)

    def close(self) -> None:
        self.stream.close()
        os.close(self.reader)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Terminal]:
    """Stderr on a pseudo-terminal, under LANG=ja_JP.UTF-8."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    shown = Terminal()
    yield shown
    shown.close()


def test_the_fleet_progress_bar_reads_as_japanese(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``keygen --all`` on a terminal: the bar's label, its failures and its time left are Japanese."""
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, 6, second_region=None)))
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "d002.fleet.example").write_text("a file where a domain's key folder goes\n")  # one unit fails
    terminal.attach(monkeypatch)
    code = run(["keygen", "--all", "--bits", "1024", "--key-dir", str(keys)])
    drawn = terminal.read()
    bars = [line for line in drawn.splitlines() if line.startswith("[")]
    assert code == 1, drawn
    assert bars, drawn  # the bar was drawn: stderr is a terminal
    assert any("NG 1 件" in line for line in bars), drawn
    assert any("残り約" in line for line in bars), drawn
    found = [s for line in drawn.splitlines() for s in english_sentences(line)]
    assert found == [], drawn
    assert not any(re.search(r"\b(left|failed|keys)\b", line) for line in bars), drawn


def test_the_fleet_progress_bar_stays_english_in_english(terminal: Terminal, monkeypatch: pytest.MonkeyPatch) -> None:
    """One step off: under an English locale the bar is what it was."""
    import time

    from byodkim.cli.fleet import Bar
    from byodkim.workflows.units import Progress

    monkeypatch.setenv("LANG", "C.UTF-8")
    terminal.attach(monkeypatch)
    Bar("keys", "en").draw(Progress(total=40, done=10, failed=1, started=time.monotonic() - 50.0))
    assert terminal.read() == "[######..................] 10/40 keys, 1 failed, 2m30s left"
    Bar("domains checked", "ja").draw(Progress(total=40, done=10, failed=1, started=time.monotonic() - 50.0))
    assert (
        terminal.read().splitlines()[-1]
        == "[######..................] 10/40 件 ドメインを確認、NG 1 件、残り約 2 分 30 秒"
    )
    Bar("keys", "ja").draw(Progress(total=40, done=10, failed=1, started=time.monotonic() - 50.0))
    japanese = "[######..................] 10/40 件 鍵を作成、NG 1 件、残り約 2 分 30 秒"  # docs/fleet.md's line
    assert terminal.read().splitlines()[-1] == japanese


def test_verifys_live_line_reads_as_japanese(
    terminal: Terminal, goo_dns: LocalNameServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``verify --wait`` on a terminal: the status line rich redraws while it polls is Japanese."""
    from byodkim.dkim import keys

    keys.write_key_files(tmp_path, "s1", keys.generate())
    monkeypatch.delenv("BYODKIM_NAMESERVERS", raising=False)
    terminal.attach(monkeypatch)
    code = run(
        ["verify", "--domain", "goo.ne.jp", "--selector", "s1", "--public-key-file", str(tmp_path / "s1.public.pem"),
         "--nameserver", goo_dns.spec, "--wait", "--timeout", "2s", "--interval", "0.2"]
    )  # fmt: skip
    drawn = terminal.read()
    assert code != 0, drawn
    assert "待機中" in drawn, drawn  # the live line was drawn
    assert "\\x1b" not in drawn, drawn  # rich's own escapes act on the terminal, not shown as text
    found = [s for line in drawn.splitlines() for s in english_sentences(line)]
    assert found == [], drawn
