"""A receiver's verdict, not ours: a message signed with the key, verified by dkimpy.

byodkim's own reading of the record (:mod:`byodkim.dnscheck.judge`) and the emulated SES
could share a blind spot. dkimpy is the reference receiver-side DKIM implementation in
Python (dkimpy-milter, authheaders): a fixed message signed rsa-sha256 with the registered
private key (``d=`` the domain, ``s=`` the selector, as SES signs) and verified by it
against one name server's answer is what "works at a receiver" means. dkimpy is handed the
record as DNS served it and judges it itself; it ignores a key record's ``h=``, so the RFC's
rule for it is applied beside its verdict (see :func:`hash_refused`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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


@dataclass
class Lookup:
    """What the DNS function saw: the record it handed dkimpy, or why the lookup did not complete."""

    record: bytes | None = None
    failure: str = ""  # a server that did not answer (timeout, refusal, no route): a temperror, not a key verdict
    hops: list[str] = field(default_factory=list)


def txt_from(
    servers: list[Server], timeout: float, seen: Lookup | None = None, port: int = 53
) -> Callable[..., bytes | None]:
    """Return a dkimpy ``dnsfunc`` that asks only ``servers`` (non-recursive), and returns what DNS returned.

    A CNAME is followed as a resolver follows it (:mod:`byodkim.dnscheck.follow`: to the target
    zone's own servers, discovered ones asked on ``port``). With no servers it asks the system
    resolver, as a receiver does. The record is handed to dkimpy as served, so dkimpy judges it
    itself; ``seen`` keeps it (and any lookup failure) for the caller.
    """
    seen = seen if seen is not None else Lookup()

    def lookup(name: bytes | str, **_dkimpy: object) -> bytes | None:
        # dkimpy passes its own whole-second timeout (at least 1 s); the caller's is the one that counts.
        target = name.decode() if isinstance(name, bytes) else name
        target = target if target.endswith(".") else target + "."
        if not servers:
            return _from_system(target, timeout, seen)
        failures = []
        for server in servers:
            answered, failure = _from_server(server, target, timeout, port, seen)
            if answered:
                return seen.record
            failures.append(failure)
        seen.failure = "; ".join(failures)
        return None

    return lookup


def _from_system(target: str, timeout: float, seen: Lookup) -> bytes | None:
    import dns.exception
    import dns.resolver

    try:
        resolved = dns.resolver.resolve(target, "TXT", lifetime=timeout)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return None
    except dns.exception.DNSException as exc:
        seen.failure = f"the system resolver: {exc}"
        return None
    seen.record = b"".join(next(iter(resolved)).strings)
    return seen.record


def _from_server(server: Server, target: str, timeout: float, port: int, seen: Lookup) -> tuple[bool, str]:
    """Ask one server; return whether it answered (``seen.record`` set, maybe to nothing), else why not."""
    import dns.exception
    import dns.rcode
    import dns.rdatatype

    from byodkim.dnscheck.follow import follow

    try:
        answer = query(server, target, "TXT", timeout)
    except dns.exception.Timeout:
        return False, f"{server.label}: no answer in {timeout:g} s"
    except (dns.exception.DNSException, OSError) as exc:
        return False, f"{server.label}: {exc or type(exc).__name__}"
    if answer.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
        return False, f"{server.label}: {dns.rcode.to_text(answer.rcode())}"
    texts = [r for s in answer.answer if s.rdtype == dns.rdatatype.TXT for r in s]
    cname = next((s for s in answer.answer if s.rdtype == dns.rdatatype.CNAME), None)
    if not texts and cname is not None:
        followed = follow(next(iter(cname)).target.to_text(), server, timeout, port)
        seen.hops = followed.hops
        if not followed.texts and followed.problem:
            return False, followed.problem
        seen.record = b"".join(followed.texts[0]) if followed.texts else None
        return True, ""
    seen.record = b"".join(texts[0].strings) if texts else None  # the first, as dkimpy's own lookup takes it
    return True, ""


def hash_refused(record: bytes | None, algorithm: str) -> str:
    """Return why the key record's ``h=`` rules out the signature's hash ("" when it does not).

    RFC 6376 section 6.1.2, step 6: "If the h= tag exists in the public-key record and the hash
    algorithm implied by the a= tag in the DKIM-Signature header field is not included in the
    contents of the h= tag, the Verifier MUST ignore the key record." dkimpy omits this rule; it
    is applied beside dkimpy's verdict, with the record read by RFC 6376's grammar.
    """
    from byodkim.dkim.record import parse_tags

    tags = parse_tags(record.decode("ascii", "replace")) if record else None
    if tags is None or "h" not in tags:
        return ""
    wanted = algorithm.rpartition("-")[2] or "sha256"
    allowed = [h.strip() for h in tags["h"].split(":")]
    if wanted in allowed:
        return ""
    return f"the key record's h={tags['h']} does not allow {wanted} (RFC 6376 6.1.2: receivers ignore the key)"


TEMPERROR = "temperror"
FAIL = "fail"


@dataclass(frozen=True)
class Verdict:
    """dkimpy's verdict on one signature, with what the DNS lookup saw."""

    result: str  # pass, fail, or temperror (the key lookup did not complete: no key verdict)
    reason: str
    record: bytes | None = None
    hops: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """Return whether the signature verified."""
        return self.result == PASS


def judge_signature(
    message: bytes, servers: list[Server], timeout: float = 3.0, index: int = 0, port: int = 53
) -> Verdict:
    """Return dkimpy's verdict on the ``index``-th signature of ``message``, RFC 8301 and the ``h=`` rule beside it."""
    import dkim

    reasons = _Reasons()
    seen = Lookup()
    checker = None
    try:
        checker = dkim.DKIM(message, logger=reasons, minkey=MIN_KEY_BITS, timeout=int(max(1, timeout)))
        ok = bool(checker.verify(idx=index, dnsfunc=txt_from(servers, timeout, seen, port)))
    except dkim.DKIMException as exc:
        ok, reasons.last = False, str(exc)
    except ValueError as exc:  # pynacl refuses an Ed25519 signature of the wrong length outright
        ok, reasons.last = False, f"the Ed25519 signature is malformed ({exc})"
    hops = tuple(seen.hops)
    fields = getattr(checker, "signature_fields", None) or {}
    algorithm = fields.get(b"a", b"").decode("ascii", "replace").strip().lower()
    if not ok and seen.failure and seen.record is None:
        return Verdict(TEMPERROR, _shown(f"the key lookup did not complete: {seen.failure}", 480), None, hops)
    if algorithm == "rsa-sha1":
        # RFC 8301 section 3.1: verifiers MUST NOT consider rsa-sha1 signatures valid; dkimpy still passes them.
        also = "" if ok else f"; it does not verify either ({_reason(reasons.last, algorithm)})"
        return Verdict(FAIL, _shown(RSA_SHA1 + also, 320), seen.record, hops)
    if not ok:
        return Verdict(FAIL, _shown(_reason(reasons.last, algorithm)), seen.record, hops)
    refused = hash_refused(seen.record, algorithm or "rsa-sha256")
    if refused:
        return Verdict(FAIL, refused, seen.record, hops)
    return Verdict(PASS, PASS, seen.record, hops)


MIN_KEY_BITS = 1024  # RFC 8301 section 3.2: verifiers MUST NOT consider signatures with smaller keys valid
RSA_SHA1 = (
    "a=rsa-sha1: RFC 8301 forbids rsa-sha1 (verifiers must not consider it valid); the signer must use rsa-sha256"
)
_TOO_SMALL = re.compile(r"public key too small: (\d+)")


def _reason(said: str, algorithm: str) -> str:
    """Return why a signature failed, in words: dkimpy's reason, or what its silence means for the algorithm.

    dkimpy logs every step at debug level and says nothing when the signature itself (b=) is wrong:
    the last thing it logged then is not the reason.
    """
    small = _TOO_SMALL.search(said)
    if small:
        return (
            f"the key is {small.group(1)} bits: RFC 8301 forbids keys under {MIN_KEY_BITS} bits "
            "(verifiers must not accept them)"
        )
    if said and not _DEBUG.match(said):
        return said
    if algorithm.startswith("ed25519"):
        return "the Ed25519 signature (b=) does not verify with the k=ed25519 key (RFC 8463)"
    return f"the signature (b=) does not verify with the key ({algorithm or 'no a='})"


_DEBUG = re.compile(r"^(?:bh: |sig: |signed for |DKIM-Signature valid|[^ ]* valid: )", re.IGNORECASE)


def verify(
    message: bytes, servers: list[Server], timeout: float = 3.0, index: int = 0, port: int = 53
) -> tuple[bool, str]:
    """Return whether the ``index``-th signature of ``message`` verifies against ``servers``, and why not."""
    found = judge_signature(message, servers, timeout, index, port)
    if found.result == TEMPERROR:
        return False, f"{TEMPERROR}: {found.reason}"
    return found.passed, found.reason


def _shown(reason: str, limit: int = 160) -> str:
    """Return dkimpy's reason fit to print: it quotes what it could not parse, which may be a private key."""
    from byodkim.redacted_logs import redact

    return re.sub(r"\(b'[^']*'\)", "(...)", redact(reason))[:limit]


def verdict(key: SigningKey, domain: str, selector: str, server: Server, timeout: float = 3.0, port: int = 53) -> str:
    """Return dkimpy's verdict on the record at one server: ``pass``, ``fail: why`` or ``temperror: why``."""
    found = judge_signature(sign(test_message(domain), key, domain, selector), [server], timeout, port=port)
    return PASS if found.passed else f"{found.result}: {found.reason}"


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


__all__ = [
    "PASS",
    "TEMPERROR",
    "Lookup",
    "Server",
    "Verdict",
    "judge_signature",
    "sign",
    "test_message",
    "verdict",
    "verify",
]
