# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
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
    # The scheduled rotation (function/schedule*.py): what each tick did and what it waits for.
    "schedule.damaged": (
        "the rotation state in SSM parameter {name} cannot be read ({why})",
        "SSM パラメータ {name} のローテーション状態を読めません ({why})",
    ),
    "schedule.damaged_hint": (
        (
            "restore an earlier version of the parameter (SSM keeps them), "
            "or delete it to start from the key SES signs with"
        ),
        (
            "パラメータの以前のバージョンに戻すか (SSM が保持しています)、"
            "削除して SES が署名に使う鍵から始め直してください"
        ),
    ),
    "schedule.nothing_to_approve": (
        "no rotation of {domain} is prepared and requested: nothing to approve",
        "{domain} のローテーションは準備・依頼されていません: 承認するものがありません",
    ),
    "schedule.run_auto_first": (
        "let the function (or byodkim rotate --auto) prepare and request the next key first",
        "先に関数 (または byodkim rotate --auto) で次の鍵を準備・依頼してください",
    ),
    "schedule.already_switched": (
        "SES already signs with {selector}: nothing to approve",
        "SES はすでに {selector} で署名しています: 承認するものがありません",
    ),
    "schedule.nothing_to_do": ("nothing to do", "することはありません"),
    "schedule.approve_not_live": (
        "{name} is not live on every authoritative server ({seen}): the switch cannot be approved",
        "{name} がすべての権威サーバーで公開されていません ({seen}): 切り替えを承認できません",
    ),
    "schedule.approve_hint": (
        "ask the DNS team to publish the requested record, check it with byodkim verify, then approve",
        "DNS チームに依頼どおりのレコードの公開を頼み、byodkim verify で確認してから承認してください",
    ),
    "schedule.approved_subject": ("BYODKIM {domain}: rotation approved", "BYODKIM {domain}: ローテーション承認"),
    "schedule.approved": (
        "{who} approved the switch to {selector}",
        "{who} が {selector} への切り替えを承認しました",
    ),
    "schedule.subject": ("BYODKIM {domain}: rotation {step}", "BYODKIM {domain}: ローテーション {step}"),
    "schedule.would": ("would {what}", "実行すると: {what}"),
    "schedule.secret_gone": (
        "the new key's secret {secret} is gone or holds another key",
        "新しい鍵のシークレット {secret} が無いか、別の鍵を保持しています",
    ),
    "schedule.secret_gone_hint": (
        "restore the secret, or delete SSM parameter {name} to prepare a new key",
        "シークレットを復元するか、SSM パラメータ {name} を削除して新しい鍵を準備し直してください",
    ),
    "schedule.would_stop": (
        "stop the rotation: {server} serves {detail}",
        "ローテーションを止める: {server} が {detail}",
    ),
    "schedule.mistake": ("{name} on {server}: {detail}", "{server} の {name}: {detail}"),
    "schedule.mistake_fix": (
        (
            "ask the DNS team to publish exactly the requested record at {name} (s3 request, or byodkim dns-record), "
            "check it with `byodkim verify`, then resume with `byodkim rotate --approve --domain {domain}`"
        ),
        (
            "DNS チームに {name} へ依頼どおりのレコードを公開し直してもらい (S3 の依頼書、または byodkim dns-record)、"
            "`byodkim verify` で確認してから `byodkim rotate --approve --domain {domain}` で再開してください"
        ),
    ),
    "schedule.stopped_subject": ("BYODKIM {domain}: rotation stopped", "BYODKIM {domain}: ローテーション停止"),
    "schedule.stopped": ("stopped: {reason}; {fix}", "停止中: {reason}。{fix}"),
    "schedule.not_byodkim": (
        "{domain} is not on its own DKIM key in {region}: register it first (byodkim register)",
        "{domain} は {region} で独自の DKIM 鍵を使っていません: 先に登録してください (byodkim register)",
    ),
    "schedule.age_unknown": (
        (
            "the age of key {selector} is unknown (its name does not follow {scheme} and it has no secret): "
            "nothing is due"
        ),
        "鍵 {selector} の作成日が分かりません ({scheme} に従う名前でなく、シークレットもありません): 期限は計算できません",
    ),
    "schedule.not_yet": (
        "{selector} signs; the next key is prepared from {prepare}, due {due}",
        "{selector} で署名中。次の鍵は {prepare} から準備し、期限は {due} です",
    ),
    "schedule.would_prepare": (
        "prepare key {selector} (due {due})",
        "鍵 {selector} を準備する (期限 {due})",
    ),
    "schedule.prepared": (
        "key {selector} made and stored in {secret} (the current key is due {due})",
        "鍵 {selector} を作成し {secret} に保存しました (現在の鍵の期限は {due})",
    ),
    "schedule.no_kms": (
        "phase 1's KMS key {alias} is not there: the new key's secret would not be encrypted with it",
        "フェーズ 1 の KMS キー {alias} がありません: 新しい鍵のシークレットをそのキーで暗号化できません",
    ),
    "schedule.no_kms_hint": (
        "launch phase 1 first: its KMS key encrypts every DKIM secret",
        "先にフェーズ 1 を起動してください: そのキーがすべての DKIM シークレットを暗号化します",
    ),
    "schedule.would_request": ("request the record {name}", "レコード {name} を依頼する"),
    "schedule.requested": (
        "the DNS team was asked for {name} (the request in S3 and on its topic); {keep} stays",
        "DNS チームに {name} を依頼しました (依頼書は S3 とトピックに)。{keep} は残します",
    ),
    "schedule.upserted": (
        "{name} written in the Route 53 zone; {keep} stays",
        "{name} を Route 53 のゾーンに書き込みました。{keep} は残します",
    ),
    "schedule.would_live": ("record {name} as live and go on", "{name} を公開済みとして次へ進む"),
    "schedule.live": ("{name} is live: {seen}", "{name} は公開されています: {seen}"),
    "schedule.late_subject": (
        "BYODKIM {domain}: DKIM record still not published",
        "BYODKIM {domain}: DKIM レコードがまだ公開されていません",
    ),
    "schedule.late": (
        "{name} has been awaited since {since}; the current key was due {due} and signs on until it is published",
        "{name} を {since} から待っています。現在の鍵の期限は {due} でした。公開されるまで現在の鍵で署名を続けます",
    ),
    "schedule.awaiting": (
        "waiting for {name} since {since}: {seen}",
        "{since} から {name} の公開を待っています: {seen}",
    ),
    "schedule.awaiting_approval": (
        "the record is live; the switch waits for approval: byodkim rotate --approve --domain {domain}",
        "レコードは公開済みです。切り替えは承認待ちです: byodkim rotate --approve --domain {domain}",
    ),
    "schedule.switch_on": (
        "the record is live; SES switches to {selector} on {due}",
        "レコードは公開済みです。SES は {due} に {selector} へ切り替えます",
    ),
    "schedule.would_wait_again": (
        "wait for {name} again (it is no longer live)",
        "{name} を再び待つ (公開されていません)",
    ),
    "schedule.went_before_switch": (
        "{name} is no longer live ({seen}): SES was not switched; waiting for it again",
        "{name} が公開されていません ({seen}): SES は切り替えていません。再び公開を待ちます",
    ),
    "schedule.would_switch": (
        "switch SES to {selector} in {regions}",
        "{regions} の SES を {selector} に切り替える",
    ),
    "schedule.went_at_switch": (
        "{name} went away as SES was switched: {back}; waiting for it again",
        "SES の切り替え中に {name} が消えました: {back}。再び公開を待ちます",
    ),
    "schedule.switch_failed": (
        "the switch failed in {region}: {detail}",
        "{region} で切り替えに失敗しました: {detail}",
    ),
    "schedule.next_tick": ("the next tick tries again", "次の実行で再試行します"),
    "schedule.switched": (
        "SES switched to {selector} in {regions} (from {old})",
        "{regions} の SES を {old} から {selector} に切り替えました",
    ),
    "schedule.would_verify": ("record SUCCESS for {selector}", "{selector} の SUCCESS を記録する"),
    "schedule.verified": (
        "SES verified {selector} in every region; the old record is removed from {retire}",
        "すべてのリージョンで SES が {selector} を検証しました。古いレコードは {retire} から削除します",
    ),
    "schedule.would_switch_back": ("switch SES back to {old}", "SES を {old} に戻す"),
    "schedule.went_after_switch": (
        "{name} went away after the switch ({seen}): {back}; waiting for it again",
        "切り替え後に {name} が消えました ({seen}): {back}。再び公開を待ちます",
    ),
    "schedule.registered_again": (
        "registered again where SES gave up: {regions}",
        "SES が検証をあきらめたリージョンで再登録しました: {regions}",
    ),
    "schedule.awaiting_ses": (
        "waiting for SES to verify {selector}: {statuses}",
        "SES による {selector} の検証を待っています: {statuses}",
    ),
    "schedule.retire_on": ("{name} stays until {day}", "{name} は {day} まで残します"),
    "schedule.old_may_sign": (
        "{name} stays: SES may still sign with the old key in {regions}",
        "{name} は残します: {regions} の SES がまだ古い鍵で署名している可能性があります",
    ),
    "schedule.would_retire": ("remove {name}", "{name} を削除する"),
    "schedule.retired": (
        "the DNS team was asked to remove {name}; the old key's secret is kept, tagged retired",
        "DNS チームに {name} の削除を依頼しました。古い鍵のシークレットは retired タグを付けて残します",
    ),
    "schedule.retired_route53": (
        "{name} deleted from the Route 53 zone; the old key's secret is kept, tagged retired",
        "{name} を Route 53 のゾーンから削除しました。古い鍵のシークレットは retired タグを付けて残します",
    ),
    "schedule.remove_request": (
        (
            "# DKIM TXT record removal: {name}\n\nSES no longer signs {domain}'s mail with this key, and the retirement "
            "window has passed. Please delete the TXT record at `{name}`. Leave every other `_domainkey` record as it is.\n"
        ),
        (
            "# DKIM TXT レコード削除のお願い: {name}\n\n{domain} のメールはこの鍵ではもう署名されておらず、保持期間も過ぎました。"
            "`{name}` の TXT レコードを削除してください。ほかの `_domainkey` レコードはそのまま残してください。\n"
        ),
    ),
    # byodkim rotate --auto / --approve (cli/rollout.py): the laptop's door onto the same ticks.
    "schedule.cli_did": ("{domain}: {line}", "{domain}: {line}"),
    "schedule.cli_waits": ("{domain}: waits: {line}", "{domain}: 待機中: {line}"),
    "schedule.cli_stopped": ("{domain}: STOPPED: {line}", "{domain}: 停止: {line}"),
    "schedule.cli_alone": (
        "byodkim rotate --auto and --approve take no --until, no {@new_selector}, and not each other",
        "byodkim rotate --auto と --approve には --until も {@new_selector} も付けられず、両方同時にも使えません",
    ),
    "schedule.cli_alone_hint": (
        "the policy in the Sceptre config names the next selector (selector_scheme): see docs/rotation.md",
        "次のセレクタは Sceptre 設定のポリシー (selector_scheme) が決めます: docs/rotation.md を参照してください",
    ),
    "schedule.cli_need_selector": (
        "byodkim rotate needs {@new_selector}, or byodkim rotate --auto for the scheduled rotation",
        "byodkim rotate には {@new_selector} か、定期ローテーションなら byodkim rotate --auto が必要です",
    ),
    "schedule.cli_need_selector_hint": (
        "e.g. byodkim rotate --domain goo.ne.jp --new-selector gooid-21-pro-20260301-1",
        "例: byodkim rotate --domain goo.ne.jp --new-selector gooid-21-pro-20260301-1",
    ),
    "schedule.cli_approve_one": (
        "byodkim rotate --approve approves one domain at a time",
        "byodkim rotate --approve は 1 ドメインずつ承認します",
    ),
    "schedule.cli_approve_one_hint": ("give one {@domain}", "{@domain} を 1 つ指定してください"),
    "schedule.cli_confirm_needed": (
        "approving a switch asks for confirmation, and there is no terminal to ask at",
        "切り替えの承認には確認が必要ですが、確認できる端末がありません",
    ),
    "schedule.cli_prompt": (
        "Approve switching SES for {domain} to {selector}?",
        "{domain} の SES を {selector} に切り替えることを承認しますか?",
    ),
    "schedule.cli_would_approve": (
        "would approve the switch of {domain} to {selector} (its record is live)",
        "{domain} の {selector} への切り替えを承認します (レコードは公開済み)",
    ),
    "schedule.cli_approved": (
        "approved the switch of {domain} to {selector} ({who})",
        "{domain} の {selector} への切り替えを承認しました ({who})",
    ),
    # The function's "rotation" action (function/phases.py).
    "phase.bad_time": (
        '"time": `{value}` is not an ISO 8601 time',
        '"time": `{value}` は ISO 8601 の時刻ではありません',
    ),
    "phase.give_time": (
        'give the scheduled event\'s time, e.g. "2026-03-11T09:00:00Z", or leave it out (the clock)',
        'スケジュールイベントの時刻 (例: "2026-03-11T09:00:00Z") を指定するか、省略してください (時計を使います)',
    ),
    "phase.rotation_failed": (
        "the rotation tick failed for {domains} (of {count} domains; the others were ticked)",
        "{domains} のローテーションが失敗しました ({count} ドメイン中。ほかは実行済み)",
    ),
}
