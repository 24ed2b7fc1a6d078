# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What the rollout commands say: register, rollback, phase, rotate, send-test, the report and the sandbox's DNS team.

A command line shown as a next step arrives as a value (``{command}``), built by the door that
knows how the operator runs byodkim; an input is named by concept (``{@secret_id}``).
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # register (cli/ses.py, workflows/registration.py, aws/ses.py).
    # register with no key named, a secret not made yet, and keygen's file for the selector on disk.
    "register.local_key_unused": (
        (
            "no key was named and `{path}` holds a key for {selector}: register would make a new key instead, "
            "and the record made from `{path}` would never match what SES signs with"
        ),
        (
            "鍵が指定されておらず、`{path}` に {selector} の鍵があります。このままでは別の新しい鍵を作って登録するため、"
            "`{path}` から作ったレコードは SES の署名と一致しません"
        ),
    ),
    "register.local_key_hint": (
        "give {@key_file} {path} to register that key",
        "その鍵を登録するには {@key_file} {path} を付けてください",
    ),
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
    "aws.call_failed": (
        "{operation} failed: {code}: {message}",
        "{operation} が失敗しました (AWS の応答: `{code}: {message}`)",
    ),
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
        # phase 4, 5, 7 (function/phases.py): the answer's sentences, and its fields as the CLI labels them.
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
            "use phase_manager, status, health or rotation",
            "phase_manager、status、health、rotation のどれかを使ってください",
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
        "phase.domains_unknown": ('"domains": {value} is not understood', '"domains": {value} は解釈できません'),
        "phase.domains_all": (
            'give "domains": "all" with "action": "health" or "rotation"',
            '"action": "health" か "rotation" と一緒に "domains": "all" を指定してください',
        ),
        "phase.not_bool": (
            "{name} `{value}` is not true or false",
            "{name} `{value}` は true でも false でもありません",
        ),
        "phase.give_bool": ('give "{name}": true, or leave it out', '"{name}": true を指定するか、省いてください'),
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
        "health.none_answered": (
            "no authoritative server answered for any of {count} domains",
            "{count} ドメインのどれについても権威サーバーが応答しません",
        ),
        "manager.env_lacks": ("the function's environment lacks {names}", "関数の環境変数に {names} がありません"),
        "manager.launch_phase_2": ("launch phase-2, which sets them", "それを設定する phase-2 を起動してください"),
        "package.not_held": (
            "s3://{bucket}/{key} does not hold the code just uploaded",
            "s3://{bucket}/{key} にアップロードしたばかりのコードがありません",
        ),
        "package.launch_again": ("run the launch again", "もう一度 launch を実行してください"),
        "phase.register_failed": ("registering with SES failed: {detail}", "SES への登録に失敗しました: {detail}"),
        "phase.would_run": (
            "would run phase {number} for {domain} ({selector}) in {region} {how}; nothing changed",
            "{region} で {domain} ({selector}) のフェーズ {number} を実行します ({how})。ドライランのため何も変更していません",
        ),
        "phase.ssm_selector": ("the one phase 4 keeps in SSM", "フェーズ 4 が SSM に保存したもの"),
        "phase.by_invoking": ("by invoking {function}", "{function} を呼び出して"),
        "phase.here": ("here, with the function's code", "手元で関数のコードを使って"),
        "phase.invoke_failed": (
            "{function} failed: {kind}: {message}",
            "{function} が失敗しました (関数の応答: `{kind}: {message}`)",
        ),
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
    }
)
