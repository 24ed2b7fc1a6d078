"""Why a report could not be read: one key per reason, its sentence in the catalogue (``dmarc.reason.KEY``)."""

from __future__ import annotations


def reason(key: str, lang: str = "en", values: dict[str, str] | None = None) -> str:
    """Return the sentence for ``key`` in ``lang``, filled with ``values``."""
    from byodkim.messages import text_of

    return text_of(f"dmarc.reason.{key}", lang).format(**(values or {}))
