# ruff: noqa: E501 - a table of whole sentences, English and Japanese side by side; full-width punctuation is right in Japanese
"""The DMARC summary (dmarc/memo.py), its section in the rollout memo (dmarc/evidence.py), and why a report file could not be read (dmarc/reasons.py)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "dmarc.memo.title": (
        "DMARC aggregate reports",
        "DMARC 集約レポート",
    ),
    "dmarc.memo.head": (
        "{domain}: {begin} to {end}, {reports} reports",
        "{domain}: {begin} 〜 {end}、レポート {reports} 通",
    ),
    "dmarc.memo.counts": (
        "messages {m}; DMARC pass {p}; DKIM aligned {k}; SPF aligned {s}",
        "メール {m} 通、DMARC pass {p}、DKIM アライメント pass {k}、SPF アライメント pass {s}",
    ),
    "dmarc.memo.selector": (
        "selector {sel}: {passed} of {signed} signed messages passed aligned DKIM ({share})",
        "セレクタ {sel}: 署名されたメール {signed} 通のうち {passed} 通がアライメント一致の DKIM で pass ({share})",
    ),
    "dmarc.memo.selector_unseen": (
        "selector {sel}: no mail signed with it in these reports",
        "セレクタ {sel}: このレポートにはこのセレクタで署名されたメールがありません",
    ),
    "dmarc.memo.no_selector": (
        "no rollout selector given: its mail is not checked (give the selector to check it)",
        "ロールアウトのセレクタが指定されていません。そのメールは確認していません (確認するにはセレクタを指定してください)",
    ),
    "dmarc.memo.selector_failure": (
        "FAIL: selector {selector} at {org}: {m} messages from {ip} (DKIM {result})",
        "fail: セレクタ {selector} ({org}): {ip} からのメール {m} 通 (DKIM {result})",
    ),
    "dmarc.memo.orgs": (
        "by reporting organisation:",
        "報告組織別:",
    ),
    "dmarc.memo.sources": (
        "by sending source (top {n} of {total}):",
        "送信元別 (上位 {n} / 全 {total}):",
    ),
    "dmarc.memo.failing": (
        "sources failing DMARC:",
        "DMARC が fail の送信元:",
    ),
    "dmarc.memo.failing_line": (
        "{ip}: {m} messages; From {hf}; envelope {ef}; DKIM {dkim}; SPF {spf}; reported by {orgs}",
        "{ip}: {m} 通、From {hf}、エンベロープ {ef}、DKIM {dkim}、SPF {spf}、報告: {orgs}",
    ),
    "dmarc.memo.policy": (
        "policy p={p}; the last {days} days ({begin} to {end}): {m} messages, {f} fail DMARC ({share}): p=quarantine would send them to spam, p=reject would refuse them",
        "ポリシー p={p}。直近 {days} 日 ({begin} 〜 {end}): メール {m} 通のうち {f} 通が DMARC fail ({share})。p=quarantine なら迷惑メールに、p=reject なら受信拒否になります",
    ),
    "dmarc.memo.safe": (
        "verdict: safe to move to p={next}: {share} passed DMARC over {days} days, reported by {orgs} organisations",
        "判定: p={next} に進めて安全です。{days} 日間で {share} が DMARC pass、報告組織 {orgs}",
    ),
    "dmarc.memo.at_reject": (
        "verdict: p=reject already; {share} passed DMARC over {days} days",
        "判定: すでに p=reject です。{days} 日間で {share} が DMARC pass",
    ),
    "dmarc.memo.unsafe": (
        "verdict: not safe to tighten p= yet: {why}",
        "判定: p= を強めるのはまだ安全ではありません: {why}",
    ),
    "dmarc.memo.pass_share": (
        "DMARC pass {seen}% (need {needed}%)",
        "DMARC pass 率 {seen}% (必要: {needed}%)",
    ),
    "dmarc.memo.organisations": (
        "reporting organisations: {seen} (need {needed})",
        "報告組織 {seen} (必要: {needed})",
    ),
    "dmarc.memo.days": (
        "days with reports: {seen} (need {needed})",
        "レポートのある日 {seen} 日 (必要: {needed} 日)",
    ),
    "dmarc.memo.selector_blocker": (
        "messages signed with the rollout's selector that failed: {seen} (need {needed})",
        "ロールアウトのセレクタで署名されたメール {seen} 通が fail (必要: {needed})",
    ),
    "dmarc.memo.no_mail": (
        "no mail in the period",
        "期間中のメールがありません",
    ),
    "dmarc.memo.duplicate": (
        "counted once: {file} repeats {org} report {id}",
        "重複を 1 回だけ数えました: {file} は {org} のレポート {id} と同じです",
    ),
    "dmarc.memo.error": (
        "unreadable: {file}: {error}",
        "読めません: {file}: {error}",
    ),
    "dmarc.memo.nothing": (
        "no DMARC aggregate report read",
        "DMARC 集約レポートを読めませんでした",
    ),
    "dmarc.memo.ok": (
        "mail signed with the rollout's selector passed aligned DKIM at every receiver that reported",
        "ロールアウトのセレクタで署名されたメールは、報告したすべての受信者でアライメント一致の DKIM が pass しました",
    ),
    "dmarc.memo.bad": (
        "mail signed with the rollout's selector FAILED aligned DKIM at receivers: {n}",
        "ロールアウトのセレクタで署名されたメールが {n} 件の受信者で DKIM fail になりました",
    ),
    # The rollout memo's DMARC section heading.
    "dmarc.evidence": (
        "DMARC evidence (receivers' aggregate reports)",
        "DMARC の証拠 (受信者の集約レポート)",
    ),
    # Why a report file could not be read: the key a FileError carries.
    "dmarc.reason.too_big": (
        "more than {mib} MiB once decompressed",
        "展開すると {mib} MiB を超えます",
    ),
    "dmarc.reason.unreadable": (
        "cannot be read: {detail}",
        "読み込めません: {detail}",
    ),
    "dmarc.reason.gzip_not_xml": (
        "the gzip file does not hold XML",
        "gzip ファイルの中身が XML ではありません",
    ),
    "dmarc.reason.not_a_report_file": (
        "not a DMARC report: neither XML, gzip, zip nor mail",
        "DMARC レポートではありません (XML、gzip、zip、メールのどれでもありません)",
    ),
    "dmarc.reason.zip_empty": (
        "the zip file is empty",
        "zip ファイルが空です",
    ),
    "dmarc.reason.mail_without_report": (
        "a mail with no DMARC report attached (gzip, zip or XML)",
        "DMARC レポートが添付されていないメールです (gzip、zip、XML のどれもありません)",
    ),
    "dmarc.reason.no_s3": (
        "S3 is not available here",
        "ここでは S3 を使えません",
    ),
    "dmarc.reason.missing": (
        "no such file or folder",
        "ファイルもフォルダもありません",
    ),
    "dmarc.reason.no_field": (
        "<{where}> has no <{field}>",
        "<{where}> に <{field}> がありません",
    ),
    "dmarc.reason.not_a_number": (
        "<{field}> is not a whole number: `{value}`",
        "<{field}> が整数ではありません: `{value}`",
    ),
    "dmarc.reason.negative": (
        "<{field}> is negative: {value}",
        "<{field}> が負の数です: {value}",
    ),
    "dmarc.reason.no_row": (
        "a <record> has no <row>",
        "<record> に <row> がありません",
    ),
    "dmarc.reason.not_utf8": (
        "refused XML: not UTF-8 (reports are UTF-8)",
        "XML を拒否しました: UTF-8 ではありません (レポートは UTF-8 です)",
    ),
    "dmarc.reason.long_prolog": (
        "refused XML: a prolog longer than {kib} KiB",
        "XML を拒否しました: 先頭部分が {kib} KiB を超えています",
    ),
    "dmarc.reason.doctype": (
        "refused XML: a DOCTYPE (a report never needs a DTD or an entity)",
        "XML を拒否しました: DOCTYPE があります (レポートに DTD やエンティティは不要です)",
    ),
    "dmarc.reason.wrong_root": (
        "not a DMARC aggregate report: the root is <{root}>",
        "DMARC 集約レポートではありません: ルート要素が <{root}> です",
    ),
    "dmarc.reason.malformed": (
        "not well-formed XML (line {line}, column {column})",
        "XML として正しくありません ({line} 行目、{column} 文字目)",
    ),
    "dmarc.reason.empty": (
        "empty",
        "空です",
    ),
    "dmarc.reason.no_section": (
        "no <{section}>",
        "<{section}> がありません",
    ),
    "dmarc.reason.backwards": (
        "the period ends before it begins ({begin} > {end})",
        "期間の終わりが始まりより前です ({begin} > {end})",
    ),
}
