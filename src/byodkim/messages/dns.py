# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What verify, status and the health check say about a DKIM record on the name servers."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # A server's verdict (ServerAnswer.outcome): a code, shown as a word.
    "outcome.ok": ("ok", "一致"),
    "outcome.absent": ("absent", "レコードなし"),
    "outcome.different key": ("different key", "別の鍵"),
    "outcome.malformed": ("malformed", "形式不正"),
    "outcome.revoked": ("revoked", "失効"),
    "outcome.ambiguous": ("ambiguous", "複数レコード"),
    "outcome.private key published": ("private key published", "秘密鍵が公開"),
    "outcome.not authoritative": ("not authoritative", "権威なし"),
    "outcome.timeout": ("timeout", "応答なし"),
    "outcome.refused": ("refused", "拒否"),
    "outcome.SERVFAIL": ("SERVFAIL", "SERVFAIL"),
    "outcome.unreachable": ("unreachable", "到達不可"),
    "outcome.error": ("error", "エラー"),
    # The table verify prints.
    "verify.header": ("{name} (key {fingerprint})", "{name} (鍵 {fingerprint})"),
    "verify.header_zone": ("{name} (zone {zone}, key {fingerprint})", "{name} (ゾーン {zone}, 鍵 {fingerprint})"),
    "verify.serial": ("serial {serial}", "シリアル {serial}"),
    "verify.receiver_pass": (
        "receiver (dkimpy, a message signed with the key): pass",
        "受信側の判定 (dkimpy、この鍵で署名したメール): pass",
    ),
    "verify.receiver_fail": (
        "receiver (dkimpy, a message signed with the key): fail: {why}",
        "受信側の判定 (dkimpy、この鍵で署名したメール): fail (dkimpy の理由: `{why}`)",
    ),
    "verify.warning": ("warning: {text}", "警告: {text}"),
    "verify.hint": ("hint: {text}", "ヒント: {text}"),
    "verify.ses": ("SES {region}: {status}", "SES {region}: {status}"),
    "verify.ses_failed": (
        "SES {region} gave up (FAILED): with the record live, run `byodkim register` again to restart verification",
        "SES {region} は確認をあきらめました (FAILED): レコードを公開したまま byodkim register を再実行して確認をやり直してください",
    ),
    "verify.ses_other_key": (
        "SES signs with the key in secret `{secret}` (key {held}), not the key given (key {given}): SES will not verify this record",
        "SES が署名に使うのはシークレット `{secret}` の鍵 (鍵 {held}) で、指定された鍵 (鍵 {given}) ではありません: このレコードでは SES の確認は通りません",
    ),
    "verify.ses_other_key_hint": (
        "publish the record of the secret's key, then check it with {@secret_id} `{secret}` in place of the key file",
        "シークレットの鍵のレコードを公開し、鍵ファイルの代わりに {@secret_id} `{secret}` を指定して確認してください",
    ),
    "verify.waiting": ("waiting {seconds}s: {text}", "待機中 {seconds} 秒: {text}"),
    "verify.waiting_live": (
        "waiting {seconds}s (poll {polls}): {text}",
        "待機中 {seconds} 秒 (確認 {polls} 回目): {text}",
    ),
    "verify.server_verdict": ("{server} {outcome}", "{server} {outcome}"),
    "verify.ses_states": ("SES {states}", "SES {states}"),
    # The DNS team's request (dkim/request.py): its blanks and the MAIL FROM part.
    "request.bad_lang": ("language `{lang}` is not supported", "言語 `{lang}` には対応していません"),
    "request.bad_lang_hint": ("use en or ja", "en か ja を指定してください"),
    "request.blank": ("(please fill in)", "（ご記入ください）"),  # noqa: RUF001 - the form's fullwidth brackets, as written before
    "request.mail_from_title": (
        "Records to add for the MAIL FROM domain {mail_from}",
        "追加をお願いするレコード (MAIL FROM: {mail_from})",
    ),
    "request.mail_from_why": (
        "They make the envelope sender of mail from SES the domain's own, so SPF aligns with the From domain.",
        "SES から送るメールのエンベロープ送信者を自社ドメインにし、SPF を From ドメインとアライメントさせるためのレコードです。",
    ),
    "status.dns": ("dns: {summary}", "DNS: {summary}"),
    "status.server": ("{server}: {outcome} {detail}", "{server}: {outcome} {detail}"),
    # The record as one server publishes it (ServerAnswer.detail).
    "dns.summary": (
        "{good}/{total} servers publish the key at {name}",
        "{name} の鍵を公開している権威サーバー: {good}/{total} 台",
    ),
    "dns.no_txt": ("no TXT record at the name", "この名前に TXT レコードがありません"),
    "dns.not_dkim": (
        "TXT records exist at the name, but none is a DKIM key",
        "TXT レコードはありますが、DKIM の鍵ではありません",
    ),
    "dns.matches": ("key {fingerprint}... matches", "鍵 {fingerprint}... が一致"),
    "dns.another_key": ("another key is published ({fingerprint})", "別の鍵が公開されています ({fingerprint})"),
    "dns.revoked": (
        "p= is empty: the key is revoked; publish the public key",
        "p= が空です: 鍵は失効扱いです。公開鍵を公開してください",
    ),
    "dns.v_first": (
        "v=DKIM1 must be the first tag; receivers reject the record otherwise",
        "v=DKIM1 は先頭のタグにしてください。そうでないと受信側がレコードを拒否します",
    ),
    "dns.v_version": ("v={value}: the only version is DKIM1", "v={value}: バージョンは DKIM1 だけです"),
    "dns.k_unknown": (
        "k={value}: receivers know only k=rsa and k=ed25519 (RFC 8463) and ignore this record; SES signs with RSA: use k=rsa",
        "k={value}: 受信側が扱えるのは k=rsa と k=ed25519 (RFC 8463) だけで、このレコードは無視されます。SES は RSA で署名します: k=rsa にしてください",
    ),
    "dns.ed25519_bad": (
        "k=ed25519, but p= is not an Ed25519 public key ({size} bytes; RFC 8463 wants the base64 of 32); SES signs with RSA: use k=rsa with the registered key",
        "k=ed25519 ですが p= は Ed25519 の公開鍵ではありません ({size} バイト。RFC 8463 では 32 バイトの base64): SES は RSA で署名します。登録した鍵を k=rsa で公開してください",
    ),
    "dns.ed25519_other": (
        "an Ed25519 key is published (k=ed25519, {fingerprint}), which receivers verify, but SES signs with the registered RSA key: publish its k=rsa record here, and the Ed25519 key under a selector of its own",
        "Ed25519 の鍵が公開されています (k=ed25519, {fingerprint})。受信側はこれで検証できますが、SES は登録した RSA の鍵で署名します: このセレクタにはその鍵の k=rsa のレコードを公開し、Ed25519 の鍵は別のセレクタで公開してください",
    ),
    "dns.h_no_sha256": (
        "h={value} does not allow sha256, which SES signs with",
        "h={value} は SES が使う sha256 を許していません",
    ),
    "dns.cut_short": (
        "the key is cut short ({have} of {want} characters): one string was truncated at 255",
        "鍵が途中で切れています ({want} 文字中 {have} 文字): 文字列が 255 文字で切り捨てられています",
    ),
    "dns.quotes": (
        "quotes or backslashes inside p=: the strings were pasted with their quotes; paste only the value",
        "p= の中に引用符かバックスラッシュがあります: 引用符ごと貼り付けられています。値だけを貼り付けてください",
    ),
    "dns.unusable": ("p= is not a usable public key ({reason})", "p= は使える公開鍵ではありません ({reason})"),
    "dns.unusable_cut": (
        "p= is not a usable public key (cut short?) ({reason})",
        "p= は使える公開鍵ではありません (途中で切れている?) ({reason})",
    ),
    "dns.private": ("{what}; {hint}", "p= に{what}。{hint}"),
    "dns.doubled": (
        "the record is published at the doubled name {doubled}: the DNS console appended the zone again; enter only {host} as the host name",
        "レコードが二重の名前 {doubled} に公開されています: DNS の管理画面がゾーン名をもう一度付けています。ホスト名には {host} だけを入力してください",
    ),
    "dns.not_tag_list": (
        "the record is not a valid tag list ({why}): {text}...; publish each tag once, as tag=value separated by ';'",
        "レコードが正しいタグの並びではありません ({why}): {text}...。各タグを 1 回ずつ、tag=value を ; で区切って公開してください",
    ),
    "dns.ambiguous": (
        "{count} DKIM records at the name, {good} with this key: receivers may pick the other; remove the stale one",
        "この名前に DKIM レコードが {count} 件あり、この鍵は {good} 件です: 受信側が別の方を使うかもしれません。古い方を削除してください",
    ),
    "dns.no_answer": ("no answer in {seconds} s", "{seconds} 秒以内に応答がありません"),
    "dns.refused": (
        "the server refused: it is not authoritative for this zone",
        "サーバーが拒否しました: このゾーンの権威サーバーではありません",
    ),
    "dns.servfail": (
        "the server failed (zone not loaded?)",
        "サーバーがエラーを返しました (ゾーンが読み込まれていない?)",
    ),
    # Why a tag-list breaks RFC 6376 section 3.2's grammar (dkim/record.py's TagListError).
    "tags.empty": ("an empty tag between two ';'", "2 つの ; の間に空のタグ"),
    "tags.no_equals": ("text without '=': `{text}`", "= のない文字列: `{text}`"),
    "tags.bad_name": (
        "`{name}` is not a tag name (a letter first, no spaces)",
        "`{name}` はタグ名ではありません (先頭は英字、空白なし)",
    ),
    "tags.twice": ("the tag {name}= twice", "タグ {name}= が 2 回"),
    "tags.bad_char": (
        "{name}= holds a character no tag value may hold (controls, non-ASCII)",
        "{name}= にタグの値に使えない文字 (制御文字、非 ASCII) があります",
    ),
    "tags.no_p": ("no p= tag", "p= タグなし"),
    "dns.no_route_family": (
        "no {family} route from this host to this address (another address of the server may do)",
        "このホストからこのアドレスへの {family} の経路がありません (同じサーバーの別のアドレスなら届く場合があります)",
    ),
    "dns.summary_why": (
        "{good}/{total} servers publish the key at {name}: {why}",
        "{name} の鍵を公開している権威サーバー: {good}/{total} 台。{why}",
    ),
    "dns.unroutable_zone": (
        "the zone's servers have only {family} addresses and this host has no {family} route; a Lambda outside a VPC cannot check them (check from a host with an IPv6 route, or run the Lambda in a dual-stack VPC)",
        "ゾーンの権威サーバーには {family} アドレスしかなく、このホストには {family} の経路がありません。VPC 外の Lambda からは確認できません (IPv6 の経路があるホストか、デュアルスタック構成の VPC 内の Lambda で確認してください)",
    ),
    "dns.unroutable_hosts": (
        "{hosts} has only {family} addresses and this host has no {family} route; a Lambda outside a VPC cannot check them (check from a host with an IPv6 route, or run the Lambda in a dual-stack VPC)",
        "{hosts} には {family} アドレスしかなく、このホストには {family} の経路がありません。VPC 外の Lambda からは確認できません (IPv6 の経路があるホストか、デュアルスタック構成の VPC 内の Lambda で確認してください)",
    ),
    "dns.tcp_refused": (
        "the answer is truncated over UDP (TC set) and TCP 53 is refused at {server}: open TCP port 53 to the name server (receivers retry over TCP for answers this large)",
        "UDP の応答が切り詰められ (TC フラグ)、{server} への TCP 53 番が拒否されました: ネームサーバーへの TCP 53 番ポートを開けてください (この大きさの応答では受信側は TCP で問い合わせ直します)",
    ),
    "dns.tcp_filtered": (
        "the answer is truncated over UDP (TC set) and TCP 53 is filtered (no answer) at {server}: open TCP port 53 to the name server (receivers retry over TCP for answers this large)",
        "UDP の応答が切り詰められ (TC フラグ)、{server} への TCP 53 番に応答がありません (フィルタ): ネームサーバーへの TCP 53 番ポートを開けてください (この大きさの応答では受信側は TCP で問い合わせ直します)",
    ),
    "dns.cname_hops": (
        "{name} is a CNAME to {target}; receivers follow it: {hops}",
        "{name} は {target} への CNAME です。受信側はたどります: {hops}",
    ),
    "dns.cname_silent": (
        "{name} is a CNAME to {target}, whose servers gave no answer: {problem}",
        "{name} は {target} への CNAME ですが、その権威サーバーから応答がありません: {problem}",
    ),
    "dns.pem_armour": ("PEM armour (-----BEGIN ...-----)", "PEM の枠 (-----BEGIN ...-----)"),
    "dns.pem_encoded": ("the base64 of a whole PEM file", "PEM ファイル全体を base64 にしたもの"),
    "dns.pem_in_p": (
        "p= holds {form}, which receivers cannot read: publish only the base64 between the BEGIN/END lines, without line breaks (p={shown})",
        "p= に{form}が含まれていて、受信側は読めません: BEGIN/END 行の間の base64 だけを改行なしで公開してください (p={shown})",
    ),
    "dns.pem_private": (
        "p= holds a PRIVATE key: the key is compromised (anyone can sign mail as the domain); stop using this selector: generate a new key with a new selector, register it, and remove this record (it was published as {form})",
        "p= に秘密鍵が入っています: 鍵は漏洩しています (誰でもこのドメインとしてメールに署名できます)。このセレクタの使用をやめ、新しいセレクタで新しい鍵を作って登録し、このレコードを削除してください ({form}として公開されていました)",
    ),
    "dns.wildcard": (
        "no {name} record exists: the answer comes from the wildcard {wildcard}, which holds {what}; publish {name} itself (it takes precedence over the wildcard), and remove the wildcard unless another selector needs it",
        "{name} のレコードはありません: この応答はワイルドカード {wildcard} のもので、{what}が入っています。{name} そのものを公開してください (ワイルドカードより優先されます)。他のセレクタが使っていなければワイルドカードは削除してください",
    ),
    "dns.wildcard_another": ("another key", "別の鍵"),
    "dns.wildcard_private": (
        "a PRIVATE key (compromised: stop using any selector it answers for)",
        "秘密鍵 (漏洩しています。この鍵で応答しているセレクタはすべて使用をやめてください) ",
    ),
    "dns.wildcard_malformed": ("a malformed record", "形式が正しくないレコード"),
    "dns.wildcard_revoked": ("a revoked key (empty p=)", "失効した鍵 (空の p=) "),
    "dns.short_key": (
        "a {bits}-bit key: receivers accept it, but RFC 8301 asks for 2048 bits; rotate to a 2048-bit key (byodkim rotate)",
        "{bits} ビットの鍵です。受信側は受け付けますが、RFC 8301 は 2048 ビットを求めています。2048 ビットの鍵にローテーションしてください (byodkim rotate)",
    ),
    "dns.referral": (
        "a referral to other servers without the authoritative flag: this server does not serve the zone; give the zone's authoritative servers (or none, to find them)",
        "権威フラグのない応答です (他のサーバーへの委任): このサーバーはゾーンを持っていません。ゾーンの権威サーバーを指定してください (または指定せずに自動で探してください)",
    ),
    "dns.not_authoritative": (
        "an answer without the authoritative flag: this server does not serve the zone; give the zone's authoritative servers (or none, to find them)",
        "権威フラグのない応答です (キャッシュ): このサーバーはゾーンを持っていません。ゾーンの権威サーバーを指定してください (または指定せずに自動で探してください)",
    ),
    # Warnings beside a verdict.
    "dns.cname": (
        "{name} is a CNAME to {target}; receivers follow it",
        "{name} は {target} への CNAME です。受信側はたどります",
    ),
    "dns.identical": (
        "{count} identical DKIM records at the name; one is enough",
        "同じ DKIM レコードが {count} 件あります。1 件で十分です",
    ),
    "dns.not_a_key": (
        "a TXT record at the name is not a DKIM key and is ignored: {text}",
        "DKIM の鍵ではない TXT レコードは無視します: {text}",
    ),
    "dns.long_string": ("a string is longer than 255 octets", "255 オクテットより長い文字列があります"),
    "dns.test_mode": (
        "t=y: test mode, receivers treat failures as if unsigned; remove it once verified",
        "t=y はテストモードです。受信側は失敗を未署名として扱います。確認後は外してください",
    ),
    "dns.strict": (
        "t=s: the key signs for the domain itself only (no subdomain in i=); SES signs so",
        "t=s は鍵をドメイン自身に限ります (i= にサブドメイン不可)。SES の署名はこれに合います",
    ),
    "dns.whitespace": (
        "whitespace inside p=: some receivers reject it; publish the value without spaces",
        "p= の中に空白があります。受信側によっては拒否します。空白なしで公開してください",
    ),
    "dns.disagree": (
        "byodkim's reading ({ours}) and a receiver's (dkimpy: {theirs}) disagree; trust the receiver and report this to byodkim's maintainers",
        "byodkim の判定 ({ours}) と受信側の判定 (dkimpy: `{theirs}`) が一致しません。受信側の判定を信頼し、byodkim の開発者に報告してください",
    ),
    "dns.publishes": ("publishes the key", "鍵を公開"),
    # Hints under the table.
    "dns.lag": (
        "the record is on some servers but not others: wait for zone transfer or ask the DNS team to sync",
        "レコードが一部のサーバーにしかありません。ゾーン転送を待つか、DNS チームに同期を依頼してください",
    ),
    "dns.lag_serials": (
        "the record is on some servers but not others (SOA serials {serials}): wait for zone transfer or ask the DNS team to sync",
        "レコードが一部のサーバーにしかありません (SOA シリアル {serials})。ゾーン転送を待つか、DNS チームに同期を依頼してください",
    ),
    "dns.silent": (
        "a server did not answer: it may be down or filtered; receivers will try the others",
        "応答しないサーバーがあります (停止中かフィルタ)。受信側は他のサーバーを試します",
    ),
    # Waiting (verify --wait, rotate).
    "wait.mistake": (
        "stopped waiting: {server} publishes {outcome} ({detail}); waiting cannot fix it",
        "待機を中止しました: {server} が「{outcome}」を公開しています ({detail})。待っても直りません",
    ),
    "wait.mistake_hint": (
        "ask the DNS team to correct the record (byodkim verify names the fix), or pass {@wait_through_mistakes} while they replace it",
        "DNS チームに修正を依頼してください (修正方法は byodkim verify が示します)。差し替え中なら {@wait_through_mistakes} を指定してください",
    ),
    "wait.gave_up": ("gave up after {duration}: {where}", "{duration}待って打ち切りました: {where}"),
    "wait.gave_up_ses": (
        "gave up after {duration}: {where}; SES: {ses}",
        "{duration}待って打ち切りました: {where}。SES: {ses}",
    ),
    "wait.again": ("run it again to keep waiting", "続けて待つにはもう一度実行してください"),
    # check-domain's findings (dnscheck/posture.py, workflows/domaincheck.py): each requirement's detail and fix.
    "posture.parts": ("{parts}", "{parts}"),
    "posture.spf_many": (
        "{count} SPF records at {domain}: receivers return permerror; keep one",
        "{domain} に SPF レコードが {count} 件あります: 受信側は permerror を返します。1 件だけにしてください",
    ),
    "posture.spf_lookups": (
        "{lookups} DNS lookups (the limit is {limit}): receivers return permerror; flatten includes or remove unused ones",
        "DNS 参照が {lookups} 回あります (上限 {limit} 回): 受信側は permerror を返します。include を展開するか、使っていないものを削除してください",
    ),
    "posture.spf_plus_all": (
        "+all authorises every server on the internet: use ~all or -all",
        "+all はインターネット上のすべてのサーバーに送信を許可します: ~all か -all にしてください",
    ),
    "posture.spf_neutral_all": (
        "?all makes SPF neutral for everyone: use ~all or -all",
        "?all では誰に対しても SPF が neutral になります: ~all か -all にしてください",
    ),
    "posture.dmarc_many": (
        "{count} DMARC records at _dmarc.{where}: receivers ignore them all; keep one",
        "_dmarc.{where} に DMARC レコードが {count} 件あります: 受信側はすべて無視します。1 件だけにしてください",
    ),
    "posture.dmarc_bad_policy": (
        "p={policy}: the policy must be none, quarantine or reject",
        "p={policy}: ポリシーは none、quarantine、reject のいずれかにしてください",
    ),
    "posture.dmarc_no_rua": (
        "no rua=: nobody receives the aggregate reports that show who sends as the domain",
        "rua= がありません: ドメインを名乗って誰が送っているかを示す集約レポートを誰も受け取りません",
    ),
    "posture.no_dmarc": ("no DMARC record at _dmarc.{domain}", "_dmarc.{domain} に DMARC レコードがありません"),
    "posture.no_dmarc_or": (
        "no DMARC record at _dmarc.{domain} or _dmarc.{org}",
        "_dmarc.{domain} にも _dmarc.{org} にも DMARC レコードがありません",
    ),
    "posture.no_spf": ("no SPF record at {domain}", "{domain} に SPF レコードがありません"),
    "posture.no_mx": (
        "no MX at {domain} for feedback-smtp.{region}.amazonses.com: SES falls back to its own MAIL FROM, so SPF does not align",
        "{domain} に feedback-smtp.{region}.amazonses.com を指す MX がありません: SES は自身の MAIL FROM を使うため、SPF はアライメントしません",
    ),
    "posture.spf_mail_from": (
        "MAIL FROM {mail_from}: SPF {result} for SES",
        "MAIL FROM {mail_from}: SES からの送信に対する SPF は {result}",
    ),
    "posture.spf_default": (
        "SES's default MAIL FROM (a subdomain of amazonses.com) passes SPF, unaligned",
        "SES 既定の MAIL FROM (amazonses.com のサブドメイン) で SPF は pass (アライメントなし)",
    ),
    "posture.spf_from_problems": ("{domain}: {problems}", "{domain}: {problems}"),
    "posture.spf_fix": (
        '{sub}. TXT "v=spf1 include:amazonses.com ~all" and {sub}. MX 10 feedback-smtp.{region}.amazonses.com.',
        '`{sub}. TXT "v=spf1 include:amazonses.com ~all"` と `{sub}. MX 10 feedback-smtp.{region}.amazonses.com.` を追加してください',
    ),
    "posture.spf_from_fix": (
        "the SPF record at {domain}: {problem}",
        "{domain} の SPF レコードを直してください: {problem}",
    ),
    "posture.ses_states": ("SES: {states}", "SES: {states}"),
    "posture.dmarc_at": ("p={policy} at _dmarc.{where}", "_dmarc.{where} に p={policy}"),
    "posture.dmarc_at_rua": ("p={policy} at _dmarc.{where}, rua={rua}", "_dmarc.{where} に p={policy}、rua={rua}"),
    "posture.how_both": ("DKIM and SPF", "DKIM と SPF"),
    "posture.aligned": ("{how} aligned with {domain}", "{how} が {domain} とアライメント一致"),
    "posture.align_fix": (
        "make DKIM pass with the domain's own key (BYODKIM), or set a custom MAIL FROM",
        "ドメイン自身の鍵 (BYODKIM) で DKIM を pass させるか、カスタム MAIL FROM を設定してください",
    ),
    "posture.dkim_fix": (
        "publish the record (`byodkim dns-request`) and register the key (`byodkim register`)",
        "レコードを公開し (`byodkim dns-request`)、鍵を登録してください (`byodkim register`)",
    ),
    "posture.no_dkim_pass": (
        "no passing DKIM signature of the domain",
        "ドメインの DKIM 署名で pass するものがありません",
    ),
    "posture.default_mail_from": (
        "SES's default MAIL FROM (amazonses.com) never aligns",
        "SES 既定の MAIL FROM (amazonses.com) はアライメントしません",
    ),
    "posture.aspf_strict": (
        "aspf=s needs MAIL FROM {domain} itself, not {mail_from}",
        "aspf=s では MAIL FROM が {mail_from} ではなく {domain} そのものである必要があります",
    ),
    "posture.unsubscribe": (
        "a header of each message: List-Unsubscribe and List-Unsubscribe-Post",
        "各メッセージの List-Unsubscribe と List-Unsubscribe-Post ヘッダーで確認します",
    ),
    "posture.spam_rate": (
        "see the phase-8 dashboard and alarms (SES Reputation.ComplaintRate)",
        "ダッシュボードとアラームの SES Reputation.ComplaintRate で確認します",
    ),
    # check-domain --all: a domain's line names its unmet requirements.
    "posture.unmet": ("{names}", "{names}"),
    "posture.unmet_set": ("configuration set {where}", "設定セット {where}"),
    "posture.all_met": ("every checkable requirement met", "確認できる要件はすべて満たしています"),
    "posture.req.SPF": ("SPF", "SPF"),
    "posture.req.DKIM": ("DKIM", "DKIM"),
    "posture.req.DMARC (at least p=none)": ("DMARC (at least p=none)", "DMARC (p=none 以上)"),
    "posture.req.From aligned with SPF or DKIM": (
        "From aligned with SPF or DKIM",
        "From ドメインと SPF または DKIM のアライメント",
    ),
    "posture.req.One-click unsubscribe (RFC 8058) for marketing mail": (
        "One-click unsubscribe (RFC 8058) for marketing mail",
        "マーケティングメールのワンクリック購読解除 (RFC 8058)",
    ),
    "posture.req.Spam rate under 0.3%": ("Spam rate under 0.3%", "迷惑メール率 0.3% 未満"),
    # A name server as given (dnscheck/servers.py) and a wait's length (dnscheck/wait.py).
    "dns.server_no_host": ("name server `{spec}` has no host", "ネームサーバー `{spec}` にホストがありません"),
    "dns.server_bad_port": (
        "name server `{spec}` has a bad port",
        "ネームサーバー `{spec}` のポートが正しくありません",
    ),
    "dns.server_form": (
        "give HOST or HOST:PORT, e.g. 192.0.2.53:53",
        "HOST か HOST:PORT の形で指定してください (例: 192.0.2.53:53)",
    ),
    "dns.server_no_address": (
        "name server `{spec}`: `{host}` has no address",
        "ネームサーバー `{spec}`: `{host}` のアドレスが見つかりません",
    ),
    "dns.server_no_address_hint": (
        "check the name or give an IP address",
        "名前を確認するか、IP アドレスを指定してください",
    ),
    # A wait's length, as --timeout takes it (1h30m) and as Japanese writes it.
    "wait.duration_h": ("{h}h", "{h} 時間"),
    "wait.duration_m": ("{m}m", "{m} 分"),
    "wait.duration_s": ("{s}s", "{s} 秒"),
    "wait.duration_hm": ("{h}h{m}m", "{h} 時間 {m} 分"),
    "wait.duration_hs": ("{h}h{s}s", "{h} 時間 {s} 秒"),
    "wait.duration_ms": ("{m}m{s}s", "{m} 分 {s} 秒"),
    "wait.duration_hms": ("{h}h{m}m{s}s", "{h} 時間 {m} 分 {s} 秒"),
    "wait.not_a_duration": ("`{text}` is not a duration", "`{text}` は時間の長さではありません"),
    "wait.duration_hint": ("use e.g. 72h, 30m, 1h30m or 90s", "72h、30m、1h30m、90s のように指定してください"),
    "wait.unroutable": ("stopped waiting: {summary}", "待機を中止しました: {summary}"),
    "wait.unroutable_hint": (
        "waiting here cannot change it: run the check where the servers' addresses route",
        "ここで待っても変わりません: サーバーのアドレスに経路がある場所で確認してください",
    ),
}
