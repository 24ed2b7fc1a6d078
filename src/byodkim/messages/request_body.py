# ruff: noqa: E501, RUF001 - a table of whole sentences, English and Japanese side by side; full-width punctuation is right in Japanese
"""The DNS change request's body, in Markdown (dkim/request.py): the DKIM record's, and Easy DKIM's after a rollback."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "request.body": (
        """\
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
""",
        """\
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
""",
    ),
    "request.easy": (
        """\
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
""",
        """\
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
""",
    ),
    "request.easy_region": (
        """\

### SES region {region}

```
{lines}
```

In a DNS console: host names {hosts}, type `CNAME`, each value `TOKEN.dkim.amazonses.com` as above.
""",
        """\

### SES リージョン {region}

```
{lines}
```

DNS 管理画面では、ホスト名 {hosts}、タイプ `CNAME`、値は上記のとおり `TOKEN.dkim.amazonses.com` です。
""",
    ),
}
