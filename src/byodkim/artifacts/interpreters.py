"""Find a CPython of a given version on this machine (pyenv's first, then PATH).

Layers and the Lambda code are proven by the interpreter of the runtime they target, not by
the one byodkim happens to run on.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path


@functools.cache  # the emulator asks on every Lambda run; the answer does not change while it runs
def find_python(version: str) -> str | None:
    """Return the path of CPython ``version`` (e.g. "3.12"), or None when this machine lacks it."""
    root = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv")))
    matches = sorted(root.glob(f"versions/{version}.*/bin/python{version}"), key=lambda p: _numeric(p.parts[-3]))
    found = str(matches[-1]) if matches else shutil.which(f"python{version}")
    if found is not None and "/shims/" in found:  # a pyenv shim for a version not selected fails to run
        found = None
    return found or _uv_managed(version)


def _uv_managed(version: str) -> str | None:
    """Return a CPython uv installed (``uv python install 3.12``, as scripts/setup.sh does)."""
    import subprocess

    uv = shutil.which("uv")
    if uv is None:
        return None
    found = subprocess.run(  # noqa: S603 - uv itself, fixed arguments
        [uv, "python", "find", "--no-project", "--managed-python", version],
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    path = found.stdout.strip()
    return path if found.returncode == 0 and path else None


def _numeric(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))
