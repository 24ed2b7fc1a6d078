"""The key loader against keys OpenSSL itself wrote, in every form users bring."""

from __future__ import annotations

import json
import os
import re
import stat
from typing import TYPE_CHECKING

import pytest
from cryptography.hazmat.primitives import serialization

from byodkim.cli.options import prefix
from byodkim.dkim import keyload, keys
from byodkim.dkim.record import DkimRecord
from byodkim.errors import KeyFileError

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Cli, OpenSSLKeys

ACCEPTED = [
    "pkcs1.pem",
    "pkcs8.pem",
    "pkcs1.der",
    "pkcs8.der",
    "body.b64",
    "body8.b64",
    "bom-crlf.pem",
    "utf16-bom.pem",
    "utf16le.pem",
]


@pytest.mark.parametrize("name", ACCEPTED)
def test_every_form_converts_to_the_same_pkcs1_der(openssl_keys: OpenSSLKeys, name: str) -> None:
    key = keyload.load_private_key(openssl_keys[name])
    assert key.ses_private_key() == openssl_keys.pkcs1_der_b64
    assert "\n" not in key.ses_private_key()
    assert key.bits == 2048


@pytest.mark.parametrize("name", ACCEPTED)
def test_every_form_gives_the_same_record(cli: Cli, openssl_keys: OpenSSLKeys, name: str) -> None:
    reference = cli(
        "dns-record", "--domain", "goo.ne.jp", "--selector", "s1", "--public-key-file", openssl_keys["public.pem"]
    )
    result = cli("dns-record", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys[name])
    assert (result.code, result.err) == (0, "")
    assert result.out == reference.out
    assert result.out.startswith("v=DKIM1; k=rsa; p=MIIBIjAN")


def test_source_format_is_reported(openssl_keys: OpenSSLKeys) -> None:
    assert keyload.load_private_key(openssl_keys["pkcs8.pem"]).source_format == "PKCS#8 PEM"
    assert keyload.load_private_key(openssl_keys["pkcs1.pem"]).source_format == "PKCS#1 PEM"
    assert keyload.load_private_key(openssl_keys["pkcs1.der"]).source_format == "DER"
    assert keyload.load_private_key(openssl_keys["body.b64"]).source_format == "base64 body"


def test_1024_bit_key_is_accepted(openssl_keys: OpenSSLKeys) -> None:
    assert keyload.load_private_key(openssl_keys["rsa1024.pem"]).bits == 1024


@pytest.mark.parametrize("name", ["public.pem", "public.der", "pkcs8.pem", "pkcs1.der", "body.b64"])
def test_public_loader_takes_public_and_private_forms(openssl_keys: OpenSSLKeys, name: str) -> None:
    expected = keyload.load_private_key(openssl_keys["pkcs1.pem"]).public
    assert keyload.load_public_key(openssl_keys[name]) == expected


def test_public_loader_takes_a_dkim_record(tmp_path: Path, openssl_keys: OpenSSLKeys) -> None:
    public = keyload.load_public_key(openssl_keys["public.pem"])
    record = DkimRecord("goo.ne.jp", "s1", public.b64)
    (tmp_path / "value.txt").write_text(record.value)
    (tmp_path / "zone.txt").write_text(record.zone_line())
    assert keyload.load_public_key(tmp_path / "value.txt") == public
    assert keyload.load_public_key(tmp_path / "zone.txt") == public


def test_pkcs1_public_key_in_p_is_understood(openssl_keys: OpenSSLKeys) -> None:
    public = keyload.load_private_key(openssl_keys["pkcs1.pem"]).private_key.public_key()
    pkcs1 = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    import base64

    assert keyload.public_from_b64(base64.b64encode(pkcs1).decode(), "x").der == spki


def test_encrypted_key_with_passphrase_from_env(openssl_keys: OpenSSLKeys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "correct horse")
    for name in ("enc.pem", "enc-pkcs1.pem"):
        key = keyload.load_private_key(openssl_keys[name], keyload.read_passphrase(None))
        assert key.ses_private_key() == openssl_keys.pkcs1_der_b64


def test_encrypted_key_with_passphrase_file(cli: Cli, openssl_keys: OpenSSLKeys) -> None:
    result = cli(
        "dns-record", "--domain", "goo.ne.jp", "--selector", "s1",
        "--key-file", openssl_keys["enc.pem"], "--passphrase-file", openssl_keys["pass.txt"],
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "correct horse" not in result.out + result.err


REFUSALS = [
    ("rsa4096.pem", "is a 4096-bit RSA key; SES accepts only 1024 or 2048 bits; generate an RSA 2048 key with `byodkim keygen`"),
    ("rsa3072.pem", "is a 3072-bit RSA key; SES accepts only 1024 or 2048 bits; generate an RSA 2048 key with `byodkim keygen`"),
    ("ec.pem", "is an EC key; SES BYODKIM takes RSA keys only; generate an RSA 2048 key with `byodkim keygen`"),
    ("ed25519.pem", "is an Ed25519 key; SES BYODKIM takes RSA keys only; generate an RSA 2048 key with `byodkim keygen`"),
    ("enc.pem", "is encrypted; give the passphrase with --passphrase-file FILE or the BYODKIM_KEY_PASSPHRASE environment variable"),
    ("enc-pkcs1.pem", "is encrypted; give the passphrase with --passphrase-file FILE or the BYODKIM_KEY_PASSPHRASE environment variable"),
    ("public.pem", "holds a public key, but a private key is needed; give the private key file"),
    ("public.der", "holds a public key, but a private key is needed; give the private key file"),
    ("whole-pem.b64", "is base64 of a whole PEM file, which SES accepts but never verifies; give the PEM file itself; byodkim converts it"),
    ("empty.pem", "is empty; give the file that holds the key"),
    ("blank.pem", "is empty; give the file that holds the key"),
    ("garbage.bin", "is not a private key (unreadable as PEM, DER or base64); generate an RSA 2048 key with `byodkim keygen`"),
    ("notes.txt", "is not a key (not PEM, DER or base64); give the key file"),
    ("huge.pem", "is 2097152 bytes, far too large to be a key; give the key file"),
    ("truncated.pem", "has a PEM header but no matching END line; copy the whole key"),
    ("headerless-cut.b64", "is not complete base64 (cut short?); copy the whole key"),
    ("missing.pem", "does not exist; check the path"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), REFUSALS)
def test_refusals_are_one_exact_line(
    cli: Cli, openssl_keys: OpenSSLKeys, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    path = openssl_keys[name]
    result = cli("dns-record", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", path)
    assert result.code == 2
    assert result.out == ""
    assert result.err == f"error: `{path}` {message}\n"


def test_wrong_passphrase(cli: Cli, tmp_path: Path, openssl_keys: OpenSSLKeys) -> None:
    (tmp_path / "wrong.txt").write_text("battery staple")
    path = openssl_keys["enc.pem"]
    result = cli(
        "dns-record",
        "--domain",
        "goo.ne.jp",
        "--selector",
        "s1",
        "--key-file",
        path,
        "--passphrase-file",
        tmp_path / "wrong.txt",
    )
    assert (result.code, result.err) == (2, f"error: the passphrase does not decrypt `{path}`; check the passphrase\n")


def test_dns_record_value_file_as_private_key_is_refused(tmp_path: Path, openssl_keys: OpenSSLKeys) -> None:
    public = keyload.load_public_key(openssl_keys["public.pem"])
    (tmp_path / "record.txt").write_text(DkimRecord("goo.ne.jp", "s1", public.b64).value)
    with pytest.raises(KeyFileError, match="is a DKIM DNS record"):
        keyload.load_private_key(tmp_path / "record.txt")


def test_keygen_writes_pkcs1_owner_only(cli: Cli, tmp_path: Path) -> None:
    old = os.umask(0)  # even with a permissive umask the key must never be readable by others
    try:
        result = cli(
            "keygen", "--selector", "gooid-21-pro-20250912-1", "--key-dir", tmp_path / "k", "--domain", "goo.ne.jp"
        )
    finally:
        os.umask(old)
    assert result.code == 0, result.err
    private = tmp_path / "k" / "gooid-21-pro-20250912-1.private.pem"
    public = tmp_path / "k" / "gooid-21-pro-20250912-1.public.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o700
    text = private.read_text()
    assert text.startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    key = keyload.load_private_key(private)
    assert key.bits == 2048
    assert keyload.load_public_key(public) == key.public
    body = "".join(text.splitlines()[1:-1])
    for chunk in (body[i : i + 40] for i in range(0, len(body), 40)):
        assert chunk not in result.out + result.err
    assert key.ses_private_key() not in result.out
    assert result.out.splitlines()[-1] == (
        f"next: {prefix()} register --domain goo.ne.jp --selector gooid-21-pro-20250912-1 --key-file {private}"
    )


def test_keygen_1024(cli: Cli, tmp_path: Path) -> None:
    assert cli("keygen", "--selector", "s", "--bits", "1024", "--key-dir", tmp_path).code == 0
    assert keyload.load_private_key(tmp_path / "s.private.pem").bits == 1024


def test_keygen_refuses_to_overwrite_and_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    assert cli("keygen", "--selector", "s", "--key-dir", tmp_path).code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    (tmp_path / "s.public.pem").unlink()  # even half a pair present blocks a new key
    result = cli("keygen", "--selector", "s", "--key-dir", tmp_path)
    assert result.code == 2
    assert (
        result.err
        == f"error: `{tmp_path / 's.private.pem'}` already exists; byodkim never overwrites a key; move it away or choose another --selector or --key-dir\n"
    )
    assert (tmp_path / "s.private.pem").read_bytes() == before["s.private.pem"]
    assert not (tmp_path / "s.public.pem").exists()


def test_keygen_bad_bits_and_out_is_a_file(cli: Cli, tmp_path: Path) -> None:
    result = cli("keygen", "--selector", "s", "--bits", "4096", "--key-dir", tmp_path)
    assert result.code == 2
    assert result.err.startswith("error: Invalid value for '--bits': '4096' is not one of '2048', '1024'.")
    (tmp_path / "file").write_text("x")
    result = cli("keygen", "--selector", "s", "--key-dir", tmp_path / "file")
    assert (result.code, result.err) == (
        2,
        f"error: --key-dir `{tmp_path / 'file'}` is a file, not a folder; give a folder\n",
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "file"]


def test_signing_key_repr_hides_material(openssl_keys: OpenSSLKeys) -> None:
    key = keyload.load_private_key(openssl_keys["pkcs1.pem"])
    assert repr(key) == "SigningKey(bits=2048, source_format='PKCS#1 PEM')"


def test_keygen_json_is_the_json_alone(cli: Cli, tmp_path: Path) -> None:
    result = cli("keygen", "--selector", "s", "--key-dir", tmp_path, "-o", "json")
    assert result.code == 0, result.err
    made = json.loads(result.out)  # nothing else on stdout
    assert made == {
        "private": str(tmp_path / "s.private.pem"),
        "public": str(tmp_path / "s.public.pem"),
        "fingerprint": keyload.load_private_key(tmp_path / "s.private.pem").public.fingerprint,
    }


@pytest.mark.parametrize("old", ["--out-dir", "--out"])
def test_keygen_old_folder_names_still_work_with_one_deprecation_line(cli: Cli, tmp_path: Path, old: str) -> None:
    result = cli("keygen", "--selector", "s", old, tmp_path / "k")
    assert result.code == 0, result.err
    assert result.err == f"warning: {old} is deprecated; use --key-dir\n"
    assert (tmp_path / "k" / "s.private.pem").exists()


def test_keygen_speaks_japanese_and_takes_the_options_bundle(cli: Cli, tmp_path: Path) -> None:
    """keygen's lines and refusals under --lang ja come from the catalogue; its domains come as one Targets value."""
    import inspect

    from byodkim.cli.fleet import Targets
    from byodkim.cli.keys import keygen

    assert keygen.callback is not None
    assert inspect.signature(inspect.unwrap(keygen.callback)).parameters["targets"].annotation in (Targets, "Targets")
    shown = cli("keygen", "--selector", "s", "--domain", "goo.ne.jp", "--key-dir", tmp_path / "k", "--lang", "ja")
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert lines[0].startswith(f"秘密鍵: {tmp_path / 'k' / 's.private.pem'} (PKCS#1 PEM、2048 ビット、")
    assert lines[1] == f"公開鍵: {tmp_path / 'k' / 's.public.pem'}"
    assert lines[2].startswith("フィンガープリント: sha256:")
    assert lines[3].startswith("次: ")
    assert "register --domain goo.ne.jp --selector s" in lines[3]
    (tmp_path / "file").write_text("x")
    refused = cli("keygen", "--selector", "s", "--key-dir", tmp_path / "file", "--lang", "ja")
    assert (refused.code, refused.err) == (
        2,
        f"エラー: --key-dir `{tmp_path / 'file'}` はファイルで、フォルダではありません。フォルダを指定してください\n",
    )
    bare = cli("keygen", "--domain", "undeclared.example", "--key-dir", tmp_path / "k2", "--lang", "ja")
    assert bare.code == 2
    assert bare.err.splitlines()[-1].startswith("エラー: ")


def test_a_key_that_fails_the_rsa_check_is_refused_every_time_even_beside_one_that_passed(
    tmp_path: Path, openssl_keys: OpenSSLKeys
) -> None:
    """The RSA check is remembered for bytes that passed it only; a key one number off still fails it."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    good = serialization.load_pem_private_key(openssl_keys["pkcs1.pem"].read_bytes(), password=None)
    assert isinstance(good, rsa.RSAPrivateKey)
    numbers = good.private_numbers()
    off = rsa.RSAPrivateNumbers(
        numbers.p, numbers.q, numbers.d + 2, numbers.dmp1, numbers.dmq1, numbers.iqmp, numbers.public_numbers
    )  # d one step off: parses, signs wrongly
    broken = off.private_key(unsafe_skip_rsa_key_validation=True).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    (tmp_path / "broken.pem").write_bytes(broken)
    (tmp_path / "broken.der").write_bytes(
        serialization.load_pem_private_key(broken, None, unsafe_skip_rsa_key_validation=True).private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )  # the same numbers in another form: the check is remembered by key, for keys that passed only
    for form in ("pkcs1.pem", "pkcs8.pem", "pkcs1.der", "body.b64"):
        assert keyload.load_private_key(openssl_keys[form]).ses_private_key() == openssl_keys.pkcs1_der_b64
        for name in ("broken.pem", "broken.der"):
            with pytest.raises(KeyFileError, match=re.escape(name) + ".* whose numbers do not agree"):
                keyload.load_private_key(tmp_path / name)
