# ruff: noqa: E501 - a table of whole sentences, one to a line, English and Japanese side by side
"""What ``--help`` says for the rollout's commands (stacks, phases, keys into SES, the sandbox): see :mod:`.help_texts`."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # adopt
    "help.byodkim adopt": (
        "Import a resource that exists under our logical ID (retain, remove, import), without recreating it.",
        "既存のリソースを作り直さずに、こちらの論理 ID でスタックに取り込みます (保持、除去、インポート)。",
    ),
    "help.byodkim adopt --stack": (
        "The stack, e.g. phase-1-infrastructure-foundation.",
        "スタック (例: phase-1-infrastructure-foundation)",
    ),
    "help.byodkim adopt --resource": (
        "The logical ID our template gives the resource.",
        "テンプレートがそのリソースに付けている論理 ID",
    ),
    "help.byodkim adopt --live-resource": (
        "Its logical ID in the live stack, when it has one there.",
        "稼働中のスタックでの論理 ID (ある場合)",
    ),
    "help.byodkim adopt --dry-run": (
        "Say what each step would do; change nothing.",
        "各ステップで何をするかを表示するだけで、何も変更しません",
    ),
    # build-layer
    "help.byodkim build-layer": (
        "Build the cryptography Lambda layer for a runtime, from any OS, without Docker.",
        "ランタイム用の cryptography Lambda レイヤーを、どの OS からでも Docker なしでビルドします。",
    ),
    "help.byodkim build-layer --runtime": ("Lambda runtime, python3.10-3.14.", "Lambda ランタイム (python3.10〜3.14)"),
    "help.byodkim build-layer --arch": (
        "Lambda architecture: x86_64 or arm64.",
        "Lambda のアーキテクチャ: x86_64 または arm64",
    ),
    "help.byodkim build-layer --requirements": (
        "Packages for the layer [default: layers/cryptography/requirements.txt, installed from its hashed lock].",
        "レイヤーに入れるパッケージ [既定: layers/cryptography/requirements.txt、ハッシュ付きのロックからインストール]",
    ),
    "help.byodkim build-layer --update-lock": (
        "Resolve the default requirements again and rewrite layers/cryptography/locks/RUNTIME-ARCH.txt.",
        "既定の requirements を解決し直し、layers/cryptography/locks/RUNTIME-ARCH.txt を書き直します",
    ),
    "help.byodkim build-layer --out": (
        "Zip to write [default: cryptography-layer-RUNTIME-ARCH.zip].",
        "書き込む zip [既定: cryptography-layer-RUNTIME-ARCH.zip]",
    ),
    "help.byodkim build-layer --publish": (
        "Publish the zip as a layer version (skipped when unchanged).",
        "zip をレイヤーのバージョンとして発行します (変更がなければ省略)",
    ),
    "help.byodkim build-layer --layer-name": (
        "Layer name to publish under (with --publish).",
        "発行するレイヤーの名前 (--publish と併用)",
    ),
    "help.byodkim build-layer --bucket": (
        "S3 bucket to upload through (needed above 50 MB).",
        "アップロードに使う S3 バケット (50 MB を超えるときに必要)",
    ),
    "help.byodkim build-layer --dry-run": (
        "With --publish: build, and say what would be published; publish nothing.",
        "--publish と併用: ビルドして何を発行するかを表示するだけで、発行はしません",
    ),
    # continue-rollback
    "help.byodkim continue-rollback": (
        "Continue a failed rollback, skipping only the resources whose rollback failed.",
        "失敗したロールバックを、ロールバックに失敗したリソースだけを飛ばして続行します。",
    ),
    "help.byodkim continue-rollback --stack": (
        "The stack in UPDATE_ROLLBACK_FAILED, e.g. phase-4-dns-preparation.",
        "UPDATE_ROLLBACK_FAILED のスタック (例: phase-4-dns-preparation)",
    ),
    "help.byodkim continue-rollback --dry-run": (
        "Say which resources would be skipped; change nothing.",
        "どのリソースを飛ばすかを表示するだけで、何も変更しません",
    ),
    # emulator
    "help.byodkim emulator": (
        "Run the local AWS emulator (moto + BYODKIM) until interrupted.\n\nThe exports are also written to .byodkim/emulator.env, the unset line to\n.byodkim/emulator-unset.env (under the working directory); Ctrl-C removes the first.",
        "ローカルの AWS エミュレーター (moto + BYODKIM) を、中断するまで動かします。\n\nexport 行は .byodkim/emulator.env にも、unset 行は .byodkim/emulator-unset.env にも書き込みます (どちらも作業フォルダの下)。Ctrl-C で止めると前者を削除します。",
    ),
    "help.byodkim emulator --port": ("Port on 127.0.0.1 (0: any).", "127.0.0.1 のポート (0: 空いているポート)"),
    "help.byodkim emulator --dns": (
        "HOST:PORT of a name server the emulated SES reads DKIM records from.",
        "エミュレートした SES が DKIM レコードを読むネームサーバーの HOST:PORT",
    ),
    "help.byodkim emulator --dkim-window": (
        "Seconds before PENDING turns FAILED [72 h].",
        "PENDING が FAILED になるまでの秒数 [72 時間]",
    ),
    "help.byodkim emulator --region": (
        "AWS region for the printed environment [default: the Sceptre config's].",
        "表示する環境変数の AWS リージョン [既定: Sceptre の config のリージョン]",
    ),
    "help.byodkim emulator --ses-limit": (
        "Throttle SES beyond this many calls/s per region and API family, as SES does [default: 0, off].",
        "リージョンと API ファミリーごとに毎秒この回数を超えた SES 呼び出しを、SES と同じようにスロットリングします [既定: 0、無効]",
    ),
    # iam-policy
    "help.byodkim iam-policy": (
        "Print a least-privilege IAM policy (JSON) for running byodkim or launching the stacks.",
        "byodkim の実行、またはスタックの launch に必要な最小権限の IAM ポリシー (JSON) を表示します。",
    ),
    "help.byodkim iam-policy --role": (
        "operator: register, report, verify --ses, rotate, phases; deployer: sceptre launch; boundary: the permissions boundary of every role the deployer creates.",
        "operator: register、report、verify --ses、rotate、各フェーズ。deployer: sceptre launch。boundary: deployer が作るすべてのロールのアクセス許可の境界",
    ),
    "help.byodkim iam-policy --account": ("AWS account ID the ARNs name.", "ARN に入れる AWS アカウント ID"),
    # phase
    "help.byodkim phase": (
        "Run the dkim-manager Lambda's phase 4, 5 or 7 from here, with the same code and payload (or --invoke it).",
        "dkim-manager Lambda のフェーズ 4、5、7 を、同じコードとペイロードでここから実行します (--invoke ならデプロイ済みの関数を呼び出します)。",
    ),
    "help.byodkim phase --selector": (
        "Selector [default: 4, 5: the one SES holds, else SSM's; 7: SSM's].",
        "セレクタ [既定: 4、5 は SES が持つセレクタ、なければ SSM のもの。7 は SSM のもの]",
    ),
    "help.byodkim phase --resend": (
        "Phase 5: send the DNS request again though it was sent for this key.",
        "フェーズ 5: この鍵の DNS 依頼を送信済みでも、もう一度送ります",
    ),
    "help.byodkim phase --invoke": (
        "Run the deployed dkim-manager function instead (phase 5 in AWS: only its role may publish to the DNS team).",
        "代わりにデプロイ済みの dkim-manager 関数を実行します (AWS でのフェーズ 5: DNS チームへの通知を発行できるのはその関数のロールだけ)",
    ),
    "help.byodkim phase --dry-run": (
        "Say which phase would run where, for what; change nothing.",
        "どのフェーズをどこで何に対して実行するかを表示するだけで、何も変更しません",
    ),
    # preflight
    "help.byodkim preflight": (
        "Preview what `sceptre launch ENV` would change; exit 1 if it would lose or collide with what runs.",
        "`sceptre launch ENV` が何を変更するかを事前に確認します。稼働中のリソースを失うか衝突するなら終了コード 1 です。",
    ),
    "help.byodkim preflight --stack": (
        "Only this stack (e.g. phase-2-dkim-system); repeat for several [default: every stack of the group].",
        "このスタックだけ (例: phase-2-dkim-system)。複数なら繰り返し指定 [既定: グループのすべてのスタック]",
    ),
    # register
    "help.byodkim register": (
        "Register the DKIM key with SES (SigningAttributesOrigin=EXTERNAL) in each region.\n\nWith several --domain or --all, each domain's key comes from its secret (generated and\nstored first when there is none), one line per domain and region.",
        "各リージョンの SES に DKIM 鍵を登録します (SigningAttributesOrigin=EXTERNAL)。\n\n--domain を複数、または --all を指定すると、各ドメインの鍵はそのシークレットから読みます (なければ先に生成して保存します)。ドメインとリージョンごとに 1 行を表示します。",
    ),
    "help.byodkim register --secret-id": (
        "Secrets Manager secret holding the key [default: byodkim/dkim/DOMAIN/SELECTOR].",
        "鍵を保存している Secrets Manager のシークレット [既定: byodkim/dkim/DOMAIN/SELECTOR]",
    ),
    "help.byodkim register --key-dir": (
        "With --all or several --domain: keygen's folder; registers DIR/DOMAIN/SELECTOR.private.pem for each.",
        "--all または複数の --domain と併用: keygen のフォルダ。各ドメインの DIR/DOMAIN/SELECTOR.private.pem を登録します",
    ),
    "help.byodkim register --kms-key-id": (
        "KMS key for a new secret [default: phase 1's alias/<project>-<env>-dkim-secrets, else its alias/<project>-<env>-dkim; refused when neither exists].",
        "新しいシークレットの KMS キー [既定: フェーズ 1 の alias/<project>-<env>-dkim-secrets、なければ alias/<project>-<env>-dkim。どちらもなければ拒否します]",
    ),
    "help.byodkim register --dry-run": (
        "Print the calls it would make; change nothing.",
        "行う呼び出しを表示するだけで、何も変更しません",
    ),
    "help.byodkim register --force": (
        "Switch an identity that signs now (Easy DKIM or another key) without the DNS check.",
        "いま署名している ID (Easy DKIM または別の鍵) を、DNS の確認なしで切り替えます",
    ),
    # report
    "help.byodkim report": (
        "Write where the rollout stands: stacks, layer, SES per region, DNS, next step.\n\nWith several --domain or --all: one line per domain (its stage and next step), and a summary.",
        "ロールアウトの現状を書き出します: スタック、レイヤー、リージョンごとの SES、DNS、次のステップ。\n\n--domain を複数、または --all を指定すると、ドメインごとに 1 行 (段階と次のステップ) と要約を表示します。",
    ),
    "help.byodkim report --output": ("Output format (md is short for markdown).", "出力形式 (md は markdown の略)"),
    "help.byodkim report --out": (
        "Write the memo to this file instead of stdout.",
        "メモを標準出力ではなくこのファイルに書き込みます",
    ),
    "help.byodkim report --dmarc-reports": (
        "DMARC aggregate reports (file, folder, s3://BUCKET/PREFIX; repeat): add what receivers said.",
        "DMARC 集約レポート (ファイル、フォルダ、s3://BUCKET/PREFIX。繰り返し指定可): 受信側の評価を加えます",
    ),
    # retain
    "help.byodkim retain": (
        "Keep a resource when a launch removes or replaces it (DeletionPolicy/UpdateReplacePolicy: Retain).",
        "launch でリソースが削除または置き換えられるときに、そのリソースを残します (DeletionPolicy/UpdateReplacePolicy: Retain)。",
    ),
    "help.byodkim retain --stack": (
        "The stack, e.g. phase-4-dns-preparation.",
        "スタック (例: phase-4-dns-preparation)",
    ),
    "help.byodkim retain --resource": (
        "The resource's logical ID in the live stack.",
        "稼働中のスタックでのリソースの論理 ID",
    ),
    "help.byodkim retain --dry-run": (
        "Say what would be set; change nothing.",
        "何を設定するかを表示するだけで、何も変更しません",
    ),
    # rollback
    "help.byodkim rollback": (
        "Switch the identity back to Easy DKIM (SigningAttributesOrigin=AWS_SES).",
        "ID を Easy DKIM に切り戻します (SigningAttributesOrigin=AWS_SES)。",
    ),
    "help.byodkim rollback --dry-run": (
        "Say what would change; change nothing.",
        "何が変わるかを表示するだけで、何も変更しません",
    ),
    # rotate
    "help.byodkim rotate": (
        "Rotate to a new key and selector safely; an interrupted rotation resumes where it stopped.\n\nWith several --domain or --all, every domain rotates to --new-selector side by side (a state\nfile each); --until requested stops each after writing its DNS request. --auto runs the\nscheduled rotation's tick (the policy in the Sceptre config decides); --approve approves its switch.",
        "新しい鍵とセレクタに安全にローテーションします。中断したローテーションは止まったところから再開します。\n\n--domain を複数、または --all を指定すると、すべてのドメインを並行して --new-selector にローテーションします (ドメインごとに状態ファイル 1 つ)。--until requested なら、各ドメインで DNS 依頼書を書いたところで止まります。--auto は定期ローテーションを 1 回進めます (Sceptre 設定のポリシーに従います)。--approve はその切り替えを承認します。",
    ),
    "help.byodkim rotate --new-selector": (
        "Selector of the new key (one DNS label); not with --auto or --approve.",
        "新しい鍵のセレクタ (DNS のラベル 1 つ)。--auto、--approve とは併用できません",
    ),
    "help.byodkim rotate --auto": (
        "One tick of the scheduled rotation per domain (the function's own, docs/rotation.md): do what is due now.",
        "ドメインごとに定期ローテーションを 1 回進めます (関数と同じ処理、docs/rotation.md): 今すべきことをします",
    ),
    "help.byodkim rotate --approve": (
        "Approve the switch of a prepared rotation (rotation_approval: manual).",
        "準備済みのローテーションの切り替えを承認します (rotation_approval: manual)",
    ),
    "help.byodkim rotate --timeout": ("How long each wait may take.", "待機 1 回ごとの上限時間"),
    "help.byodkim rotate --until": ("Stop after this step.", "このステップの後で止まります"),
    "help.byodkim rotate --state-dir": (
        "Folder for the rotation's state file and DNS request (no key material).",
        "ローテーションの状態ファイルと DNS 依頼書のフォルダ (鍵そのものは置きません)",
    ),
    "help.byodkim rotate --keep-old-days": ("Days to keep the old record.", "古いレコードを残す日数"),
    "help.byodkim rotate --kms-key-id": (
        "KMS key for the new key's secret [default: phase 1's alias/<project>-<env>-dkim-secrets, else its alias/<project>-<env>-dkim; refused when neither exists].",
        "新しい鍵のシークレットの KMS キー [既定: フェーズ 1 の alias/<project>-<env>-dkim-secrets、なければ alias/<project>-<env>-dkim。どちらもなければ拒否します]",
    ),
    "help.byodkim rotate --dry-run": (
        "Say where the rotation stands and what a run would do next; change nothing.",
        "ローテーションの現状と、実行したら次に何をするかを表示するだけで、何も変更しません",
    ),
    # sandbox
    "help.byodkim sandbox": (
        "Rehearse the whole rollout locally: no AWS account needed.\n\n`byodkim sandbox dns ...` plays the DNS team against a running sandbox.",
        "ロールアウト全体をローカルでリハーサルします。AWS アカウントは不要です。\n\n`byodkim sandbox dns ...` は、動いているサンドボックスで DNS チームの役をします。",
    ),
    "help.byodkim sandbox --keep": (
        "Leave the emulator and DNS server running until Ctrl-C, and say how to reach them.",
        "エミュレーターと DNS サーバーを Ctrl-C まで動かしたままにし、接続方法を表示します",
    ),
    "help.byodkim sandbox --from-start": (
        "With --keep: stop where the runbook starts (stacks launched; no key of ours yet) so it can be typed.",
        "--keep と併用: 手順書を手で打てるように、手順書の出発点 (スタック作成済み、独自の鍵は未登録の状態) で止めます",
    ),
    "help.byodkim sandbox --mail-from-subdomain": (
        "Rehearse a custom MAIL FROM (e.g. mail): phase 3 sets it, the DNS team publishes its MX and SPF.",
        "カスタム MAIL FROM (例: mail) をリハーサルします: フェーズ 3 が設定し、DNS チームが MX と SPF を公開します",
    ),
    "help.byodkim sandbox --second-region": (
        "Rehearse a fleet in two regions: a nested Sceptre group (e.g. us-west-2) deploys phase 3 there.",
        "2 つのリージョンでのフリート運用をリハーサルします: 入れ子の Sceptre グループ (例: us-west-2) がそこにフェーズ 3 をデプロイします",
    ),
    "help.byodkim sandbox --extra-domains": (
        "Declare this many subdomains (svc01.DOMAIN, ...) under `domains:` beside the domain.",
        "ドメインと並べて、この数のサブドメイン (svc01.DOMAIN、...) を `domains:` に宣言します",
    ),
    "help.byodkim sandbox --receive-dmarc-reports": (
        "After SUCCESS, receive DMARC reports: phase 8 with a rua address, a receiver's report read and measured.",
        "SUCCESS の後で DMARC レポートを受信します: rua アドレス付きのフェーズ 8 と、受信側のレポートの読み込みと集計",
    ),
    # sandbox dns
    "help.byodkim sandbox dns": (
        "Play the DNS team on a running sandbox: publish, remove, or corrupt (cut at 255) the record.\n\nThe sandbox's name server is BYODKIM_NAMESERVERS, which `sandbox --keep` prints.",
        "動いているサンドボックスで DNS チームの役をします: レコードを公開 (publish)、削除 (remove)、または壊します (corrupt: 255 文字で切る)。\n\nサンドボックスのネームサーバーは BYODKIM_NAMESERVERS です (`sandbox --keep` が表示します)。",
    ),
    "help.byodkim sandbox dns --public-key-file": (
        "The public key to publish (or a private key's file).",
        "公開する公開鍵 (または秘密鍵のファイル)",
    ),
    "help.byodkim sandbox dns --secret-id": (
        "Publish the key kept in this Secrets Manager secret (rotate keeps its new key there).",
        "この Secrets Manager のシークレットにある鍵を公開します (rotate は新しい鍵をそこに保存します)",
    ),
    # sandbox break-phase-2
    "help.byodkim sandbox break-phase-2": (
        "Fail a phase-2 update the way the Windows-built layer did (UPDATE_ROLLBACK_COMPLETE), to rehearse the recovery.\n\nOnly against a running sandbox: AWS_ENDPOINT_URL must answer as byodkim's emulator.",
        "Windows でビルドしたレイヤーのときと同じ形でフェーズ 2 の更新を失敗させます (UPDATE_ROLLBACK_COMPLETE)。復旧手順のリハーサル用です。\n\n動いているサンドボックスに対してのみ実行できます: AWS_ENDPOINT_URL が byodkim のエミュレーターとして応答する必要があります。",
    ),
}
