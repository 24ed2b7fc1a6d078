"""A receiver's verdict, not ours: a message signed with the key, verified by dkimpy.

byodkim's own reading of the record (:mod:`byodkim.dnscheck.judge`) and the emulated SES
could share a blind spot. dkimpy is the reference receiver-side DKIM implementation in
Python (dkimpy-milter, authheaders): a fixed message signed rsa-sha256 with the registered
private key (``d=`` the domain, ``s=`` the selector, as SES signs) and verified by it
against one name server's answer is what "works at a receiver" means. dkimpy ignores a
key record's ``h=``; the RFC's rule for it is applied here (see :func:`_usable`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from byodkim.dnscheck.servers import Server, query

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.dkim.keys import SigningKey

PASS = "pass"  # noqa: S105 - a verdict, not a password
SIGNED_HEADERS = [b"From", b"To", b"Subject", b"Date", b"Message-ID"]


def test_message(domain: str) -> bytes:
    """Return the fixed message byodkim signs to ask a receiver's opinion of the record."""
    return (
        f"From: byodkim <dkim-check@{domain}>\r\n"
        f"To: postmaster@{domain}\r\n"
        "Subject: byodkim DKIM record check\r\n"
        "Date: Sat, 28 Nov 2026 00:00:00 +0000\r\n"
        f"Message-ID: <dkim-check@{domain}>\r\n"
        "\r\n"
        "Signed with the registered key to verify the published record as a receiver does.\r\n"
    ).encode()


def sign(message: bytes, key: SigningKey, domain: str, selector: str, headers: list[bytes] = SIGNED_HEADERS) -> bytes:
    """Return ``message`` with a DKIM-Signature (rsa-sha256, relaxed/relaxed, over ``headers``) prepended."""
    import dkim

    header = dkim.sign(
        message,
        selector.encode(),
        domain.encode(),
        key.pkcs1_pem(),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=headers,
    )
    return bytes(header) + message


def txt_from(servers: list[Server], timeout: float) -> Callable[..., bytes | None]:
    """Return a dkimpy ``dnsfunc`` that asks only ``servers`` (non-recursive, CNAME followed once).

    With no servers it asks the system resolver, as a receiver does; either way the key record
    passes :func:`_usable` (the ``h=`` rule dkimpy omits).
    """
    import dns.exception
    import dns.rdatatype
    import dns.resolver

    def lookup(name: bytes | str, **_dkimpy: object) -> bytes | None:
        # dkimpy passes its own whole-second timeout (at least 1 s); the caller's is the one that counts.
        target = name.decode() if isinstance(name, bytes) else name
        target = target if target.endswith(".") else target + "."
        if not servers:
            try:
                resolved = dns.resolver.resolve(target, "TXT", lifetime=timeout)
            except dns.exception.DNSException:
                return None
            return _usable(b"".join(next(iter(resolved)).strings))
        for server in servers:
            for _hop in range(2):
                try:
                    answer = query(server, target, "TXT", timeout)
                except (dns.exception.DNSException, OSError):
                    break
                texts = [r for s in answer.answer if s.rdtype == dns.rdatatype.TXT for r in s]
                if texts:  # the first record, as dkimpy's own lookup takes it
                    return _usable(b"".join(texts[0].strings))
                cname = next((s for s in answer.answer if s.rdtype == dns.rdatatype.CNAME), None)
                if cname is None:
                    break
                target = next(iter(cname)).target.to_text()
        return None

    return lookup


def _usable(record: bytes) -> bytes | None:
    """Apply the one key-record rule dkimpy omits (RFC 6376 section 6.1.2, step 6).

    "If the h= tag exists in the public-key record and the hash algorithm implied by the a=
    tag in the DKIM-Signature header field is not included in the contents of the h= tag,
    the Verifier MUST ignore the key record": SES signs rsa-sha256, so an h= without sha256
    leaves no key. Written from the RFC here, not taken from byodkim's parser.
    """
    for part in record.split(b";"):
        name, _, value = part.partition(b"=")
        if name.strip() == b"h" and b"sha256" not in [v.strip() for v in value.split(b":")]:
            return None
    return record


def verify(message: bytes, servers: list[Server], timeout: float = 3.0, index: int = 0) -> tuple[bool, str]:
    """Return whether dkimpy verifies the ``index``-th signature of ``message`` against ``servers``, and why not."""
    import dkim

    reasons = _Reasons()
    try:
        checker = dkim.DKIM(message, logger=reasons, minkey=1024, timeout=int(max(1, timeout)))
        ok = bool(checker.verify(idx=index, dnsfunc=txt_from(servers, timeout)))
    except dkim.DKIMException as exc:
        return False, _shown(str(exc))
    return ok, PASS if ok else _shown(reasons.last or "the signature does not verify")


def _shown(reason: str) -> str:
    """Return dkimpy's reason fit to print: it quotes what it could not parse, which may be a private key."""
    from byodkim.logs import redact

    return re.sub(r"\(b'[^']*'\)", "(...)", redact(reason))[:160]


def verdict(key: SigningKey, domain: str, selector: str, server: Server, timeout: float = 3.0) -> str:
    """Return dkimpy's verdict on the record at one server: ``pass`` or ``fail: why``."""
    ok, why = verify(sign(test_message(domain), key, domain, selector), [server], timeout)
    return PASS if ok else f"fail: {why}"


class _Reasons:
    """Stands in for dkimpy's logger and keeps the last thing it said (it logs why a verification failed).

    A plain object per call, not a named logging.Logger: those live as long as the process, and
    the emulated SES and the health check verify on every read.
    """

    def __init__(self) -> None:
        self.last = ""

    def _keep(self, message: object, *args: object, **_kwargs: object) -> None:
        text = str(message) % args if args else str(message)
        if text:
            self.last = text.splitlines()[0][:200]

    debug = info = warning = error = exception = _keep


__all__ = ["PASS", "Server", "sign", "test_message", "verdict", "verify"]
