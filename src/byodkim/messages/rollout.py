# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What the rollout commands say: register, rollback, phase, rotate, send-test, the report and the sandbox's DNS team.

A command line shown as a next step arrives as a value (``{command}``), built by the door that
knows how the operator runs byodkim; an input is named by concept (``{@secret_id}``).
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # register (cli/ses.py, rollout/registration.py, aws/ses.py).
    "register.key_or_secret": (
        "give {@key_file} or {@secret_id}, not both",
        "{@key_file} と {@secret_id} は同時に指定できません",
    ),
    "register.one_domains_key": (
        "{@key_file} and {@secret_id} name one domain's key",
        "{@key_file} と {@secret_id} は 1 ドメインの鍵を指します",
    ),
    "register.one_domains_key_hint": ("give one {@domain} with them", "{@domain} を 1 つだけ指定してください"),
    "register.next_done": (
        "next: nothing; SES signs with {selector} in every region (check with {command})",
        "次: 作業はありません。全リージョンで SES が {selector} で署名しています ({command} で確認できます)",
    ),
    "register.next_publish": (
        "next: have the record published ({phase4}, then phase 5), then {verify}",
        "次: レコードを公開してもらい ({phase4}、続いてフェーズ 5)、{verify} で確認してください",
    ),
    "register.ssm_moved": (
        "SSM {name}: {held} -> {selector} (the selector SES holds)",
        "SSM {name}: {held} -> {selector} (SES が持つセレクタ)",
    ),
    "register.ssm_failed": (
        "warning: could not point SSM {name} at {selector} ({why}); set it by hand",
        "警告: SSM {name} を {selector} に向けられませんでした ({why})。手動で設定してください",
    ),
    "ses.not_attempted": (
        "not attempted: the record of {selector} was not live in {region}",
        "実施せず: {region} で {selector} のレコードが公開されていませんでした",
    ),
    "ses.not_live_at_switch": (
        "the record of {selector} is not live on every authoritative server at the moment of the switch ({seen}); SES was not changed",
        "切り替えの時点で {selector} のレコードがすべての権威サーバーで公開されていません ({seen})。SES は変更していません",
    ),
    "ses.gone_during_switch": (
        "the record of {selector} disappeared during the switch ({seen})",
        "切り替えの間に {selector} のレコードが消えました ({seen})",
    ),
    "aws.call_failed": ("{operation} failed: {code}: {message}", "{operation} が失敗しました: {code}: {message}"),
    "aws.call_failed_code": ("{operation} failed: {code}", "{operation} が失敗しました: {code}"),
    "aws.botocore_failed": ("AWS call failed: {cause}", "AWS の呼び出しが失敗しました: {cause}"),
    # rollback (cli/ses.py).
    "region.action.rolled back to Easy DKIM": ("rolled back to Easy DKIM", "Easy DKIM に戻しました"),
    "rollback.confirm_needed": (
        "rollback changes how mail is signed and needs confirmation",
        "rollback はメールの署名方法を変えるため、確認が必要です",
    ),
    "rollback.confirm_needed_hint": ("run it in a terminal or add {yes}", "端末で実行するか、{yes} を付けてください"),
    "rollback.warning": (
        "warning: after the switch, mail from {domain} goes out without {domain}'s DKIM signature until Easy DKIM's three CNAME records are published and SES verifies them (printed after the switch; `{command}` shows them)",
        "警告: 切り替え後、Easy DKIM の CNAME レコード 3 件が公開され SES が検証するまで、{domain} のメールは {domain} の DKIM 署名なしで送られます (レコードは切り替え後に表示します。`{command}` でも確認できます)",
    ),
    "rollback.would_switch": (
        "{region}: would switch to Easy DKIM (DKIM now {status})",
        "{region}: Easy DKIM に切り替えます (ドライラン。現在の DKIM {status})",
    ),
    "rollback.nothing": (
        "{region}: no identity: nothing (DKIM now {status})",
        "{region}: ID がないため何もしません (現在の DKIM {status})",
    ),
    "rollback.prompt": (
        "Switch {domain} back to Easy DKIM in {regions}?",
        "{regions} の {domain} を Easy DKIM に戻しますか?",
    ),
    "rollback.publish": (
        "publish these records for {region} (BIND lines), then check `{command}`:",
        "{region} 用に次のレコード (BIND 形式) を公開し、`{command}` で確認してください:",
    ),
    "rollback.request": (
        "the request for the DNS team (add {lang} for Japanese): {command}",  # {lang}: the other language's switch
        "DNS チームへの依頼書 (英語で作るには `{lang}` を付けます): {command}",
    ),
}
TEXTS.update(
    {
        # phase 4, 5, 7 (rollout/phases.py): the answer's sentences, and its fields as the CLI labels them.
        "phase.from_payload": ("the payload", "ペイロード"),
        "phase.from_ses": ("SES in {region} (the key it holds)", "{region} の SES (SES が持つ鍵)"),
        "phase.from_ssm": (
            "SSM {name} (SES holds no key of the domain's own)",
            "SSM {name} (SES にドメイン独自の鍵がないため)",
        ),
        "phase.selector_note": (
            'SSM {name} says {kept}, but SES holds {selector}: used {selector}; give "selector" in the payload to use another',
            'SSM {name} は {kept} ですが、SES は {selector} を持っているため {selector} を使いました。別のセレクタを使うには "selector" を指定してください',
        ),
        "phase.already_sent": (
            "already sent on {at}; give resend to send it again",
            "{at} に送信済みです。もう一度送るには resend を指定してください",
        ),
        "phase.failed_cause": (
            "SES stopped looking for {name} with this key: the record was not found (or not with this key) within 72 hours",
            "SES はこの鍵での {name} の確認をやめました: 72 時間以内にレコードが見つからなかった (またはこの鍵ではなかった) ためです",
        ),
        "phase.failed_next": (
            'publish the record (check it with `byodkim verify`), then invoke phase 7 with "reregister": true (or run `byodkim register`) to restart verification',
            'レコードを公開し (`byodkim verify` で確認)、"reregister": true を付けてフェーズ 7 を実行するか `byodkim register` を実行して、検証をやり直してください',
        ),
        "phase.went_after": (
            "the record {name} disappeared while SES was switched to it in {region}; {back}",
            "{region} で SES を切り替えている間にレコード {name} が消えました。{back}",
        ),
        "phase.went_before": (
            "the record {name} disappeared before SES was switched in {region}: {detail}",
            "{region} で SES を切り替える前にレコード {name} が消えました: {detail}",
        ),
        "phase.went_hint": (
            "have the record published again (check it with `byodkim verify`), then invoke phase 7 again",
            "レコードをもう一度公開してもらい (`byodkim verify` で確認)、フェーズ 7 をもう一度実行してください",
        ),
        "phase.not_object": ("the payload must be a JSON object", "ペイロードは JSON オブジェクトにしてください"),
        "phase.unknown_action": ("unknown action `{action}`", "不明なアクション `{action}` です"),
        "phase.use_actions": (
            "use phase_manager, status or health",
            "phase_manager、status、health のどれかを使ってください",
        ),
        "phase.wrong_function": (
            "{key} `{value}` does not match this function's `{want}`",
            "{key} `{value}` はこの関数の `{want}` と一致しません",
        ),
        "phase.invoke_right": ("invoke the right function", "正しい関数を呼び出してください"),
        "phase.not_run_here": (
            "phase `{phase}` is not one this function runs",
            "フェーズ `{phase}` はこの関数では実行しません",
        ),
        "phase.six": (
            "phase 6 is the DNS team's own work; check it with phase 7",
            "フェーズ 6 は DNS チームの作業です。フェーズ 7 で確認してください",
        ),
        "phase.use_phases": ("use 4, 5 or 7", "4、5、7 のどれかを指定してください"),
        "phase.no_selector": (
            "no selector for {domain}: {name} is not set",
            "{domain} のセレクタがありません: {name} が設定されていません",
        ),
        "phase.no_selector_hint": (
            'give "selector" in the payload or launch phase-4',
            'ペイロードで "selector" を指定するか、phase-4 を起動してください',
        ),
        "phase.no_key": ("no key in secret `{secret}`", "シークレット `{secret}` に鍵がありません"),
        "phase.no_key_hint": (
            "run `byodkim register` (or keygen and register) first",
            "先に `byodkim register` (または keygen と register) を実行してください",
        ),
        "phase.no_topic": ("DNS_TOPIC_ARN is not set", "DNS_TOPIC_ARN が設定されていません"),
        "phase.no_topic_hint": ("launch phase-5 and phase-2 again", "phase-5 と phase-2 をもう一度起動してください"),
        "phase.unanswered": (
            "no authoritative server answered for {domain}: {summary}",
            "{domain} の権威サーバーがどれも応答しません: {summary}",
        ),
        "phase.register_failed": ("registering with SES failed: {detail}", "SES への登録に失敗しました: {detail}"),
        "phase.would_run": (
            "would run phase {number} for {domain} ({selector}) in {region} {how}; nothing changed",
            "{region} で {domain} ({selector}) のフェーズ {number} を実行します ({how})。ドライランのため何も変更していません",
        ),
        "phase.ssm_selector": ("the one phase 4 keeps in SSM", "フェーズ 4 が SSM に保存したもの"),
        "phase.by_invoking": ("by invoking {function}", "{function} を呼び出して"),
        "phase.here": ("here, with the function's code", "手元で関数のコードを使って"),
        "phase.invoke_failed": ("{function} failed: {kind}: {message}", "{function} が失敗しました: {kind}: {message}"),
        "phase.invoke_failed_hint": (
            "see its log group /aws/lambda/{function}",
            "ロググループ /aws/lambda/{function} を確認してください",
        ),
        "phase.invoke_refused": ("{function} refused: {error}", "{function} が拒否しました: {error}"),
        "phase.check_payload": ("check the payload", "ペイロードを確認してください"),
        "phase.line": ("{label}: {value}", "{label}: {value}"),
        "phase.item": ("  {label}: {value}", "  {label}: {value}"),
        "phase.true": ("true", "はい"),
        "phase.false": ("false", "いいえ"),
        "phase.none": ("null", "なし"),
        "phase.field.phase": ("phase", "フェーズ"),
        "phase.field.selector": ("selector", "セレクタ"),
        "phase.field.selectorFrom": ("selectorFrom", "セレクタの出所"),
        "phase.field.selectorNote": ("selectorNote", "セレクタの注記"),
        "phase.field.record": ("record", "レコード"),
        "phase.field.name": ("name", "名前"),
        "phase.field.value": ("value", "値"),
        "phase.field.strings": ("strings", "文字列"),
        "phase.field.objects": ("objects", "保存したファイル"),
        "phase.field.topic": ("topic", "トピック"),
        "phase.field.messageId": ("messageId", "メッセージ ID"),
        "phase.field.alreadySent": ("alreadySent", "送信済みの日時"),
        "phase.field.note": ("note", "注記"),
        "phase.field.dns": ("dns", "DNS"),
        "phase.field.dnsOk": ("dnsOk", "全サーバーで公開済み"),
        "phase.field.ses": ("ses", "SES"),
        "phase.field.cause": ("cause", "原因"),
        "phase.field.next": ("next", "次の手順"),
        "phase.field.registration": ("registration", "登録"),
        "phase.field.notified": ("notified", "通知した状態"),
        "phase.field.scheduleDisabled": ("scheduleDisabled", "無効にしたスケジュール"),
    }
)
TEXTS.update(
    {
        # rotate (rollout/rotate.py, cli/rollout.py).
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
    }
)
TEXTS.update(
    {
        # send-test (cli/mail.py's send_test).
        "sendtest.not_at_domain": (
            "{option} `{sender}` is not at {domain}",
            "{option} `{sender}` は {domain} のアドレスではありません",
        ),
        "sendtest.not_at_domain_hint": (
            "send from an address at {domain}, e.g. dkim-check@{domain}",
            "{domain} のアドレスから送ってください (例: dkim-check@{domain})",
        ),
        "sendtest.would_send": (
            "{region}: would send one message from {sender} to {recipient} through SES",
            "{region}: SES で {sender} から {recipient} へメールを 1 通送ります (ドライラン)",
        ),
        "sendtest.sent_save": (
            "{region}: sent {message_id} to {recipient}; save the received copy and run: {command}",
            "{region}: {recipient} へ {message_id} を送りました。受信したメールを保存して次を実行してください: {command}",
        ),
        "sendtest.sent_judged": (
            "{region}: sent {message_id}; the copy SES sent, as a receiver judges it:",
            "{region}: {message_id} を送りました。SES が送ったメールを受信者と同じように判定した結果:",
        ),
    }
)
TEXTS.update(
    {
        # sandbox dns: the DNS team played on the sandbox's name server (cli/local.py, local/dns.py).
        "sandbox.no_server": ("no sandbox name server given", "サンドボックスのネームサーバーが指定されていません"),
        "sandbox.no_server_hint": (
            "export what `byodkim sandbox --keep` printed, or give {@nameserver}",
            "`byodkim sandbox --keep` が表示した export を実行するか、{@nameserver} を指定してください",
        ),
        "sandbox.check_secret": ("check {@secret_id}", "{@secret_id} を確認してください"),
        "sandbox.unreachable": (
            "cannot reach the name server {address}:{port}: {why}",
            "ネームサーバー {address}:{port} に接続できません: {why}",
        ),
        "sandbox.running": (
            "is the sandbox running (byodkim sandbox --keep)?",
            "サンドボックスが動いているか確認してください (byodkim sandbox --keep)",
        ),
        "sandbox.update_refused": (
            "the name server refused the update: {rcode}",
            "ネームサーバーが更新を拒否しました: {rcode}",
        ),
        # dns-request --out: where the request was written.
        "request.wrote": (
            "wrote {path} ({lang}); send it to the DNS team",
            "{path} に書き込みました ({lang})。DNS チームに送ってください",
        ),
    }
)
