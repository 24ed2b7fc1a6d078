"""Input written by others (a message, a TXT record) cannot hold the checker or drive the terminal (issue 29).

And the log redactor cuts the private key out in every shape it takes on its way through a log.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.parse
from typing import TYPE_CHECKING

import pytest

from byodkim.dkim import keys
from byodkim.dnscheck import mailcheck
from byodkim.errors import InputError
from byodkim.redacted_logs import REDACTED, redact

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Cli, NameServerFactory


@pytest.fixture
def sink() -> Iterator[socket.socket]:
    """A name server that takes queries and never answers: each query costs the whole timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.setblocking(False)
        yield server


def _queries(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            server.recv(4096)
        except BlockingIOError:
            return count
        count += 1


@pytest.fixture(scope="module")
def signer() -> keys.SigningKey:
    return keys.generate()


def _message(key: keys.SigningKey, signatures: int, domain: str = "goo.ne.jp") -> bytes:
    """Return a message with ``signatures`` real DKIM signatures (selectors s0, s1, ...), each a DNS query."""
    from byodkim.dnscheck import receiver

    message = receiver.test_message("goo.ne.jp")
    for n in range(signatures):
        message = receiver.sign(message, key, "goo.ne.jp", f"s{n}")
    return message.replace(b"d=goo.ne.jp;", f"d={domain};".encode())


def test_two_hundred_signatures_are_refused_before_any_dns_query(
    cli: Cli, tmp_path: Path, sink: socket.socket, signer: keys.SigningKey
) -> None:
    path = tmp_path / "hostile.eml"
    path.write_bytes(_message(signer, 200))
    where = f"127.0.0.1:{sink.getsockname()[1]}"
    result = cli("check-mail", path, "--nameserver", where, "--query-timeout", "0.1")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: the message carries 200 DKIM signatures; byodkim checks at most 10; "
        "mail from SES carries two; check a message as it was received\n"
    )
    assert _queries(sink) == 0  # bounded: nothing waited on the network


def test_up_to_the_cap_every_signature_is_judged(
    cli: Cli, tmp_path: Path, sink: socket.socket, signer: keys.SigningKey
) -> None:
    # One step off the guard: ten signatures are read and each one asked of the name server.
    path = tmp_path / "ten.eml"
    path.write_bytes(_message(signer, mailcheck.MAX_SIGNATURES))
    where = f"127.0.0.1:{sink.getsockname()[1]}"
    result = cli("check-mail", path, "--nameserver", where, "--query-timeout", "0.1", "-o", "json")
    assert result.code == 1, result.err
    assert len(json.loads(result.out)["signatures"]) == mailcheck.MAX_SIGNATURES
    assert _queries(sink) >= mailcheck.MAX_SIGNATURES


def test_a_message_over_the_size_cap_is_refused(monkeypatch: pytest.MonkeyPatch, signer: keys.SigningKey) -> None:
    monkeypatch.setattr(mailcheck, "MAX_MESSAGE_BYTES", 2000)
    fits = _message(signer, 1)
    fits += b"x" * (2000 - len(fits))
    assert mailcheck.read_message(fits)  # exactly at the cap: read
    with pytest.raises(InputError, match="over the 0 MB SES sends"):
        mailcheck.read_message(fits + b"x")


ESCAPES = "\x1b[2J\x1b]0;owned\x07\u202e"


def test_escape_sequences_from_a_message_are_shown_not_acted_on(
    cli: Cli, tmp_path: Path, sink: socket.socket, signer: keys.SigningKey
) -> None:
    path = tmp_path / "escapes.eml"
    path.write_bytes(_message(signer, 1, domain=f"goo.ne.jp{ESCAPES}"))
    where = f"127.0.0.1:{sink.getsockname()[1]}"
    result = cli("check-mail", path, "--nameserver", where, "--query-timeout", "0.1")
    shown = result.out + result.err
    assert "d=goo.ne.jp\\x1b" in shown  # shown as an escape, so the reader sees something is there
    for char in ("\x1b", "\x07", "\u202e"):
        assert char not in shown


def test_escape_sequences_from_a_txt_record_are_shown_not_acted_on(
    cli: Cli, name_server: NameServerFactory, tmp_path: Path
) -> None:
    from byodkim.local.dns import zone_text

    keys.write_key_files(tmp_path, "s1", keys.generate())
    public = tmp_path / "s1.public.pem"
    # BIND's zone syntax: \027 is ESC, \007 BEL, inside the TXT string.
    line = 's1._domainkey 300 IN TXT "v=DKIM1; k=rsa; p=\\027[2J\\027]0;owned\\007"'
    server = name_server({"goo.ne.jp": zone_text("goo.ne.jp", 1, [line])})
    result = cli(
        "verify", "--domain", "goo.ne.jp", "--selector", "s1", "--public-key-file", public, "--nameserver", server.spec
    )
    shown = result.out + result.err
    assert result.code != 0
    assert "\\x1b" in shown
    for char in ("\x1b", "\x07"):
        assert char not in shown


@pytest.fixture(scope="module")
def der_b64() -> str:
    return keys.generate().ses_private_key()


def _pieces(text: str) -> list[str]:
    return [text[i : i + 40] for i in range(0, len(text) - 40, 20)]


def _assert_cut(line: str, secret: str) -> None:
    cut = redact(line)
    assert REDACTED in cut
    assert not [p for p in _pieces(secret) if p in cut]


def test_the_redactor_cuts_a_pem_body_wrapped_at_64_columns(der_b64: str) -> None:
    wrapped = "\n".join(der_b64[i : i + 64] for i in range(0, len(der_b64), 64))
    _assert_cut(f"read key:\n{wrapped}\nend", wrapped.replace("\n", ""))
    _assert_cut(f"read key:\n{wrapped}\nend", wrapped)


def test_the_redactor_cuts_a_wrapped_body_with_json_escaped_newlines(der_b64: str) -> None:
    wrapped = "\\n".join(der_b64[i : i + 64] for i in range(0, len(der_b64), 64))
    line = json.dumps({"body": wrapped.replace("\\n", "\n")})
    _assert_cut(line, der_b64)


def test_the_redactor_cuts_url_encoded_key_text(der_b64: str) -> None:
    encoded = urllib.parse.quote(der_b64, safe="")
    assert "%2B" in encoded or "%2F" in encoded
    _assert_cut(f"POST body: PrivateKey={encoded}&Selector=s1", encoded)


def test_the_redactor_cuts_base64url_key_text(der_b64: str) -> None:
    urlsafe = base64.urlsafe_b64encode(base64.b64decode(der_b64)).decode()
    _assert_cut(f'{{"kty":"RSA","d":"{urlsafe}"}}', urlsafe)


def test_the_redactor_leaves_names_and_prose_alone() -> None:
    # One step off: long hyphenated names, ARNs and ordinary wrapped sentences are not keys.
    name = "aws-ses-migration-prod-prod-phase-7-dns-validation-dkim-activation-" * 2
    arn = "arn:aws:cloudformation:ap-northeast-1:123456789012:stack/aws-ses-migration-prod-prod-security/0a1b2c3d"
    prose = "\n".join(["the record is published on every server now"] * 6)
    for text in (name, arn, prose):
        assert redact(text) == text


def test_an_endpoint_that_answers_a_web_page_is_one_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS_ENDPOINT_URL at a local web server (not AWS, not dead): its 404 page is one line, not the page."""
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # SESv2 reads are GETs
            body = "<!DOCTYPE HTML>\n<html>\n<head><title>Error</title></head>\n<body>\n" + "<p>x</p>\n" * 200
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
        done = cli("status", "--domain", "goo.ne.jp", "--no-dns", "--lang", "en")
    finally:
        server.shutdown()
        server.server_close()
    assert done.code != 0
    lines = (done.out + done.err).splitlines()
    assert len(lines) == 1, lines  # a 404 is not retried: the one error line and nothing else
    assert lines[0].startswith("ap-northeast-1: error: GetEmailIdentity failed: 404: <!DOCTYPE HTML> <html> <head>")
    assert len(lines[0]) < 400
