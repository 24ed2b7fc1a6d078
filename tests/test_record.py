"""The DKIM record: the 255-octet split, its formats, and a real BIND serving it."""

from __future__ import annotations

import base64
import functools
import json
import subprocess
from typing import TYPE_CHECKING

import dkim
import dns.message
import dns.query
import dns.rdatatype
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from byodkim.dkim import keyload, keys
from byodkim.dkim.record import DkimRecord, parse_tags, quote_strings, split_txt, unquote_txt
from byodkim.local.dns import zone_text
from conftest import Cli, NameServerFactory, require_tool

if TYPE_CHECKING:
    from pathlib import Path


@given(st.text(max_size=2000))
def test_split_keeps_every_octet_and_respects_the_limit(value: str) -> None:
    pieces = split_txt(value)
    assert "".join(pieces) == value
    assert all(len(p.encode()) <= 255 for p in pieces)
    assert all(pieces) or value == ""


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=3000))
def test_split_is_minimal_for_ascii(value: str) -> None:
    assert len(split_txt(value)) == max(1, -(-len(value) // 255))


@given(
    st.lists(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300), min_size=1, max_size=5)
)
def test_quote_then_unquote_round_trips(strings: list[str]) -> None:
    assert unquote_txt(quote_strings(strings)) == "".join(strings)


_POOL_SIZES = (1024, 2048, 2048)


@functools.cache
def _pool(index: int) -> rsa.RSAPrivateKey:
    """The keys the conversions are tried on, made when first used (not at import: every xdist worker collects this file)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=_POOL_SIZES[index])


def _encodings(key: rsa.RSAPrivateKey) -> dict[str, bytes]:
    pem1 = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    pem8 = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    der8 = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {
        "pkcs1": pem1,
        "pkcs8": pem8,
        "der8": der8,
        "body8": base64.b64encode(der8),
        "body8-wrapped": b"\n".join(base64.encodebytes(der8).splitlines()),
    }


@settings(deadline=None)  # correctness, not speed: loading RSA keys on a busy CI host can take >200 ms
@given(
    index=st.integers(0, len(_POOL_SIZES) - 1),
    form=st.sampled_from(["pkcs1", "pkcs8", "der8", "body8", "body8-wrapped"]),
    crlf=st.booleans(),
    bom=st.sampled_from(["none", "utf-8", "utf-16", "utf-16-le"]),
    trailing=st.sampled_from(["", "\n", "\n\n", "  \r\n"]),
)
def test_key_conversions_always_reach_the_same_pkcs1(
    index: int, form: str, crlf: bool, bom: str, trailing: str
) -> None:
    private = _pool(index)
    expected = base64.b64encode(
        private.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    ).decode()
    data = _encodings(private)[form]
    if form != "der8":
        text = data.decode() + trailing
        if crlf:
            text = text.replace("\n", "\r\n")
        data = {
            "none": text.encode(),
            "utf-8": b"\xef\xbb\xbf" + text.encode(),
            "utf-16": text.encode("utf-16"),
            "utf-16-le": text.encode("utf-16-le"),
        }[bom]
    assert keyload.key_from_bytes(data, "k").ses_private_key() == expected


def test_parse_tags() -> None:
    assert parse_tags("v=DKIM1; k=rsa; p=AB CD\n EF") == {"v": "DKIM1", "k": "rsa", "p": "ABCDEF"}
    assert parse_tags("v=DKIM1; k=rsa; junk") is None
    assert parse_tags("p=A; p=B") is None


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> tuple[DkimRecord, Path]:
    folder = tmp_path_factory.mktemp("rec")
    key = keys.generate(2048)
    keys.write_key_files(folder, "gooid-21-pro-20250912-1", key)
    return DkimRecord(
        "goo.ne.jp", "gooid-21-pro-20250912-1", key.public.b64
    ), folder / "gooid-21-pro-20250912-1.private.pem"


def test_formats(cli: Cli, record: tuple[DkimRecord, Path]) -> None:
    rec, private = record
    args = ("dns-record", "--domain", "goo.ne.jp", "--selector", rec.selector, "--key-file", private, "--ttl", "600")
    assert cli(*args).out == rec.value + "\n"
    data = json.loads(cli(*args, "--format", "json").out)
    assert data["name"] == "gooid-21-pro-20250912-1._domainkey.goo.ne.jp"
    assert (data["type"], data["ttl"]) == ("TXT", 600)
    assert "".join(data["strings"]) == data["value"] == rec.value
    assert [len(s) for s in data["strings"]] == [255, len(rec.value) - 255]
    batch = json.loads(cli(*args, "--format", "route53").out)
    rrset = batch["Changes"][0]["ResourceRecordSet"]
    assert batch["Changes"][0]["Action"] == "UPSERT"
    assert rrset["Name"] == "gooid-21-pro-20250912-1._domainkey.goo.ne.jp."
    assert rrset["ResourceRecords"] == [{"Value": quote_strings(data["strings"])}]
    assert all(len(s) <= 255 for s in rrset["ResourceRecords"][0]["Value"].strip('"').split('" "'))
    bind = cli(*args, "--format", "bind").out
    assert bind.startswith('gooid-21-pro-20250912-1._domainkey.goo.ne.jp. 600 IN TXT "v=DKIM1; k=rsa; p=')


@pytest.mark.bind
def test_bind_line_loads_serves_and_verifies_a_signature(
    cli: Cli, name_server: NameServerFactory, record: tuple[DkimRecord, Path], tmp_path: Path
) -> None:
    rec, private = record
    line = cli(
        "dns-record", "--domain", "goo.ne.jp", "--selector", rec.selector, "--key-file", private, "--format", "bind"
    ).out.strip()
    zone = zone_text("goo.ne.jp", 7, [line])
    (tmp_path / "goo.zone").write_text(zone)
    checker = require_tool("named-checkzone", "apt-get install bind9-utils")
    checked = subprocess.run(
        [checker, "goo.ne.jp", str(tmp_path / "goo.zone")], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "loaded serial 7" in checked.stdout

    server = name_server({"goo.ne.jp": zone})
    answer = dns.query.udp(dns.message.make_query(f"{rec.name}.", "TXT"), "127.0.0.1", port=server.port, timeout=3)
    rrset = answer.find_rrset(answer.answer, dns.name.from_text(f"{rec.name}."), dns.rdataclass.IN, dns.rdatatype.TXT)
    (rdata,) = list(rrset)
    assert [len(s) for s in rdata.strings] == [255, len(rec.value) - 255]
    assert b"".join(rdata.strings).decode() == rec.value

    def from_bind(name: bytes, timeout: int = 5) -> bytes | None:
        query = dns.message.make_query(name.decode(), "TXT")
        reply = dns.query.udp(query, "127.0.0.1", port=server.port, timeout=timeout)
        for answer_rrset in reply.answer:
            if answer_rrset.rdtype == dns.rdatatype.TXT:
                return b"".join(next(iter(answer_rrset)).strings)
        return None

    message = b"From: ops@goo.ne.jp\r\nTo: user@example.com\r\nSubject: test\r\n\r\nHello from SES.\r\n"
    signature = dkim.sign(
        message, rec.selector.encode(), b"goo.ne.jp", private.read_bytes(), include_headers=[b"From", b"To", b"Subject"]
    )
    assert dkim.verify(signature + message, dnsfunc=from_bind)
    assert not dkim.verify(signature + message.replace(b"Hello", b"Jello"), dnsfunc=from_bind)
