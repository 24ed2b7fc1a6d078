"""check-mail one step off a single saved message: an mbox, mboxrd escapes, l=, a dead name server, Japanese.

Messages are signed by dkimpy with a key whose record real BIND serves; check-mail (dkimpy
underneath, its DNS answered by that BIND) gives each its exact verdict and exit code.
"""

from __future__ import annotations

import re
import socket
from typing import TYPE_CHECKING

import dkim
import dns.resolver
import pytest

from agreement import mail_dkim
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from byodkim.dnscheck import receiver
from byodkim.local.dns import zone_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from byodkim.local.dns import LocalNameServer
    from conftest import Cli, NameServerFactory

SELECTOR = "sel"
KEY = keys.generate()


@pytest.fixture
def dns_server(name_server: NameServerFactory) -> LocalNameServer:
    record = DkimRecord("goo.ne.jp", SELECTOR, KEY.public.b64)
    return name_server({"goo.ne.jp": zone_text("goo.ne.jp", 1, [record.zone_line()])})


def _message(n: int, body: str) -> bytes:
    return (
        f"From: news <news@goo.ne.jp>\r\nTo: someone@example.net\r\nSubject: issue {n}\r\n"
        f"Date: Sat, 28 Nov 2026 00:00:0{n} +0000\r\nMessage-ID: <m{n}@goo.ne.jp>\r\n\r\n{body}"
    ).encode()


def _signed(message: bytes, *, length: bool = False) -> bytes:
    header = dkim.sign(
        message, SELECTOR.encode(), b"goo.ne.jp", KEY.pkcs1_pem(), canonicalize=(b"relaxed", b"relaxed"),
        include_headers=receiver.SIGNED_HEADERS, length=length,
    )  # fmt: skip
    return bytes(header) + message


def _mboxrd(*messages: bytes) -> bytes:
    """Write messages as an mboxrd file does: a From line each, body lines '>*From ' quoted once more."""
    out = b""
    for message in messages:
        text = re.sub(rb"^(>*From )", rb">\1", message.replace(b"\r\n", b"\n"), flags=re.MULTILINE)
        out += (
            b"From news@goo.ne.jp Sat Nov 28 00:00:00 2026\n" + text + (b"" if text.endswith(b"\n") else b"\n") + b"\n"
        )
    return out


def _dkimpy_alone(message: bytes, server: LocalNameServer) -> bool:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], server.port

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
        return b"".join(next(iter(resolver.resolve(name.decode(), "TXT", lifetime=2.0))).strings)

    alone = bool(dkim.verify(message, dnsfunc=dnsfunc))
    # Mail::DKIM, sharing no code with dkimpy, must say the same of every message these tests judge.
    assert mail_dkim(message, server.port) == ["pass" if alone else "fail"], "Mail::DKIM disagrees with dkimpy"
    return alone


def _check(cli: Cli, tmp_path: Path, data: bytes, server: str, *extra: str) -> tuple[int, list[str]]:
    path = tmp_path / "mail.mbox"
    path.write_bytes(data)
    result = cli("check-mail", str(path), "--nameserver", server, "--query-timeout", "1", *extra)
    return result.code, (result.out + result.err).splitlines()


def test_every_message_of_an_mboxrd_is_judged_after_unescaping(
    cli: Cli, tmp_path: Path, dns_server: LocalNameServer
) -> None:
    first = _signed(_message(1, "Hello,\r\nFrom the team: news.\r\n>From a quote.\r\n"))
    second = _signed(_message(2, "Second issue.\r\n"))
    assert _dkimpy_alone(first, dns_server)  # dkimpy's own answer, given the unescaped messages: both pass
    assert _dkimpy_alone(second, dns_server)
    code, lines = _check(cli, tmp_path, _mboxrd(first, second), dns_server.spec)
    assert (code, lines) == (
        0,
        [
            f"message 1 <m1@goo.ne.jp>: pass (d=goo.ne.jp s={SELECTOR})",
            f"message 2 <m2@goo.ne.jp>: pass (d=goo.ne.jp s={SELECTOR})",
            "2/2 messages pass DMARC on DKIM",
        ],
    )
    # One step off: the second message's body changed after signing fails it, and only it; exit 1.
    broken = second.replace(b"Second", b"SECOND")
    assert not _dkimpy_alone(broken, dns_server)
    code, lines = _check(cli, tmp_path, _mboxrd(first, broken), dns_server.spec)
    assert code == 1
    assert lines[0] == f"message 1 <m1@goo.ne.jp>: pass (d=goo.ne.jp s={SELECTOR})"
    assert lines[1].startswith("message 2 <m2@goo.ne.jp>: fail (body hash mismatch")
    assert lines[2] == "1/2 messages pass DMARC on DKIM"


def test_l_is_reported_with_the_unsigned_tail_and_fails_when_strict(
    cli: Cli, tmp_path: Path, dns_server: LocalNameServer
) -> None:
    footer = "-- \r\nWin a prize: http://spoof.example/\r\n"
    message = _signed(_message(1, "Signed text.\r\n"), length=True) + footer.encode()
    assert _dkimpy_alone(message, dns_server)  # dkimpy passes it: l= is the signer's choice
    code, lines = _check(cli, tmp_path, message, dns_server.spec)
    assert code == 0, lines
    tail = len(footer) - 1  # relaxed body canonicalization drops the space of "-- "
    assert (
        f"  l=14: the signature covers only the first 14 octets of the body; the {tail} octets after them are "
        "unsigned (anyone can append text there)"
    ) in lines
    code, lines = _check(cli, tmp_path, message, dns_server.spec, "--strict")
    assert code == 1
    assert (
        f"DKIM d=goo.ne.jp s={SELECTOR} a=rsa-sha256: fail (l= leaves {tail} octets unsigned); aligned (strict) with From goo.ne.jp"
        in lines
    )
    assert lines[-1] == "DMARC would not pass on DKIM: no signature aligned with From goo.ne.jp verifies."


@pytest.fixture
def silent() -> Iterator[str]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{sink.getsockname()[1]}"


def test_a_name_server_that_never_answers_is_a_temperror_not_a_key_verdict(
    cli: Cli, tmp_path: Path, silent: str
) -> None:
    code, lines = _check(cli, tmp_path, _signed(_message(1, "Hello.\r\n")), silent)
    assert code == 1
    why = f"the key lookup did not complete: {silent}: no answer in 1 s"
    assert lines == [
        f"DKIM d=goo.ne.jp s={SELECTOR} a=rsa-sha256: temperror ({why}); aligned (strict) with From goo.ne.jp",
        "  body hash not checked (the key lookup did not complete); From signed; signed: from, to, subject, date, message-id",
        f"Authentication-Results: byodkim; dkim=temperror header.d=goo.ne.jp header.s={SELECTOR} header.a=rsa-sha256;",
        "    dmarc=temperror (dkim alignment) header.from=goo.ne.jp",
        (
            f"DMARC not evaluated on DKIM (temperror): the key of d=goo.ne.jp s={SELECTOR} could not be looked up "
            f"({why}); check again when the name servers answer."
        ),
    ]


def test_every_line_is_japanese_under_lang_ja(cli: Cli, tmp_path: Path, dns_server: LocalNameServer) -> None:
    message = _signed(_message(1, "Signed text.\r\n"), length=True) + b"footer\r\n"
    _code, lines = _check(cli, tmp_path, message, dns_server.spec, "--lang", "ja")
    shown = [line for line in lines if not line.lstrip().startswith(("Authentication-Results:", "dmarc="))]
    assert shown
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line) for line in shown), lines
    assert (
        lines[-1]
        == f"DKIM による DMARC 評価: pass (goo.ne.jp の署名 (s={SELECTOR}) が From goo.ne.jp とアライメント一致)。"
    )
    assert not [line for line in lines if "合格" in line]
    mbox = _mboxrd(_signed(_message(1, "a\r\n")), _signed(_message(2, "b\r\n")))
    _code, lines = _check(cli, tmp_path, mbox, dns_server.spec, "--lang", "ja")
    assert lines == [
        f"メッセージ 1 <m1@goo.ne.jp>: pass (d=goo.ne.jp s={SELECTOR})",
        f"メッセージ 2 <m2@goo.ne.jp>: pass (d=goo.ne.jp s={SELECTOR})",
        "2 通中 2 通が DKIM による DMARC 評価で pass",
    ]


def test_a_mailbox_message_that_is_not_mail_is_named_by_its_place(
    cli: Cli, tmp_path: Path, dns_server: LocalNameServer
) -> None:
    mbox = _mboxrd(_signed(_message(1, "a\r\n")), b"Subject: no sender\r\n\r\nhello\r\n")
    code, lines = _check(cli, tmp_path, mbox, dns_server.spec)
    assert (code, lines) == (
        2,
        [
            (
                "error: message 2 of 2 in the mailbox: the message has no From header; "
                "save the whole message (Gmail: Show original, Download)"
            )
        ],
    )
