"""What the key's age watch, the rotation's schedule and the sandbox's Route 53 zone say (issue 28, in the stacks)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # The sandbox with the domain in Route 53 (byodkim sandbox --route53).
    "sandbox.step.route53": (
        "Route 53 hosted zone {zone} for {domain} in the emulator: its changes go live on {server}",
        "{domain} の Route 53 ホストゾーン {zone} をエミュレーターに作成しました: 変更は {server} に反映されます",
    ),
    "sandbox.step.route53_publish": (
        "the record published in Route 53 (zone {zone}): no DNS team",
        "レコードを Route 53 (ゾーン {zone}) に公開しました: DNS チームは不要です",
    ),
    "help.byodkim sandbox --route53": (
        (
            "Host the domain in a Route 53 zone of the emulator (live on the sandbox's BIND): "
            "the stacks get its id, records are published there, no DNS team."
        ),
        (
            "ドメインをエミュレーターの Route 53 ゾーンに置きます (サンドボックスの BIND に反映): "
            "スタックにゾーン ID を渡し、レコードはそこに公開され、DNS チームは不要です。"
        ),
    ),
}
