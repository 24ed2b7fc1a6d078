"""The DMARC summary as people read it: text or Markdown, English or Japanese, from one catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.dmarc.reasons import reason
from byodkim.dmarc.tally import DAY, iso
from byodkim.messages import text_of

if TYPE_CHECKING:
    from byodkim.dmarc.model import FileError
    from byodkim.dmarc.summary import Summary
    from byodkim.dmarc.tally import Tally
    from byodkim.dmarc.verdict import DomainSummary

TOP = 10  # sources listed in text; -o json lists them all

NEXT = {"none": "quarantine", "quarantine": "reject"}
BLOCKER_KEY = {"selector": "selector_blocker"}


def _t(lang: str, key: str, **values: object) -> str:
    """Return the summary's text ``key`` (``dmarc.memo.KEY`` in the catalogue) in ``lang``, filled with ``values``."""
    return text_of(f"dmarc.memo.{key}", lang).format(**values)


def in_language(error: FileError, lang: str) -> str:
    """Return why ``error``'s file could not be read, in ``lang``."""
    return reason(error.key, lang, error.values) if error.key else error.error


def _share(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.2f}%" if whole else "-"


def _counts(lang: str, tally: Tally) -> str:
    m = tally.messages
    return _t(
        lang,
        "counts",
        m=f"{m:,}",
        p=f"{tally.dmarc_pass:,} ({_share(tally.dmarc_pass, m)})",
        k=f"{tally.dkim_aligned:,} ({_share(tally.dkim_aligned, m)})",
        s=f"{tally.spf_aligned:,} ({_share(tally.spf_aligned, m)})",
    )


def _day(seconds: int) -> str:
    return iso(seconds)[:10]


def _selector_lines(lang: str, domain: DomainSummary, selectors: tuple[str, ...]) -> list[str]:
    sel = ", ".join(selectors)
    if not selectors:
        return [_t(lang, "no_selector")]
    if not domain.signed:
        return [_t(lang, "selector_unseen", sel=sel)]
    passed, signed = domain.signed_pass, domain.signed
    lines = [_t(lang, "selector", sel=sel, passed=f"{passed:,}", signed=f"{signed:,}", share=_share(passed, signed))]
    lines += [
        _t(
            lang,
            "selector_failure",
            selector=f.selector,
            org=f.org_name,
            m=f"{f.messages:,}",
            ip=f.source_ip,
            result=f.result,
        )
        for f in domain.selector_failures
    ]
    return lines


def _verdict_lines(lang: str, domain: DomainSummary) -> list[str]:
    v = domain.verdict
    share = _share(v.messages - v.would_fail, v.messages)
    lines = [
        _t(
            lang,
            "policy",
            p=v.policy,
            days=(v.end - v.begin) // DAY,
            begin=_day(v.begin),
            end=_day(v.end - 1),
            m=f"{v.messages:,}",
            f=f"{v.would_fail:,}",
            share=_share(v.would_fail, v.messages),
        )
    ]
    if v.safe and v.policy == "reject":
        lines.append(_t(lang, "at_reject", share=share, days=v.days))
    elif v.safe:
        lines.append(
            _t(lang, "safe", next=NEXT.get(v.policy, "quarantine"), share=share, days=v.days, orgs=v.organisations)
        )
    else:
        why = "; ".join(_t(lang, BLOCKER_KEY.get(k, k), seen=seen, needed=need) for k, seen, need in v.blockers)
        lines.append(_t(lang, "unsafe", why=why))
    return lines


def domain_lines(domain: DomainSummary, selectors: tuple[str, ...], lang: str, *, brief: bool = False) -> list[str]:
    """Return one domain's summary as (heading, then indented) lines; ``brief`` for the rollout memo."""
    head = _t(
        lang, "head", domain=domain.domain, begin=_day(domain.begin), end=_day(domain.end - 1), reports=domain.reports
    )
    body = [_counts(lang, domain.total), *_selector_lines(lang, domain, selectors), *_verdict_lines(lang, domain)]
    if brief:
        return [head, *body]
    body.append(_t(lang, "orgs"))
    body += [f"  {name}: {_counts(lang, tally)}" for name, tally in domain.orgs]
    body.append(_t(lang, "sources", n=min(TOP, len(domain.sources)), total=len(domain.sources)))
    body += [f"  {ip}: {_counts(lang, tally)}" for ip, tally in domain.sources[:TOP]]
    if domain.failing:
        body.append(_t(lang, "failing"))
        body += [
            "  "
            + _t(
                lang,
                "failing_line",
                ip=s.source_ip,
                m=f"{s.messages:,}",
                hf=s.header_from or "-",
                ef=s.envelope_from or "-",
                dkim=s.dkim,
                spf=s.spf,
                orgs=", ".join(s.org_names),
            )
            for s in domain.failing
        ]
    return [head, *body]


def render(summary: Summary, errors: list[FileError], output: str, lang: str) -> str:
    """Return the whole summary as ``text`` or ``markdown``."""
    markdown = output == "markdown"
    out = [f"# {_t(lang, 'title')}", ""] if markdown else []
    for domain in summary.domains:
        head, *body = domain_lines(domain, summary.request.selectors, lang)
        out.append(f"## {head}\n" if markdown else head)
        out += [
            (f"- {line}" if not line.startswith("  ") else f"  - {line.strip()}") if markdown else f"  {line}"
            for line in body
        ]
        out.append("")
    if not summary.domains:
        out.append(_t(lang, "nothing"))
    out += [_t(lang, "duplicate", file=d["file"], org=d["org_name"], id=d["report_id"]) for d in summary.duplicates]
    out += [_t(lang, "error", file=e.file, error=in_language(e, lang)) for e in errors]
    failures = len({(d.domain, f.org_name) for d in summary.domains for f in d.selector_failures})
    if summary.request.selectors and summary.domains:
        out.append(_t(lang, "ok") if not failures else _t(lang, "bad", n=failures))
    return "\n".join(out).rstrip("\n") + "\n"
