# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""Refusals, deny by default: what is refused rather than let through, or said honestly as a refusal.

A payload the dkim-manager function does not know (function/phases.py ``parse_event``), a rotation policy that cannot hold (dkim/policy.py), a domain the scheduled rotation cannot rotate, a "no" at rollback's prompt.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "payload.unknown_field": (
        '"{field}" is not a field of the {what} payload; nothing was done',
        '"{field}" は {what} のペイロードのフィールドではありません。何も実行していません',
    ),
    "payload.fields": (
        "its fields are {fields} (docs/lambda.md); remove the others",
        "使えるフィールドは {fields} です (docs/lambda.md)。ほかは削除してください",
    ),
    "payload.wrong_type": (
        '"{field}": {value} is {got}, not {want}; nothing was done',
        '"{field}": {value} は{got}で、{want}ではありません。何も実行していません',
    ),
    "payload.give": ('give "{field}": {example}', '"{field}": {example} のように指定してください'),
    # The JSON types a field can be given as, in the sentences above.
    "payload.type.string": ("a string", "文字列"),
    "payload.type.list": ("a list", "リスト"),
    "payload.type.object": ("an object", "オブジェクト"),
    "payload.type.number": ("a number", "数値"),
    "payload.type.bool": ("true or false", "true/false"),
    "payload.type.null": ("null", "null"),
    # dkim/policy.py: a policy whose calendar cannot hold (each value alone is fine).
    "policy.cannot_hold": (
        "the rotation settings `rotation_days: {days}`, `rotation_lead_days: {lead}`, `retire_after_days: {retire}` in the Sceptre config cannot hold together: the next key would be prepared before the old record is retired, cutting the DNS team's lead short",
        "Sceptre 設定のローテーション設定 `rotation_days: {days}`、`rotation_lead_days: {lead}`、`retire_after_days: {retire}` は両立しません: 古いレコードの削除前に次の鍵を準備することになり、DNS チームの猶予が足りなくなります",
    ),
    "policy.cannot_hold_hint": (
        "give rotation_days of at least {shortest} (2 x rotation_lead_days + retire_after_days), or shorten the others; nothing was changed",
        "rotation_days を {shortest} 以上 (2 x rotation_lead_days + retire_after_days) にするか、ほかの値を短くしてください。何も変更していません",
    ),
    # The scheduled rotation (function/schedule_run.py, function/schedule_lambda.py, cli/schedule.py): a domain it cannot rotate.
    "schedule.no_identity": (
        "{domain} has no SES identity in {region}: the scheduled rotation has no key of its own to rotate",
        "{domain} は {region} に SES の ID がありません: 定期ローテーションで更新する独自の鍵がありません",
    ),
    "schedule.no_identity_hint": (
        "register its own key first (byodkim register --domain {domain}, docs/register.md), then run the rotation again; nothing was changed",
        "先に独自の鍵を登録してから (byodkim register --domain {domain}、docs/register.md を参照)、ローテーションをもう一度実行してください。何も変更していません",
    ),
    "schedule.easy_dkim": (
        "{domain} signs with Easy DKIM in {region}: SES rotates those keys itself, and the scheduled rotation rotates only a domain's own key",
        "{domain} は {region} で Easy DKIM で署名しています: その鍵は SES 自身が更新します。定期ローテーションが更新するのはドメイン独自の鍵だけです",
    ),
    "schedule.easy_dkim_hint": (
        "move it onto its own key first (byodkim register --domain {domain}, docs/register.md), or leave its keys to SES; nothing was changed",
        "先に独自の鍵へ移行するか (byodkim register --domain {domain}、docs/register.md を参照)、鍵の管理を SES に任せてください。何も変更していません",
    ),
    "schedule.nothing_changed": ("nothing was changed", "何も変更していません"),
    "schedule.not_declared": (
        "{domain} is not declared in the Sceptre config (domains:): the scheduled rotation never ticks it",
        "{domain} は Sceptre 設定 (domains:) で宣言されていません: 定期ローテーションの対象になりません",
    ),
    "schedule.not_declared_hint": (
        "declare it under domains: in the Sceptre config and launch phase 2 again, or rotate it by hand (byodkim rotate --domain {domain} --new-selector SELECTOR, docs/rotate.md); nothing was changed",
        "Sceptre 設定の domains: に宣言して phase 2 をもう一度起動するか、手動でローテーションしてください (byodkim rotate --domain {domain} --new-selector SELECTOR、docs/rotate.md を参照)。何も変更していません",
    ),
    # The mark is the fleet's (fleet.mark.fail): FAIL, or NG in Japanese, as every fleet line says.
    "schedule.cli_unit_failed": ("{mark}  {domain}: {line}", "{mark}  {domain}: {line}"),
    "schedule.cli_summary": (
        "domains ticked: {ticked} of {units}; refused or failed: {failed}",
        "実行したドメイン: {units} 件中 {ticked} 件、拒否または失敗: {failed} 件",
    ),
    # The scheduled rotation: a record asked of the DNS team, then the domain's Route 53 zone configured.
    "schedule.moved_to_route53": (
        "{name} was asked of the DNS team on {since}; the Route 53 zone {zone} is configured now, so it was written there instead (the DNS team's request is no longer needed); {keep} stays",
        "{name} は {since} に DNS チームへ依頼しましたが、いまは Route 53 のゾーン {zone} が設定されているため、そちらに書き込みました (DNS チームへの依頼は不要になりました)。{keep} は残します",
    ),
    "schedule.would_move_to_route53": (
        "write {name} in the Route 53 zone {zone} (it was asked of the DNS team before the zone was configured)",
        "{name} を Route 53 のゾーン {zone} に書き込む (ゾーンが設定される前に DNS チームへ依頼したもの)",
    ),
    # byodkim phase: resend asked of a phase that sends nothing.
    "phase.resend_five": (
        "phase {number} sends no DNS request, so there is nothing to send again; nothing was done",
        "フェーズ {number} は DNS 依頼を送らないため、再送するものはありません。何も実行していません",
    ),
    "phase.resend_five_hint": (
        "to send the DNS request again: byodkim phase 5 --resend",
        "DNS 依頼を再送するには: byodkim phase 5 --resend",
    ),
    # byodkim rollback: a "no" at its prompt.
    "rollback.declined": (
        "{domain} was not switched back to Easy DKIM; nothing was changed",
        "{domain} を Easy DKIM に戻しませんでした。何も変更していません",
    ),
    "rollback.declined_hint": (
        "run byodkim rollback --domain {domain} again and answer y when it may switch",
        "切り替えてよいときに byodkim rollback --domain {domain} をもう一度実行し、y と答えてください",
    ),
}
