"""Where DMARC reports arrive: SES receiving's rule set, and the DNS records reporting needs."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "receiving.no_rule_set": (
        "receipt rule set `{rule_set}` does not exist in {region}",
        "受信ルールセット `{rule_set}` が {region} にありません",
    ),
    "receiving.no_rule_set_hint": (
        "set dmarc_reports_address in the Sceptre config and launch phase 8 first (docs/dmarc-report.md)",
        "先に Sceptre 設定の dmarc_reports_address を設定し、フェーズ 8 を launch してください (docs/dmarc-report.md)",
    ),
    "receiving.other_active": (
        (
            "receipt rule set `{active}` is active in {region}; SES allows one active set per account and region, "
            "and activating `{rule_set}` would stop every rule of `{active}`"
        ),
        (
            "{region} では受信ルールセット `{active}` が有効です。"
            "SES で有効にできるのはアカウント・リージョンごとに 1 つだけで、"
            "`{rule_set}` を有効にすると `{active}` のルールはすべて止まります"
        ),
    ),
    "receiving.other_active_hint": (
        (
            "add the reports rule to `{active}` instead, or, if `{active}` may stop, run "
            "`byodkim activate-receiving --replace-active {active}`"
        ),
        (
            "`{active}` にレポート用のルールを追加するか、`{active}` を止めてよい場合は "
            "`byodkim activate-receiving --replace-active {active}` を実行してください"
        ),
    ),
    "receiving.wrong_replace": (
        "`{named}` was named as the rule set to replace, but the active receipt rule set in {region} is `{active}`",
        "置き換える受信ルールセットとして `{named}` が指定されましたが、{region} で有効なのは `{active}` です",
    ),
    "receiving.wrong_replace_hint": (
        "look at `{active}` first; name it only if it may stop",
        "まず `{active}` を確認し、止めてよい場合だけその名前を指定してください",
    ),
    "receiving.activated": (
        "receipt rule set `{rule_set}` is now active in {region} (before: {before})",
        "受信ルールセット `{rule_set}` を {region} で有効にしました (以前: {before})",
    ),
    "receiving.already": (
        "receipt rule set `{rule_set}` is already active in {region}: nothing changed",
        "受信ルールセット `{rule_set}` はすでに {region} で有効です。変更はありません",
    ),
    "receiving.would": (
        "would activate receipt rule set `{rule_set}` in {region} (active now: {before}); nothing changed",
        "{region} で受信ルールセット `{rule_set}` を有効にします (現在有効: {before})。まだ変更していません",
    ),
    "receiving.none": ("none", "なし"),
    "request.reports_title": (
        "DMARC aggregate reports: records for {address}",
        "DMARC 集約レポート: {address} のためのレコード",
    ),
    "request.reports_why": (
        (
            "Receivers send a daily report of our mail to the `rua=` address of the DMARC record; Amazon SES "
            "receives the mail of {address} in {region}, so its domain needs this MX record."
        ),
        (
            "受信側は DMARC レコードの `rua=` のアドレスへ、当社メールの日次レポートを送ります。"
            "{address} 宛てのメールは "
            "Amazon SES ({region}) が受信するため、そのドメインにこの MX レコードが必要です。"
        ),
    ),
    "request.reports_external": (
        (
            "The report address is outside {domain}: receivers send reports there only if {rua_domain} says it "
            "accepts them, with this record in the zone `{rua_domain}`:"
        ),
        (
            "レポートの宛先が {domain} の外にあるため、{rua_domain} が受け取ることを示す"
            "次のレコードがゾーン `{rua_domain}` に"
            "ない限り、受信側はレポートを送りません:"
        ),
    ),
    "request.reports_dmarc": (
        (
            "The DMARC record of {domain} names the address in its `rua=` tag (keep its other tags, `p=` first of all, "
            "as they are):"
        ),
        (
            "{domain} の DMARC レコードは `rua=` タグでこのアドレスを指定します "
            "(`p=` をはじめ、ほかのタグはそのままにしてください):"
        ),
    ),
    "request.bad_reports_address": (
        "`{value}` is not a mail address",
        "`{value}` はメールアドレスではありません",
    ),
    "request.reports_at_suffix": (
        "`{value}` is at a public suffix, where no one receives mail for a domain",
        "`{value}` はパブリックサフィックスのアドレスで、ドメインのメールを受け取る人はいません",
    ),
    "request.bad_reports_address_hint": (
        "give the rua address of the DMARC record, e.g. dmarc@reports.goo.ne.jp",
        "DMARC レコードの rua のアドレスを指定してください (例: dmarc@reports.goo.ne.jp)",
    ),
    "reporting.needs_region": (
        "{option} needs the SES region receiving the reports",
        "{option} にはレポートを受信する SES のリージョンが必要です",
    ),
    "reporting.add_region": ("add {@region}, e.g. us-east-1", "{@region} を付けてください (例: us-east-1)"),
}
