"""The latest DMARC evidence for one domain, as the rollout memo shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from byodkim.display import display_width
from byodkim.dmarc.memo import domain_lines, in_language
from byodkim.dmarc.model import FileError
from byodkim.dmarc.sources import read_paths
from byodkim.dmarc.summary import Summariser
from byodkim.messages import text_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from byodkim.dmarc.sources import S3Reader
    from byodkim.dmarc.summary import Summary
    from byodkim.dmarc.tally import Request


def gather(paths: Sequence[str], request: Request, s3: S3Reader | None = None) -> tuple[Summary, list[FileError]]:
    """Read every report in ``paths`` the request wants; return the summary and the unreadable files."""
    summariser = Summariser(request)
    errors: list[FileError] = []
    for found in read_paths(paths, s3):
        if isinstance(found, FileError):
            errors.append(found)
        elif summariser.wanted(found):
            summariser.add(found)
    return summariser.summary(), errors


def section(summary: Summary, errors: list[FileError], fmt: str, lang: str) -> str:
    """Return the memo's DMARC section (text or Markdown): per domain, its totals, the selector and the verdict."""
    markdown = fmt in ("md", "markdown")
    title = text_of("dmarc.evidence", lang)
    lines = ["## " + title, ""] if markdown else [title, "-" * display_width(title)]
    item = "- " if markdown else "  "
    for domain in summary.domains:
        head, *body = domain_lines(domain, summary.request.selectors, lang, brief=True)
        lines += [f"{item}{head}", *(f"{'  - ' if markdown else '    '}{line}" for line in body)]
    if not summary.domains:
        lines.append(item + text_of("dmarc.memo.nothing", lang))
    lines += [
        f"{item}{text_of('dmarc.memo.error', lang).format(file=e.file, error=in_language(e, lang))}" for e in errors
    ]
    return "\n".join(lines) + "\n"


def as_dict(summary: Summary, errors: list[FileError]) -> dict[str, Any]:
    """Return the section as the memo's JSON has it (``summary`` and ``errors`` as dmarc-report's)."""
    return {"errors": [{"file": e.file, "error": e.error} for e in errors], "summary": summary.as_dict()}
