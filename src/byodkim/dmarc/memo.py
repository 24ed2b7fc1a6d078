"""The DMARC summary as people read it: text or Markdown, English or Japanese, from one catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.dmarc.reasons import reason
from byodkim.dmarc.tally import DAY, iso

if TYPE_CHECKING:
    from byodkim.dmarc.model import FileError
    from byodkim.dmarc.summary import Summary
    from byodkim.dmarc.tally import Tally
    from byodkim.dmarc.verdict import DomainSummary

TOP = 10  # sources listed in text; -o json lists them all

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "DMARC aggregate reports",
        "head": "{domain}: {begin} to {end}, {reports} reports",
        "counts": "messages {m}; DMARC pass {p}; DKIM aligned {k}; SPF aligned {s}",
        "selector": "selector {sel}: {passed} of {signed} signed messages passed aligned DKIM ({share})",
        "selector_unseen": "selector {sel}: no mail signed with it in these reports",
        "no_selector": "no rollout selector given: its mail is not checked (give the selector to check it)",
        "selector_failure": "FAIL: selector {selector} at {org}: {m} messages from {ip} (DKIM {result})",
        "orgs": "by reporting organisation:",
        "sources": "by sending source (top {n} of {total}):",
        "failing": "sources failing DMARC:",
        "failing_line": "{ip}: {m} messages; From {hf}; envelope {ef}; DKIM {dkim}; SPF {spf}; reported by {orgs}",
        "policy": (
            "policy p={p}; the last {days} days ({begin} to {end}): {m} messages, {f} fail DMARC ({share}): "
            "p=quarantine would send them to spam, p=reject would refuse them"
        ),
        "safe": "verdict: safe to move to p={next}: {share} passed DMARC over {days} days, reported by {orgs} organisations",
        "at_reject": "verdict: p=reject already; {share} passed DMARC over {days} days",
        "unsafe": "verdict: not safe to tighten p= yet: {why}",
        "pass_share": "DMARC pass {seen}% (need {needed}%)",
        "organisations": "reporting organisations: {seen} (need {needed})",
        "days": "days with reports: {seen} (need {needed})",
        "selector_blocker": "messages signed with the rollout's selector that failed: {seen} (need {needed})",
        "no_mail": "no mail in the period",
        "duplicate": "counted once: {file} repeats {org} report {id}",
        "error": "unreadable: {file}: {error}",
        "nothing": "no DMARC aggregate report read",
        "ok": "mail signed with the rollout's selector passed aligned DKIM at every receiver that reported",
        "bad": "mail signed with the rollout's selector FAILED aligned DKIM at receivers: {n}",
    },
    "ja": {
        "title": "DMARC 集約レポート",
        "head": "{domain}: {begin} 〜 {end}、レポート {reports} 通",
        "counts": "メール {m} 通、DMARC pass {p}、DKIM アライメント pass {k}、SPF アライメント pass {s}",
        "selector": "セレクタ {sel}: 署名されたメール {signed} 通のうち {passed} 通がアライメント一致の DKIM で pass ({share})",
        "selector_unseen": "セレクタ {sel}: このレポートにはこのセレクタで署名されたメールがありません",
        "no_selector": "ロールアウトのセレクタが指定されていません。そのメールは確認していません (確認するにはセレクタを指定してください)",
        "selector_failure": "fail: セレクタ {selector} ({org}): {ip} からのメール {m} 通 (DKIM {result})",
        "orgs": "報告組織別:",
        "sources": "送信元別 (上位 {n} / 全 {total}):",
        "failing": "DMARC が fail の送信元:",
        "failing_line": "{ip}: {m} 通、From {hf}、エンベロープ {ef}、DKIM {dkim}、SPF {spf}、報告: {orgs}",
        "policy": (
            "ポリシー p={p}。直近 {days} 日 ({begin} 〜 {end}): メール {m} 通のうち {f} 通が DMARC fail ({share})。"
            "p=quarantine なら迷惑メールに、p=reject なら受信拒否になります"
        ),
        "safe": "判定: p={next} に進めて安全です。{days} 日間で {share} が DMARC pass、報告組織 {orgs}",
        "at_reject": "判定: すでに p=reject です。{days} 日間で {share} が DMARC pass",
        "unsafe": "判定: p= を強めるのはまだ安全ではありません: {why}",
        "pass_share": "DMARC pass 率 {seen}% (必要: {needed}%)",
        "organisations": "報告組織 {seen} (必要: {needed})",
        "days": "レポートのある日 {seen} 日 (必要: {needed} 日)",
        "selector_blocker": "ロールアウトのセレクタで署名されたメール {seen} 通が fail (必要: {needed})",
        "no_mail": "期間中のメールがありません",
        "duplicate": "重複を 1 回だけ数えました: {file} は {org} のレポート {id} と同じです",
        "error": "読めません: {file}: {error}",
        "nothing": "DMARC 集約レポートを読めませんでした",
        "ok": "ロールアウトのセレクタで署名されたメールは、報告したすべての受信者でアライメント一致の DKIM が pass しました",
        "bad": "ロールアウトのセレクタで署名されたメールが {n} 件の受信者で DKIM fail になりました",
    },
}
NEXT = {"none": "quarantine", "quarantine": "reject"}
BLOCKER_KEY = {"selector": "selector_blocker"}


def in_language(error: FileError, lang: str) -> str:
    """Return why ``error``'s file could not be read, in ``lang``."""
    return reason(error.key, lang, error.values) if error.key else error.error


def _share(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.2f}%" if whole else "-"


def _counts(words: dict[str, str], tally: Tally) -> str:
    m = tally.messages
    return words["counts"].format(
        m=f"{m:,}",
        p=f"{tally.dmarc_pass:,} ({_share(tally.dmarc_pass, m)})",
        k=f"{tally.dkim_aligned:,} ({_share(tally.dkim_aligned, m)})",
        s=f"{tally.spf_aligned:,} ({_share(tally.spf_aligned, m)})",
    )


def _day(seconds: int) -> str:
    return iso(seconds)[:10]


def _selector_lines(words: dict[str, str], domain: DomainSummary, selectors: tuple[str, ...]) -> list[str]:
    sel = ", ".join(selectors)
    if not selectors:
        return [words["no_selector"]]
    if not domain.signed:
        return [words["selector_unseen"].format(sel=sel)]
    passed, signed = domain.signed_pass, domain.signed
    lines = [
        words["selector"].format(sel=sel, passed=f"{passed:,}", signed=f"{signed:,}", share=_share(passed, signed))
    ]
    lines += [
        words["selector_failure"].format(
            selector=f.selector, org=f.org_name, m=f"{f.messages:,}", ip=f.source_ip, result=f.result
        )
        for f in domain.selector_failures
    ]
    return lines


def _verdict_lines(words: dict[str, str], domain: DomainSummary) -> list[str]:
    v = domain.verdict
    share = _share(v.messages - v.would_fail, v.messages)
    lines = [
        words["policy"].format(
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
        lines.append(words["at_reject"].format(share=share, days=v.days))
    elif v.safe:
        lines.append(
            words["safe"].format(next=NEXT.get(v.policy, "quarantine"), share=share, days=v.days, orgs=v.organisations)
        )
    else:
        why = "; ".join(words[BLOCKER_KEY.get(k, k)].format(seen=seen, needed=need) for k, seen, need in v.blockers)
        lines.append(words["unsafe"].format(why=why))
    return lines


def domain_lines(domain: DomainSummary, selectors: tuple[str, ...], lang: str, *, brief: bool = False) -> list[str]:
    """Return one domain's summary as (heading, then indented) lines; ``brief`` for the rollout memo."""
    words = TEXTS[lang]
    head = words["head"].format(
        domain=domain.domain, begin=_day(domain.begin), end=_day(domain.end - 1), reports=domain.reports
    )
    body = [_counts(words, domain.total), *_selector_lines(words, domain, selectors), *_verdict_lines(words, domain)]
    if brief:
        return [head, *body]
    body.append(words["orgs"])
    body += [f"  {name}: {_counts(words, tally)}" for name, tally in domain.orgs]
    body.append(words["sources"].format(n=min(TOP, len(domain.sources)), total=len(domain.sources)))
    body += [f"  {ip}: {_counts(words, tally)}" for ip, tally in domain.sources[:TOP]]
    if domain.failing:
        body.append(words["failing"])
        body += [
            "  "
            + words["failing_line"].format(
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
    words = TEXTS[lang]
    markdown = output == "markdown"
    out = [f"# {words['title']}", ""] if markdown else []
    for domain in summary.domains:
        head, *body = domain_lines(domain, summary.request.selectors, lang)
        out.append(f"## {head}\n" if markdown else head)
        out += [
            (f"- {line}" if not line.startswith("  ") else f"  - {line.strip()}") if markdown else f"  {line}"
            for line in body
        ]
        out.append("")
    if not summary.domains:
        out.append(words["nothing"])
    out += [words["duplicate"].format(file=d["file"], org=d["org_name"], id=d["report_id"]) for d in summary.duplicates]
    out += [words["error"].format(file=e.file, error=in_language(e, lang)) for e in errors]
    failures = len({(d.domain, f.org_name) for d in summary.domains for f in d.selector_failures})
    if summary.request.selectors and summary.domains:
        out.append(words["ok"] if not failures else words["bad"].format(n=failures))
    return "\n".join(out).rstrip("\n") + "\n"
