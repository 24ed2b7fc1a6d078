"""What the fleet health check's fan-out says (function/fanout.py: the planner, its settings)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "fanout.not_queued": (
        "SQS refused {count} of the health check's batches: {reason}",
        "SQS がヘルスチェックのバッチ {count} 件を受け付けませんでした: {reason}",
    ),
    "fanout.bad_setting": (
        "the function's setting {name}={value} is not a number it can use",
        "関数の設定 {name}={value} は使える数値ではありません",
    ),
    "fanout.bad_period": (
        '"periodSeconds": {value} is not a period the health check can plan for',
        '"periodSeconds": {value} はヘルスチェックが計画できる間隔ではありません',
    ),
    "fanout.give_period": (
        'give "periodSeconds" as the seconds between scheduled runs, 60 to 86400 (phase 8\'s rule sends it)',
        (
            '"periodSeconds" にはスケジュール実行の間隔を 60 から 86400 の秒数で指定してください'
            " (フェーズ 8 のルールが送ります)"
        ),
    ),
}
