# ruff: noqa: E501, RUF001 - a table of whole sentences, English and Japanese side by side; full-width punctuation is right in Japanese
"""The rollout memo of ``byodkim report`` (workflows/rollout_memo.py) and the next steps it phrases (workflows/nextstep.py)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "memo.title": (
        "BYODKIM rollout status: {domain} ({env})",
        "BYODKIM 移行状況: {domain} ({env})",
    ),
    "memo.generated": (
        "Generated {when} by byodkim report.",
        "{when} に byodkim report で作成。",
    ),
    "memo.stacks": (
        "Stacks",
        "スタック",
    ),
    "memo.layer": (
        "Lambda layer",
        "Lambda レイヤー",
    ),
    "memo.no_layer": (
        "no cryptography layer published yet",
        "cryptography レイヤーはまだ発行されていません",
    ),
    "memo.layer_line": (
        "{name} version {version} ({runtimes}, {archs}); the function uses version {used}",
        "{name} バージョン {version} ({runtimes}, {archs})。関数が使っているバージョン: {used}",
    ),
    "memo.dns_count": (
        "{good}/{total} servers publish the key at {name}",
        "{name} の鍵を公開している権威サーバー: {good}/{total} 台",
    ),
    "memo.serial": (
        "serial",
        "シリアル",
    ),
    "memo.ses": (
        "SES DKIM per region",
        "リージョンごとの SES DKIM 状態",
    ),
    "memo.no_identity": (
        "no identity",
        "ID なし",
    ),
    "memo.dns": (
        "DKIM record on the authoritative servers",
        "権威サーバー上の DKIM レコード",
    ),
    "memo.no_dns": (
        "no BYODKIM selector registered yet: nothing to check",
        "BYODKIM のセレクタがまだ登録されていないため、確認対象がありません",
    ),
    "memo.next": (
        "Next step",
        "次の作業",
    ),
    "memo.mail": (
        "Test message through SES, as a receiver judges it",
        "SES 経由のテストメール (受信側の判定)",
    ),
    "memo.posture": (
        "Sending posture (Gmail/Yahoo sender requirements)",
        "送信要件 (Gmail/Yahoo の送信者ガイドライン)",
    ),
    "memo.posture_title": (
        "{domain}: sending domain check",
        "{domain}: 送信ドメイン認証の確認",
    ),
    "memo.posture_pass": (
        "DMARC passes for mail from SES ({how} aligned with the From domain)",
        "SES から送るメールの DMARC 評価は pass ({how} が From ドメインとアライメント一致)",
    ),
    "memo.posture_fail": (
        "DMARC fails for mail from SES: neither DKIM nor SPF aligns with the From domain",
        "SES から送るメールの DMARC 評価は fail: DKIM も SPF も From ドメインとアライメント一致していません",
    ),
    "memo.met": (
        "met",
        "満たしています",
    ),
    "memo.fix_line": (
        "fix: {fix}",
        "対処: {fix}",
    ),
    "memo.not met": (
        "not met",
        "満たしていません",
    ),
    "memo.not checkable from DNS": (
        "not checkable from DNS",
        "DNS からは確認できません",
    ),
    "memo.no_mail": (
        "none checked yet (byodkim send-test)",
        "まだ確認していません (byodkim send-test)",
    ),
    "memo.mail_pass": (
        "{at} {region}: DMARC passes on DKIM: d={d} s={s} (message {id})",
        "{at} {region}: DKIM による DMARC 評価は pass: d={d} s={s} (メッセージ {id})",
    ),
    "memo.mail_fail": (
        "{at} {region}: no signature aligned with the From domain verifies (message {id})",
        "{at} {region}: From ドメインとアライメント一致する署名を検証できません (メッセージ {id})",
    ),
    "memo.cause": (
        "cause: {resource} ({type}): {reason}",
        "原因: {resource} ({type}): {reason}",
    ),
    "memo.way_out": (
        "way out: {command}",
        "復旧手順: {command}",
    ),
    "memo.fix": (
        "Recover stack {stack} ({status}); the cause is shown above.",
        "スタック {stack} ({status}) を復旧してください。原因は上記のとおりです。",
    ),
    "memo.launch": (
        "Launch the stacks that are not deployed: {stacks}.",
        "未デプロイのスタックを作成してください: {stacks}。",
    ),
    "memo.register": (
        "Register the key with SES in: {regions}.",
        "次のリージョンで SES に鍵を登録してください: {regions}。",
    ),
    "memo.foreign_key": (
        "SES signs with a key byodkim did not register (selector {selector} in {regions}; a test key?). Register the production key: it is stored in Secrets Manager and switched in once its record is live.",
        "SES は byodkim が登録していない鍵で署名しています（{regions} のセレクタ {selector}。テスト用の鍵では？）。本番用の鍵を登録してください。鍵は Secrets Manager に保管され、レコードが公開されてから切り替わります。",
    ),
    "memo.wait": (
        "Wait for SES to find the record and report SUCCESS (up to 72 hours).",
        "SES がレコードを確認して SUCCESS になるまで待ちます（最大 72 時間）。",
    ),
    "memo.failed": (
        "SES gave up (FAILED). With the record live everywhere, register again to restart verification.",
        "SES の確認が失敗しました (FAILED)。全サーバーでレコードが公開されていることを確認のうえ、再登録して確認をやり直してください。",
    ),
    "memo.done": (
        "BYODKIM is active in every region. Keep the record; rotate keys with byodkim rotate when due.",
        "すべてのリージョンで BYODKIM が有効です。レコードは残したままにし、鍵の更新時期には byodkim rotate を使ってください。",
    ),
    "memo.then": (
        "Then: {step}",
        "その後: {step}",
    ),
    "memo.rolled_back": (
        "The last update of {stacks} was rolled back: it runs its previous configuration. Fix the cause shown above and launch it again; if Sceptre then says 'No updates', what is in git is what runs.",
        "{stacks} の直近の更新はロールバックされ、以前の設定で動いています。上記の原因を直して再度 launch してください。Sceptre が 'No updates' と表示した場合は、git の設定どおりに動いています。",
    ),
    "memo.config_selector": (
        "The Sceptre config says `selector: {config}` but SES signs with {ses} in {regions}: change that line in {file} to `selector: {ses}`, so the next launch and phases 4, 5 and 7 use the key SES holds.",
        "Sceptre の設定は `selector: {config}` ですが、SES は {regions} で {ses} で署名しています。{file} のその行を `selector: {ses}` に変えてください。次の launch とフェーズ 4、5、7 が SES の鍵を使うようになります。",
    ),
    "memo.dns_next": (
        "Ask the DNS team to publish the record (byodkim dns-request), then wait until every authoritative server has it.",
        "DNS チームにレコードの公開を依頼し (byodkim dns-request)、すべての権威サーバーに反映されるまで待ってください。",
    ),
    # check-domain's requirements by name (English: the name itself).
    "memo.req.SPF": (
        "SPF",
        "SPF",
    ),
    "memo.req.DKIM": (
        "DKIM",
        "DKIM",
    ),
    "memo.req.DMARC (at least p=none)": (
        "DMARC (at least p=none)",
        "DMARC (p=none 以上)",
    ),
    "memo.req.From aligned with SPF or DKIM": (
        "From aligned with SPF or DKIM",
        "From ドメインと SPF または DKIM のアライメント",
    ),
    "memo.req.One-click unsubscribe (RFC 8058) for marketing mail": (
        "One-click unsubscribe (RFC 8058) for marketing mail",
        "マーケティングメールのワンクリック購読解除 (RFC 8058)",
    ),
    "memo.req.Spam rate under 0.3%": (
        "Spam rate under 0.3%",
        "迷惑メール率 0.3% 未満 (フェーズ 8 のダッシュボード)",
    ),
}
