"""dns-request with --dmarc-reports-address: the records DMARC reports need, in English and Japanese."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Cli


def _args(tmp_path: Path) -> tuple[object, ...]:
    from byodkim.dkim import keys

    keys.write_key_files(tmp_path, "s1", keys.generate())
    return ("dns-request", "--domain", "goo.ne.jp", "--selector", "s1", "--public-key-file", tmp_path / "s1.public.pem")


def test_a_report_address_under_the_domain_needs_its_mx_and_the_rua_tag(cli: Cli, tmp_path: Path) -> None:
    args = _args(tmp_path)
    for lang, heading in (
        ("en", "## DMARC aggregate reports: records for dmarc@reports.goo.ne.jp"),
        ("ja", "## DMARC 集約レポート: dmarc@reports.goo.ne.jp のためのレコード"),
    ):
        shown = cli(
            *args, "--lang", lang, "--dmarc-reports-address", "dmarc@reports.goo.ne.jp", "--region", "us-east-1"
        )
        assert shown.code == 0, shown.err
        assert heading in shown.out
        assert "```\nreports.goo.ne.jp. 3600 IN MX 10 inbound-smtp.us-east-1.amazonaws.com.\n```" in shown.out
        assert "```\nrua=mailto:dmarc@reports.goo.ne.jp\n```" in shown.out
        assert "_report._dmarc" not in shown.out  # the same organisation: no external destination record


def test_a_report_address_outside_the_domain_needs_the_external_destination_record(cli: Cli, tmp_path: Path) -> None:
    shown = cli(*_args(tmp_path), "--dmarc-reports-address", "rua@reports.example.net", "--region", "us-east-1")
    assert shown.code == 0, shown.err
    assert "reports.example.net. 3600 IN MX 10 inbound-smtp.us-east-1.amazonaws.com." in shown.out
    assert 'goo.ne.jp._report._dmarc.reports.example.net. 3600 IN TXT "v=DMARC1"' in shown.out
    assert "in the zone `reports.example.net`" in shown.out


def test_a_bad_report_address_or_no_region_is_refused_naming_the_option(cli: Cli, tmp_path: Path) -> None:
    args = _args(tmp_path)
    bad = cli(*args, "--dmarc-reports-address", "reports.goo.ne.jp", "--region", "us-east-1")
    assert bad.code == 2
    assert "Invalid value for '--dmarc-reports-address': `reports.goo.ne.jp` is not a mail address" in bad.err
    for suffix in ("dmarc@ne.jp", "dmarc@NE.JP.", "dmarc@co.uk"):  # one step off: a mail address, at no one's domain
        at_suffix = cli(*args, "--dmarc-reports-address", suffix, "--region", "us-east-1")
        assert at_suffix.code == 2, suffix
        assert f"`{suffix}` is at a public suffix, where no one receives mail for a domain" in at_suffix.err
    assert cli(*args, "--dmarc-reports-address", "dmarc@example.co.uk", "--region", "us-east-1").code == 0
    no_region = cli(*args, "--dmarc-reports-address", "dmarc@reports.goo.ne.jp")
    assert (no_region.code, no_region.err) == (
        2,
        "error: --dmarc-reports-address needs the SES region receiving the reports; add --region, e.g. us-east-1\n",
    )
