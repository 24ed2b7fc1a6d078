"""Why a report could not be read: one key per reason, its sentence in English and Japanese."""

from __future__ import annotations

REASONS: dict[str, dict[str, str]] = {
    "en": {
        "too_big": "more than {mib} MiB once decompressed",
        "unreadable": "cannot be read: {detail}",
        "gzip_not_xml": "the gzip file does not hold XML",
        "not_a_report_file": "not a DMARC report: neither XML, gzip, zip nor mail",
        "zip_empty": "the zip file is empty",
        "mail_without_report": "a mail with no DMARC report attached (gzip, zip or XML)",
        "no_s3": "S3 is not available here",
        "missing": "no such file or folder",
        "no_field": "<{where}> has no <{field}>",
        "not_a_number": "<{field}> is not a whole number: `{value}`",
        "negative": "<{field}> is negative: {value}",
        "no_row": "a <record> has no <row>",
        "not_utf8": "refused XML: not UTF-8 (reports are UTF-8)",
        "long_prolog": "refused XML: a prolog longer than {kib} KiB",
        "doctype": "refused XML: a DOCTYPE (a report never needs a DTD or an entity)",
        "wrong_root": "not a DMARC aggregate report: the root is <{root}>",
        "malformed": "not well-formed XML (line {line}, column {column})",
        "empty": "empty",
        "no_section": "no <{section}>",
        "backwards": "the period ends before it begins ({begin} > {end})",
    },
    "ja": {
        "too_big": "展開すると {mib} MiB を超えます",
        "unreadable": "読み込めません: {detail}",
        "gzip_not_xml": "gzip ファイルの中身が XML ではありません",
        "not_a_report_file": "DMARC レポートではありません (XML、gzip、zip、メールのどれでもありません)",
        "zip_empty": "zip ファイルが空です",
        "mail_without_report": "DMARC レポートが添付されていないメールです (gzip、zip、XML のどれもありません)",
        "no_s3": "ここでは S3 を使えません",
        "missing": "ファイルもフォルダもありません",
        "no_field": "<{where}> に <{field}> がありません",
        "not_a_number": "<{field}> が整数ではありません: `{value}`",
        "negative": "<{field}> が負の数です: {value}",
        "no_row": "<record> に <row> がありません",
        "not_utf8": "XML を拒否しました: UTF-8 ではありません (レポートは UTF-8 です)",
        "long_prolog": "XML を拒否しました: 先頭部分が {kib} KiB を超えています",
        "doctype": "XML を拒否しました: DOCTYPE があります (レポートに DTD やエンティティは不要です)",
        "wrong_root": "DMARC 集約レポートではありません: ルート要素が <{root}> です",
        "malformed": "XML として正しくありません ({line} 行目、{column} 文字目)",
        "empty": "空です",
        "no_section": "<{section}> がありません",
        "backwards": "期間の終わりが始まりより前です ({begin} > {end})",
    },
}


def reason(key: str, lang: str = "en", values: dict[str, str] | None = None) -> str:
    """Return the sentence for ``key`` in ``lang``, filled with ``values``."""
    return REASONS[lang][key].format(**(values or {}))
