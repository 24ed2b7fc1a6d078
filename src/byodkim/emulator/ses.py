"""SESv2 email identities with BYODKIM (and Easy DKIM) as SES documents them.

After registration an identity is PENDING. Each time it is read, the emulated SES
looks up ``S._domainkey.D`` TXT on the name servers it was given and turns SUCCESS
only when the published key is the public half of the registered key. No match
within the verification window: FAILED. A verified record that disappears:
TEMPORARY_FAILURE, then FAILED after another window. Like SES, the API accepts
keys it will never verify (PKCS#8, base64 of a PEM file, 4096 bits).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.dkim.names import record_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.dkim.keys import SigningKey
    from byodkim.emulator.settings import Settings

_KEY = re.compile(r"^[a-zA-Z0-9+/]+={0,2}$")
_SELECTOR = re.compile(r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9]))$")
# (key SHA-256, selector, domain) -> check message signed (dkimpy: 8 ms). Again it would differ only in t=: kept.
_SIGNED: dict[tuple[str | None, str, str], bytes] = {}


class SesError(Exception):
    """An SES API error, raised inside a handler."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class Identity:
    """One email identity in one account and region."""

    name: str
    origin: str = "AWS_SES"
    selector: str | None = None
    key_sha256: str | None = None  # of the DomainSigningPrivateKey string as received
    key_format: str | None = None  # PKCS#1, PKCS#8, not-a-key, ...
    key_bits: int | None = None
    public_der: bytes | None = None  # set only for keys SES would verify
    # The key SES signs with (kept in memory as SES keeps it; never in any answer or log).
    signing_key: SigningKey | None = field(default=None, repr=False)
    signing_enabled: bool = True
    status: str = "SUCCESS"
    since: float = field(default_factory=time.time)
    key_time: float = field(default_factory=time.time)
    tokens: list[str] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    configuration_set: str | None = None
    mail_from: str | None = None  # custom MAIL FROM domain
    mail_from_behavior: str = "USE_DEFAULT_VALUE"
    # Verified for sending: set at the first SUCCESS and kept while a new key is PENDING after a
    # switch (SES's BYODKIM guide: mail still goes out, unsigned by the domain); lost at FAILED.
    verified: bool = False
    next_key_bits: int = 2048  # Easy DKIM's NextSigningKeyLength
    last_checked: float | None = None  # VerificationInfo
    last_success: float | None = None
    error_type: str | None = None
    soa: dict[str, Any] | None = None  # VerificationInfo.SOARecord: the zone's SOA as SES last read it

    @property
    def is_domain(self) -> bool:
        """Return whether this is a domain (not an address) identity."""
        return "@" not in self.name


class SesIdentities:
    """Identities and event destinations per (account, region), thread-safe."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.RLock()
        self.identities: dict[tuple[str, str, str], Identity] = {}
        self.destinations: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        # What SES signs each domain with, from when: one entry per change (the fault campaign's evidence).
        self.timeline: list[dict[str, Any]] = []
        # The DKIM window (PENDING turning FAILED) runs on the emulator's clock once the server has one,
        # so a test holding the clock decides when it passes, not the machine's load.
        self.now: Callable[[], float] = time.time

    def clear(self) -> None:
        """Forget everything."""
        with self.lock:
            self.identities.clear()
            self.destinations.clear()
            self.timeline.clear()

    def changed(self, region: str, identity: Identity | None, name: str) -> None:
        """Record what SES signs ``name`` with in ``region`` from now (``None``: the identity is gone)."""
        origin, selector = (identity.origin, identity.selector) if identity is not None else (None, None)
        when = time.time()
        self.timeline.append({"time": when, "region": region, "name": name, "origin": origin, "selector": selector})

    def describe(self) -> list[dict[str, Any]]:
        """Return what SES received, for tests: never the key itself, only its hash and form."""
        with self.lock:
            return [
                {
                    "account": account,
                    "region": region,
                    "name": ident.name,
                    "origin": ident.origin,
                    "selector": ident.selector,
                    "key_sha256": ident.key_sha256,
                    "key_format": ident.key_format,
                    "key_bits": ident.key_bits,
                    "status": ident.status,
                }
                for (account, region, _), ident in sorted(self.identities.items())
            ]

    def put_identity(
        self, account: str, region: str, name: str, attributes: dict[str, Any] | None, *, create: bool
    ) -> Identity:
        """Create an identity or set its signing attributes (shared with the CloudFormation model)."""
        from urllib.parse import unquote

        name = unquote(name).lower() if "@" not in unquote(name) else unquote(name)
        key = (account, region, name)
        if create and key in self.identities:
            raise SesError("AlreadyExistsException", f"Email identity {name} already exist.")
        if not create and key not in self.identities:
            raise SesError("NotFoundException", f"Email identity {name} does not exist.", 404)
        identity = self.identities.get(key) or Identity(name)
        if "@" in name:
            # An address is verified by the link SES mails; it has no DKIM of its own (real SES:
            # NOT_STARTED, no tokens) and signing attributes on it are refused.
            if attributes:
                raise SesError("BadRequestException", f"DKIM signing attributes cannot be set on {name}.")
            identity.status, identity.tokens, identity.signing_enabled = "NOT_STARTED", [], False
            self.identities[key] = identity
            self.changed(region, identity, name)
            return identity
        origin = "EXTERNAL" if attributes and attributes.get("DomainSigningPrivateKey") else "AWS_SES"
        if attributes and attributes.get("SigningAttributesOrigin"):
            origin = attributes["SigningAttributesOrigin"]
        if origin == "EXTERNAL":
            _external(identity, attributes or {})
        else:
            _easy(identity, origin, (attributes or {}).get("NextSigningKeyLength"))
        identity.since = self.now()
        self.identities[key] = identity
        self.changed(region, identity, name)
        return identity

    def get(self, account: str, region: str, name: str) -> Identity:
        """Return an identity after letting SES look at DNS, or raise NotFound."""
        from urllib.parse import unquote

        name = unquote(name)
        identity = self.find(account, region, name)
        if identity is None:
            raise SesError("NotFoundException", f"Email identity {name} does not exist.", 404)
        self._evaluate(identity)
        return identity

    def find(self, account: str, region: str, name: str) -> Identity | None:
        """Return the identity, or ``None``."""
        # Domains are stored lower-case; an address keeps its case.
        return self.identities.get((account, region, name.lower())) or self.identities.get((account, region, name))

    def verified_for(self, account: str, region: str, address: str) -> bool:
        """Return whether SES may send to or from ``address``: it, or its domain, is verified.

        The mailbox simulator's addresses count as verified, as SES's sandbox lets them through.
        """
        from email.utils import parseaddr

        address = parseaddr(address)[1] or address
        domain = address.rpartition("@")[2].lower()
        if domain == "simulator.amazonses.com":
            return True
        for name in (domain, address):
            identity = self.find(account, region, name) if name else None
            if identity is not None:
                self._evaluate(identity)
                if identity.verified:
                    return True
        return False

    def refresh(self, identity: Identity) -> None:
        """Let SES look at DNS again for ``identity`` (as it does before it answers or signs)."""
        self._evaluate(identity)

    def _evaluate(self, identity: Identity) -> None:
        if identity.status == "FAILED" or not identity.is_domain:
            return
        now = self.now()
        identity.last_checked = now
        if identity.soa is None or identity.status != "SUCCESS":
            identity.soa = self._soa(identity.name) or identity.soa
        if self._published(identity):
            identity.status, identity.since = "SUCCESS", now
            identity.verified, identity.last_success, identity.error_type = True, now, None
            return
        if identity.status == "SUCCESS":
            identity.status, identity.since = "TEMPORARY_FAILURE", now
        elif now - identity.since > self.settings.dkim_window:
            identity.status, identity.verified = "FAILED", False
        if identity.status in ("TEMPORARY_FAILURE", "FAILED"):
            identity.error_type = self._error_type(identity)

    def _error_type(self, identity: Identity) -> str:
        """Return VerificationInfo.ErrorType as SES words it: what DNS answered at the record's name."""
        import dns.exception
        import dns.rcode

        from byodkim.dnscheck.servers import query
        from byodkim.emulator.lookup import server_of

        token = identity.selector if identity.origin == "EXTERNAL" else (identity.tokens or [""])[0]
        rdtype = "TXT" if identity.origin == "EXTERNAL" else "CNAME"
        for spec in self.settings.dns_servers:
            try:
                answer = query(server_of(spec), record_name(identity.name, token or "") + ".", rdtype, 1.0)
            except (dns.exception.DNSException, OSError, ValueError):
                continue
            if answer.rcode() == dns.rcode.NXDOMAIN:
                return "HOST_NOT_FOUND"
            return "INVALID_VALUE" if answer.answer else "TYPE_NOT_FOUND"
        return "DNS_SERVER_ERROR"

    def _soa(self, domain: str) -> dict[str, Any] | None:
        """Return SOARecord from the SOA of the zone ``domain`` is in, as the DNS servers answer it."""
        import dns.exception
        import dns.rdatatype

        from byodkim.dnscheck.servers import query
        from byodkim.emulator.lookup import server_of

        for spec in self.settings.dns_servers:
            try:
                answer = query(server_of(spec), domain + ".", "SOA", 1.0)
            except (dns.exception.DNSException, OSError, ValueError):
                continue
            # At the apex the SOA is the answer; below it, the authority section of the reply.
            for rrset in (*answer.answer, *answer.authority):
                if rrset.rdtype == dns.rdatatype.SOA:
                    record = rrset[0]
                    # RFC 1035: RNAME's first label is the mailbox (it may hold dots), the rest its domain.
                    labels = [label.decode() for label in record.rname.labels if label]
                    return {
                        "PrimaryNameServer": record.mname.to_text(omit_final_dot=True),
                        "AdminEmail": f"{labels[0]}@{'.'.join(labels[1:])}" if len(labels) > 1 else "".join(labels),
                        "SerialNumber": int(record.serial),
                    }
        return None

    def _published(self, identity: Identity) -> bool:
        if not self.settings.dns_servers:
            return False
        from byodkim.emulator.lookup import cname_target

        if identity.origin != "EXTERNAL":  # Easy DKIM: all three token CNAMEs must point at SES
            return all(
                cname_target(record_name(identity.name, token), self.settings.dns_servers)
                == f"{token}.dkim.amazonses.com"
                for token in identity.tokens
            )
        if identity.public_der is None or identity.signing_key is None or identity.selector is None:
            return False
        # SES's verdict is a receiver's: a message signed with the registered key must verify
        # (dkimpy) against the record served. A private key in p=, k=ed25519, an h= without
        # sha256, a revoked or another key all fail here for the reason they fail at receivers.
        from byodkim.dnscheck import receiver
        from byodkim.emulator.lookup import server_of

        servers = [server_of(spec) for spec in self.settings.dns_servers]
        signed_for = (identity.key_sha256, identity.selector, identity.name)
        signed = _SIGNED.get(signed_for)
        if signed is None:
            message = receiver.test_message(identity.name)
            signed = _SIGNED[signed_for] = receiver.sign(
                message, identity.signing_key, identity.name, identity.selector
            )
        return any(receiver.verify(signed, [server], timeout=1.0)[0] for server in servers)


def _external(identity: Identity, attributes: dict[str, Any]) -> None:
    selector = attributes.get("DomainSigningSelector")
    key = attributes.get("DomainSigningPrivateKey")
    if attributes.get("NextSigningKeyLength"):
        raise SesError("BadRequestException", "NextSigningKeyLength cannot be used with an external signing key.")
    if not selector or not _SELECTOR.match(selector) or len(selector) > 63:  # noqa: PLR2004
        raise SesError(
            "BadRequestException",
            "1 validation error detected: Value at 'domainSigningSelector' failed to satisfy constraint",
        )
    if not key or not _KEY.match(key) or len(key) > 20480:  # noqa: PLR2004
        raise SesError(
            "BadRequestException",
            "1 validation error detected: Value at 'domainSigningPrivateKey' failed to satisfy constraint",
        )
    identity.origin = "EXTERNAL"
    identity.selector = selector
    identity.key_sha256 = hashlib.sha256(key.encode()).hexdigest()
    identity.key_format, identity.key_bits, identity.public_der, identity.signing_key = _inspect_key(key)
    identity.status, identity.since, identity.key_time = "PENDING", time.time(), time.time()
    identity.tokens = [selector]
    # SigningEnabled is left as it was: only PutEmailIdentityDkimAttributes changes it.


def _easy(identity: Identity, origin: str = "AWS_SES", next_length: str | None = None) -> None:
    # Easy DKIM verifies like SES: PENDING until the three token CNAMEs resolve to SES.
    # A replicated origin (AWS_SES_<REGION>) is kept as given, as SES reports it.
    if next_length not in (None, "RSA_1024_BIT", "RSA_2048_BIT"):
        raise SesError("BadRequestException", f"Invalid NextSigningKeyLength: {next_length}")
    identity.origin = origin
    identity.selector = identity.key_sha256 = identity.key_format = None
    identity.next_key_bits = 1024 if next_length == "RSA_1024_BIT" else 2048
    identity.key_bits, identity.public_der, identity.signing_key = identity.next_key_bits, None, None
    identity.tokens = [secrets.token_hex(16) for _ in range(3)]
    identity.status, identity.since, identity.key_time = "PENDING", time.time(), time.time()


def _inspect_key(key: str) -> tuple[str, int | None, bytes | None, SigningKey | None]:
    """Return (form, bits, public DER and the key to sign with, if SES would verify it).

    Parsed once, without OpenSSL's RSA consistency check (70 ms a key): SES does not check
    the key either, and a fleet registers thousands.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from byodkim.dkim.keys import SigningKey

    der = base64.b64decode(key + "=" * (-len(key) % 4))
    if der.lstrip().startswith(b"-----BEGIN"):
        return "base64 of a PEM file", None, None, None
    try:
        private = serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError):
        return "not a key", None, None, None
    if not isinstance(private, rsa.RSAPrivateKey):
        return "not RSA", None, None, None
    pkcs1 = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    bits = private.key_size
    if der != pkcs1:
        return "PKCS#8", bits, None, None  # accepted by the API, never verified (as users report of SES)
    if bits not in (1024, 2048):
        return "PKCS#1", bits, None, None
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "PKCS#1", bits, public, SigningKey(private, "PKCS#1")


def mail_from_attributes(identity: Identity, dns_servers: list[str], region: str) -> dict[str, Any]:
    """Return ``MailFromAttributes``; SES checks the MX (feedback-smtp.REGION.amazonses.com) and the SPF."""
    if not identity.mail_from:
        # botocore marks all three members required; with no custom MAIL FROM the domain is empty
        # (byodkim reads the status only beside a domain).
        return {
            "MailFromDomain": "",
            "MailFromDomainStatus": "PENDING",
            "BehaviorOnMxFailure": identity.mail_from_behavior,
        }
    from byodkim.emulator.lookup import mail_from_ready

    ready = mail_from_ready(identity.mail_from, region, dns_servers)
    return {
        "MailFromDomain": identity.mail_from,
        "MailFromDomainStatus": "SUCCESS" if ready else "PENDING",
        "BehaviorOnMxFailure": identity.mail_from_behavior,
    }


def dkim_attributes(identity: Identity) -> dict[str, Any]:
    """Return ``DkimAttributes`` as SES answers them."""
    attributes: dict[str, Any] = {
        "SigningEnabled": identity.signing_enabled,
        "Status": identity.status,
        "Tokens": identity.tokens,
        "SigningAttributesOrigin": identity.origin,
        "LastKeyGenerationTimestamp": identity.key_time,
    }
    if not identity.is_domain:
        return {"SigningEnabled": False, "Status": "NOT_STARTED", "Tokens": []}
    if identity.key_bits in (1024, 2048):  # the enum's only lengths: a 4096-bit key reports none
        attributes["CurrentSigningKeyLength"] = f"RSA_{identity.key_bits}_BIT"
    if identity.origin != "EXTERNAL":
        attributes["NextSigningKeyLength"] = f"RSA_{identity.next_key_bits}_BIT"
    return attributes


def verification_status(identity: Identity) -> str:
    """Return the identity's VerificationStatus, the same in GetEmailIdentity and ListEmailIdentities."""
    if not identity.is_domain:
        return "PENDING"  # until the link SES mails is followed, which the emulator never sees
    return "SUCCESS" if identity.verified else identity.status


def verification_info(identity: Identity) -> dict[str, Any]:
    """Return VerificationInfo: when SES last looked, last succeeded, and what it found wrong."""
    info: dict[str, Any] = {}
    if identity.last_checked is not None:
        info["LastCheckedTimestamp"] = identity.last_checked
    if identity.last_success is not None:
        info["LastSuccessTimestamp"] = identity.last_success
    if identity.error_type and identity.status in ("FAILED", "TEMPORARY_FAILURE"):
        info["ErrorType"] = identity.error_type
    if identity.soa is not None:
        info["SOARecord"] = dict(identity.soa)
    return info
