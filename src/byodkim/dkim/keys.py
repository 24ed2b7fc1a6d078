"""DKIM keys: the key pair, new keys, the form SES accepts, and key files written owner-only.

SES verifies BYODKIM only for a base64 PKCS#1 DER private key. It also accepts,
and then never verifies, PKCS#8 and base64 of a whole PEM file, so every key is
parsed (:mod:`byodkim.dkim.keyload`) and re-serialised here instead of being forwarded as given.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

SES_KEY_SIZES = (1024, 2048)
DEFAULT_BITS = 2048
PASSPHRASE_ENV = "BYODKIM_KEY_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret


@dataclass(frozen=True)
class PublicKey:
    """The public half of a DKIM key, as DNS publishes it."""

    der: bytes  # SubjectPublicKeyInfo DER: what `p=` carries
    bits: int

    @property
    def b64(self) -> str:
        """Return the `p=` value."""
        return base64.b64encode(self.der).decode("ascii")

    @property
    def fingerprint(self) -> str:
        """Return ``sha256:<hex>`` of the SubjectPublicKeyInfo DER."""
        return "sha256:" + hashlib.sha256(self.der).hexdigest()


@dataclass(frozen=True, repr=False)
class SigningKey:
    """An RSA private key SES can sign with, and the form it was found in."""

    private_key: RSAPrivateKey
    source_format: str

    def __repr__(self) -> str:
        # Never let a debug print or a log line carry key material.
        return f"SigningKey(bits={self.bits}, source_format={self.source_format!r})"

    @property
    def bits(self) -> int:
        """Return the modulus size."""
        return self.private_key.key_size

    @property
    def public(self) -> PublicKey:
        """Return the public half."""
        return public_from_rsa(self.private_key.public_key())

    def ses_private_key(self) -> str:
        """Return the DomainSigningPrivateKey SES verifies: base64 PKCS#1 DER, one line."""
        from cryptography.hazmat.primitives import serialization

        der = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        return base64.b64encode(der).decode("ascii")

    def pkcs1_pem(self) -> bytes:
        """Return the key as PKCS#1 PEM (``BEGIN RSA PRIVATE KEY``)."""
        from cryptography.hazmat.primitives import serialization

        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )


def generate(bits: int = DEFAULT_BITS) -> SigningKey:
    """Generate a new RSA key of a size SES accepts."""
    if bits not in SES_KEY_SIZES:
        raise InputError(say("key.size", bits=bits), say("key.size_hint"))
    from cryptography.hazmat.primitives.asymmetric import rsa

    return SigningKey(rsa.generate_private_key(public_exponent=65537, key_size=bits), "generated")


@dataclass(frozen=True)
class KeyFiles:
    """Where keygen wrote a key pair."""

    private: Path
    public: Path


def write_key_files(out_dir: Path, selector: str, key: SigningKey) -> KeyFiles:
    """Write ``<selector>.private.pem`` (0600 from creation) and ``<selector>.public.pem``."""
    from cryptography.hazmat.primitives import serialization

    files = KeyFiles(out_dir / f"{selector}.private.pem", out_dir / f"{selector}.public.pem")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(say("key.dir_is_file", path=str(out_dir)), say("key.give_folder"))
    for existing in (files.private, files.public):
        if existing.exists() or existing.is_symlink():
            raise InputError(say("key.exists", path=existing), say("key.exists_hint"))
    public_pem = key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_new(files.private, key.pkcs1_pem(), 0o600)
        try:
            _write_new(files.public, public_pem, 0o644)
        except OSError:
            files.private.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(
            say("key.cannot_write", path=str(out_dir), why=exc.strerror), say("key.check_folder")
        ) from None
    return files


def _write_new(path: Path, data: bytes, mode: int) -> None:
    # O_EXCL: never replace a file; the mode applies at creation, so the private
    # key is never readable by others, not even for a moment.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError:
        path.unlink(missing_ok=True)
        raise


def public_from_rsa(public: RSAPublicKey) -> PublicKey:
    """Return the DKIM public key of an RSA public key."""
    from cryptography.hazmat.primitives import serialization

    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return PublicKey(der=der, bits=public.key_size)
