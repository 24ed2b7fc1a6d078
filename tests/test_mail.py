"""Mail end to end: the emulated SES signs as SES does, and check-mail judges copies as a receiver does.

One real BIND serves the sending domains and amazonses.com (the emulator's own keys). The
emulated SES signs a message with the domain's BYODKIM key once SUCCESS, never while PENDING,
with its Easy DKIM key for an Easy DKIM identity, and always as d=amazonses.com. check-mail
(dkimpy underneath) gives each copy its exact verdict and exit code.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from agreement import mail_dkim
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord, quote_strings, split_txt
from byodkim.local.dns import zone_text
from byodkim.local.mailbox import published_records, sent_message

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli, NameServerFactory

SELECTOR = "gooid-21-pro-20250912-1"
KEY = keys.generate()


def _publish(server: LocalNameServer, zone: str, name: str, value: str) -> None:
    server.update(zone, add=[(f"{name}.", 300, "TXT", [quote_strings(split_txt(value))])])


@pytest.fixture
def mail_world(name_server: NameServerFactory, emulator: Emulator) -> tuple[LocalNameServer, Emulator]:
    server = name_server(
        {z: zone_text(z, 1) for z in ("goo.ne.jp", "pending.example", "easy.example", "amazonses.com")}
    )
    emulator.control("/_byodkim/config", {"dns_servers": [server.spec], "dkim_window": 3600.0})
    record = DkimRecord("goo.ne.jp", SELECTOR, KEY.public.b64)
    _publish(server, "goo.ne.jp", record.name, record.value)
    ses = boto3.client("sesv2")
    pending = DkimRecord("pending.example", SELECTOR, KEY.public.b64)
    _publish(server, "pending.example", pending.name, pending.value)
    for domain in ("goo.ne.jp", "pending.example"):
        ses.create_email_identity(
            EmailIdentity=domain,
            DkimSigningAttributes={"DomainSigningSelector": SELECTOR, "DomainSigningPrivateKey": KEY.ses_private_key()},
        )
    # SES sends only from a verified domain: pending.example is one whose new key (an unpublished
    # selector) is PENDING after a switch, the window in which SES's guide says mail leaves unsigned.
    assert ses.get_email_identity(EmailIdentity="pending.example")["DkimAttributes"]["Status"] == "SUCCESS"
    ses.put_email_identity_dkim_signing_attributes(
        EmailIdentity="pending.example",
        SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "next", "DomainSigningPrivateKey": KEY.ses_private_key()},
    )
    tokens = ses.create_email_identity(EmailIdentity="easy.example")["DkimAttributes"]["Tokens"]
    for token in tokens:
        server.update(
            "easy.example", add=[(f"{token}._domainkey.easy.example.", 300, "CNAME", [f"{token}.dkim.amazonses.com."])]
        )
    for name, value in published_records(emulator.endpoint):
        _publish(server, "amazonses.com", name, value)
    statuses = {
        d: ses.get_email_identity(EmailIdentity=d)["DkimAttributes"]["Status"]
        for d in ("goo.ne.jp", "pending.example", "easy.example")
    }
    assert statuses == {"goo.ne.jp": "SUCCESS", "pending.example": "PENDING", "easy.example": "SUCCESS"}
    return server, emulator


def _send(emulator: Emulator, sender: str, raw_from: str | None = None) -> bytes:
    ses = boto3.client("sesv2")
    content: Any
    if raw_from is None:
        content = {"Simple": {"Subject": {"Data": "test"}, "Body": {"Text": {"Data": "hello\n"}}}}
    else:
        data = f"From: {raw_from}\r\nTo: someone@example.net\r\nSubject: test\r\n\r\nhello\r\n".encode()
        content = {"Raw": {"Data": data}}
    sent = ses.send_email(
        FromEmailAddress=sender, Destination={"ToAddresses": ["someone@example.net"]}, Content=content
    )
    raw = sent_message(sent["MessageId"], emulator.endpoint)
    assert raw is not None
    return raw


def _check(cli: Cli, tmp_path: Path, raw: bytes, server: LocalNameServer, *extra: str) -> tuple[int, str]:
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    result = cli("check-mail", str(path), "--nameserver", server.spec, *extra)
    if not raw.startswith(b"From "):  # one message as received (an mbox line is a mail reader's, not mail)
        judged = json.loads(cli("check-mail", str(path), "--nameserver", server.spec, "-o", "json").out)
        ours = ["pass" if s["passed"] else "fail" for s in judged["signatures"]]
        assert mail_dkim(raw, server.port) == ours, "Mail::DKIM, a judge sharing no code with dkimpy, disagrees"
    return result.code, result.out + result.err


def test_byodkim_success_signs_as_the_domain_and_passes_aligned(
    mail_world: tuple[LocalNameServer, Emulator], cli: Cli, tmp_path: Path
) -> None:
    server, emulator = mail_world
    raw = _send(emulator, "dkim-check@goo.ne.jp")
    code, out = _check(cli, tmp_path, raw, server, "--selector", SELECTOR)
    assert code == 0, out
    assert f"dkim=pass header.d=goo.ne.jp header.s={SELECTOR} header.a=rsa-sha256" in out
    assert "dkim=pass header.d=amazonses.com" in out
    assert f"DMARC passes on DKIM: goo.ne.jp signed it (s={SELECTOR}), aligned with From goo.ne.jp." in out
    as_json = json.loads(
        cli("check-mail", str(tmp_path / "message.eml"), "--nameserver", server.spec, "-o", "json").out
    )
    assert (as_json["ok"], as_json["byodkim"]) == (True, True)
    assert [(s["domain"], s["passed"], s["from_signed"]) for s in as_json["signatures"]] == [
        ("amazonses.com", True, True),
        ("goo.ne.jp", True, True),
    ]
    # Saved by a mail client: LF line ends and an mbox "From " line are read as they come.
    mbox = b"From MAILER-DAEMON Sat Nov 28 00:00:00 2026\n" + raw.replace(b"\r\n", b"\n")
    assert _check(cli, tmp_path, mbox, server, "--selector", SELECTOR)[0] == 0
    ja = cli("check-mail", str(tmp_path / "message.eml"), "--nameserver", server.spec, "--lang", "ja")
    assert (
        f"DKIM による DMARC 評価: pass (goo.ne.jp の署名 (s={SELECTOR}) が From goo.ne.jp とアライメント一致)。"
        in ja.out
    )


def test_pending_is_signed_only_by_amazonses_and_does_not_align(
    mail_world: tuple[LocalNameServer, Emulator], cli: Cli, tmp_path: Path
) -> None:
    server, emulator = mail_world
    code, out = _check(cli, tmp_path, _send(emulator, "news@pending.example"), server)
    assert code == 1, out
    assert "header.d=pending.example" not in out
    assert "dkim=pass header.d=amazonses.com" in out
    assert "Only SES's own amazonses.com signature verifies: that never aligns with pending.example." in out


def test_easy_dkim_passes_aligned_but_not_with_the_rollouts_selector(
    mail_world: tuple[LocalNameServer, Emulator], cli: Cli, tmp_path: Path
) -> None:
    server, emulator = mail_world
    raw = _send(emulator, "news@easy.example")
    assert _check(cli, tmp_path, raw, server)[0] == 0
    code, out = _check(cli, tmp_path, raw, server, "--selector", SELECTOR)
    assert code == 1, out
    assert f"no signature aligned with From easy.example verifies with selector {SELECTOR}" in out


def test_a_body_changed_after_signing_fails_every_signature(
    mail_world: tuple[LocalNameServer, Emulator], cli: Cli, tmp_path: Path
) -> None:
    server, emulator = mail_world
    raw = _send(emulator, "dkim-check@goo.ne.jp").replace(b"hello", b"HELLO")
    code, out = _check(cli, tmp_path, raw, server)
    assert code == 1, out
    assert "dkim=pass" not in out
    assert out.count("body hash CHANGED after signing") == 2


def test_a_from_of_another_domain_passes_dkim_but_does_not_align(
    mail_world: tuple[LocalNameServer, Emulator], cli: Cli, tmp_path: Path
) -> None:
    server, emulator = mail_world
    code, out = _check(cli, tmp_path, _send(emulator, "dkim-check@goo.ne.jp", raw_from="news@other.example"), server)
    assert code == 1, out
    assert "DKIM d=goo.ne.jp s=gooid-21-pro-20250912-1 a=rsa-sha256: pass; not aligned with From other.example" in out
    assert "Only SES's own" not in out


def test_what_is_not_a_message_is_one_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(b"just some text\n")
    result = cli("check-mail", str(path))
    assert result.code == 2
    assert (
        result.err.strip()
        == "error: the message has no From header; save the whole message (Gmail: Show original, Download)"
    )


def test_send_test_sends_through_ses_and_judges_the_copy(
    mail_world: tuple[LocalNameServer, Emulator], cli: Cli
) -> None:
    server, _emulator = mail_world
    args = ["send-test", "--domain", "goo.ne.jp", "--to", "postmaster@goo.ne.jp", "--nameserver", server.spec]
    sent = cli(*args, "--from", "dkim-check@goo.ne.jp", "--selector", SELECTOR)
    assert sent.code == 0, sent.err
    assert sent.out.startswith("ap-northeast-1: sent ")
    assert f"DMARC passes on DKIM: goo.ne.jp signed it (s={SELECTOR}), aligned with From goo.ne.jp." in sent.out
    wrong = cli(*args, "--from", "news@other.example")
    assert wrong.code == 2
    assert wrong.err.strip() == (
        "error: --from `news@other.example` is not at goo.ne.jp; "
        "send from an address at goo.ne.jp, e.g. dkim-check@goo.ne.jp"
    )
