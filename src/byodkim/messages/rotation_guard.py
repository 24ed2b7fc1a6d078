# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What the guard between a hand rotation and the scheduled one says (workflows/rotation_guard.py), and rotate's fixes."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "guard.scheduled_under_way": (
        "{domain}: the scheduled rotation is under way (step {step}, SSM parameter {name}); a hand rotation now would fight it",
        "{domain}: 定期ローテーションが進行中です (ステップ {step}、SSM パラメータ {name})。いま手動でローテーションすると衝突します",
    ),
    "guard.scheduled_hint": (
        "nothing was changed; carry it on with byodkim rotate --auto --domain {domain} (and byodkim rotate --approve --domain {domain} when approval is manual): see docs/rotation.md",
        "何も変更していません。byodkim rotate --auto --domain {domain} (承認が manual なら byodkim rotate --approve --domain {domain}) で続けてください: docs/rotation.md を参照",
    ),
    "guard.hand_under_way": (
        "{domain}: a hand rotation to {selector} is under way (state file {path}); the scheduled rotation would fight it",
        "{domain}: {selector} への手動ローテーションが進行中です (状態ファイル {path})。定期ローテーションと衝突します",
    ),
    "guard.hand_hint": (
        "nothing was changed; finish it first with byodkim rotate --domain {domain} --new-selector {selector}, then run byodkim rotate --auto again",
        "何も変更していません。先に byodkim rotate --domain {domain} --new-selector {selector} で完了させてから、byodkim rotate --auto をもう一度実行してください",
    ),
    # byodkim rotate --approve: a "no" at its prompt.
    "guard.not_approved": (
        "the switch of {domain} to {selector} was not approved; nothing was changed",
        "{domain} の {selector} への切り替えは承認されませんでした。何も変更していません",
    ),
    "guard.not_approved_hint": (
        "run byodkim rotate --approve --domain {domain} again when it may switch",
        "切り替えてよいときに byodkim rotate --approve --domain {domain} をもう一度実行してください",
    ),
    # rotate --auto's line for a stopped rotation, after "STOPPED:".
    "guard.stopped_line": ("{reason}; {fix}", "{reason}。{fix}"),
    "guard.unreadable": ("unreadable", "読めない状態"),
}
