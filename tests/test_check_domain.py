"""check-domain against a real BIND: SPF evaluated by pyspf, DMARC, DKIM and alignment for mail from SES."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord, quote_strings, split_txt
from byodkim.dnscheck.servers import Server
from byodkim.local.dns import zone_text
from byodkim.workflows.domaincheck import MET, NOT_MET, Posture, assess

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from byodkim.dnscheck.posture import SpfView
    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli

KEY = keys.generate()
SEL = "sel"


def _txt(name: str, value: str) -> str:
    return f"{name} TXT {quote_strings(split_txt(value))}"


def _dkim(domain: str) -> str:
    return _txt(f"{SEL}._domainkey", DkimRecord(domain, SEL, KEY.public.b64).value)


ZONES = {
    "amazonses.com": [_txt("@", "v=spf1 ip4:54.240.0.0/18 ip4:199.255.192.0/22 -all")],
    # BYODKIM, DMARC p=reject, custom MAIL FROM with SES in its SPF: everything met.
    "good.jp": [_dkim("good.jp"), _txt("_dmarc", "v=DMARC1; p=reject; rua=mailto:d@good.jp"),
                _txt("mail", "v=spf1 include:amazonses.com ~all"), "mail MX 10 feedback-smtp.ap-northeast-1.amazonses.com."],
    "lookups.jp": [_dkim("lookups.jp"), _txt("_dmarc", "v=DMARC1; p=none; rua=mailto:d@lookups.jp"),
                   _txt("mail", "v=spf1 " + " ".join(f"include:i{n}.lookups.jp" for n in range(11)) + " -all"),
                   *[_txt(f"i{n}", "v=spf1 ip4:192.0.2.1 -all") for n in range(11)]],
    "noses.jp": [_dkim("noses.jp"), _txt("_dmarc", "v=DMARC1; p=none; rua=mailto:d@noses.jp"),
                 _txt("mail", "v=spf1 ip4:192.0.2.0/24 -all")],
    "plusall.jp": [_dkim("plusall.jp"), _txt("_dmarc", "v=DMARC1; p=none; rua=mailto:d@plusall.jp"), _txt("@", "v=spf1 +all")],
    "nodmarc.jp": [_dkim("nodmarc.jp")],
    "org.jp": [_txt("_dmarc", "v=DMARC1; p=quarantine; rua=mailto:d@org.jp"), _dkim("news.org.jp").replace(f"{SEL}._domainkey", f"{SEL}._domainkey.news")],
    "nomx.jp": [_dkim("nomx.jp"), _txt("_dmarc", "v=DMARC1; p=none; rua=mailto:d@nomx.jp"),
                _txt("mail", "v=spf1 include:amazonses.com ~all")],
    "strict.jp": [_txt("_dmarc", "v=DMARC1; p=reject; aspf=s; rua=mailto:d@strict.jp"),
                  _txt("mail", "v=spf1 include:amazonses.com -all")],
}  # fmt: skip


@pytest.fixture(scope="module")
def dns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNameServer]:
    from byodkim.local.dns import LocalNameServer
    from conftest import require_tool

    require_tool("named", "apt-get install bind9")
    server = LocalNameServer(
        {z: zone_text(z, 1, lines) for z, lines in ZONES.items()}, workdir=tmp_path_factory.mktemp("named")
    )
    with server:
        yield server


def _assess(dns: LocalNameServer, domain: str, mail_from: str | None = None) -> Posture:
    return assess(domain, SEL, (Server(dns.spec, "127.0.0.1", dns.port),), mail_from, None, KEY.public.fingerprint)


def _mf(posture: Posture) -> SpfView:
    assert posture.spf_mail_from is not None
    return posture.spf_mail_from


def test_everything_met(dns: LocalNameServer) -> None:
    posture = _assess(dns, "good.jp", "mail.good.jp")
    assert posture.ok
    assert (posture.dkim_aligned, posture.spf_aligned, posture.dmarc_passes) == (True, True, True)
    assert _mf(posture).result == "pass"
    assert _mf(posture).includes_ses


def test_too_many_lookups_is_named_with_its_count(dns: LocalNameServer) -> None:
    view = _mf(_assess(dns, "lookups.jp", "mail.lookups.jp"))
    assert view.lookups == 11
    assert view.result == "permerror"
    assert any("11 DNS lookups (the limit is 10)" in p for p in view.problems)


def test_spf_without_ses_fails_for_ses_but_dkim_still_carries_dmarc(dns: LocalNameServer) -> None:
    posture = _assess(dns, "noses.jp", "mail.noses.jp")
    spf_requirement = next(r for r in posture.requirements if r.name == "SPF")
    assert (_mf(posture).result, spf_requirement.state) == ("fail", NOT_MET)
    assert 'mail.noses.jp. TXT "v=spf1 include:amazonses.com ~all"' in spf_requirement.fix
    assert posture.dmarc_passes  # DKIM alone aligns


def test_plus_all_and_missing_dmarc_are_findings(dns: LocalNameServer) -> None:
    assert any("+all" in p for p in _assess(dns, "plusall.jp").spf_from.problems)
    posture = _assess(dns, "nodmarc.jp")
    dmarc = next(r for r in posture.requirements if r.name.startswith("DMARC"))
    assert dmarc.state == NOT_MET
    assert dmarc.fix == '_dmarc.nodmarc.jp. TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.jp"'
    assert not posture.ok


def test_dmarc_found_at_the_organizational_domain(dns: LocalNameServer) -> None:
    posture = _assess(dns, "news.org.jp")
    assert (posture.dmarc.found_at, posture.dmarc.policy) == ("org.jp", "quarantine")
    assert posture.dkim_aligned


def test_aspf_strict_with_a_subdomain_mail_from_never_aligns(dns: LocalNameServer) -> None:
    posture = _assess(dns, "strict.jp", "mail.strict.jp")
    assert _mf(posture).authorises_ses
    assert (posture.spf_aligned, posture.dkim_aligned, posture.dmarc_passes) == (False, False, False)
    alignment = next(r for r in posture.requirements if r.name.startswith("From aligned"))
    assert "aspf=s needs MAIL FROM strict.jp itself, not mail.strict.jp" in alignment.detail
    assert [r.state for r in posture.requirements][-2:] == ["not checkable from DNS"] * 2
    assert MET != NOT_MET


def test_the_command_exits_by_the_verdict(dns: LocalNameServer, cli: Cli, tmp_path: Path) -> None:
    keys.write_key_files(tmp_path, SEL, KEY)
    args = ("check-domain", "--no-ses", "--selector", SEL, "--public-key-file", tmp_path / f"{SEL}.public.pem",
            "--nameserver", dns.spec)  # fmt: skip
    good = cli(*args, "--domain", "good.jp", "--mail-from", "mail.good.jp")
    assert good.code == 0, good.out + good.err
    assert "DMARC for mail from SES passes (DKIM aligned: True; SPF aligned: True)" in good.out
    bad = cli(*args, "--domain", "nodmarc.jp")
    assert bad.code == 1
    assert (
        '        add or change: _dmarc.nodmarc.jp. TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.jp"'
        in bad.out
    )
    # A rua= points at the command that reads what arrives there; no rua=, no pointer.
    assert (
        "  receivers' own verdicts arrive at mailto:d@good.jp: save them and run "
        "`byodkim dmarc-report PATH --domain good.jp`"
    ) in good.out.splitlines()
    assert "dmarc-report" not in bad.out.replace("dmarc-reports@", "")
    wrong = cli(*args, "--domain", "good.jp", "--mail-from", "mail.other.jp")
    assert (wrong.code, wrong.err) == (
        2,
        (
            "warning: good.jp is not declared in the Sceptre config (declared: goo.ne.jp)\n"
            "error: --mail-from `mail.other.jp` is not under good.jp; use a subdomain such as mail.good.jp\n"
        ),
    )


def test_ses_mail_from_is_read_and_checked_like_ses_does(
    dns: LocalNameServer, cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    """The identity's MAIL FROM (set as phase 3 would) is SUCCESS once its MX and SPF exist; check-domain uses it."""
    import boto3

    emulator.control("/_byodkim/config", {"dns_servers": [dns.spec]})
    ses = boto3.client("sesv2")
    ses.create_email_identity(
        EmailIdentity="good.jp",
        DkimSigningAttributes={"DomainSigningSelector": SEL, "DomainSigningPrivateKey": KEY.ses_private_key()},
    )
    ses.put_email_identity_mail_from_attributes(EmailIdentity="good.jp", MailFromDomain="mail.good.jp")
    attributes = ses.get_email_identity(EmailIdentity="good.jp")["MailFromAttributes"]
    assert (attributes["MailFromDomain"], attributes["MailFromDomainStatus"]) == ("mail.good.jp", "SUCCESS")
    ses.put_email_identity_mail_from_attributes(
        EmailIdentity="good.jp", MailFromDomain="bounce.good.jp"
    )  # no MX, no SPF
    assert ses.get_email_identity(EmailIdentity="good.jp")["MailFromAttributes"]["MailFromDomainStatus"] == "PENDING"
    ses.put_email_identity_mail_from_attributes(EmailIdentity="good.jp", MailFromDomain="mail.good.jp")
    keys.write_key_files(tmp_path, SEL, KEY)
    shown = cli("check-domain", "--domain", "good.jp", "--nameserver", dns.spec, "--region", "ap-northeast-1",
                "--public-key-file", tmp_path / f"{SEL}.public.pem")  # fmt: skip
    assert shown.code == 0, shown.out + shown.err
    assert "SES ap-northeast-1: DKIM EXTERNAL SUCCESS; MAIL FROM mail.good.jp SUCCESS" in shown.out
    assert "SPF mail.good.jp (MAIL FROM): v=spf1 include:amazonses.com ~all -> pass for SES" in shown.out


def test_japanese_and_markdown(dns: LocalNameServer, cli: Cli, tmp_path: Path) -> None:
    keys.write_key_files(tmp_path, SEL, KEY)
    args = ("check-domain", "--no-ses", "--selector", SEL, "--public-key-file", tmp_path / f"{SEL}.public.pem",
            "--nameserver", dns.spec, "--domain", "nodmarc.jp")  # fmt: skip
    ja = cli(*args, "--lang", "ja")
    assert ja.code == 1
    assert "SES から送るメールの DMARC 評価は pass (DKIM のアライメント: 一致、SPF のアライメント: 不一致)" in ja.out
    assert "合格" not in ja.out  # operators write an authentication result as pass/fail
    assert "DMARC (p=none 以上): 満たしていません" in ja.out
    markdown = cli(*args, "-o", "markdown")
    assert markdown.out.startswith("# nodmarc.jp: sending domain check\n")
    assert "## Sending posture (Gmail/Yahoo sender requirements)" in markdown.out


def test_a_mail_from_without_mx_never_aligns_spf(dns: LocalNameServer) -> None:
    posture = _assess(dns, "nomx.jp", "mail.nomx.jp")
    assert _mf(posture).authorises_ses
    assert (posture.mail_from_mx, posture.spf_aligned) == ([], False)
    spf_requirement = next(r for r in posture.requirements if r.name == "SPF")
    assert spf_requirement.state == NOT_MET
    assert "no MX at mail.nomx.jp for feedback-smtp.REGION.amazonses.com: SES falls back" in spf_requirement.detail


@pytest.mark.parametrize(
    ("domain", "mail_from", "code", "finding"),
    [
        ("good.jp", "mail.good.jp", 0, "DMARC for mail from SES passes (DKIM aligned: True; SPF aligned: True)"),
        ("good.jp", None, 0, "p=reject: mail that fails DMARC is refused by receivers"),
        ("lookups.jp", "mail.lookups.jp", 1, "problem: 11 DNS lookups (the limit is 10)"),
        ("noses.jp", "mail.noses.jp", 1, "SPF mail.noses.jp (MAIL FROM): v=spf1 ip4:192.0.2.0/24 -all -> fail for SES"),
        ("plusall.jp", None, 1, "problem: +all authorises every server on the internet: use ~all or -all"),
        ("nodmarc.jp", None, 1, "FIX DMARC (at least p=none): not met; no DMARC record at _dmarc.nodmarc.jp"),
        ("news.org.jp", None, 0, "(at _dmarc.org.jp; adkim=r aspf=r)"),
        ("strict.jp", "mail.strict.jp", 1, "aspf=s needs MAIL FROM strict.jp itself, not mail.strict.jp"),
        ("nomx.jp", "mail.nomx.jp", 1, "no MX at mail.nomx.jp"),
    ],
)
def test_each_case_has_its_finding_and_exit_code(
    dns: LocalNameServer, cli: Cli, tmp_path: Path, domain: str, mail_from: str | None, code: int, finding: str
) -> None:
    keys.write_key_files(tmp_path, SEL, KEY)
    args = ["check-domain", "--no-ses", "--selector", SEL, "--public-key-file", str(tmp_path / f"{SEL}.public.pem"),
            "--nameserver", dns.spec, "--domain", domain]  # fmt: skip
    if mail_from:
        args += ["--mail-from", mail_from]
    shown = cli(*args)
    assert shown.code == code, shown.out
    assert finding in shown.out


@pytest.fixture
def missing_configuration_set(dns: LocalNameServer, emulator: Emulator) -> None:
    """good.jp as phase 3 leaves it (BYODKIM, MAIL FROM), its default configuration set deleted since."""
    import boto3

    emulator.control("/_byodkim/config", {"dns_servers": [dns.spec]})
    ses = boto3.client("sesv2")
    ses.create_configuration_set(ConfigurationSetName="good-events")
    ses.create_email_identity(
        EmailIdentity="good.jp",
        DkimSigningAttributes={"DomainSigningSelector": SEL, "DomainSigningPrivateKey": KEY.ses_private_key()},
        ConfigurationSetName="good-events",
    )
    ses.put_email_identity_mail_from_attributes(EmailIdentity="good.jp", MailFromDomain="mail.good.jp")
    ses.delete_configuration_set(ConfigurationSetName="good-events")


@pytest.mark.usefixtures("missing_configuration_set")
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_the_verdict_is_the_same_in_every_format_and_language(
    dns: LocalNameServer, cli: Cli, output: str, lang: str
) -> None:
    shown = cli("check-domain", "--domain", "good.jp", "--nameserver", dns.spec, "--region", "ap-northeast-1",
                "-o", output, "--lang", lang)  # fmt: skip
    assert shown.code == 1, shown.out + shown.err
    gone = "ap-northeast-1: good-events does not exist; launch phase 3 again"
    if output == "json":
        verdict = json.loads(shown.out)
        assert (verdict["ok"], verdict["missingConfigurationSets"]) == (False, [gone])
    elif lang == "en":
        assert f"FIX configuration set: {gone}" in shown.out
    else:  # the missing set in Japanese too: the line a Japanese operator acts on
        assert (
            "要修正 設定セット: ap-northeast-1: good-events はありません。フェーズ 3 をもう一度起動してください"
            in shown.out
        )


@pytest.mark.usefixtures("missing_configuration_set")
def test_the_fleet_line_names_the_missing_configuration_set_too(dns: LocalNameServer, cli: Cli) -> None:
    shown = cli("check-domain", "--domain", "good.jp", "--domain", "nodmarc.jp", "--nameserver", dns.spec,
                "--region", "ap-northeast-1", "-o", "json")  # fmt: skip
    assert shown.code == 1, shown.out + shown.err
    good = next(json.loads(line) for line in shown.out.splitlines() if '"good.jp"' in line)
    assert (good["ok"], good["action"]) == (False, "not ready")
    assert "configuration set ap-northeast-1: good-events does not exist; launch phase 3 again" in good["detail"]


@pytest.mark.parametrize(
    ("domain", "mail_from"),
    [("lookups.jp", "mail.lookups.jp"), ("noses.jp", "mail.noses.jp"), ("plusall.jp", None), ("nodmarc.jp", None),
     ("strict.jp", "mail.strict.jp"), ("nomx.jp", "mail.nomx.jp"), ("good.jp", None)],
)  # fmt: skip
def test_japanese_keeps_every_findings_detail_and_fix(
    dns: LocalNameServer, cli: Cli, tmp_path: Path, domain: str, mail_from: str | None
) -> None:
    """check-domain --lang ja: each requirement with its detail, each fix English gives, no English sentence."""
    from test_japanese_sweep import english_sentences

    keys.write_key_files(tmp_path, SEL, KEY)
    args = ["check-domain", "--no-ses", "--selector", SEL, "--public-key-file", str(tmp_path / f"{SEL}.public.pem"),
            "--nameserver", dns.spec, "--domain", domain, *(["--mail-from", mail_from] if mail_from else [])]  # fmt: skip
    english, japanese = cli(*args, "--lang", "en"), cli(*args, "--lang", "ja")
    assert japanese.code == english.code
    states = ("満たしています", "満たしていません", "DNS からは確認できません")
    found = [
        line
        for line in japanese.out.splitlines()
        if line.startswith("  ") and line.split(": ", 1)[-1].startswith(states)
    ]
    assert len(found) == 6, japanese.out
    assert all(line.endswith(")") and " (" in line for line in found), japanese.out  # every detail kept
    fixes = [line for line in japanese.out.splitlines() if line.startswith("        対処: ")]
    assert len(fixes) == english.out.count("add or change: "), japanese.out
    assert [s for line in japanese.out.splitlines() for s in english_sentences(line)] == []


@pytest.mark.usefixtures("missing_configuration_set")
def test_the_fleet_lines_read_as_japanese(dns: LocalNameServer, cli: Cli) -> None:
    """check-domain with several domains, --lang ja: the unmet requirements and the missing set in Japanese."""
    from test_japanese_sweep import english_sentences

    shown = cli("check-domain", "--domain", "good.jp", "--domain", "nodmarc.jp", "--nameserver", dns.spec,
                "--region", "ap-northeast-1", "--lang", "ja")  # fmt: skip
    assert shown.code == 1, shown.out + shown.err
    assert "設定セット ap-northeast-1: good-events はありません。フェーズ 3 をもう一度起動してください" in shown.out
    assert "DMARC (p=none 以上)" in shown.out
    assert [s for line in (shown.out + shown.err).splitlines() for s in english_sentences(line)] == []
