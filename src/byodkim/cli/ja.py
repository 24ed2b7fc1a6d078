# ruff: noqa: E501, ISC004 - a table of whole sentences, kept one to a line so English and Japanese sit side by side
"""Japanese for what verify, status and the errors print: one catalogue, applied where lines are shown.

The library words its findings once, in English, with the values inside. Here each English
form is matched whole (names, keys, servers and numbers captured) and rewritten as a
Japanese operator would read it; a line no pattern knows is left as it is, and
``tests/test_japanese.py`` runs every record variant through it so none is left English.
"""

from __future__ import annotations

import re

OUTCOMES = {
    "ok": "一致",
    "absent": "レコードなし",
    "different key": "別の鍵",
    "malformed": "形式不正",
    "revoked": "失効",
    "ambiguous": "複数レコード",
    "private key published": "秘密鍵が公開",
    "not authoritative": "権威なし",
    "timeout": "応答なし",
    "refused": "拒否",
    "unreachable": "到達不可",
    "error": "エラー",
}

# What a fleet run's units come to (`--all`), as its lines and summary name them.
FLEET_ACTIONS = {
    **OUTCOMES,
    "created": "作成",
    "updated": "更新",
    "already registered": "登録済み",
    "refused": "拒否",
    "failed": "失敗",
    "published": "公開済み",
    "no identity": "ID なし",
    "generated": "生成",
    "kept": "既存を維持",
    "ready": "要件を満たす",
    "not ready": "要件未達",
    "no key": "鍵なし",
    "not registered": "未登録",
    "waiting for DNS": "DNS 待ち",
}


FLEET_NEXT = {
    "nothing; the health check watches it": "なし (ヘルスチェックが監視します)",
    "dns-request to the DNS team, then verify": "DNS チームへ dns-request を送り、その後 verify",
    "verify --ses --wait": "verify --ses --wait で SES の SUCCESS を待つ",
    "verify, then register": "verify で確認し、register をやり直す",
}


def fleet_line(ok: bool, where: str, action: str, detail: str, step: str = "") -> str:  # noqa: FBT001 - the unit's result
    """Return a fleet run's line for one unit in Japanese."""
    said = FLEET_ACTIONS.get(action, action)
    step = FLEET_NEXT.get(step, step)
    text = "; ".join(part for part in (translate(detail), f"次: {step}" if step else "") if part)
    return f"{'OK' if ok else 'NG'}  {where}: {said}" + (f" ({text})" if text else "")


def fleet_summary(units: int, seconds: float, failed: int, actions: dict[str, int]) -> str:
    """Return a fleet run's last line in Japanese."""
    done = "、".join(f"{FLEET_ACTIONS.get(name, name)} {count}" for name, count in sorted(actions.items()))
    return f"{units} 件 ({seconds:.1f} 秒): OK {units - failed}、NG {failed} ({done or '処理なし'})"


# (English, Japanese): whole-line forms first, then the phrases inside lines.
_LINES: list[tuple[str, str]] = [
    # recv24 (issue 24): servers this host cannot route to, PEM in p=, wildcards, 1024 bits, TCP 53.
    (
        r"(\d+)/(\d+) servers publish the key at (\S+): the zone's servers have only (\S+) addresses .*",
        r"\3 の鍵を公開している権威サーバー: \1/\2 台。ゾーンの権威サーバーには \4 アドレスしかなく、このホストには"
        r" \4 の経路がありません。VPC 外の Lambda からは確認できません (\4 の経路があるホストか、"
        r"デュアルスタック構成の VPC 内の Lambda で確認してください)",
    ),
    (
        r"(\d+)/(\d+) servers publish the key at (\S+): (.+) has only (\S+) addresses .*",
        r"\3 の鍵を公開している権威サーバー: \1/\2 台。\4 には \5 アドレスしかなく、このホストには \5 の経路が"
        r"ありません。VPC 外の Lambda からは確認できません (\5 の経路があるホストか、"
        r"デュアルスタック構成の VPC 内の Lambda で確認してください)",
    ),
    (
        r"no (\S+) route from this host to this address \(another address of the server may do\)",
        r"このホストからこのアドレスへの \1 の経路がありません (同じサーバーの別のアドレスなら届く場合があります)",
    ),
    (
        r"p= holds PEM armour \(-----BEGIN \.\.\.-----\), which receivers cannot read: .*\(p=(\S+)\)",
        r"p= に PEM の枠 (-----BEGIN ...-----) が含まれていて、受信側は読めません: BEGIN/END 行の間の base64"
        r" だけを改行なしで公開してください (p=\1)",
    ),
    (
        r"p= holds the base64 of a whole PEM file, which receivers cannot read: .*\(p=(\S+)\)",
        r"p= に PEM ファイル全体を base64 にしたものが入っていて、受信側は読めません: BEGIN/END 行の間の base64"
        r" だけを改行なしで公開してください (p=\1)",
    ),
    *[
        (
            rf"no (\S+) record exists: the answer comes from the wildcard (\S+), which holds {english}; .*",
            rf"\1 のレコードはありません: この応答はワイルドカード \2 のもので、{japanese}が入っています。"
            r"\1 そのものを公開してください (ワイルドカードより優先されます)。"
            r"他のセレクタが使っていなければワイルドカードは削除してください",
        )
        for english, japanese in (
            ("another key", "別の鍵"),
            (
                r"a PRIVATE key .*?",
                "秘密鍵 (漏洩しています。この鍵で応答しているセレクタはすべて使用をやめてください) ",
            ),
            ("a malformed record", "形式が正しくないレコード"),
            (r"a revoked key \(empty p=\)", "失効した鍵 (空の p=) "),
        )
    ],
    (
        r"warning: a (\d+)-bit key: receivers accept it, but RFC 8301 asks for 2048 bits; .*",
        r"警告: \1 ビットの鍵です。受信側は受け付けますが、RFC 8301 は 2048 ビットを求めています。"
        r"2048 ビットの鍵にローテーションしてください (byodkim rotate)",
    ),
    (
        r"the answer is truncated over UDP \(TC set\) and TCP 53 is refused at (\S+): .*",
        r"UDP の応答が切り詰められ (TC フラグ)、\1 への TCP 53 番が拒否されました: ネームサーバーへの TCP 53 番ポートを"
        r"開けてください (この大きさの応答では受信側は TCP で問い合わせ直します)",
    ),
    (
        r"the answer is truncated over UDP \(TC set\) and TCP 53 is filtered \(no answer\) at (\S+): .*",
        r"UDP の応答が切り詰められ (TC フラグ)、\1 への TCP 53 番に応答がありません (フィルタ): ネームサーバーへの"
        r" TCP 53 番ポートを開けてください (この大きさの応答では受信側は TCP で問い合わせ直します)",
    ),
    (r"(\d+)/(\d+) servers publish the key at (\S+)", r"\3 の鍵を公開している権威サーバー: \1/\2 台"),
    (r"no TXT record at the name", "この名前に TXT レコードがありません"),
    (r"TXT records exist at the name, but none is a DKIM key", "TXT レコードはありますが、DKIM の鍵ではありません"),
    (r"key (\S+)\.\.\. matches", r"鍵 \1... が一致"),
    (r"another key is published \((\S+)\)", r"別の鍵が公開されています (\1)"),
    (
        r"p= is empty: the key is revoked; publish the public key",
        "p= が空です: 鍵は失効扱いです。公開鍵を公開してください",
    ),
    (
        r"v=DKIM1 must be the first tag; receivers reject the record otherwise",
        "v=DKIM1 は先頭のタグにしてください。そうでないと受信側がレコードを拒否します",
    ),
    (r"v=(\S+): the only version is DKIM1", r"v=\1: バージョンは DKIM1 だけです"),
    (
        (
            r"k=ed25519, but p= is not an Ed25519 public key \((\d+) bytes; RFC 8463 wants the base64 of 32\); "
            r"SES signs with RSA: use k=rsa with the registered key"
        ),
        (
            r"k=ed25519 ですが p= は Ed25519 の公開鍵ではありません (\1 バイト。RFC 8463 では 32 バイトの base64): "
            r"SES は RSA で署名します。登録した鍵を k=rsa で公開してください"
        ),
    ),
    (
        r"k=(\S+): receivers know only k=rsa and k=ed25519 \(RFC 8463\) and ignore this record; SES signs with RSA: use k=rsa",
        r"k=\1: 受信側が扱えるのは k=rsa と k=ed25519 (RFC 8463) だけで、このレコードは無視されます。SES は RSA で署名します: k=rsa にしてください",
    ),
    (
        (
            r"an Ed25519 key is published \(k=ed25519, (\S+)\), which receivers verify, but SES signs with the "
            r"registered RSA key: publish its k=rsa record here, and the Ed25519 key under a selector of its own"
        ),
        (
            r"Ed25519 の鍵が公開されています (k=ed25519, \1)。受信側はこれで検証できますが、SES は登録した RSA の鍵で"
            r"署名します: このセレクタにはその鍵の k=rsa のレコードを公開し、Ed25519 の鍵は別のセレクタで公開してください"
        ),
    ),
    (r"h=(.+?) does not allow sha256, which SES signs with", r"h=\1 は SES が使う sha256 を許していません"),
    (
        r"the key is cut short \((\d+) of (\d+) characters\): one string was truncated at 255",
        r"鍵が途中で切れています (\2 文字中 \1 文字): 文字列が 255 文字で切り捨てられています",
    ),
    (
        r"quotes or backslashes inside p=: the strings were pasted with their quotes; paste only the value",
        "p= の中に引用符かバックスラッシュがあります: 引用符ごと貼り付けられています。値だけを貼り付けてください",
    ),
    (r"p= is not a usable public key(.*)", r"p= は使える公開鍵ではありません\1"),
    (
        r"(?:p= )?holds a PRIVATE key: the key is compromised \(anyone can sign mail as the domain\); (.*)",
        "p= に秘密鍵が入っています: 鍵は漏洩しています (誰でもこのドメインとして署名できます)。"
        "このセレクタの使用をやめ、新しいセレクタで新しい鍵を作って登録し、このレコードを削除してください",
    ),
    (
        r"the record is published at the doubled name (\S+): the DNS console appended the zone again; "
        r"enter only (\S+) as the host name",
        r"レコードが二重の名前 \1 に公開されています: DNS の管理画面がゾーン名をもう一度付けています。"
        r"ホスト名には \2 だけを入力してください",
    ),
    (
        r"the record is not a valid tag list .*",
        "レコードが正しいタグの並びではありません (同じタグが 2 回、または = のない文字列)。"
        "各タグを 1 回ずつ、tag=value を ; で区切って公開してください",
    ),
    (
        r"(\d+) DKIM records at the name, (\d+) with this key: receivers may pick the other; remove the stale one",
        r"この名前に DKIM レコードが \1 件あり、この鍵は \2 件です: 受信側が別の方を使うかもしれません。古い方を削除してください",
    ),
    (r"no answer in (\S+) s", r"\1 秒以内に応答がありません"),
    (
        r"the server refused: it is not authoritative for this zone",
        "サーバーが拒否しました: このゾーンの権威サーバーではありません",
    ),
    (r"the server failed \(zone not loaded\?\)", "サーバーがエラーを返しました (ゾーンが読み込まれていない?)"),
    (
        r"(a referral to other servers|an answer) without the authoritative flag: .*",
        "権威フラグのない応答です (他のサーバーへの委任かキャッシュ): このサーバーはゾーンを持っていません。"
        "ゾーンの権威サーバーを指定してください (または指定せずに自動で探してください)",
    ),
    (
        r"receiver \(dkimpy, a message signed with the key\): pass",
        "受信側の判定 (dkimpy、この鍵で署名したメール): 合格",
    ),
    (
        r"receiver \(dkimpy, a message signed with the key\): fail: (.*)",
        r"受信側の判定 (dkimpy、この鍵で署名したメール): 不合格 (dkimpy の理由: `\1`)",
    ),
    (
        r"warning: t=y: test mode, .*",
        "警告: t=y はテストモードです。受信側は失敗を未署名として扱います。確認後は外してください",
    ),
    (r"warning: t=s: .*", "警告: t=s は鍵をドメイン自身に限ります (i= にサブドメイン不可)。SES の署名はこれに合います"),
    (
        r"warning: whitespace inside p=: .*",
        "警告: p= の中に空白があります。受信側によっては拒否します。空白なしで公開してください",
    ),
    (
        r"warning: byodkim's reading \((.*)\) and a receiver's \(dkimpy: (.*)\) disagree; .*",
        r"警告: byodkim の判定 (\1) と受信側の判定 (dkimpy: `\2`) が一致しません。受信側の判定を信頼し、byodkim の開発者に報告してください",
    ),
    (
        r"warning: (\d+) identical DKIM records at the name; one is enough",
        r"警告: 同じ DKIM レコードが \1 件あります。1 件で十分です",
    ),
    (
        r"warning: a TXT record at the name is not a DKIM key and is ignored: (.*)",
        r"警告: DKIM の鍵ではない TXT レコードは無視します: \1",
    ),
    (r"warning: (\S+) is a CNAME to (\S+); receivers follow it", r"警告: \1 は \2 への CNAME です。受信側はたどります"),
    (
        r"hint: the record is on some servers but not others(.*): wait for zone transfer or ask the DNS team to sync",
        r"ヒント: レコードが一部のサーバーにしかありません\1。ゾーン転送を待つか、DNS チームに同期を依頼してください",
    ),
    (
        r"hint: a server did not answer: .*",
        "ヒント: 応答しないサーバーがあります (停止中かフィルタ)。受信側は他のサーバーを試します",
    ),
    (
        r"SES (\S+) gave up \(FAILED\): .*",
        r"SES \1 は確認をあきらめました (FAILED): レコードを公開したまま byodkim register を再実行して確認をやり直してください",
    ),
    # errors
    (
        r"error: no AWS credentials found; .*",
        "エラー: AWS の認証情報がありません。AWS_PROFILE を設定するか、aws configure または aws sso login を実行してください",
    ),
    (
        r"error: cannot reach (\S+); .*",
        r"エラー: \1 に接続できません。ネットワーク、リージョン、設定していれば AWS_ENDPOINT_URL を確認してください",
    ),
    (
        r"error: AWS denied (\S+) \((\S+)\); .*",
        r"エラー: AWS が \1 を拒否しました (\2)。この操作の権限を付与するか、権限のあるプロファイルを使ってください",
    ),
    (
        r"error: no AWS region is set; .*",
        "エラー: AWS のリージョンが設定されていません。--region を指定するか AWS_REGION を設定してください",
    ),
    (
        r"error: (?:Invalid value for '--region': )?`(.*)` is not an AWS region; .*",
        r"エラー: `\1` は AWS のリージョンではありません。ap-northeast-1 (東京) のように指定してください",
    ),
    (
        r"error: the AWS SSO session has expired; .*",
        "エラー: AWS SSO のセッションが切れています。aws sso login を実行してください",
    ),
    (
        r"error: stopped waiting: (\S+) publishes (.*?) \((.*)\); waiting cannot fix it; .*",
        r"エラー: 待機を中止しました: \1 が \2 を公開しています (\3)。待っても直りません。DNS チームに修正を依頼してください"
        r" (修正中なら --wait-through-mistakes)",
    ),
    (
        r"error: gave up after (\S+): (.*); run it again to keep waiting",
        r"エラー: \1 待って打ち切りました: \2。続けて待つにはもう一度実行してください",
    ),
]
_COMPILED = [(re.compile(rf"^(\s*){english}$"), japanese) for english, japanese in _LINES]
_SERVER_LINE = re.compile(
    r"^(\s+\S+(?: \([^)]*\))?\s+)("
    + "|".join(map(re.escape, sorted(OUTCOMES, key=len, reverse=True)))
    + r")(\s+)serial (\S+)(\s+)(.*)$"
)


# Phrases inside a line (parentheses, quoted causes), rewritten after the line's own form.
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"is a (\d+)-bit RSA key; SES accepts only 1024 or 2048 bits"),
        r"\1 ビットの RSA 鍵です。SES が受け付けるのは 1024 か 2048 ビットだけです",
    ),
    (re.compile(r"cut short or damaged\?"), "途中で切れているか壊れている?"),
    (re.compile(r"is not complete base64 \(cut short\?\)"), "base64 として完全ではありません (途中で切れている?)"),
    (re.compile(r"is not base64"), "base64 ではありません"),
    (re.compile(r"\((" + "|".join(map(re.escape, sorted(OUTCOMES, key=len, reverse=True))) + r")\)"), "(OUTCOME:\\1)"),
]


def _phrases(line: str) -> str:
    for pattern, japanese in _PHRASES:
        line = pattern.sub(japanese, line)
    return re.sub(r"\(OUTCOME:([^)]*)\)", lambda m: f"({OUTCOMES.get(m.group(1), m.group(1))})", line)


def translate(line: str) -> str:
    """Return the Japanese form of one printed line (unchanged when no form is known)."""
    return _phrases(_line(line))


def _line(line: str) -> str:
    server = _SERVER_LINE.match(line)
    if server is not None:
        head, outcome, gap, serial, gap2, detail = server.groups()
        return f"{head}{OUTCOMES[outcome]}{gap}シリアル {serial}{gap2}{translate(detail) if detail else ''}".rstrip()
    for pattern, japanese in _COMPILED:
        match = pattern.match(line)
        if match is not None:
            return match.group(1) + match.expand(_shift(japanese))
    for english, japanese in OUTCOMES.items():  # a lone outcome word
        if line.strip() == english:
            return line.replace(english, japanese)
    return line


def _shift(template: str) -> str:
    r"""Shift \N group references by one: group 1 is the line's leading whitespace."""
    return re.sub(r"\\(\d)", lambda m: "\\" + str(int(m.group(1)) + 1), template)
