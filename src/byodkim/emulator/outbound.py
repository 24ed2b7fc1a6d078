"""SESv2 SendEmail as SES signs it: the domain's own key once verified, and always amazonses.com's.

moto stores a sent message unsigned. Here the message (Simple content built into MIME, or
Raw as given) is signed the way SES signs it, so a copy checked at a receiver looks like a
real one:

- with the BYODKIM key and selector when the From domain's identity is EXTERNAL and
  SUCCESS (``d=`` the domain: what DMARC alignment needs);
- with an Easy DKIM key of the emulator's own (``s=`` the first token) when the identity is
  on Easy DKIM and SUCCESS; its record belongs at ``TOKEN.dkim.amazonses.com``;
- not by the domain while PENDING: the unsigned window the Easy DKIM guard exists for;
- always with SES's own ``d=amazonses.com`` signature, under a key of the emulator's own.

The emulator's public records are listed by ``/_byodkim/ses/dns-records`` for a local name
server to serve, and sent messages are kept for ``/_byodkim/ses/sent``.
"""

from __future__ import annotations

import base64
import email.utils
import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.dkim.names import record_name
from byodkim.emulator.ses import SesError

if TYPE_CHECKING:
    from byodkim.dkim.keys import SigningKey
    from byodkim.emulator.ses import Identity, SesIdentities

AMAZONSES_SELECTOR = "byodkimemulator"  # real SES uses opaque selectors like 224i4yxa5dv7c2xz3womw6peuasteono
SIGNED = [b"From", b"To", b"Cc", b"Subject", b"Date", b"Message-ID", b"MIME-Version", b"Content-Type"]


@dataclass
class Outbound:
    """The emulator's signing keys and the messages it has sent."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _keys: tuple[SigningKey, SigningKey] | None = field(default=None, repr=False)

    @classmethod
    def create(cls) -> Outbound:
        """Return an outbox; its keys are made on first use, not while the emulator starts."""
        return cls()

    def _pair(self) -> tuple[SigningKey, SigningKey]:
        with self.lock:  # one set per process: what is published must be what signs
            if self._keys is None:
                from byodkim.dkim import keys

                self._keys = (keys.generate(), keys.generate())
            return self._keys

    @property
    def amazonses(self) -> SigningKey:
        """Return the key of SES's own d=amazonses.com signature."""
        return self._pair()[0]

    @property
    def easy(self) -> SigningKey:
        """Return the key the emulator signs Easy DKIM identities' mail with."""
        return self._pair()[1]

    def dns_records(self, store: SesIdentities) -> list[dict[str, str]]:
        """Return the TXT records a name server must serve for the emulator's own signatures to verify."""
        records = [{"name": record_name("amazonses.com", AMAZONSES_SELECTOR), "value": self._record(self.amazonses)}]
        with store.lock:
            tokens = {t for ident in store.identities.values() if ident.origin != "EXTERNAL" for t in ident.tokens}
        records += [
            {"name": f"{token}.dkim.amazonses.com", "value": self._record(self.easy)} for token in sorted(tokens)
        ]
        return records

    @staticmethod
    def _record(key: SigningKey) -> str:
        return f"v=DKIM1; k=rsa; p={key.public.b64}"

    def send(self, store: SesIdentities, account: str, region: str, request: dict[str, Any]) -> dict[str, str]:
        """Sign and keep one SendEmail request; return SES's answer."""
        sender = str(request.get("FromEmailAddress") or "")
        domain = sender.rpartition("@")[2].rstrip(">").lower()
        identity = store.find(account, region, domain) or store.find(account, region, sender)
        if identity is not None:
            store.refresh(identity)
        # SES sends only from a verified identity (the domain, or the address itself); a PENDING
        # new domain is refused with MessageRejected, never sent.
        address = store.find(account, region, sender)
        if not domain or identity is None or not (identity.verified or (address is not None and address.verified)):
            raise SesError(
                "MessageRejected",
                f"Email address is not verified. The following identities failed the check in region "
                f"{region.upper()}: {sender}",
            )
        if identity.mail_from and identity.mail_from_behavior == "REJECT_MESSAGE":
            from byodkim.emulator.lookup import mail_from_ready

            if not mail_from_ready(identity.mail_from, region, store.settings.dns_servers):
                raise SesError(
                    "MailFromDomainNotVerifiedException",
                    f"The MAIL FROM domain {identity.mail_from} is not verified and BehaviorOnMxFailure is "
                    "REJECT_MESSAGE.",
                )
        message_id = f"{secrets.token_hex(8)}-{secrets.token_hex(4)}-000000"
        raw = _message(request, sender, message_id, region)
        raw = self._sign(raw, identity, domain)
        with self.lock:
            self.sent.append(
                {
                    "id": message_id,
                    "region": region,
                    "from": sender,
                    "to": list((request.get("Destination") or {}).get("ToAddresses") or []),
                    "raw": base64.b64encode(raw).decode(),
                    "signedBy": _signers(raw),
                }
            )
        return {"MessageId": message_id}

    def _sign(self, raw: bytes, identity: Identity, domain: str) -> bytes:
        if identity.signing_enabled and identity.status == "SUCCESS" and identity.is_domain:
            if identity.origin == "EXTERNAL" and identity.signing_key is not None and identity.selector:
                raw = _signed(raw, identity.signing_key, domain, identity.selector)
            elif identity.origin != "EXTERNAL" and identity.tokens:
                raw = _signed(raw, self.easy, domain, identity.tokens[0])
        return _signed(raw, self.amazonses, "amazonses.com", AMAZONSES_SELECTOR)


def _signed(raw: bytes, key: SigningKey, domain: str, selector: str) -> bytes:
    from byodkim.dnscheck.receiver import sign

    return sign(raw, key, domain, selector, [name for name in SIGNED if _has_header(raw, name)])


def _has_header(raw: bytes, name: bytes) -> bool:
    head = raw.split(b"\r\n\r\n", 1)[0].lower()
    return head.startswith(name.lower() + b":") or b"\r\n" + name.lower() + b":" in head


def _signers(raw: bytes) -> list[str]:
    import re

    head = raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    return re.findall(r"DKIM-Signature:.*?\bd=([^;\s]+)", head.replace("\r\n ", " ").replace("\r\n\t", " "))


def _message(request: dict[str, Any], sender: str, message_id: str, region: str) -> bytes:
    content = request.get("Content") or {}
    if "Raw" in content:
        data = base64.b64decode(content["Raw"]["Data"])
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    simple = content.get("Simple") or {}
    to = ", ".join((request.get("Destination") or {}).get("ToAddresses") or [])
    subject = (simple.get("Subject") or {}).get("Data", "")
    body = ((simple.get("Body") or {}).get("Text") or {}).get("Data", "")
    from email.header import Header

    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {Header(subject, 'utf-8').encode() if not subject.isascii() else subject}",
        f"Date: {email.utils.formatdate(usegmt=True)}",
        f"Message-ID: <{message_id}@{region}.amazonses.com>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="UTF-8"',
        "Content-Transfer-Encoding: 8bit",
        "",
        body.replace("\r\n", "\n"),
    ]
    return "\r\n".join(lines).replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode("utf-8")
