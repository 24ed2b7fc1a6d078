"""Judge a received message as a receiver does: every DKIM signature, and DMARC alignment with From.

This is what the whole rollout is for: mail from SES carrying a ``d=`` signature of the From
domain that verifies (dkimpy) against the published record, so DMARC passes on DKIM alone.
Messages saved from Gmail ("Show original"), Outlook or Thunderbird are read as they come:
CRLF or LF line ends, with or without a leading mbox ``From `` line; an mbox of several
messages is split and each judged (mboxrd's ``>From `` escapes undone first, or the body hash
would be of text the signer never saw).
"""

from __future__ import annotations

import email
import email.utils
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.dkim.names import organizational
from byodkim.dnscheck import receiver
from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.dnscheck.servers import Server

_TAG = re.compile(rb"\b([a-z]+)=([^;]*)")
# A hostile message must not hold the checker: each signature costs a DNS query and an RSA
# verification (200 ran past two minutes). Real mail carries one to three; SES adds two.
MAX_SIGNATURES = 10
MAX_MESSAGE_BYTES = 40 * 1024 * 1024  # above SES's 40 MB message limit, the largest mail it sends
MAX_MESSAGES = 200  # an mbox to audit a rollout, not a whole mail archive: each message costs DNS queries
_SEPARATOR = re.compile(rb"^From [^\n]*\n", re.MULTILINE)
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


@dataclass(frozen=True)
class SignatureVerdict:
    """One DKIM-Signature, as a receiver judges it."""

    domain: str
    selector: str
    algorithm: str
    passed: bool
    reason: str
    body_hash_ok: bool | None  # None: not known (the key lookup did not complete)
    signed_headers: list[str]
    from_signed: bool
    aligned_relaxed: bool
    aligned_strict: bool
    result: str = receiver.PASS  # pass, fail or temperror (no key verdict: the lookup did not complete)
    length: int | None = None  # l=: how much of the body the signature covers
    unsigned_tail: int = 0  # octets of the (canonical) body after l=, which anyone could have appended


@dataclass
class MailVerdict:
    """Every signature of one message, and what DMARC makes of them."""

    from_domain: str
    signatures: list[SignatureVerdict] = field(default_factory=list)
    selector: str | None = None  # the rollout's selector, when one is required
    strict: bool = False  # a signature leaving an unsigned tail (l=) does not count as a pass
    message_id: str = ""

    def counts(self, sig: SignatureVerdict) -> bool:
        """Return whether a signature counts as passing (strict: not with a tail l= leaves unsigned)."""
        return sig.passed and not (self.strict and sig.unsigned_tail > 0)

    def _aligned(self) -> list[SignatureVerdict]:
        found = [s for s in self.signatures if s.aligned_relaxed and s.from_signed]
        return [s for s in found if s.selector == self.selector] if self.selector is not None else found

    @property
    def aligned_pass(self) -> SignatureVerdict | None:
        """Return the passing signature aligned (relaxed) with From, preferring the required selector."""
        good = [s for s in self._aligned() if self.counts(s)]
        return good[0] if good else None

    @property
    def temperror(self) -> SignatureVerdict | None:
        """Return an aligned signature whose key lookup did not complete, when none passes (DMARC temperror)."""
        if self.aligned_pass is not None:
            return None
        return next((s for s in self._aligned() if s.result == receiver.TEMPERROR), None)

    @property
    def ok(self) -> bool:
        """Return whether DMARC passes on DKIM (with the required selector, if any)."""
        return self.aligned_pass is not None

    @property
    def byodkim(self) -> bool:
        """Return whether the aligned pass is the domain's own key (not only SES's amazonses.com)."""
        found = self.aligned_pass
        return found is not None and found.domain != "amazonses.com"

    def authentication_results(self, authserv: str = "byodkim") -> str:
        """Return an Authentication-Results style summary (RFC 8601) of the DKIM and DMARC results."""
        parts = [
            f"dkim={_result(self, s)} header.d={s.domain} header.s={s.selector} header.a={s.algorithm}"
            for s in self.signatures
        ] or ["dkim=none"]
        dmarc = "pass" if self.ok else "temperror" if self.temperror else "fail"
        parts.append(f"dmarc={dmarc} (dkim alignment) header.from={self.from_domain}")
        return f"Authentication-Results: {authserv}; " + ";\n    ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "from": self.from_domain,
            "ok": self.ok,
            "byodkim": self.byodkim,
            "requiredSelector": self.selector,
            "messageId": self.message_id,
            "temperror": self.temperror is not None,
            "signatures": [asdict(s) for s in self.signatures],
            "authenticationResults": self.authentication_results(),
        }


def _result(verdict: MailVerdict, sig: SignatureVerdict) -> str:
    if sig.result == receiver.TEMPERROR:
        return receiver.TEMPERROR
    return "pass" if verdict.counts(sig) else "fail"


def split_mailbox(data: bytes) -> list[bytes]:
    """Return the messages of an mbox (mboxo or mboxrd), each without its ``From `` line and unescaped.

    A file not starting with ``From `` is one message, as saved. In an mbox every body line that
    began with ``From `` was written as ``>From `` (mboxrd: one more ``>`` on lines already quoted);
    one ``>`` is taken off, as the mail reader does before a receiver would have seen it.
    """
    text = data.replace(b"\r\n", b"\n")
    if not text.startswith(b"From "):
        return [data]
    starts = [m.start() for m in _SEPARATOR.finditer(text)]
    if len(starts) > MAX_MESSAGES:
        raise InputError(
            say("mail.too_many_messages", count=len(starts), limit=MAX_MESSAGES), say("mail.too_many_messages_hint")
        )
    chunks = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    return [_ESCAPED_FROM.sub(rb"\1", chunk.split(b"\n", 1)[1] if b"\n" in chunk else b"") for chunk in chunks]


def read_message(data: bytes) -> bytes:
    """Return the message with CRLF line ends and without an mbox ``From `` line; refuse what is not mail."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise InputError(
            say("mail.too_big", size=f"{len(data) / 1e6:.0f}", limit=MAX_MESSAGE_BYTES // 2**20),
            say("mail.too_big_hint"),
        )
    text = data.replace(b"\r\n", b"\n")
    if text.startswith(b"From ") and b"\n" in text:
        text = text.split(b"\n", 1)[1]
    head = text.split(b"\n\n", 1)[0]
    if not re.search(rb"^from:", head, re.IGNORECASE | re.MULTILINE):
        raise InputError(say("mail.no_from"), say("mail.no_from_hint"))
    return text.replace(b"\n", b"\r\n")


def judge_message(data: bytes, servers: list[Server], selector: str | None = None, timeout: float = 3.0) -> MailVerdict:
    """Verify every DKIM-Signature of the message against ``servers`` (the system resolver when empty)."""
    message = read_message(data)
    parsed = email.message_from_bytes(message)
    addresses = email.utils.getaddresses(parsed.get_all("From") or [])
    from_domain = addresses[0][1].rpartition("@")[2].lower() if addresses and "@" in addresses[0][1] else ""
    if not from_domain:
        raise InputError(say("mail.from_no_address"), say("mail.from_no_address_hint"))
    verdict = MailVerdict(from_domain, selector=selector, message_id=str(parsed.get("Message-ID", "")).strip())
    signatures = parsed.get_all("DKIM-Signature") or []
    if len(signatures) > MAX_SIGNATURES:
        raise InputError(
            say("mail.too_many_signatures", count=len(signatures), limit=MAX_SIGNATURES),
            say("mail.too_many_signatures_hint"),
        )
    for index, value in enumerate(signatures):
        tags = {m.group(1).decode(): b"".join(m.group(2).split()).decode("ascii", "replace")
                for m in _TAG.finditer(str(value).encode())}  # fmt: skip
        signed = [h.strip() for h in tags.get("h", "").split(":") if h.strip()]
        found = receiver.judge_signature(message, servers, timeout, index=index)  # no servers: the system's
        domain = tags.get("d", "").lower()
        length = int(tags["l"]) if tags.get("l", "").isdigit() else None
        verdict.signatures.append(
            SignatureVerdict(
                domain=domain,
                selector=tags.get("s", ""),
                algorithm=tags.get("a", ""),
                passed=found.passed,
                reason=found.reason,
                body_hash_ok=None if found.result == receiver.TEMPERROR else "body hash mismatch" not in found.reason,
                signed_headers=signed,
                from_signed="from" in [h.lower() for h in signed],
                aligned_relaxed=bool(domain) and organizational(domain) == organizational(from_domain),
                aligned_strict=domain == from_domain,
                result=found.result,
                length=length,
                unsigned_tail=_unsigned_tail(message, tags.get("c", ""), length),
            )
        )
    return verdict


def judge_mailbox(
    data: bytes, servers: list[Server], selector: str | None = None, timeout: float = 3.0, *, strict: bool = False
) -> list[MailVerdict]:
    """Judge every message of a saved message or mbox; see :func:`judge_message`."""
    verdicts = []
    messages = split_mailbox(data)
    for number, raw in enumerate(messages, 1):
        try:
            verdict = judge_message(raw, servers, selector, timeout)
        except InputError as exc:
            if len(messages) == 1:
                raise
            where = say("mail.in_mailbox", number=number, count=len(messages), message=exc.message)
            raise InputError(where, exc.hint) from None
        verdict.strict = strict
        verdicts.append(verdict)
    return verdicts


def _unsigned_tail(message: bytes, c_value: str, length: int | None) -> int:
    """Return how many octets of the canonical body come after ``l=`` (what anyone may have appended)."""
    if length is None:
        return 0
    from dkim.canonicalization import CanonicalizationPolicy, InvalidCanonicalizationPolicyError

    try:
        policy = CanonicalizationPolicy.from_c_value((c_value or "simple/simple").encode())
    except InvalidCanonicalizationPolicyError:
        return 0
    body = message.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in message else b""
    return max(0, len(policy.canonicalize_body(body)) - length)
