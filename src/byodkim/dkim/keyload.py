"""One loader for every form a DKIM key arrives in, each refusal naming the input and the next step.

The forms: PEM (PKCS#1, PKCS#8, encrypted), DER, the header-less base64 body, a DKIM
record, and files saved by Windows tools (UTF-8 with BOM, CRLF, UTF-16).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import os
import re
from typing import TYPE_CHECKING

from byodkim.dkim.keys import PASSPHRASE_ENV, SES_KEY_SIZES, PublicKey, SigningKey, public_from_rsa
from byodkim.errors import InputError, KeyFileError, PrivateKeyPublishedError
from byodkim.messages import Said, say

if TYPE_CHECKING:
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

_MAX_KEY_FILE = 64 * 1024  # a 2048-bit PEM is under 2 KiB; anything this large is not a key
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_PASSPHRASE_HINT = say("key.passphrase", env=PASSPHRASE_ENV)


def from_ses_form(text: str, *, validate: bool = True) -> SigningKey:
    """Load a key kept in SES form (base64 PKCS#1 DER), e.g. from Secrets Manager.

    ``validate=False`` skips OpenSSL's RSA consistency check (about 70 ms a key) for a key
    this tool checked when it stored it: for a fleet of 1,000 domains the check alone is over
    a minute of CPU. The key is still parsed, and must still be RSA.
    """
    if validate:
        return _private_from_text(text, "the stored key", None)
    import base64
    import binascii

    from cryptography.hazmat.primitives import serialization

    try:
        der = base64.b64decode(text.strip(), validate=True)
        loaded = serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError, binascii.Error):
        return _private_from_text(text, "the stored key", None)  # not the SES form: the full loader says why
    return SigningKey(_checked_rsa(loaded, "the stored key"), "base64 body")


def load_private_key(path: Path, passphrase: bytes | None = None) -> SigningKey:
    """Load a private key from any form users bring, or refuse it with one clear line."""
    return key_from_bytes(_read_key_file(path), f"`{path}`", passphrase)


def load_public_key(path: Path) -> PublicKey:
    """Load a public key (PEM, DER, base64, or a DKIM record), or the public half of a private key."""
    data = _read_key_file(path)
    shown = f"`{path}`"
    text = as_text(data)
    if text is None:
        return _public_from_der(data, shown, private_ok=True)
    blocks = _PEM_BLOCK.findall(text)
    if blocks and not any(label in ("PUBLIC KEY", "RSA PUBLIC KEY") for label, _ in blocks):
        # A private key also names its public half; accept it here.
        return key_from_bytes(data, shown).public
    if blocks:
        from cryptography.hazmat.primitives import serialization

        for label, _body in blocks:
            if label in ("PUBLIC KEY", "RSA PUBLIC KEY"):
                pem = f"-----BEGIN {label}-----{_body}-----END {label}-----\n".encode()
                try:
                    loaded = serialization.load_pem_public_key(pem)
                except ValueError:
                    raise KeyFileError(_subject(shown, "key.damaged_file_public"), say("key.export_again")) from None
                return _checked_public(loaded, shown)
    p_value = _dkim_p_value(text)
    if p_value is not None:
        return public_from_b64(p_value, shown)
    return public_from_b64(_base64_body(text, shown), shown, private_ok=True)


def public_from_b64(value: str, shown: str, *, private_ok: bool = False) -> PublicKey:
    """Decode a `p=` value (SubjectPublicKeyInfo or PKCS#1 public key, base64).

    A private key there is refused with :class:`PrivateKeyPublishedError` unless ``private_ok``
    (a key file given where a public key is wanted may be the private key; a DNS record never).
    """
    compact = "".join(value.split())
    if not compact:
        raise KeyFileError(_subject(shown, "key.revoked"), say("key.publish_public"))
    if not _BASE64.match(compact):
        raise KeyFileError(_subject(shown, "key.not_base64"), say("key.give_public"))
    try:
        der = base64.b64decode(compact, validate=True)
    except binascii.Error:
        raise KeyFileError(_subject(shown, "key.incomplete_base64"), say("key.copy_whole")) from None
    return _public_from_der(der, shown, private_ok=private_ok)


def key_from_bytes(data: bytes, shown: str, passphrase: bytes | None = None) -> SigningKey:
    """Load a private key from bytes already in memory (e.g. a secret value)."""
    text = as_text(data)
    if text is None:
        return _load_private(data, shown, passphrase, "DER", pem=False)
    return _private_from_text(text, shown, passphrase)


def read_passphrase(passphrase_file: Path | None) -> bytes | None:
    """Return the key passphrase from a file or the environment, never from argv."""
    if passphrase_file is not None:
        try:
            raw = passphrase_file.read_bytes()
        except OSError as exc:
            raise InputError(say("key.passphrase_unreadable", path=passphrase_file, cause=exc.strerror)) from None
        text = as_text(raw)
        if text is None:
            raise InputError(say("key.passphrase_not_text", path=passphrase_file))
        return text.rstrip("\r\n").encode("utf-8")
    env = os.environ.get(PASSPHRASE_ENV)
    return env.encode("utf-8") if env else None


def passphrase_from_file(path: str) -> bytes:
    """Return the passphrase kept in the file at ``path`` (first line, without its line end)."""
    from pathlib import Path

    passphrase = read_passphrase(Path(path))
    assert passphrase is not None  # noqa: S101 - a file was given
    return passphrase


def _read_key_file(path: Path) -> bytes:
    shown = f"`{path}`"
    try:
        if path.is_dir():
            raise InputError(_subject(shown, "key.folder"), say("key.give_file_inside"))
        size = path.stat().st_size
        if size > _MAX_KEY_FILE:
            raise KeyFileError(_subject(shown, "key.too_large", size=size), say("key.give_file"))
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(_subject(shown, "key.missing"), say("key.check_path")) from None
    except OSError as exc:
        raise InputError(say("key.unreadable", shown=shown, cause=exc.strerror), say("key.check_permissions")) from None
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise KeyFileError(_subject(shown, "key.empty"), say("key.give_holding_file"))
    return data


def as_text(data: bytes) -> str | None:
    """Decode key text the way Windows tools write it; ``None`` for binary (DER)."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16")
    # PowerShell and Notepad can also write UTF-16 without a BOM: ASCII text with NULs between.
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:  # noqa: PLR2004
        return _decode(data, "utf-16-le")
    if len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] != 0:  # noqa: PLR2004
        return _decode(data, "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _private_from_text(text: str, shown: str, passphrase: bytes | None) -> SigningKey:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip()
    blocks = _PEM_BLOCK.findall(text)
    if blocks:
        return _private_from_pem(blocks, shown, passphrase)
    if "-----BEGIN" in text:
        raise KeyFileError(_subject(shown, "key.no_end"), say("key.copy_whole"))
    if _dkim_p_value(text) is not None:
        raise KeyFileError(_subject(shown, "key.is_record"), say("key.give_private_file"))
    der = base64.b64decode(_base64_body(text, shown))
    if der.lstrip().startswith(b"-----BEGIN"):
        raise KeyFileError(_subject(shown, "key.base64_pem"), say("key.give_pem_itself"))
    return _load_private(der, shown, passphrase, "base64 body", pem=False)


def _private_from_pem(blocks: list[tuple[str, str]], shown: str, passphrase: bytes | None) -> SigningKey:
    labels = [label for label, _ in blocks]
    for label, body in blocks:
        if label in ("RSA PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"):
            encrypted = label == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in body
            if encrypted and passphrase is None:
                raise KeyFileError(_subject(shown, "key.encrypted"), _PASSPHRASE_HINT)
            pem = f"-----BEGIN {label}-----{body}-----END {label}-----\n".encode("ascii", "replace")
            form = {"RSA PRIVATE KEY": "PKCS#1 PEM", "PRIVATE KEY": "PKCS#8 PEM"}.get(label, "encrypted PKCS#8 PEM")
            return _load_private(pem, shown, passphrase if encrypted else None, form, pem=True)
        if label == "EC PRIVATE KEY":
            raise KeyFileError(_subject(shown, "key.ec"), _GENERATE_HINT)
        if label in ("OPENSSH PRIVATE KEY", "DSA PRIVATE KEY"):
            raise KeyFileError(_subject(shown, "key.other_kind", kind=label.split()[0]), _GENERATE_HINT)
    if any(label in ("PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE") for label in labels):
        raise KeyFileError(_subject(shown, "key.public_not_private"), say("key.give_private_file"))
    raise KeyFileError(_subject(shown, "key.holds_label", label=labels[0]), say("key.give_rsa_private_file"))


_GENERATE_HINT = say("key.generate")


def _subject(shown: str, key: str, **values: object) -> Said:
    """Return ``SHOWN what``: the key's name, then what is wrong with it (``what`` alone where the name is known)."""
    return say("key.subject", shown=shown, what=say(key, **values))


def _load_private(data: bytes, shown: str, passphrase: bytes | None, form: str, *, pem: bool) -> SigningKey:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    loader = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:  # parsed here, checked by _consistent once it is known to be an RSA key
        loaded = loader(data, password=passphrase, unsafe_skip_rsa_key_validation=True)
    except TypeError:
        if passphrase is None:
            raise KeyFileError(_subject(shown, "key.encrypted"), _PASSPHRASE_HINT) from None
        # not encrypted after all: the passphrase is not needed
        loaded = loader(data, password=None, unsafe_skip_rsa_key_validation=True)
    except ValueError:
        if passphrase is not None:
            raise KeyFileError(say("key.wrong_passphrase", shown=shown), say("key.check_passphrase")) from None
        if not pem and _is_public_der(data):
            raise KeyFileError(_subject(shown, "key.public_not_private"), say("key.give_private_file")) from None
        raise KeyFileError(_subject(shown, "key.unreadable_private"), _GENERATE_HINT) from None
    except UnsupportedAlgorithm:
        raise KeyFileError(_subject(shown, "key.algorithm"), _GENERATE_HINT) from None
    return SigningKey(_consistent(_checked_rsa(loaded, shown), shown), form)


def _consistent(key: RSAPrivateKey, shown: str) -> RSAPrivateKey:
    """Return ``key`` once OpenSSL's RSA consistency check passed on it (a key one number off signs wrongly).

    The check costs 20-70 ms a key, and one key arrives as PEM, DER, base64, with a BOM or CRLF:
    it is made once per key in a process, by the SHA-256 of its PKCS#1 form (17 s of the in-process
    test suite's CPU went to checking the same few keys again). Only digests, in memory.
    """
    from cryptography.hazmat.primitives import serialization

    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    digest = hashlib.sha256(der).digest()
    if digest not in _CHECKED:
        try:
            serialization.load_der_private_key(der, password=None)
        except ValueError:
            raise KeyFileError(_subject(shown, "key.inconsistent"), _GENERATE_HINT) from None
        _CHECKED.add(digest)
    return key


_CHECKED: set[bytes] = set()  # SHA-256 of the PKCS#1 DER of each key that passed _consistent


def _is_public_der(der: bytes) -> bool:
    from cryptography.hazmat.primitives import serialization

    try:
        serialization.load_der_public_key(der)
    except (ValueError, TypeError):
        return False
    return True


def _checked_rsa(loaded: object, shown: str) -> RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(loaded, rsa.RSAPrivateKey):
        _check_size(loaded.key_size, shown)
        return loaded
    if isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise KeyFileError(_subject(shown, "key.ec"), _GENERATE_HINT)
    if isinstance(loaded, ed25519.Ed25519PrivateKey):
        raise KeyFileError(_subject(shown, "key.ed25519"), _GENERATE_HINT)
    raise KeyFileError(_subject(shown, "key.not_rsa", kind=type(loaded).__name__), _GENERATE_HINT)


def _check_size(bits: int, shown: str) -> None:
    if bits not in SES_KEY_SIZES:
        raise KeyFileError(_subject(shown, "key.bits", bits=bits), _GENERATE_HINT)


def _public_from_der(der: bytes, shown: str, *, private_ok: bool) -> PublicKey:
    from cryptography.hazmat.primitives import serialization

    try:
        loaded = serialization.load_der_public_key(der)
    except ValueError:
        loaded = None
    if loaded is None:
        # DKIM allows a bare PKCS#1 RSAPublicKey in p= too (RFC 6376 is loose; some tools publish it).
        try:
            loaded = serialization.load_der_public_key(_wrap_pkcs1_public(der))
        except ValueError:
            return _public_half_of_private(der, shown, private_ok=private_ok)
    return _checked_public(loaded, shown)


def _public_half_of_private(der: bytes, shown: str, *, private_ok: bool) -> PublicKey:
    try:
        private = key_from_bytes(der, shown)
    except KeyFileError:
        raise KeyFileError(_subject(shown, "key.damaged_public"), say("key.copy_whole")) from None
    if not private_ok:
        # Receivers fail it, SES never matches it, and anyone can now sign as the domain.
        raise PrivateKeyPublishedError(_subject(shown, "key.private"), say("key.private_hint"))
    return private.public


def _wrap_pkcs1_public(der: bytes) -> bytes:
    # SubjectPublicKeyInfo = SEQUENCE { AlgorithmIdentifier rsaEncryption, BIT STRING pkcs1 }
    alg = bytes.fromhex("300d06092a864886f70d0101010500")
    bit_string = b"\x03" + _der_len(len(der) + 1) + b"\x00" + der
    body = alg + bit_string
    return b"\x30" + _der_len(len(body)) + body


def _der_len(n: int) -> bytes:
    if n < 0x80:  # noqa: PLR2004
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _checked_public(loaded: object, shown: str) -> PublicKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(loaded, rsa.RSAPublicKey):
        raise KeyFileError(_subject(shown, "key.not_rsa_public"), _GENERATE_HINT)
    _check_size(loaded.key_size, shown)
    return public_from_rsa(loaded)


def _base64_body(text: str, shown: str) -> str:
    compact = "".join(text.split())
    if not compact or not _BASE64.match(compact):
        raise KeyFileError(_subject(shown, "key.not_a_key"), say("key.give_file"))
    try:
        base64.b64decode(compact, validate=True)
    except binascii.Error:
        raise KeyFileError(_subject(shown, "key.incomplete_base64"), say("key.copy_whole")) from None
    return compact


def _dkim_p_value(text: str) -> str | None:
    """Return `p=` from DKIM record text (as published, quoted or not), else ``None``."""
    from byodkim.dkim.record import parse_tags, unquote_txt

    joined = unquote_txt(text)
    if "p=" not in joined or (";" not in joined and not joined.lstrip().startswith("p=")):
        return None
    tags = parse_tags(joined)
    return tags.get("p") if tags is not None else None
