"""Find a CPython of a given version on this machine (pyenv's first, then PATH).

Layers and the Lambda code are proven by the interpreter of the runtime they target, not by
the one byodkim happens to run on.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def find_python(version: str) -> str | None:
    """Return the path of CPython ``version`` (e.g. "3.12"), or None when this machine lacks it."""
    root = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv")))
    matches = sorted(root.glob(f"versions/{version}.*/bin/python{version}"), key=lambda p: _numeric(p.parts[-3]))
    found = str(matches[-1]) if matches else shutil.which(f"python{version}")
    if found is not None and "/shims/" in found:  # a pyenv shim for a version not selected fails to run
        return None
    return found


def _numeric(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))
