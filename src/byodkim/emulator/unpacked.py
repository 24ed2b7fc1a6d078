"""What the emulator's functions run from: their code, their layers, the runtime's boto3, and its bytecode.

All of it is kept in byodkim's cache folder (``<cache>/emulator``) by content, across emulator
processes. The paths must stay the same from one emulator to the next for the bytecode to be found
again: Python keys a ``pycache_prefix`` file by its source's path, and with a prefix set it looks
nowhere else, not even beside the stdlib. Folders made anew in each emulator's temporary folder
meant every emulator compiled the runtime's stdlib, botocore and the layer again: about 1.8 s of
CPU per cold start, half of the sandbox's Lambda time. What a function imports, and from where, is
unchanged: a folder is named by the digest of what it holds, filled in a folder of its own, made
read-only, then renamed into place, so two emulators (two test workers) filling the same one at
once end with one whole copy. Python checks a source's size and time against its bytecode before
using it.

Entries unused for a day go, and beyond the newest ``KEEP`` of a kind those unused for an hour: each
new function code is a new entry, and a developer's edits would otherwise pile up.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from byodkim import cache_root
from byodkim.emulator.lambda_env import read_only

if TYPE_CHECKING:
    from collections.abc import Callable

KEEP = 24
IDLE = 3600.0  # an entry beyond the newest KEEP of its kind goes after an hour unused
STALE = 86400.0  # any entry goes after a day unused
KINDS = ("code", "opt", "runtime")


@dataclass
class Unpacked:
    """The emulator's store of unpacked function code, layers, runtime packages and their bytecode."""

    root: Path = field(default_factory=lambda: cache_root() / "emulator")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def pycache(self) -> Path:
        """The ``pycache_prefix`` every function process is started with."""
        return self.root / "pycache"

    def usable(self) -> bool:
        """Return whether the store's folder can be made and written to (a read-only home, say, cannot)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            Path(tempfile.mkdtemp(prefix=".probe-", dir=self.root)).rmdir()
        except OSError:
            return False
        return True

    def zips(self, kind: str, digest: str, zips: list[bytes]) -> Path:
        """Return the folder holding ``zips`` extracted in order (later over earlier), read-only."""

        def fill(folder: Path) -> None:
            for data in zips:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    archive.extractall(folder)
            read_only(folder)

        return self._entry(kind, f"{kind}:{digest}", fill)

    def runtime_packages(self, names: tuple[str, ...]) -> Path:
        """Return a folder of links to this environment's copies of ``names`` (the runtime's boto3)."""
        sources = []
        for name in names:
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin is not None:
                origin = Path(spec.origin)
                sources.append(origin.parent if origin.name == "__init__.py" else origin)

        def fill(folder: Path) -> None:
            for source in sources:
                (folder / source.name).symlink_to(source)

        return self._entry("runtime", "runtime:" + "\n".join(map(str, sources)), fill)

    def _entry(self, kind: str, identity: str, fill: Callable[[Path], None]) -> Path:
        target = self.root / kind / hashlib.sha256(identity.encode()).hexdigest()[:16]
        with self._lock:
            if not target.is_dir():
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
                try:
                    fill(partial)
                    try:
                        partial.rename(target)
                    except OSError:
                        if not target.is_dir():  # not another emulator's copy landing first: a real failure
                            raise
                finally:
                    remove(partial)  # still there on a failure, or when another emulator's copy landed first
            with contextlib.suppress(OSError):
                os.utime(target)  # its last use, for prune()
        return target

    def prune(self, now: float | None = None) -> list[Path]:
        """Remove entries (and their bytecode) unused for a day, or beyond the newest KEEP for an hour."""
        now = time.time() if now is None else now
        gone = []
        for kind in KINDS:
            folder = self.root / kind
            if not folder.is_dir():
                continue
            entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=_last_use, reverse=True)
            for rank, entry in enumerate(entries):
                unused = now - _last_use(entry)
                if unused > STALE or (rank >= KEEP and unused > IDLE):
                    remove(entry)
                    # Python mirrors a source's absolute path, as imported, under the prefix.
                    remove(self.pycache / entry.absolute().relative_to(entry.absolute().anchor))
                    gone.append(entry)
            for partial in folder.glob(".*"):  # an emulator stopped while filling one
                if now - _last_use(partial) > IDLE:
                    remove(partial)
        return gone


def _last_use(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0


def remove(path: Path) -> None:
    """Remove ``path`` whole, read-only folders included, never following a link (a missing one is fine)."""
    if not path.is_dir() or path.is_symlink():
        path.unlink(missing_ok=True)
        return
    for folder, _dirs, _files in os.walk(path, followlinks=False):
        with contextlib.suppress(OSError):
            Path(folder).chmod(Path(folder).stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)
    shutil.rmtree(path, ignore_errors=True)
