"""byodkim: take a mail domain onto Amazon SES with its own DKIM key (BYODKIM)."""

from __future__ import annotations

import os
from pathlib import Path

__version__ = "0.1.0"


def cache_root() -> Path:
    """Return byodkim's cache folder (``BYODKIM_CACHE_DIR`` or the platform's user cache)."""
    override = os.environ.get("BYODKIM_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "byodkim"
