# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What rotate says: its steps, waits, refusals and the way SES goes back to the previous key (workflows/rotate.py)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # rotate (workflows/rotate.py, cli/rollout.py).
    "rotate.bad_step": ("`{step}` is not a rotation step", "`{step}` はローテーションの手順ではありません"),
    "rotate.use_steps": ("use one of {steps}", "{steps} のどれかを指定してください"),
    "rotate.secret_gone": (
        "the new key's secret `{secret}` is gone",
        "新しい鍵のシークレット `{secret}` がなくなっています",
    ),
    "rotate.secret_gone_hint": ("delete {path} and start again", "{path} を削除して最初からやり直してください"),
    "rotate.stopped_subject": (
        "BYODKIM {domain}: rotation to {selector} stopped",
        "BYODKIM {domain}: {selector} へのローテーションを停止しました",
    ),
    "rotate.damaged": (
        "the rotation state `{path}` is damaged: {why}",
        "ローテーションの状態ファイル `{path}` が壊れています: {why}",
    ),
    "rotate.fix_or_delete": ("fix or delete it", "直すか削除してください"),
    "rotate.finished": (
        "the rotation to `{selector}` is finished",
        "`{selector}` へのローテーションは完了しています",
    ),
    "rotate.finished_hint": (
        "delete {path} before the next rotation",
        "次のローテーションの前に {path} を削除してください",
    ),
    "rotate.unfinished": (
        "`{path}` holds an unfinished rotation to `{selector}`",
        "`{path}` に `{selector}` への未完了のローテーションがあります",
    ),
    "rotate.not_byodkim": (
        "{domain} is not on BYODKIM in {region}",
        "{region} の {domain} は BYODKIM になっていません",
    ),
    "rotate.register_first": (
        "register a key first (byodkim register)",
        "先に鍵を登録してください (byodkim register)",
    ),
    "rotate.in_use": ("`{selector}` is the selector in use", "`{selector}` は使用中のセレクタです"),
    "rotate.in_use_hint": (
        "choose a new selector, e.g. with tomorrow's date",
        "新しいセレクタを選んでください (例: 明日の日付入り)",
    ),
    "rotate.keep_old": ("Keep {name} as it is.", "{name} はそのまま残してください。"),
    "rotate.no_longer_live": ("the new record is no longer live", "新しいレコードが公開されていません"),
    "rotate.ask_dns_team": (
        "ask the DNS team, then run rotate again",
        "DNS チームに確認してから、もう一度 rotate を実行してください",
    ),
    "rotate.switch_failed": ("switching SES failed", "SES の切り替えに失敗しました"),
    "rotate.went_verifying": (
        "the new record {name} disappeared while SES verified it ({seen}); {back}",
        "SES の検証中に新しいレコード {name} が消えました ({seen})。{back}",
    ),
    "rotate.gave_up_failed": ("SES gave up on it (FAILED)", "SES は検証をあきらめました (FAILED)"),
    "rotate.publish_again": (
        "ask the DNS team to publish the new record again, then run rotate again",
        "DNS チームに新しいレコードの再公開を依頼してから、もう一度 rotate を実行してください",
    ),
    "rotate.not_verified": (
        "SES did not verify the new key: {statuses}",
        "SES が新しい鍵を検証しませんでした: {statuses}",
    ),
    "rotate.no_answer": ("no answer", "応答なし"),
    "rotate.not_verified_hint": (
        "run rotate again: where SES gave up (FAILED) it checks the record and registers the key again",
        "もう一度 rotate を実行してください。SES があきらめた (FAILED) リージョンでは、レコードを確認して鍵を登録し直します",
    ),
    "rotate.gave_up_not_live": (
        "SES gave up in {regions} and the new record is not live",
        "{regions} で SES が検証をあきらめ、新しいレコードも公開されていません",
    ),
    "rotate.ask_publish": (
        "ask the DNS team to publish it, then run rotate again",
        "DNS チームに公開を依頼してから、もう一度 rotate を実行してください",
    ),
    "rotate.register_again_failed": ("registering again failed", "再登録に失敗しました"),
    "rotate.where_ses": ("{dns}; SES {statuses}", "{dns}。SES {statuses}"),
    "rotate.waiting": (
        "waiting for {what}: {where} ({seconds} s so far, giving up after {timeout} s)",
        "{what}を待っています: {where} (経過 {seconds} 秒、{timeout} 秒で打ち切り)",
    ),
    "rotate.record_live": ("{name}", "{name} の公開"),
    "rotate.ses_to_verify": ("SES to verify {selector}", "SES による {selector} の検証"),
    "rotate.then": ("{first}; {then}", "{first}。{then}"),
    "rotate.with_seen": ("{what} ({seen})", "{what} ({seen})"),
    "rotate.went_switched": (
        "the new record {name} disappeared while SES was switched in {region}; {back}",
        "{region} で SES を切り替えている間に新しいレコード {name} が消えました。{back}",
    ),
    "rotate.went_before": (
        "the new record {name} disappeared before SES was switched in {region}: {detail}; {back}",
        "{region} で SES を切り替える前に新しいレコード {name} が消えました: {detail}。{back}",
    ),
    "rotate.still_previous": ("SES still signs with the previous key", "SES は引き続き以前の鍵で署名しています"),
    "rotate.failing_in": ("{failing} in {region}: {detail}", "{region} で{failing}: {detail}"),
    "rotate.run_again": ("run rotate again", "もう一度 rotate を実行してください"),
    "rotate.no_previous": (
        "SES holds the new key in {regions} with no previous key of the domain's own",
        "{regions} の SES は新しい鍵を持っていて、戻せるドメイン独自の以前の鍵はありません",
    ),
    "rotate.went_elsewhere": (
        "the record went in another region; {said}",
        "別のリージョンでレコードが消えました。{said}",
    ),
    "rotate.old_secret_gone": (
        "the previous key's secret `{secret}` is gone, so SES was NOT switched back",
        "以前の鍵のシークレット `{secret}` がなくなっているため、SES は元に戻して**いません**",
    ),
    "rotate.back_failed": (
        "switching back to {old} failed in {regions}",
        "{regions} で {old} への切り戻しに失敗しました",
    ),
    "rotate.back": (
        "SES was switched back to {old}, whose record is live",
        "SES を {old} に戻しました (そのレコードは公開されています)",
    ),
    "rotate.back_in": (
        "SES was switched back to {old} in {regions}, whose record is live",
        "{regions} の SES を {old} に戻しました (そのレコードは公開されています)",
    ),
    "rotate.step.keyed": (
        "new key generated and stored in Secrets Manager",
        "新しい鍵を生成して Secrets Manager に保存",
    ),
    "rotate.step.requested": ("DNS request written", "DNS 依頼書を作成"),
    "rotate.step.published": (
        "new record live on every authoritative server",
        "新しいレコードがすべての権威サーバーで公開",
    ),
    "rotate.step.switched": ("SES switched to the new key", "SES を新しい鍵に切り替え"),
    "rotate.step.verified": ("SES reports SUCCESS with the new key", "SES が新しい鍵で SUCCESS"),
    "rotate.progress": ("{step}: {label} ({what})", "手順 `{step}`: {label} ({what})"),
    "rotate.code": ("{step}", "`{step}`"),
    "rotate.done": ("done", "完了"),
    "rotate.already_done": ("already done", "実施済み"),
    "rotate.plan": (
        "rotation of {domain} from {old} to {new}: done {done}",
        "{domain} の {old} から {new} へのローテーション: 完了した手順: {done}",
    ),
    "rotate.nothing_yet": ("nothing yet", "まだなし"),
    "rotate.next_step": ("a run would do next: {step}: {label}", "次の実行で行う手順: `{step}`: {label}"),
    "rotate.nothing_left": ("nothing left to do", "残りの手順はありません"),
    "rotate.send_request": (
        "send {path} to the DNS team; then run the same command again",
        "{path} を DNS チームに送り、その後同じコマンドをもう一度実行してください",
    ),
    "rotate.rotated": (
        "rotated {domain} from {old} to {new}. Keep the old record {name} until {until}, then remove it",
        "{domain} を {old} から {new} にローテーションしました。古いレコード {name} は {until} まで残し、その後削除してください",
    ),
    "rotate.stopped_after": (
        "stopped after {step}; state in {path}",
        "手順 `{step}` の後で停止しました。状態は {path} にあります",
    ),
    "rotate.one_domain": ("{@dry_run} takes one domain", "{@dry_run} は 1 ドメインだけに使えます"),
    "rotate.one_domain_hint": ("give one {@domain} with it", "{@domain} を 1 つだけ指定してください"),
    "rotate.notice": ("notice: {subject}: {message}", "通知: {subject}: {message}"),
    "rotate.notice_not_sent": (
        "notice: not sent to the alert topic ({why})",
        "通知: アラートトピックには送れませんでした ({why})",
    ),
    "rotate.notice_sent": ("notice: sent to {topic}", "通知: {topic} に送信しました"),
    # rotate --all: a domain's last step done, as the fleet line and summary name it (published: cli/catalogue.py).
    "fleet.action.keyed": ("keyed", "鍵を作成"),
    "fleet.action.requested": ("requested", "依頼書を作成"),
    "fleet.action.switched": ("switched", "切り替え済み"),
    "fleet.action.verified": ("verified", "検証済み"),
}
