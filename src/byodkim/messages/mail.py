"""What check-mail says of a message: its signatures, alignment and DMARC on DKIM.

Japanese follows how mail operators write about authentication results: the result words
``pass``/``fail``/``temperror`` are left as they are (as in Authentication-Results), never
"合格". dkimpy's reasons and header values are data and are shown as they are.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "mail.signature": (
        "DKIM d={d} s={s} a={a}: {state}; {align} with From {f}",
        "DKIM d={d} s={s} a={a}: {state}; From {f} と{align}",
    ),
    "mail.aligned_strict": ("aligned (strict)", "アライメント一致 (strict)"),
    "mail.aligned_relaxed": ("aligned (relaxed)", "アライメント一致 (relaxed)"),
    "mail.not_aligned": ("not aligned", "アライメント不一致"),
    "mail.body": (
        "  body hash {body}; From {signed}; signed: {headers}",
        "  本文ハッシュ: {body}; From ヘッダー: {signed}; 署名対象ヘッダー: {headers}",
    ),
    "mail.body_ok": ("ok", "一致"),
    "mail.body_changed": ("CHANGED after signing", "署名後に変更されています"),
    "mail.body_unknown": ("not checked (the key lookup did not complete)", "未確認 (鍵の DNS 取得が完了していません)"),
    "mail.from_signed": ("signed", "署名対象"),
    "mail.from_unsigned": ("NOT signed", "署名対象外"),
    "mail.length": (
        (
            "  l={l}: the signature covers only the first {l} octets of the body; the {n} octets after them are "
            "unsigned (anyone can append text there){strict}"
        ),
        (
            "  l={l}: 署名の対象は本文の先頭 {l} オクテットだけです。その後の {n} オクテットは署名されておらず、"
            "誰でも追記できます{strict}"
        ),
    ),
    "mail.length_strict": (" (strict: counted as fail)", " (strict: fail として扱います)"),
    "mail.strict_fail": ("l= leaves {n} octets unsigned", "l= により {n} オクテットが未署名"),
    "mail.none": ("no DKIM-Signature in the message", "メッセージに DKIM-Signature ヘッダーがありません"),
    "mail.pass": (
        "DMARC passes on DKIM: {d} signed it (s={s}), aligned with From {f}.",
        "DKIM による DMARC 評価: pass ({d} の署名 (s={s}) が From {f} とアライメント一致)。",
    ),
    "mail.fail": (
        "DMARC would not pass on DKIM: no signature aligned with From {f} verifies{want}.",
        "DKIM による DMARC 評価: fail (From {f} とアライメント一致する署名{want}で検証に成功したものがありません)。",
    ),
    "mail.want": (" with selector {s}", " (セレクタ {s})"),
    "mail.amazonses": (
        "Only SES's own amazonses.com signature verifies: that never aligns with {f}.",
        "検証に成功したのは SES 自身の amazonses.com の署名だけです。この署名は {f} とアライメント一致しません。",
    ),
    "mail.temperror": (
        (
            "DMARC not evaluated on DKIM (temperror): the key of d={d} s={s} could not be looked up ({why}); "
            "check again when the name servers answer."
        ),
        (
            "DKIM による DMARC 評価: temperror (d={d} s={s} の鍵を DNS から取得できませんでした: {why})。"
            "ネームサーバーが応答するようになってから再確認してください。"
        ),
    ),
    "mail.message": ("message {n} {id}: {state}", "メッセージ {n} {id}: {state}"),
    "mail.message_pass": ("pass (d={d} s={s})", "pass (d={d} s={s})"),
    "mail.message_fail": ("fail ({why})", "fail ({why})"),
    "mail.message_temperror": ("temperror ({why})", "temperror ({why})"),
    "mail.no_aligned": (
        "no signature aligned with From {f} verifies",
        "From {f} とアライメント一致する署名で検証に成功したものがありません",
    ),
    "mail.mailbox": (
        "{ok}/{n} messages pass DMARC on DKIM",
        "{n} 通中 {ok} 通が DKIM による DMARC 評価で pass",
    ),
    # dmarc-report's refusal: nothing it was given was a report (for the domain asked).
    "dmarc.none_read": (
        "no DMARC aggregate report could be read in {paths}",
        "{paths} から DMARC 集約レポートを 1 通も読めませんでした",
    ),
    "dmarc.none_read_for": (
        "no DMARC aggregate report for {domain} could be read in {paths}",
        "{paths} から {domain} の DMARC 集約レポートを 1 通も読めませんでした",
    ),
    "dmarc.give_reports": (
        "give the reports' files or folders (.xml, .xml.gz, .zip, .eml, mbox)",
        "レポートのファイルかフォルダ (.xml、.xml.gz、.zip、.eml、mbox) を指定してください",
    ),
    # check-mail's refusals of what it was given (dnscheck/mailcheck.py).
    "mail.too_many_messages": (
        "the mailbox holds {count} messages; byodkim checks at most {limit} at once",
        "メールボックスに {count} 通あります。byodkim が一度に確認できるのは {limit} 通までです",
    ),
    "mail.too_many_messages_hint": (
        "split it, or save only the messages to check",
        "分割するか、確認するメッセージだけを保存してください",
    ),
    "mail.too_big": (
        "the message is {size} MB, over the {limit} MB SES sends",
        "メッセージが {size} MB あり、SES が送れる {limit} MB を超えています",
    ),
    "mail.too_big_hint": ("give one saved message", "保存したメッセージを 1 通だけ指定してください"),
    "mail.no_from": ("the message has no From header", "メッセージに From ヘッダーがありません"),
    "mail.no_from_hint": (
        "save the whole message (Gmail: Show original, Download)",
        "メッセージ全体を保存してください (Gmail: 「メッセージのソースを表示」から「オリジナルをダウンロード」)",
    ),
    "mail.from_no_address": ("the From header has no address", "From ヘッダーにアドレスがありません"),
    "mail.from_no_address_hint": ("check the message", "メッセージを確認してください"),
    "mail.too_many_signatures": (
        "the message carries {count} DKIM signatures; byodkim checks at most {limit}",
        "メッセージに DKIM 署名が {count} 個あります。byodkim が確認できるのは {limit} 個までです",
    ),
    "mail.too_many_signatures_hint": (
        "mail from SES carries two; check a message as it was received",
        "SES から送ったメールの署名は 2 個です。受信したままのメッセージを確認してください",
    ),
    "mail.in_mailbox": (
        "message {number} of {count} in the mailbox: {message}",
        "メールボックスの {count} 通中 {number} 通目: {message}",
    ),
}
