"""Reproducible zips: the same tree gives the same bytes (and CodeSha256) on any host, Windows included.

Sorted forward-slash names, fixed 1980 timestamps, fixed modes, no directory entries, a
fixed compression level: Lambda reports a zip's SHA-256, so an unchanged build is
recognised and never published again.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from byodkim.messages import say

if TYPE_CHECKING:
    from pathlib import Path

Progress = Callable[[str, int, int], None]  # (step, done, total); total 0 when unknown


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


_LEVEL = 6


def write_reproducible_zip(source: Path, out: Path, prefix: str, progress: Progress | None = None) -> None:
    """Zip ``source`` under ``prefix``: sorted forward-slash names, fixed times and modes, no dirs."""
    files = sorted((p for p in source.rglob("*") if p.is_file()), key=lambda p: p.relative_to(source).as_posix())
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as archive:
        for done, path in enumerate(files, 1):
            info = zipfile.ZipInfo(prefix + path.relative_to(source).as_posix(), date_time=_ZIP_TIME)
            info.create_system = 3  # Unix, whatever the host: Lambda reads the mode bits
            info.external_attr = _mode(path.name) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=_LEVEL)
            if progress is not None:
                progress(say("layer.step.zipping"), done, len(files))


def written_here(archive: zipfile.ZipFile, prefix: str) -> bool:
    """Return whether every member has the shape ``write_reproducible_zip`` gives: a file under ``prefix``.

    Its own relative path (no ``..``, no leading slash, no backslash), once, deflated, 1980's time,
    a regular file's mode (0755 for ``.so``, else 0644), no directory or link entries. A cached zip
    that is not ours in shape is not reused; its contents are another check's (the layer's binaries).
    """
    names: set[str] = set()
    for info in archive.infolist():
        name = info.filename
        parts = name.removeprefix(prefix).split("/")
        if (
            not name.startswith(prefix)
            or name in names
            or "\\" in name
            or any(part in ("", ".", "..") for part in parts)
            or info.compress_type != zipfile.ZIP_DEFLATED
            or info.date_time != _ZIP_TIME
            or info.external_attr >> 16 != _mode(name)
        ):
            return False
        names.add(name)
    return True


def _mode(name: str) -> int:
    """Return the file mode a member named ``name`` is written with (and checked for)."""
    return 0o100000 | (0o755 if PurePosixPath(name).suffix == ".so" else 0o644)


def copy_atomic(source: Path, dest: Path) -> None:
    """Copy through a partial file and a rename, so ``dest`` is never half written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    shutil.copyfile(source, partial)
    partial.replace(dest)
