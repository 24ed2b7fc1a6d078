"""A fleet run's lines (cli/fleet.py): a line per unit, what it came to and what to do next, and the last line.

Both languages take one path: the line is a key, its mark, action and next step are keys too
(a code with no key of its own is shown as it is), so English and Japanese say the same.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # ``ok    DOMAIN REGION: ACTION (DETAIL; next: STEP)``: the mark keeps the column in each language.
    "fleet.mark.ok": ("ok  ", "OK"),
    "fleet.mark.fail": ("FAIL", "NG"),
    "fleet.line": ("{mark}  {where}: {action}", "{mark}  {where}: {action}"),
    "fleet.line_detail": ("{mark}  {where}: {action} ({detail})", "{mark}  {where}: {action} ({detail})"),
    "fleet.next": ("next: {step}", "次: {step}"),
    "fleet.detail_next": ("{detail}; next: {step}", "{detail}; 次: {step}"),
    "fleet.summary": (
        "{units} in {seconds} s: {ok} ok, {failed} failed ({actions})",
        "{units} 件 ({seconds} 秒): OK {ok}、NG {failed} ({actions})",
    ),
    "fleet.nothing_done": ("nothing done", "処理なし"),
    "fleet.count": ("{action} {count}", "{action} {count}"),
    # What a unit came to (its action code), as a word.
    "fleet.action.created": ("created", "作成"),
    "fleet.action.updated": ("updated", "更新"),
    "fleet.action.already registered": ("already registered", "登録済み"),
    "fleet.action.refused": ("refused", "拒否"),
    "fleet.action.failed": ("failed", "失敗"),
    "fleet.action.published": ("published", "公開済み"),
    "fleet.action.no identity": ("no identity", "ID なし"),
    "fleet.action.generated": ("generated", "生成"),
    "fleet.action.kept": ("kept", "既存を維持"),
    "fleet.action.ready": ("ready", "要件を満たす"),
    "fleet.action.not ready": ("not ready", "要件未達"),
    "fleet.action.no key": ("no key", "鍵なし"),
    "fleet.action.not registered": ("not registered", "未登録"),
    "fleet.action.waiting for DNS": ("waiting for DNS", "DNS 待ち"),
    "fleet.action.not switched": ("not switched", "切り替えず"),
    "fleet.action.not changed": ("not changed", "変更なし"),
    "fleet.action.switched to an unpublished key": ("switched to an unpublished key", "未公開の鍵に切り替え"),
    # What to do next (report's stage of a domain, workflows/nextstep.py), as words.
    "fleet.next.nothing; the health check watches it": (
        "nothing; the health check watches it",
        "なし (ヘルスチェックが監視します)",
    ),
    "fleet.next.dns-request to the DNS team, then verify": (
        "dns-request to the DNS team, then verify",
        "DNS チームへ dns-request を送り、その後 verify",
    ),
    "fleet.next.byodkim verify --ses --wait": (
        "byodkim verify --ses --wait",
        "byodkim verify --ses --wait で SES の SUCCESS を待つ",
    ),
    "fleet.next.verify, then register": ("verify, then register", "verify で確認し、register をやり直す"),
    "fleet.next.register": ("register", "register で登録"),
    # No key of the domain's signs and none is stored: register, which fills this secret.
    "fleet.next.register_into": ("register ({secret})", "register で登録 (鍵は {secret} に保存)"),
}
