"""What report and status say about the signing key's age, and report's fleet stages (workflows/keyreport, nextstep)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # The key SES signs with, under the deployment's rotation policy (workflows/keyreport.py).
    "keyage.line": (
        "key {selector}: {days} days old (made {made}); rotation due {due}, next key prepared from {prepare}",
        "鍵 {selector}: 作成から {days} 日 (作成日 {made})。更新期限 {due}、次の鍵の準備開始 {prepare}",
    ),
    "keyage.overdue": (
        (
            "key {selector}: {days} days old (made {made}); overdue: rotation was due {due} "
            "(next key prepared from {prepare})"
        ),
        (
            "鍵 {selector}: 作成から {days} 日 (作成日 {made})。期限超過: 更新期限は {due} でした "
            "(次の鍵の準備開始 {prepare})"
        ),
    ),
    "keyage.unknown": (
        (
            "key {selector}: age unknown (the selector does not follow selector_scheme `{scheme}` and no secret "
            "{secret} says when it was made)"
        ),
        (
            "鍵 {selector}: 作成日が不明です (セレクタが selector_scheme `{scheme}` に沿っておらず、"
            "シークレット {secret} からも作成日がわかりません)"
        ),
    ),
    # status --all: a region's line, its selector and the key's age in a few words.
    "keyage.fleet": (
        "{selector}; key {days} days old, due {due}",
        "{selector}; 鍵は作成から {days} 日、更新期限 {due}",
    ),
    "keyage.fleet_overdue": (
        "{selector}; key {days} days old, overdue since {due}",
        "{selector}; 鍵は作成から {days} 日、{due} から期限超過",
    ),
    "keyage.fleet_unknown": ("{selector}; key age unknown", "{selector}; 鍵の作成日は不明"),
    # report's fleet line: a stage and next step nextstep.py adds to those the fleet already had.
    "report.records": ("{views}", "{views}"),  # several selectors' records on one fleet line (mid-rotation)
    "fleet.action.foreign key": ("foreign key", "登録外の鍵"),
    "fleet.next.register the production key": ("register the production key", "本番用の鍵を register で登録"),
}
