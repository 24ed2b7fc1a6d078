"""byodkim: take a mail domain onto Amazon SES with its own DKIM key (BYODKIM)."""

from __future__ import annotations

__version__ = "0.1.0"
