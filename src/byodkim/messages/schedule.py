"""What the rotation policy and the scheduled rotation say (dkim/policy.py; the scheduled rotation's workflow)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # The policy in the Sceptre config (dkim/policy.py).
    "policy.refused": (
        "the rotation setting `{key}: {value}` in the Sceptre config cannot be used",
        "Sceptre 設定のローテーション設定 `{key}: {value}` は使えません",
    ),
    "policy.whole_days": ("give a whole number of days", "日数を整数で指定してください"),
    "policy.at_least_one_day": ("give at least 1 day", "1 日以上を指定してください"),
    "policy.lead_shorter": (
        "give fewer days than rotation_days ({days})",
        "rotation_days ({days}) より少ない日数を指定してください",
    ),
    "policy.use_values": ("use one of {values}", "{values} のどれかを指定してください"),
    "policy.scheme_placeholders": (
        "write the selector with {{date}} and {{n}} once each, e.g. gooid-21-pro-{{date}}-{{n}}",
        "{{date}} と {{n}} を 1 回ずつ含むセレクタを書いてください (例: gooid-21-pro-{{date}}-{{n}})",
    ),
}
