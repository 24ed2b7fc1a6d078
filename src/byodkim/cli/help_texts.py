# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What ``--help`` says, in English and Japanese: click's words, shared options, and the checking commands.

A key is the command path as typed (``help.byodkim status``) or the path and the option's
longest name (``help.byodkim status --no-dns``); help that several commands share is keyed by
the option alone (``help.option --profile``, one key per wording: ``help.option --lang table``).
The English is what the code's ``help=`` says, word for word: the lookup (cli/help_page.py) gives
the Japanese only while the two are equal, and tests/test_help.py fails on any option or
command whose English has no Japanese here. These texts name options (``--key-file``), so they
are the CLI's and live in cli/, not in the library's tables. The rollout's commands (stacks,
phases, keys into SES, the sandbox) are in :mod:`.help_texts_rollout`.
"""

from __future__ import annotations

_LANG_DEFAULT = (
    "[default: ja under a Japanese locale (LANG=ja_JP.*), else en].",
    "[既定: 日本語ロケール (LANG=ja_JP.*) なら ja、それ以外は en]",
)


def _lang(what: str, japanese: str) -> tuple[str, str]:
    """Return ``--lang``'s help for ``what`` (options.lang_option builds the English the same way)."""
    return f"Language of {what} {_LANG_DEFAULT[0]}", f"{japanese}の言語 {_LANG_DEFAULT[1]}"


TEXTS: dict[str, tuple[str, str]] = {
    # click's own words on a help page.
    "help.click usage": ("Usage:", "使い方:"),
    "help.click options": ("Options", "オプション"),
    "help.click commands": ("Commands", "コマンド"),
    "help.click arguments": ("Positional arguments", "引数"),
    "help.click default": ("default: {value}", "既定: {value}"),
    "help.click required": ("required", "必須"),
    "help.click env var": ("env var: {value}", "環境変数: {value}"),
    # Options several commands share, one key per wording.
    "help.option --help": ("Show this message and exit.", "このヘルプを表示して終了します"),
    "help.option --version": ("Show the version and exit.", "バージョンを表示して終了します"),
    "help.option --domain": ("Mail domain, e.g. goo.ne.jp (IDN allowed).", "メールドメイン (例: goo.ne.jp、IDN 可)"),
    "help.option --domain several": (
        "Mail domain, e.g. goo.ne.jp (IDN allowed); repeat for several.",
        "メールドメイン (例: goo.ne.jp、IDN 可)。複数なら繰り返し指定",
    ),
    "help.option --domain declared": (
        "Domain [default: domain_name in the Sceptre config].",
        "ドメイン [既定: Sceptre の config の domain_name]",
    ),
    "help.option --all": (
        "Every domain declared in the Sceptre config (`domains:`, see docs/fleet.md).",
        "Sceptre の config で宣言したすべてのドメイン (`domains:`、docs/fleet.md を参照)",
    ),
    "help.option --ses-rate": (
        "SES calls per second per account and region [default: 1, or BYODKIM_SES_RATE].",
        "アカウントとリージョンごとの 1 秒あたりの SES 呼び出し数 [既定: 1、または BYODKIM_SES_RATE]",
    ),
    "help.option --selector": (
        "DKIM selector: one DNS label, e.g. gooid-21-pro-20250912-1.",
        "DKIM のセレクタ: DNS のラベル 1 つ (例: gooid-21-pro-20250912-1)",
    ),
    "help.option --selector declared": (
        "DKIM selector: one DNS label [default: the domain's, declared in the Sceptre config].",
        "DKIM のセレクタ: DNS のラベル 1 つ [既定: Sceptre の config でそのドメインに宣言したもの]",
    ),
    "help.option --key-file": (
        "Private key: PEM (PKCS#1/PKCS#8), DER or base64 body.",
        "秘密鍵: PEM (PKCS#1/PKCS#8)、DER、または base64 の本体",
    ),
    "help.option --passphrase-file": (
        "File holding the passphrase of an encrypted key (or set BYODKIM_KEY_PASSPHRASE).",
        "暗号化された鍵のパスフレーズを書いたファイル (または BYODKIM_KEY_PASSPHRASE を設定)",
    ),
    "help.option --profile": (
        "AWS profile (default: the standard credential chain).",
        "AWS プロファイル (既定: 標準の認証情報チェーン)",
    ),
    "help.option --region": (
        "AWS region (default: AWS_REGION or the profile's).",
        "AWS リージョン (既定: AWS_REGION またはプロファイルのリージョン)",
    ),
    "help.option --region several": (
        "AWS region; repeat for several [default: the domain's declared regions, else AWS_REGION or the profile's].",
        "AWS リージョン。複数なら繰り返し指定 [既定: ドメインに宣言したリージョン、なければ AWS_REGION またはプロファイルのリージョン]",
    ),
    "help.option --nameserver": (
        "Ask this name server (HOST[:PORT]); repeat for several [default: the zone's own, or BYODKIM_NAMESERVERS].",
        "問い合わせるネームサーバー (HOST[:PORT])。複数なら繰り返し指定 [既定: ゾーン自身のネームサーバー、または BYODKIM_NAMESERVERS]",
    ),
    "help.option --env": (
        "Environment: the Sceptre config group [default: prod, from sceptre/config].",
        "環境: Sceptre の config のグループ [既定: prod (sceptre/config から)]",
    ),
    "help.option --project": (
        "Project name [default: project_name in the Sceptre config].",
        "プロジェクト名 [既定: Sceptre の config の project_name]",
    ),
    "help.option --output": ("Output format.", "出力形式"),
    "help.option --yes": ("Do not ask for confirmation.", "確認を求めません"),
    "help.option --interval": ("First poll interval (s).", "最初のポーリング間隔 (秒)"),
    "help.option --lang output": _lang("the output", "出力"),
    "help.option --lang line": _lang("every line", "すべての行"),
    "help.option --lang summary": _lang("the summary", "要約"),
    "help.option --lang request": _lang("the request", "依頼書"),
    "help.option --lang memo": _lang("the memo", "メモ"),
    "help.option --lang dns request": _lang("the DNS request", "DNS 依頼書"),
    "help.option --lang table": _lang("the table", "表"),
    "help.option --lang text": _lang("the text output", "テキスト出力"),
    "help.option --lang preflight": _lang("the preflight", "プリフライト結果"),
    "help.option --lang report": _lang("the report and request", "レポートと依頼書"),
    # byodkim itself
    "help.byodkim": (
        "Take a mail domain onto Amazon SES with its own DKIM key (BYODKIM).",
        "メールドメインを独自の DKIM 鍵 (BYODKIM) で Amazon SES に移行します。",
    ),
    "help.byodkim --debug": (
        "Log one line per AWS call (service, operation, region, status, time) to stderr.",
        "AWS 呼び出しごとに 1 行 (サービス、操作、リージョン、ステータス、所要時間) を標準エラーに記録します",
    ),
    # activate-receiving
    "help.byodkim activate-receiving": (
        "Activate the receipt rule set that stores DMARC reports (phase 8 with dmarc_reports_address).",
        "DMARC レポートを保存する受信ルールセットを有効化します (dmarc_reports_address を設定したフェーズ 8)。",
    ),
    "help.byodkim activate-receiving --replace-active": (
        "The receipt rule set active now that may stop (SES keeps one active per account and region).",
        "止めてよい、いま有効な受信ルールセット (SES で有効にできるのはアカウントとリージョンごとに 1 つ)",
    ),
    "help.byodkim activate-receiving --dry-run": (
        "Say what would be activated; change nothing.",
        "何を有効化するかを表示するだけで、何も変更しません",
    ),
    # check-domain
    "help.byodkim check-domain": (
        "Check the domain's SPF, DMARC, DKIM and SES for mail sent through SES; exit 0 when all is met.\n\nWith several --domain or --all: one line per domain (the unmet requirements), and a summary.",
        "SES から送るメールについて、ドメインの SPF、DMARC、DKIM、SES を確認します。すべて満たせば終了コード 0 です。\n\n--domain を複数、または --all を指定すると、ドメインごとに 1 行 (満たしていない要件) と要約を表示します。",
    ),
    "help.byodkim check-domain --selector": (
        "The BYODKIM selector [default: the one SES signs with].",
        "BYODKIM のセレクタ [既定: SES が署名に使っているセレクタ]",
    ),
    "help.byodkim check-domain --mail-from": (
        "The custom MAIL FROM domain, e.g. mail.goo.ne.jp [default: the identity's in SES].",
        "カスタム MAIL FROM ドメイン (例: mail.goo.ne.jp) [既定: SES の ID に設定されたもの]",
    ),
    "help.byodkim check-domain --public-key-file": (
        "The key the record must hold [default: the one SES holds].",
        "レコードが持つべき鍵 [既定: SES が持つ鍵]",
    ),
    "help.byodkim check-domain --no-ses": (
        "Read DNS only, not SES (no AWS credentials needed).",
        "SES は読まず DNS だけを確認します (AWS の認証情報は不要)",
    ),
    # check-mail
    "help.byodkim check-mail": (
        "Verify every DKIM signature of a saved message or mbox (FILE, or - for stdin) and DMARC alignment with From.\n\nExit 0 only when, in every message, a signature aligned with the From domain verifies (with --selector's).",
        "保存したメッセージまたは mbox (FILE、標準入力なら -) のすべての DKIM 署名と、From との DMARC アライメントを検証します。\n\nすべてのメッセージで、From ドメインとアライメント一致する署名 (--selector を指定したときはそのセレクタの署名) を検証できたときだけ終了コード 0 です。",
    ),
    "help.byodkim check-mail --selector": (
        "Require the aligned signature to use this selector (the rollout's).",
        "アライメント一致する署名に、このセレクタ (ロールアウトのセレクタ) を求めます",
    ),
    "help.byodkim check-mail --query-timeout": ("Seconds per DNS query.", "DNS 問い合わせ 1 回あたりの秒数"),
    "help.byodkim check-mail --strict": (
        "A signature with l= that leaves part of the body unsigned fails.",
        "l= で本文の一部を署名の対象外にしている署名を fail とします",
    ),
    # dmarc-report
    "help.byodkim dmarc-report": (
        "Summarise DMARC aggregate reports (PATH: .xml, .xml.gz, .zip, .eml, mbox, a folder, or s3://BUCKET/PREFIX).\n\nExit 1 when mail signed with the rollout's selector failed aligned DKIM at some receiver.",
        "DMARC 集約レポートを集計します (PATH: .xml、.xml.gz、.zip、.eml、mbox、フォルダ、または s3://BUCKET/PREFIX)。\n\nロールアウトのセレクタで署名したメールが、どこかの受信側でアライメント一致の DKIM に fail したときは終了コード 1 です。",
    ),
    "help.byodkim dmarc-report --domain": (
        "Only this domain's reports (the report's policy domain).",
        "このドメインのレポートだけ (レポートのポリシードメイン)",
    ),
    "help.byodkim dmarc-report --since": (
        "Only reports whose period ends on or after DATE (UTC).",
        "期間の終わりが DATE (UTC) 以降のレポートだけ",
    ),
    "help.byodkim dmarc-report --selector": (
        "The rollout's selector; repeat for several [default: those declared in the Sceptre config].",
        "ロールアウトのセレクタ。複数なら繰り返し指定 [既定: Sceptre の config で宣言したセレクタ]",
    ),
    "help.byodkim dmarc-report --days": ("The policy verdict's window.", "ポリシーを判定する期間 (日数)"),
    "help.byodkim dmarc-report --threshold": (
        "Percent of the window's mail that must pass DMARC before p= may tighten.",
        "p= を強める前に、期間内のメールのうち DMARC で pass していなければならない割合 (%)",
    ),
    "help.byodkim dmarc-report --min-orgs": ("Reporting organisations needed.", "必要なレポート送信元の組織数"),
    "help.byodkim dmarc-report --min-days": ("Days with reports needed.", "必要な、レポートのある日数"),
    # dns-record
    "help.byodkim dns-record": (
        "Print the DKIM TXT record for a key, in the form your DNS tool loads.",
        "鍵の DKIM TXT レコードを、お使いの DNS ツールが読み込める形式で表示します。",
    ),
    "help.byodkim dns-record --public-key-file": (
        "Public key, or a DKIM record value, instead of --key-file.",
        "--key-file の代わりに公開鍵、または DKIM レコードの値",
    ),
    "help.byodkim dns-record --output": (
        "value: the TXT value; bind: a zone-file line; json; route53: a ChangeBatch.",
        "value: TXT の値、bind: ゾーンファイルの 1 行、json、route53: ChangeBatch",
    ),
    "help.byodkim dns-record --ttl": ("Record TTL in seconds.", "レコードの TTL (秒)"),
    # dns-request
    "help.byodkim dns-request": (
        "Write the Markdown request a DNS team receives to publish the record.",
        "レコードの公開を DNS チームに依頼する Markdown の依頼書を書きます。",
    ),
    "help.byodkim dns-request --selector": (
        "DKIM selector: one DNS label (not with --easy-dkim).",
        "DKIM のセレクタ: DNS のラベル 1 つ (--easy-dkim とは併用できません)",
    ),
    "help.byodkim dns-request --public-key-file": ("Public key instead of --key-file.", "--key-file の代わりに公開鍵"),
    "help.byodkim dns-request --out": (
        "Write the request here instead of stdout.",
        "依頼書を標準出力ではなくこのファイルに書き込みます",
    ),
    "help.byodkim dns-request --ttl": ("Suggested TTL in seconds.", "推奨する TTL (秒)"),
    "help.byodkim dns-request --requester": (
        "Your name and contact, filled into the request.",
        "依頼者の名前と連絡先 (依頼書に記入します)",
    ),
    "help.byodkim dns-request --deadline": (
        "When the record is needed, filled into the request.",
        "レコードが必要な期日 (依頼書に記入します)",
    ),
    "help.byodkim dns-request --mail-from": (
        "Also ask for the MX and SPF records of this MAIL FROM domain.",
        "この MAIL FROM ドメインの MX レコードと SPF レコードもあわせて依頼します",
    ),
    "help.byodkim dns-request --dmarc-reports-address": (
        "Also ask for the records DMARC reports to this rua address need (SES receiving them).",
        "この rua アドレスで DMARC レポートを受け取るのに必要なレコードもあわせて依頼します (SES で受信)",
    ),
    "help.byodkim dns-request --region": (
        "SES region the MX records point at (with --mail-from or --dmarc-reports-address); with --easy-dkim, where SES is read.",
        "MX レコードが指す SES のリージョン (--mail-from または --dmarc-reports-address と併用)。--easy-dkim では SES を読むリージョン",
    ),
    "help.byodkim dns-request --easy-dkim": (
        "Instead, the three Easy DKIM CNAME records rollback needs, read from SES.",
        "代わりに、切り戻しに必要な Easy DKIM の CNAME レコード 3 つを SES から読んで依頼します",
    ),
    # keygen
    "help.byodkim keygen": (
        "Generate an RSA DKIM key pair; the private key is written owner-only (0600).\n\nWith several --domain or --all, one pair per domain under KEY_DIR/DOMAIN/, generated on\nevery core; a domain whose key file exists is kept as it is.",
        "RSA の DKIM 鍵ペアを生成します。秘密鍵は所有者だけが読めるように (0600) 書き込みます。\n\n--domain を複数、または --all を指定すると、ドメインごとに 1 組を KEY_DIR/DOMAIN/ の下に、すべての CPU コアで生成します。鍵ファイルがすでにあるドメインはそのまま残します。",
    ),
    "help.byodkim keygen --bits": ("RSA key size.", "RSA の鍵長"),
    "help.byodkim keygen --key-dir": (
        "Folder for the key files (created owner-only); register --key-dir reads the same layout.",
        "鍵ファイルのフォルダ (所有者だけが使えるように作成)。register --key-dir は同じ構成を読みます",
    ),
    # send-test
    "help.byodkim send-test": (
        "Send one test message through SES in each region; against the emulator, judge the copy as check-mail does.",
        "各リージョンで SES からテストメッセージを 1 通送ります。相手がエミュレーターなら、届いた写しを check-mail と同じように判定します。",
    ),
    "help.byodkim send-test --from": (
        "From address, at the domain (e.g. dkim-check@goo.ne.jp).",
        "From アドレス (そのドメインのアドレス。例: dkim-check@goo.ne.jp)",
    ),
    "help.byodkim send-test --to": ("Where to send it (a mailbox you can read).", "送信先 (読めるメールボックス)"),
    "help.byodkim send-test --configuration-set": (
        "SES configuration set [default: none].",
        "SES の設定セット [既定: なし]",
    ),
    "help.byodkim send-test --selector": (
        "Require the aligned signature to use this selector.",
        "アライメント一致する署名に、このセレクタを求めます",
    ),
    "help.byodkim send-test --dry-run": (
        "Say what would be sent, from where; send nothing.",
        "何をどこから送るかを表示するだけで、何も送りません",
    ),
    # status
    "help.byodkim status": (
        "Show the identity's DKIM state in each region, and the record on the name servers beside it.",
        "各リージョンでの ID の DKIM の状態と、ネームサーバー上のレコードを並べて表示します。",
    ),
    "help.byodkim status --no-dns": ("Show SES's view only.", "SES から見た状態だけを表示します"),
    # verify
    "help.byodkim verify": (
        "Check the DKIM record on every authoritative name server; exit 0 only when all publish this key.\n\nWith several --domain or --all, each domain's public key comes from its secret's\ndescription (the secret itself is not read): one line per domain, and per region with --ses.",
        "すべての権威サーバーで DKIM レコードを確認します。すべてがこの鍵を公開しているときだけ終了コード 0 です。\n\n--domain を複数、または --all を指定すると、各ドメインの公開鍵はシークレットの説明欄から読みます (シークレットの中身は読みません)。ドメインごとに 1 行、--ses ではリージョンごとにも 1 行を表示します。",
    ),
    "help.byodkim verify --public-key-file": (
        "Public key (or DKIM record value) instead of --key-file.",
        "--key-file の代わりに公開鍵 (または DKIM レコードの値)",
    ),
    "help.byodkim verify --secret-id": (
        "Read the key from this Secrets Manager secret instead.",
        "代わりに、この Secrets Manager のシークレットから鍵を読みます",
    ),
    "help.byodkim verify --query-timeout": ("Seconds per query.", "問い合わせ 1 回あたりの秒数"),
    "help.byodkim verify --wait": (
        "Poll until every server agrees (and SES, with --ses).",
        "すべてのサーバー (--ses なら SES も) が一致するまでポーリングします",
    ),
    "help.byodkim verify --timeout": ("How long --wait waits (72h, 30m, 90s).", "--wait で待つ時間 (72h、30m、90s)"),
    "help.byodkim verify --wait-through-mistakes": (
        "Keep waiting while a server publishes another key or a malformed record (the DNS team is replacing it).",
        "サーバーが別の鍵や形式の誤ったレコードを公開していても待ち続けます (DNS チームが差し替えている最中)",
    ),
    "help.byodkim verify --ses": (
        "Also read SES's DKIM status in each --region.",
        "各 --region の SES の DKIM の状態もあわせて読みます",
    ),
}
