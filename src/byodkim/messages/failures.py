# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""Errors and their next steps, as every door shows them: an input is named by concept (``{@region}``)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # How an error's line is put together.
    "error.line": ("error: {line}", "エラー: {line}"),
    "error.with_hint": ("{message}; {hint}", "{message}。{hint}"),
    # AWS (aws/errors.py, aws/session.py).
    "aws.no_credentials": ("no AWS credentials found", "AWS の認証情報がありません"),
    "aws.no_credentials_hint": (
        "set AWS_PROFILE, run `aws configure`, or `aws sso login`",
        "AWS_PROFILE を設定するか、aws configure または aws sso login を実行してください",
    ),
    "aws.no_profile": ("AWS profile `{profile}` does not exist", "AWS プロファイル `{profile}` はありません"),
    "aws.no_profile_hint": ("check ~/.aws/config", "~/.aws/config を確認してください"),
    "aws.no_region": ("no AWS region is set", "AWS のリージョンが設定されていません"),
    "aws.no_region_hint": (
        "pass {@region} or set AWS_REGION (or AWS_DEFAULT_REGION)",
        "{@region} を指定するか AWS_REGION (または AWS_DEFAULT_REGION) を設定してください",
    ),
    "aws.bad_region": ("`{name}` is not an AWS region", "`{name}` は AWS のリージョンではありません"),
    "aws.bad_region_hint": (
        "use a region name such as ap-northeast-1 (Tokyo)",
        "ap-northeast-1 (東京) のように指定してください",
    ),
    "aws.sso_expired": ("the AWS SSO session has expired", "AWS SSO のセッションが切れています"),
    "aws.sso_login": ("run `aws sso login`", "aws sso login を実行してください"),
    "aws.unreachable": ("cannot reach {url}", "{url} に接続できません"),
    "aws.unreachable_hint": (
        "check the network, the region, and AWS_ENDPOINT_URL if set",
        "ネットワーク、リージョン、設定していれば AWS_ENDPOINT_URL を確認してください",
    ),
    "aws.denied": ("AWS denied {operation} ({code})", "AWS が {operation} を拒否しました ({code})"),
    "aws.denied_hint": (
        "grant the caller this action, or use a profile that has it",
        "この操作の権限を付与するか、権限のあるプロファイルを使ってください",
    ),
    "aws.expired": ("the AWS credentials have expired", "AWS の認証情報の期限が切れています"),
    "aws.expired_hint": (
        "refresh them (`aws sso login`) and run again",
        "認証情報を更新して (aws sso login) もう一度実行してください",
    ),
    "aws.resume": ("run the same command to resume: {command}", "同じコマンドを実行すると再開します: {command}"),
    # Name servers (dnscheck/servers.py).
    "ns.no_zone": (
        "cannot find the zone or name servers of `{name}`: {cause}",
        "`{name}` のゾーンかネームサーバーが見つかりません: {cause}",
    ),
    "ns.no_zone_hint": (
        "check the domain, or give {@nameserver}",
        "ドメインを確認するか、{@nameserver} を指定してください",
    ),
    "ns.no_address": (
        "the name servers of `{zone}` have no address",
        "`{zone}` のネームサーバーにアドレスがありません",
    ),
    "ns.give": ("give {@nameserver}", "{@nameserver} を指定してください"),
    # Keys (dkim/keyload.py, dkim/keys.py).
    "key.subject": ("{shown} {what}", "{shown} は{what}"),
    "key.not_base64": ("is not base64", "base64 ではありません"),
    "key.incomplete_base64": (
        "is not complete base64 (cut short?)",
        "base64 として完全ではありません (途中で切れている?)",
    ),
    "key.damaged_public": (
        "is not a public key (cut short or damaged?)",
        "公開鍵ではありません (途中で切れているか壊れている?)",
    ),
    "key.not_rsa_public": (
        "is not an RSA public key; SES BYODKIM takes RSA keys only",
        "RSA の公開鍵ではありません。SES BYODKIM は RSA 鍵だけを受け付けます",
    ),
    "key.bits": (
        "is a {bits}-bit RSA key; SES accepts only 1024 or 2048 bits",
        "{bits} ビットの RSA 鍵です。SES が受け付けるのは 1024 か 2048 ビットだけです",
    ),
    "key.private": (
        "holds a PRIVATE key: the key is compromised (anyone can sign mail as the domain)",
        "秘密鍵が入っています: 鍵は漏洩しています (誰でもこのドメインとして署名できます)",
    ),
    "key.private_hint": (
        "stop using this selector: generate a new key with a new selector, register it, and remove this record",
        "このセレクタの使用をやめ、新しいセレクタで新しい鍵を作って登録し、このレコードを削除してください",
    ),
    "key.copy_whole": ("copy the whole key", "鍵全体をコピーしてください"),
    "key.give_public": ("give the public key", "公開鍵を指定してください"),
    "key.generate": (
        "generate an RSA 2048 key with `byodkim keygen`",
        "byodkim keygen で RSA 2048 ビットの鍵を作ってください",
    ),
    "key.passphrase": (
        "give the passphrase with {@passphrase_file} FILE or the {env} environment variable",
        "パスフレーズを {@passphrase_file} FILE か環境変数 {env} で指定してください",
    ),
    "key.exists": (
        "`{path}` already exists; byodkim never overwrites a key",
        "`{path}` はすでにあります。byodkim は鍵を上書きしません",
    ),
    "key.exists_hint": (
        "move it away or choose another {@selector} or {@out_dir}",
        "移動するか、別の {@selector} か {@out_dir} を指定してください",
    ),
    "key.no_file": ("no key file for {domain} ({path})", "{domain} の鍵ファイルがありません ({path})"),
    "key.no_file_hint": (
        "generate the keys into that folder first (`byodkim keygen --all`)",
        "先にそのフォルダに鍵を作ってください (`byodkim keygen --all`)",
    ),
    "key.no_public": ("no public key for {domain}", "{domain} の公開鍵がありません"),
    "key.no_public_hint": (
        "give {@public_key}, or let it read Secrets Manager",
        "{@public_key} を指定するか、Secrets Manager から読ませてください",
    ),
    "key.damaged_file_public": ("holds a damaged public key", "壊れた公開鍵が入っています"),
    "key.export_again": ("export it again", "もう一度エクスポートしてください"),
    "key.revoked": ("has an empty key (p=): the key is revoked", "鍵 (p=) が空です: 鍵は失効扱いです"),
    "key.publish_public": ("publish the public key", "公開鍵を公開してください"),
    "key.passphrase_unreadable": (
        "cannot read the passphrase file `{path}`: {cause}",
        "パスフレーズファイル `{path}` を読めません: {cause}",
    ),
    "key.passphrase_not_text": (
        "the passphrase file `{path}` is not text",
        "パスフレーズファイル `{path}` はテキストではありません",
    ),
    "key.folder": ("is a folder, not a key file", "フォルダで、鍵ファイルではありません"),
    "key.give_file_inside": ("give the key file inside it", "中の鍵ファイルを指定してください"),
    "key.too_large": ("is {size} bytes, far too large to be a key", "{size} バイトあり、鍵としては大きすぎます"),
    "key.give_file": ("give the key file", "鍵ファイルを指定してください"),
    "key.missing": ("does not exist", "ありません"),
    "key.check_path": ("check the path", "パスを確認してください"),
    "key.unreadable": ("cannot read {shown}: {cause}", "{shown} を読めません: {cause}"),
    "key.check_permissions": ("check the path and its permissions", "パスと権限を確認してください"),
    "key.empty": ("is empty", "空です"),
    "key.give_holding_file": ("give the file that holds the key", "鍵が入ったファイルを指定してください"),
    "key.no_end": (
        "has a PEM header but no matching END line",
        "PEM の開始行はありますが、対応する END 行がありません",
    ),
    "key.is_record": (
        "is a DKIM DNS record (a public key), not a private key",
        "DKIM の DNS レコード (公開鍵) で、秘密鍵ではありません",
    ),
    "key.give_private_file": ("give the private key file", "秘密鍵のファイルを指定してください"),
    "key.base64_pem": (
        "is base64 of a whole PEM file, which SES accepts but never verifies",
        "PEM ファイル全体を base64 にしたものです。SES は受け付けますが検証に成功しません",
    ),
    "key.give_pem_itself": (
        "give the PEM file itself; byodkim converts it",
        "PEM ファイルそのものを指定してください (byodkim が変換します)",
    ),
    "key.ec": ("is an EC key; SES BYODKIM takes RSA keys only", "EC 鍵です。SES BYODKIM は RSA 鍵だけを受け付けます"),
    "key.other_kind": (
        "is an {kind} key file, not an RSA PEM key",
        "{kind} の鍵ファイルで、RSA の PEM 鍵ではありません",
    ),
    "key.public_not_private": (
        "holds a public key, but a private key is needed",
        "公開鍵が入っていますが、必要なのは秘密鍵です",
    ),
    "key.holds_label": ("holds `{label}`, not a private key", "`{label}` が入っていて、秘密鍵ではありません"),
    "key.give_rsa_private_file": ("give the RSA private key file", "RSA 秘密鍵のファイルを指定してください"),
    "key.encrypted": ("is encrypted", "暗号化されています"),
    "key.wrong_passphrase": (
        "the passphrase does not decrypt {shown}",
        "このパスフレーズでは {shown} を復号できません",
    ),
    "key.check_passphrase": ("check the passphrase", "パスフレーズを確認してください"),
    "key.unreadable_private": (
        "is not a private key (unreadable as PEM, DER or base64)",
        "秘密鍵ではありません (PEM、DER、base64 のどれとしても読めません)",
    ),
    "key.inconsistent": (
        "is an RSA key whose numbers do not agree (corrupted or edited: it would sign wrongly)",
        "数値が整合しない RSA 鍵です (壊れているか編集されています。このままでは正しく署名できません)",
    ),
    "key.algorithm": ("uses an algorithm this tool cannot read", "このツールが読めないアルゴリズムを使っています"),
    "key.ed25519": (
        "is an Ed25519 key; SES BYODKIM takes RSA keys only",
        "Ed25519 鍵です。SES BYODKIM は RSA 鍵だけを受け付けます",
    ),
    "key.not_rsa": ("is a {kind}, not an RSA key", "{kind} で、RSA 鍵ではありません"),
    "key.not_a_key": (
        "is not a key (not PEM, DER or base64)",
        "鍵ではありません (PEM、DER、base64 のどれでもありません)",
    ),
    # The key's secret (aws/secrets.py).
    "secret.binary": (
        "secret `{secret}` holds binary data, not a byodkim key",
        "シークレット `{secret}` はバイナリデータで、byodkim の鍵ではありません",
    ),
    "secret.different": (
        "secret `{secret}` already holds a different key ({fingerprint})",
        "シークレット `{secret}` にはすでに別の鍵 ({fingerprint}) があります",
    ),
    "secret.changed": (
        "secret `{secret}` holds another key than its description says",
        "シークレット `{secret}` の鍵が説明欄の鍵と違います",
    ),
    "secret.other": ("give another {@secret_id}", "別の {@secret_id} を指定してください"),
    "secret.changed_hint": (
        "check who changed the secret; register with {@key_file} to choose",
        "誰がシークレットを変えたか確認してください。使う鍵を {@key_file} で指定して register してください",
    ),
    "secret.different_hint": (
        "use a new {@selector} for a new key (see `byodkim rotate`), or {@secret_id} to use the stored one",
        "新しい鍵には新しい {@selector} を使うか (`byodkim rotate` を参照)、保存済みの鍵を使うなら {@secret_id} を指定してください",
    ),
    "secret.missing": ("secret `{secret}` does not exist", "シークレット `{secret}` はありません"),
    "secret.missing_hint": ("check {@secret_id} and {@region}", "{@secret_id} と {@region} を確認してください"),
    "secret.none_for": (
        "no key in Secrets Manager for {domain} ({where})",
        "Secrets Manager に {domain} の鍵がありません ({where})",
    ),
    "secret.register_first": (
        "register its key first (`byodkim register`)",
        "先に鍵を登録してください (`byodkim register`)",
    ),
    # SES (aws/ses.py).
    "ses.refused_switch": (
        "the identity signs {now} now; switching before the new record is live on every authoritative server sends mail unsigned by the domain while SES is PENDING ({seen}). To go on, {way}, check it with `byodkim verify`, then run again, or pass {@force}",
        "この ID は現在 {now} で署名しています。新しいレコードがすべての権威サーバーで公開される前に切り替えると、SES が PENDING の間 ({seen}) ドメインの署名のないメールが送られます。続けるには {way}、`byodkim verify` で確認してから再実行するか、{@force} を指定してください",
    ),
    "ses.with_selector": ("with selector {selector}", "セレクタ {selector}"),
    "ses.with_easy_dkim": ("with Easy DKIM", "Easy DKIM"),
    "ses.way_rotate": (
        "change keys with `byodkim rotate`, which waits for the record, or publish the record",
        "`byodkim rotate` で鍵を切り替える (レコードを待ちます) か、レコードを公開し",
    ),
    "ses.way_publish": ("publish the record", "レコードを公開し"),
    # Declared domains and the fleet (workflows/units.py, workflows/domaincheck.py).
    "ses.configuration_set_gone": (
        "{region}: {name} does not exist; launch phase 3 again",
        "{region}: {name} はありません。フェーズ 3 をもう一度起動してください",
    ),
    "fleet.both": ("give {@every} or {@domain}, not both", "{@every} と {@domain} は同時に指定できません"),
    "fleet.undeclared": (
        "{@every} needs the domains declared in the Sceptre config",
        "{@every} には Sceptre 設定で宣言したドメインが必要です",
    ),
    "fleet.undeclared_hint": (
        "add a `domains:` list (see docs/fleet.md)",
        "`domains:` の一覧を追加してください (docs/fleet.md を参照)",
    ),
    "fleet.no_domain": ("no domain given", "ドメインが指定されていません"),
    "fleet.no_domain_hint": (
        "pass {@domain} NAME (repeat it for several) or {@every}",
        "{@domain} NAME (複数回可) か {@every} を指定してください",
    ),
    "fleet.no_region": ("no region for {domain}", "{domain} のリージョンがありません"),
    "fleet.no_region_hint": (
        "pass {@region} or set regions in the Sceptre config",
        "{@region} を指定するか、Sceptre 設定で regions を設定してください",
    ),
    "posture.no_selector": (
        "no BYODKIM selector known: give {@selector} or register the key",
        "BYODKIM のセレクタが分かりません: {@selector} を指定するか鍵を登録してください",
    ),
    # Rotation (workflows/rotate.py).
    "rotate.unfinished_hint": (
        "finish it with {@new_selector} {selector}, or delete the file to abandon it",
        "{@new_selector} {selector} で完了させるか、中止するならファイルを削除してください",
    ),
    # Moving resources between stacks (workflows/adopt.py).
    "adopt.no_stack_source": (
        "{name} does not exist, so it has no `{source}`",
        "{name} はないので `{source}` もありません",
    ),
    "adopt.leave_out_source": ("leave out {@source}", "{@source} を外してください"),
    "adopt.not_live": ("`{source}` is not a resource of {name}", "`{source}` は {name} のリソースではありません"),
    "adopt.check_source": (
        "check {@source} against the live stack",
        "{@source} を稼働中のスタックと照らして確認してください",
    ),
    "adopt.not_ours": (
        "`{resource}` is not a resource of our {stack} template",
        "`{resource}` は {stack} テンプレートのリソースではありません",
    ),
    "adopt.check_resource": ("check {@resource}", "{@resource} を確認してください"),
    "adopt.which": ("cannot tell which {kind} to import", "どの {kind} をインポートするか決められません"),
    "adopt.give_source": ("give {@source} with its live logical ID", "{@source} に稼働中の論理 ID を指定してください"),
    "adopt.no_stack": ("{name} does not exist", "{name} はありません"),
    "adopt.check_stack": ("check {@stack} and the region", "{@stack} とリージョンを確認してください"),
    "adopt.check_resource_preflight": (
        "check {@resource} against `byodkim preflight`",
        "{@resource} を `byodkim preflight` の結果と照らして確認してください",
    ),
    # The Sceptre config (deployment.py).
    "config.none": (
        "no Sceptre project found (sceptre/config/config.yaml)",
        "Sceptre プロジェクトが見つかりません (sceptre/config/config.yaml)",
    ),
    "config.none_hint": (
        "run from the byodkim checkout, set {env}, or pass {@project} and {@environment}",
        "byodkim のチェックアウトで実行するか、{env} を設定するか、{@project} と {@environment} を指定してください",
    ),
    "config.no_group": (
        "the Sceptre config group `{group}` does not exist ({path})",
        "Sceptre 設定グループ `{group}` はありません ({path})",
    ),
    "config.check_group": ("check {@environment}", "{@environment} を確認してください"),
    # Building and shipping (artifacts/).
    "layer.too_big_direct": (
        "the layer zip is {mb} MB, over the 50 MB direct upload limit",
        "レイヤーの zip は {mb} MB で、直接アップロードの上限 50 MB を超えています",
    ),
    "layer.give_bucket": (
        "give {@bucket} to upload it through S3",
        "S3 経由でアップロードするには {@bucket} を指定してください",
    ),
    "layer.too_big": (
        "the layer unzips to {mb} MB, over Lambda's 250 MB limit",
        "レイヤーは展開すると {mb} MB で、Lambda の上限 250 MB を超えています",
    ),
    "layer.trim": ("trim {@requirements}", "{@requirements} を減らしてください"),
    "layer.check_requirements": (
        "check {@requirements}; nothing was written",
        "{@requirements} を確認してください。何も書き込んでいません",
    ),
    # The sandbox (local/).
    "sandbox.outside_zone": (
        "the sandbox serves one zone ({zone}); {domain} is outside it",
        "サンドボックスが提供するゾーンは 1 つ ({zone}) で、{domain} はその外です",
    ),
    "sandbox.outside_zone_hint": (
        "rehearse fleets of subdomains ({@extra_domains}), or remove the entry",
        "サブドメインのフリートで練習するか ({@extra_domains})、その項目を削除してください",
    ),
    # SES refusing a test message (workflows/sendtest.py): SES's MessageRejected, explained with the fix.
    "ses.rejected_sender": (
        "SES in {region} refused to send from {sender}: {domain} is not verified for sending there (MessageRejected)",
        "{region} の SES は {sender} からの送信を拒否しました: {domain} はそこで送信用に検証されていません (MessageRejected)",
    ),
    "ses.rejected_sender_hint": (
        "publish the DKIM record, wait until `byodkim status` shows SUCCESS, then send the test again",
        "DKIM レコードを公開し、byodkim status が SUCCESS になってからもう一度送ってください",
    ),
    "ses.rejected_recipient": (
        "SES in {region} refused to send to {recipient}: the account is in the SES sandbox, which sends only to verified addresses (MessageRejected)",
        "{region} の SES は {recipient} への送信を拒否しました: アカウントが SES サンドボックスにあり、検証済みのアドレスにしか送れません (MessageRejected)",
    ),
    "ses.rejected_recipient_hint": (
        "send to an address verified in SES or to success@simulator.amazonses.com, or request production access for the account",
        "SES で検証済みのアドレスか success@simulator.amazonses.com に送るか、アカウントの本番アクセスを申請してください",
    ),
    "ses.mail_from_unverified": (
        "SES in {region} refused to send from {sender}: its MAIL FROM domain is not verified and the identity rejects mail then (MailFromDomainNotVerifiedException)",
        "{region} の SES は {sender} からの送信を拒否しました: MAIL FROM ドメインが未検証で、その場合は拒否する設定です (MailFromDomainNotVerifiedException)",
    ),
    "ses.mail_from_unverified_hint": (
        "publish the MAIL FROM domain's MX and SPF records (see `byodkim check-domain`), then send the test again",
        "MAIL FROM ドメインの MX と SPF レコードを公開してから (byodkim check-domain で確認)、もう一度送ってください",
    ),
    # SES read, Easy DKIM's records, pacing (aws/guards.py, aws/easydkim.py, aws/pacing.py).
    "ses.unreadable": ("cannot read SES in {region}: {error}", "{region} の SES を読めません: {error}"),
    "easy.no_identity": ("has no identity", "ID がありません"),
    "easy.own_key": ("signs with its own key ({tokens})", "ドメイン独自の鍵 ({tokens}) で署名しています"),
    "easy.not_yet": (
        "{domain} {now} in {region}: SES gives Easy DKIM's CNAME records only once it is on Easy DKIM",
        "{region} の {domain}: {now}。SES が Easy DKIM の CNAME レコードを出すのは Easy DKIM に切り替えた後だけです",
    ),
    "easy.rollback_first": (
        "switch it with `byodkim rollback` first (it prints them too)",
        "先に `byodkim rollback` で切り替えてください (rollback もレコードを表示します)",
    ),
    "pacing.bad_rate": (
        "{name} `{value}` is not a rate in calls per second",
        "{name} `{value}` は 1 秒あたりの呼び出し回数ではありません",
    ),
    "pacing.throttled": (
        "SES throttled {operation} in {region}; retry {attempt} of {attempts} in {seconds} s",
        "{region} の SES が {operation} をスロットリングしました。{seconds} 秒後に再試行します ({attempt}/{attempts} 回目)",
    ),
    "pacing.server_error": (
        "SES {operation} in {region}: {what}; retry {attempt} of {attempts} in {seconds} s",
        "{region} の SES {operation}: {what}。{seconds} 秒後に再試行します ({attempt}/{attempts} 回目)",
    ),
    "pacing.give_number": ("give a number such as 1 or 25", "1 や 25 のような数を指定してください"),
    # The KMS key a new secret is stored under, and files the CLI writes (cli/options.py).
    "kms.missing": (
        "{alias} does not exist in {region}; the key would be stored under the AWS-managed key",
        "{region} に {alias} がありません。このままでは鍵が AWS マネージドキーで保存されます",
    ),
    "kms.phase_1": ("phase 1's KMS key", "フェーズ 1 の KMS 鍵"),
    "kms.missing_hint": (
        "launch phase 1 there first, or give {option} with a key of your own; nothing was stored",
        "先にそのリージョンでフェーズ 1 を起動するか、{option} で独自の KMS 鍵を指定してください。何も保存していません",
    ),
    "mail_from.not_under": (
        "{option} `{mail_from}` is not under {domain}",
        "{option} `{mail_from}` は {domain} の配下ではありません",
    ),
    "mail_from.use_sub": (
        "use a subdomain such as mail.{domain}",
        "mail.{domain} のようなサブドメインを使ってください",
    ),
    "mail_from.needs_region": (
        "{option} needs the SES region its MX points at",
        "{option} には MX が指す SES のリージョンが必要です",
    ),
    "mail_from.add_region": ("add {@region}, e.g. ap-northeast-1", "{@region} を付けてください (例: ap-northeast-1)"),
    "file.cannot_write": ("cannot write `{path}`: {why}", "`{path}` に書き込めません: {why}"),
}
