"""check-domain's lines (workflows/rollout_memo.py render_posture): the findings, the verdict and the requirement rows.

One renderer serves every language and form: English text keeps the lines it always printed,
Japanese says the same facts (each record, each fix) in the same lines.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # What DNS holds: SPF (the From domain's, the MAIL FROM domain's), DMARC, the DKIM record, SES per region.
    "check.spf": ("SPF {domain}: {record} ({lookups} lookups)", "SPF {domain}: {record} (DNS 参照 {lookups} 回)"),
    "check.spf_mail_from": (
        "SPF {domain} (MAIL FROM): {record} -> {result} for SES ({lookups} lookups)",
        "SPF {domain} (MAIL FROM): {record} -> SES からの送信は {result} (DNS 参照 {lookups} 回)",
    ),
    "check.none": ("none", "なし"),
    "check.problem": ("problem: {problem}", "問題: {problem}"),
    "check.dmarc": ("DMARC: {record}", "DMARC: {record}"),
    "check.dmarc_at": (
        "DMARC: {record} (at _dmarc.{where}; adkim={adkim} aspf={aspf})",
        "DMARC: {record} (_dmarc.{where} に公開; adkim={adkim} aspf={aspf})",
    ),
    "check.means.reject": (
        "p=reject: mail that fails DMARC is refused by receivers{share}",
        "p=reject: DMARC で fail したメールは受信側が拒否します{share}",
    ),
    "check.means.quarantine": (
        "p=quarantine: mail that fails DMARC goes to spam{share}",
        "p=quarantine: DMARC で fail したメールは迷惑メールに振り分けられます{share}",
    ),
    "check.means.none": (
        "p=none: mail that fails DMARC is delivered; receivers only report it{share}",
        "p=none: DMARC で fail したメールも配信され、受信側は報告するだけです{share}",
    ),
    "check.share": (" ({pct}% of it)", " (その {pct}%)"),
    "check.dkim": ("DKIM {selector}: {summary}", "DKIM {selector}: {summary}"),
    "check.not_checked": ("not checked", "未確認"),
    "check.ses": (
        "SES {region}: DKIM {origin} {status}{mail_from}{set}",
        "SES {region}: DKIM {origin} {status}{mail_from}{set}",
    ),
    "check.no_identity": ("NO IDENTITY", "ID なし"),
    "check.ses_mail_from": ("; MAIL FROM {domain} {status}", "; MAIL FROM {domain} {status}"),
    "check.ses_own_mail_from": ("; MAIL FROM: SES's own", "; MAIL FROM: SES 既定"),
    "check.ses_set": ("; configuration set {name}", "; 設定セット {name}"),
    # Whether DMARC passes for mail from SES, and by which alignment.
    "check.verdict_pass": (
        "DMARC for mail from SES passes (DKIM aligned: {dkim}; SPF aligned: {spf})",
        "SES から送るメールの DMARC 評価は pass (DKIM のアライメント: {dkim}、SPF のアライメント: {spf})",
    ),
    "check.verdict_fail": (
        "DMARC for mail from SES FAILS (DKIM aligned: {dkim}; SPF aligned: {spf})",
        "SES から送るメールの DMARC 評価は fail (DKIM のアライメント: {dkim}、SPF のアライメント: {spf})",
    ),
    "check.aligned": ("True", "一致"),
    "check.unaligned": ("False", "不一致"),
    # The bulk-sender requirements: a row each, its mark, state and detail, then the fix.
    "check.requirements": ("Gmail/Yahoo sender requirements:", "Gmail/Yahoo の送信者ガイドライン:"),
    "check.mark.met": ("ok  ", "OK  "),
    "check.mark.not met": ("FIX ", "NG  "),
    "check.mark.not checkable from DNS": ("--  ", "--  "),
    "check.requirement": ("{mark}{name}: {state}; {detail}", "{mark}{name}: {state} ({detail})"),
    "check.fix": ("add or change: {fix}", "対処: {fix}"),
}
