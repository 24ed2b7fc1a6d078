"""The request a DNS team receives: what to publish, how to check it, what to avoid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from byodkim.dkim.names import record_name, unicode_form
from byodkim.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from byodkim.dkim.record import DkimRecord

LANGS = ("en", "ja")


@dataclass(frozen=True)
class RequestFields:
    """Who asks, and by when; blank fields are left for the requester to fill."""

    requester: str = ""
    deadline: str = ""
    mail_from: str = ""  # a custom MAIL FROM domain (mail.DOMAIN): its MX and SPF records are asked for too
    region: str = ""  # the SES region its MX points at (feedback-smtp.REGION.amazonses.com)
    reports_address: str = ""  # the rua address SES receives DMARC reports at: its MX (and more) are asked for too


def render_request(record: DkimRecord, lang: str = "en", fields: RequestFields | None = None) -> str:
    """Return the Markdown request for publishing ``record``."""
    fields = fields or RequestFields()
    from byodkim.messages import say, text_of

    if lang not in LANGS:
        raise InputError(say("request.bad_lang", lang=lang), say("request.bad_lang_hint"))
    blank = text_of("request.blank", lang)
    text = (_JA if lang == "ja" else _EN).format(**_values(record, fields, blank))
    if fields.mail_from:
        text += mail_from_section(fields.mail_from, fields.region or "REGION", lang)
    if fields.reports_address:
        text += reporting_section(record.domain, fields.reports_address, fields.region or "REGION", lang)
    return text


def check_reports_address(value: str) -> str:
    """Return a DMARC report (rua) address, its domain normalised; refuse anything else (an InputError)."""
    from byodkim.dkim.names import normalize_domain
    from byodkim.messages import say

    local, at, domain = value.strip().removeprefix("mailto:").rpartition("@")
    if not at or not local or any(c in local for c in ' <>,;"\\'):
        raise InputError(say("request.bad_reports_address", value=value), say("request.bad_reports_address_hint"))
    return f"{local}@{normalize_domain(domain)}"


def _organizational(domain: str) -> str:
    from publicsuffixlist import PublicSuffixList

    return str(PublicSuffixList().privatesuffix(domain) or domain)


def reporting_records(domain: str, address: str, region: str) -> tuple[list[str], list[str], str]:
    """Return the zone lines DMARC reports to ``address`` need, received by SES in ``region``.

    (MX for the address's domain; the external destination record RFC 7489 section 7.1 asks of a
    report domain outside the policy domain's organisation; the DMARC record's rua tag.)
    """
    rua_domain = address.rpartition("@")[2]
    mx = [f"{rua_domain}. 3600 IN MX 10 inbound-smtp.{region}.amazonaws.com."]
    outside = _organizational(rua_domain) != _organizational(domain)
    external = [f'{domain}._report._dmarc.{rua_domain}. 3600 IN TXT "v=DMARC1"'] if outside else []
    return mx, external, f"rua=mailto:{address}"


def reporting_section(domain: str, address: str, region: str, lang: str) -> str:
    """Return the request's part for DMARC reports: MX, the external destination record, the rua tag."""
    from byodkim.messages import render, say

    mx, external, rua = reporting_records(domain, address, region)
    rua_domain = address.rpartition("@")[2]
    parts = [
        f"\n## {render(say('request.reports_title', address=address), lang)}",
        render(say("request.reports_why", address=address, region=region), lang),
        "```\n" + "\n".join(mx) + "\n```",
    ]
    if external:
        parts += [
            render(say("request.reports_external", domain=domain, rua_domain=rua_domain), lang),
            "```\n" + "\n".join(external) + "\n```",
        ]
    parts += [render(say("request.reports_dmarc", domain=domain), lang), f"```\n{rua}\n```"]
    return "\n\n".join(parts) + "\n"


def mail_from_records(mail_from: str, region: str) -> list[str]:
    """Return the zone lines a custom MAIL FROM domain needs (SES guide, mail-from-set)."""
    return [
        f"{mail_from}. 3600 IN MX 10 feedback-smtp.{region}.amazonses.com.",
        f'{mail_from}. 3600 IN TXT "v=spf1 include:amazonses.com ~all"',
    ]


def mail_from_section(mail_from: str, region: str, lang: str) -> str:
    """Return the request's part for the MAIL FROM records, so SPF aligns with the From domain."""
    from byodkim.messages import render, say

    lines = "\n".join(mail_from_records(mail_from, region))
    title, why = say("request.mail_from_title", mail_from=mail_from), say("request.mail_from_why")
    return f"\n## {render(title, lang)}\n\n{render(why, lang)}\n\n```\n{lines}\n```\n"


def _values(record: DkimRecord, fields: RequestFields, blank: str) -> dict[str, object]:
    relative = f"{record.selector}._domainkey"
    shown = unicode_form(record.domain)
    return {
        "domain": record.domain,
        # An IDN is entered in DNS consoles as punycode but recognised by people in Unicode: both.
        "zone": f"`{record.domain}`" + (f" ({shown})" if shown != record.domain else ""),
        "title_domain": f"{shown} ({record.domain})" if shown != record.domain else record.domain,
        "selector": record.selector,
        "name": record.name,
        "relative": relative,
        "doubled": f"{record.name}.{record.domain}",
        "ttl": record.ttl,
        "value": record.value,
        "value_len": len(record.value.encode()),
        "strings": len(record.strings),
        "zone_line": record.zone_line(),
        "requester": fields.requester or blank,
        "deadline": fields.deadline or blank,
    }


_EN = """\
# DNS change request: DKIM public key for {title_domain}

| Field | Value |
|---|---|
| Requester | {requester} |
| Needed by | {deadline} |
| Zone | {zone} |
| Purpose | Sign mail sent through Amazon SES with our own DKIM key (BYODKIM) |

## The record to add

| | |
|---|---|
| Name | `{name}.` (in the zone `{domain}`: `{relative}`) |
| Type | `TXT` |
| TTL | `{ttl}` (suggested) |
| Value | below, exactly as shown |

```
{value}
```

The value is {value_len} characters long. One DNS string holds at most 255, so it must be
published as {strings} strings inside **one** TXT record. The zone-file line below already does that:

```
{zone_line}
```

Please add this record only; do not change or remove other TXT records at this name or at
other `_domainkey` names.

## How to check it afterwards

Ask each authoritative server directly (not a caching resolver), so a lagging secondary shows up:

```
dig +short NS {domain}
dig +norecurse TXT {name}. @<each server from the list above>
```

Each server must answer with one TXT record whose strings, joined with nothing between them,
equal the value above, and the zone's SOA serial should be the same on every server:

```
dig +short SOA {domain} @<each server>
```

## Mistakes to avoid

- **Domain appended twice.** Many DNS consoles add the zone name to what you type. If the
  console asks for a host name, enter `{relative}` only; otherwise the record ends up at
  `{doubled}`, where no mail server looks.
- **One long string cut at 255.** Do not paste the value as one quoted string: it is rejected
  or silently truncated. Keep the split shown above, in one record.
- **Changed characters.** No line breaks, spaces or quotes inside the `p=` value; copy it
  from this file rather than from a chat window or a word processor.
- **Underscore refused.** `_domainkey` must keep its leading underscore.

## When it is done

Reply to the requester with the time of the change and the new SOA serial.
"""

_JA = """\
# DNS レコード追加のお願い（{title_domain} の DKIM 公開鍵）

| 項目 | 内容 |
|---|---|
| 依頼者 | {requester} |
| 希望完了日 | {deadline} |
| 対象ゾーン | {zone} |
| 目的 | Amazon SES から送信するメールに自社管理の DKIM 鍵で署名するため（BYODKIM） |

## 追加をお願いするレコード

| | |
|---|---|
| レコード名 | `{name}.`（ゾーン `{domain}` 内では `{relative}`） |
| タイプ | `TXT` |
| TTL | `{ttl}`（推奨値） |
| 値 | 下記のとおり（一字一句変えずに） |

```
{value}
```

値は {value_len} 文字あります。DNS の 1 つの文字列は 255 バイトまでのため、**1 つの** TXT
レコードの中に {strings} つの文字列に分けて登録する必要があります。下記のゾーンファイル形式の行は、
すでにそのように分割してあります。

```
{zone_line}
```

追加をお願いするのはこのレコードのみです。同じ名前や他の `_domainkey` の TXT レコードは変更・削除しないでください。

## 設定後の確認方法

キャッシュサーバーではなく、各権威サーバーに直接問い合わせてください（反映が遅れているセカンダリを見つけるためです）。

```
dig +short NS {domain}
dig +norecurse TXT {name}. @<上記で表示された各サーバー>
```

どのサーバーからも TXT レコードが 1 つ返り、その文字列を間を空けずに連結したものが上記の値と一致すれば完了です。
あわせて、ゾーンの SOA シリアルが全サーバーで同じであることもご確認ください。

```
dig +short SOA {domain} @<各サーバー>
```

## ご注意いただきたい点

- **ドメイン名の二重付与**：多くの DNS 管理画面は、入力したホスト名の後ろにゾーン名を自動で付けます。
  ホスト名の入力欄には `{relative}` のみを入力してください。そうしないと、メールサーバーが参照しない
  `{doubled}` にレコードが作られてしまいます。
- **255 バイトでの切り捨て**：値を 1 つの長い文字列として貼り付けると、エラーになるか、途中で切り捨てられます。
  上記の分割のまま、1 つのレコードとして登録してください。
- **文字の混入**：`p=` の値に改行・空白・引用符を入れないでください。チャットやワープロからではなく、このファイルから直接コピーしてください。
- **アンダースコア**：`_domainkey` の先頭のアンダースコアは必要です。削除しないでください。

## 作業完了後

作業日時と変更後の SOA シリアルを、依頼者までご連絡ください。
"""


def easy_dkim_records(domain: str, tokens: list[str]) -> list[str]:
    """Return Easy DKIM's CNAME records as BIND zone lines: TOKEN._domainkey.DOMAIN -> TOKEN.dkim.amazonses.com."""
    return [f"{record_name(domain, token)}. 1800 IN CNAME {token}.dkim.amazonses.com." for token in tokens]


def render_easy_dkim_request(
    domain: str, tokens: Mapping[str, list[str]], lang: str = "en", fields: RequestFields | None = None
) -> str:
    """Return the Markdown request for Easy DKIM's CNAME records (``tokens``: SES's, per region), after a rollback.

    SES signs the domain's mail with its own key (Easy DKIM) only once it finds these records;
    until then the domain's mail carries no signature of the domain: the request says so.
    """
    fields = fields or RequestFields()
    if lang not in LANGS:
        raise InputError(f"language `{lang}` is not supported", "use en or ja")
    ja = lang == "ja"
    blank = "（ご記入ください）" if ja else "(please fill in)"
    sections = []
    for region, found in tokens.items():
        hosts = ", ".join(f"`{t}._domainkey`" for t in found)
        lines = "\n".join(easy_dkim_records(domain, found))
        sections.append((_EASY_JA_REGION if ja else _EASY_EN_REGION).format(region=region, lines=lines, hosts=hosts))
    first = next(iter(tokens.values()), ["TOKEN"])[0]
    return (_EASY_JA if ja else _EASY_EN).format(
        domain=domain,
        title_domain=_values_title(domain),
        requester=fields.requester or blank,
        deadline=fields.deadline or blank,
        regions="".join(sections),
        first=record_name(domain, first),
        relative=f"{first}._domainkey",
    )


def _values_title(domain: str) -> str:
    shown = unicode_form(domain)
    return f"{shown} ({domain})" if shown != domain else domain


_EASY_EN_REGION = """
### SES region {region}

```
{lines}
```

In a DNS console: host names {hosts}, type `CNAME`, each value `TOKEN.dkim.amazonses.com` as above.
"""

_EASY_EN = """\
# DNS change request: Easy DKIM records for {title_domain}

| Field | Value |
|---|---|
| Requester | {requester} |
| Needed by | {deadline} |
| Zone | `{domain}` |
| Purpose | Amazon SES signs mail from {domain} with its own keys again (Easy DKIM) |

**Urgent:** until these records are published and SES has found them, mail from {domain}
goes out without {domain}'s DKIM signature, and receivers applying DMARC may reject it.

## The records to add

Three CNAME records for each SES region below.
{regions}
Please add these records only; keep every other `_domainkey` record as it is (mail signed
with the previous key may still be in flight).

## How to check it afterwards

Ask each authoritative server directly (not a caching resolver):

```
dig +short NS {domain}
dig +norecurse CNAME {first}. @<each server from the list above>
```

Each server must answer with the CNAME above, for each of the records.

## Mistakes to avoid

- **Domain appended twice.** If the console asks for a host name, enter `{relative}` (and the
  other two the same way), not the full name.
- **TXT instead of CNAME.** These are CNAME records pointing at `dkim.amazonses.com`.
- **Underscore refused.** `_domainkey` must keep its leading underscore.

## When it is done

Reply to the requester with the time of the change and the new SOA serial.
"""

_EASY_JA_REGION = """
### SES リージョン {region}

```
{lines}
```

DNS 管理画面では、ホスト名 {hosts}、タイプ `CNAME`、値は上記のとおり `TOKEN.dkim.amazonses.com` です。
"""

_EASY_JA = """\
# DNS レコード追加のお願い（{title_domain} の Easy DKIM）

| 項目 | 内容 |
|---|---|
| 依頼者 | {requester} |
| 希望完了日 | {deadline} |
| 対象ゾーン | `{domain}` |
| 目的 | Amazon SES が {domain} のメールに再び SES 管理の鍵で署名するため（Easy DKIM） |

**至急：** これらのレコードが登録され SES が確認するまで、{domain} のメールは {domain} の DKIM
署名なしで送信され、DMARC を適用する受信側で拒否されることがあります。

## 追加をお願いするレコード

以下の SES リージョンごとに CNAME レコードが 3 つあります。
{regions}
追加をお願いするのはこれらのレコードのみです。他の `_domainkey` のレコードは変更・削除しないでください（以前の鍵で署名したメールがまだ配送中の場合があります）。

## 設定後の確認方法

キャッシュサーバーではなく、各権威サーバーに直接問い合わせてください。

```
dig +short NS {domain}
dig +norecurse CNAME {first}. @<上記で表示された各サーバー>
```

どのサーバーからも、各レコードについて上記の CNAME が返れば完了です。

## ご注意いただきたい点

- **ドメイン名の二重付与**：ホスト名の入力欄には `{relative}` のように（残りの 2 つも同様に）入力し、完全な名前は入力しないでください。
- **TXT ではなく CNAME**：これらは `dkim.amazonses.com` を指す CNAME レコードです。
- **アンダースコア**：`_domainkey` の先頭のアンダースコアは必要です。削除しないでください。

## 作業完了後

作業日時と変更後の SOA シリアルを、依頼者までご連絡ください。
"""
