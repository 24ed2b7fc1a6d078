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
