"""The DNS team's request, in English and Japanese."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from byodkim.dkim import keyload, keys
from byodkim.dkim.record import DkimRecord

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Cli


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("req")
    keys.write_key_files(folder, "s1", keys.generate(2048))
    return folder / "s1.private.pem"


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("en", ["# DNS change request", "Domain appended twice", "One long string cut at 255", "Requester | Taro Ops", "Needed by | 2026-12-01"]),
        ("ja", ["# DNS レコード追加のお願い", "ドメイン名の二重付与", "255 バイトでの切り捨て", "依頼者 | Taro Ops", "希望完了日 | 2026-12-01"]),
    ],
)  # fmt: skip
def test_request_carries_record_checks_and_fields(
    cli: Cli, key_file: Path, tmp_path: Path, lang: str, phrases: list[str]
) -> None:
    out = tmp_path / f"request-{lang}.md"
    result = cli(
        "dns-request", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", key_file,
        "--lang", lang, "--out", out, "--requester", "Taro Ops", "--deadline", "2026-12-01",
    )  # fmt: skip
    assert result.code == 0, result.err
    said = {  # the line speaks the request's language (--lang), as every command's --lang does
        "en": f"wrote {out} (en); send it to the DNS team\n",
        "ja": f"{out} に書き込みました (ja)。DNS チームに送ってください\n",
    }
    assert result.out == said[lang]
    text = out.read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff")
    assert "\r" not in text
    record = DkimRecord("goo.ne.jp", "s1", keyload.load_private_key(key_file).public.b64)
    assert record.zone_line() in text
    assert f"\n{record.value}\n" in text
    assert "s1._domainkey.goo.ne.jp.goo.ne.jp" in text
    assert "dig +norecurse TXT s1._domainkey.goo.ne.jp. @" in text
    for phrase in phrases:
        assert phrase in text


def test_request_blank_fields_and_stdout(cli: Cli, key_file: Path) -> None:
    result = cli("dns-request", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", key_file, "--lang", "ja")
    assert result.code == 0
    assert "依頼者 | （ご記入ください）" in result.out
    assert "PRIVATE" not in result.out


def test_request_needs_exactly_one_key(cli: Cli, key_file: Path) -> None:
    result = cli("dns-request", "--domain", "goo.ne.jp", "--selector", "s1")
    assert (result.code, result.err) == (2, "error: give exactly one of --key-file or --public-key-file\n")
    result = cli(
        "dns-request",
        "--domain",
        "goo.ne.jp",
        "--selector",
        "s1",
        "--key-file",
        key_file,
        "--public-key-file",
        key_file,
    )
    assert result.code == 2


def test_the_request_asks_for_the_mail_from_records_too(cli: Cli, tmp_path: Path) -> None:
    from byodkim.dkim import keys

    keys.write_key_files(tmp_path, "s1", keys.generate())
    args = ("dns-request", "--domain", "goo.ne.jp", "--selector", "s1", "--public-key-file", tmp_path / "s1.public.pem")
    for lang, heading in (("en", "## Records to add for the MAIL FROM domain mail.goo.ne.jp"),
                          ("ja", "## 追加をお願いするレコード (MAIL FROM: mail.goo.ne.jp)")):  # fmt: skip
        shown = cli(*args, "--lang", lang, "--mail-from", "mail.goo.ne.jp", "--region", "ap-northeast-1")
        assert shown.code == 0, shown.err
        assert heading in shown.out
        assert "mail.goo.ne.jp. 3600 IN MX 10 feedback-smtp.ap-northeast-1.amazonses.com." in shown.out
        assert 'mail.goo.ne.jp. 3600 IN TXT "v=spf1 include:amazonses.com ~all"' in shown.out
    missing = cli(*args, "--mail-from", "mail.goo.ne.jp")
    assert (missing.code, missing.err) == (
        2,
        "error: --mail-from needs the SES region its MX points at; add --region, e.g. ap-northeast-1\n",
    )


def test_the_request_texts_outside_its_template_are_catalogue_keys() -> None:
    """The blanks, the MAIL FROM part and the language refusal carry keys (no inline ``if ja`` left in request.py)."""
    from byodkim.dkim.request import RequestFields, render_request
    from byodkim.errors import InputError
    from byodkim.messages import Said, render

    record = DkimRecord("goo.ne.jp", "s1", keys.generate().public.b64)
    with pytest.raises(InputError) as refused:
        render_request(record, "fr")
    assert isinstance(refused.value.message, Said)
    assert render(refused.value.message, "ja") == "言語 `fr` には対応していません"
    japanese = render_request(record, "ja", RequestFields(mail_from="mail.goo.ne.jp", region="ap-northeast-1"))
    assert "（ご記入ください）" in japanese
    assert "SPF を From ドメインとアライメントさせるためのレコードです。" in japanese
    assert "(please fill in)" in render_request(record, "en")
