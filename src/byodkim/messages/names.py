"""Why a domain or a selector is refused, and what to give instead (dkim/names.py)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "domain.bad_idn": (
        "`{shown}` is not a valid internationalised domain name",
        "`{shown}` は正しい国際化ドメイン名ではありません",
    ),
    "domain.bad_idn_hint": (
        "check the spelling or give its xn-- form",
        "綴りを確認するか、xn-- の形で指定してください",
    ),
    "domain.empty": ("the domain is empty", "ドメインが空です"),
    "domain.give_mail_domain_eg": (
        "give the mail domain, e.g. goo.ne.jp",
        "メールのドメインを指定してください (例: goo.ne.jp)",
    ),
    "domain.email": (
        "`{shown}` is an email address, not a domain",
        "`{shown}` はメールアドレスで、ドメインではありません",
    ),
    "domain.email_hint": (
        "give only the part after @, e.g. {example}",
        "@ より後ろだけを指定してください (例: {example})",
    ),
    "domain.url": ("`{shown}` is a URL, not a domain", "`{shown}` は URL で、ドメインではありません"),
    "domain.url_hint": ("give only the host name, e.g. goo.ne.jp", "ホスト名だけを指定してください (例: goo.ne.jp)"),
    "domain.record_name": (
        "`{shown}` is a DKIM record name, not a domain",
        "`{shown}` は DKIM レコードの名前で、ドメインではありません",
    ),
    "domain.record_name_hint": (
        "give only the domain, e.g. {example}",
        "ドメインだけを指定してください (例: {example})",
    ),
    "domain.no_suffix": (
        "`{shown}` is not a domain with a suffix",
        "`{shown}` はサフィックスのあるドメインではありません",
    ),
    "domain.no_suffix_hint": ("give the full domain, e.g. goo.ne.jp", "ドメイン全体を指定してください (例: goo.ne.jp)"),
    "domain.empty_label": (
        "`{shown}` has an empty label (two dots in a row)",
        "`{shown}` に空のラベルがあります (ドットが 2 つ続いています)",
    ),
    "domain.empty_label_hint": ("remove the extra dot", "余分なドットを削除してください"),
    "domain.long_label": (
        "`{shown}` has a label longer than 63 characters",
        "`{shown}` に 63 文字より長いラベルがあります",
    ),
    "domain.check": ("check the domain", "ドメインを確認してください"),
    "domain.bad_label": (
        "`{shown}` has an invalid label `{label}`",
        "`{shown}` に正しくないラベル `{label}` があります",
    ),
    "domain.bad_label_hint": (
        "labels use letters, digits and inner hyphens only",
        "ラベルに使えるのは英字、数字、途中のハイフンだけです",
    ),
    "domain.too_long": ("`{shown}` is longer than 253 characters", "`{shown}` は 253 文字より長いです"),
    "domain.ip": (
        "`{shown}` looks like an IP address, not a domain",
        "`{shown}` は IP アドレスのようで、ドメインではありません",
    ),
    "domain.give_mail_domain": ("give the mail domain", "メールのドメインを指定してください"),
    "selector.empty": ("the selector is empty", "セレクタが空です"),
    "selector.empty_hint": (
        "give a selector, e.g. gooid-21-pro-20250912-1",
        "セレクタを指定してください (例: gooid-21-pro-20250912-1)",
    ),
    "selector.record_name": (
        "`{shown}` is a record name, not a selector",
        "`{shown}` はレコードの名前で、セレクタではありません",
    ),
    "selector.first_label": (
        "give only the first label, e.g. `{first}`",
        "最初のラベルだけを指定してください (例: `{first}`)",
    ),
    "selector.dots": (
        "`{shown}` is not a selector: a selector is one DNS label with no dots",
        "`{shown}` はセレクタではありません: セレクタはドットを含まない 1 つの DNS ラベルです",
    ),
    "selector.eg": ("e.g. `{first}`", "例: `{first}`"),
    "selector.too_long": (
        "selector `{shown}` is longer than 63 characters",
        "セレクタ `{shown}` は 63 文字より長いです",
    ),
    "selector.shorter": ("use a shorter selector", "短いセレクタを使ってください"),
    "selector.invalid": ("`{shown}` is not a valid selector", "`{shown}` は正しいセレクタではありません"),
    "selector.invalid_hint": (
        "use ASCII letters, digits and inner hyphens, e.g. gooid-21-pro-20250912-1",
        "ASCII の英字、数字、途中のハイフンを使ってください (例: gooid-21-pro-20250912-1)",
    ),
}
