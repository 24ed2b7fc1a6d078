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

if TYPE_CHECKING:
    from byodkim.emulator.extension import Call, Settings

Response = tuple[int, dict[str, str], bytes]
_KEY = re.compile(r"^[a-zA-Z0-9+/]+={0,2}$")
_SELECTOR = re.compile(r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9]))$")
_ROUTES = [
    ("POST", r"^/v2/email/identities$", "CreateEmailIdentity"),
    ("GET", r"^/v2/email/identities$", "ListEmailIdentities"),
    ("POST", r"^/v2/email/list-identities$", "ListEmailIdentities"),
    ("GET", r"^/v2/email/identities/(?P<id>[^/]+)$", "GetEmailIdentity"),
    ("DELETE", r"^/v2/email/identities/(?P<id>[^/]+)$", "DeleteEmailIdentity"),
    ("PUT", r"^/v2/email/identities/(?P<id>[^/]+)/dkim/signing$", "PutEmailIdentityDkimSigningAttributes"),
    ("PUT", r"^/v2/email/identities/(?P<id>[^/]+)/dkim$", "PutEmailIdentityDkimAttributes"),
    (
        "POST",
        r"^/v2/email/configuration-sets/(?P<cs>[^/]+)/event-destinations$",
        "CreateConfigurationSetEventDestination",
    ),
    ("GET", r"^/v2/email/configuration-sets/(?P<cs>[^/]+)/event-destinations$", "GetConfigurationSetEventDestinations"),
    (
        "DELETE",
        r"^/v2/email/configuration-sets/(?P<cs>[^/]+)/event-destinations/(?P<dest>[^/]+)$",
        "DeleteConfigurationSetEventDestination",
    ),
]
_COMPILED = [(method, re.compile(pattern), name) for method, pattern, name in _ROUTES]


def operation_for(method: str, path: str) -> str | None:
    """Return the SESv2 operation this extension answers for a request, if any."""
    for want, pattern, name in _COMPILED:
        if method == want and pattern.match(path):
            return name
    return None


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
    signing_enabled: bool = True
    status: str = "SUCCESS"
    since: float = field(default_factory=time.time)
    key_time: float = field(default_factory=time.time)
    tokens: list[str] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    configuration_set: str | None = None

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

    def clear(self) -> None:
        """Forget everything."""
        with self.lock:
            self.identities.clear()
            self.destinations.clear()

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

    def handle(self, call: Call, account: str) -> Response | None:
        """Answer an SESv2 identity/DKIM call, or return ``None`` to let moto answer."""
        if call.service != "ses" or not call.path.startswith("/v2/"):
            return None
        from byodkim.emulator.extension import error_response

        if call.path == "/v2/email/tags":
            return self._tags(call, account)
        for want, pattern, name in _COMPILED:
            match = pattern.match(call.path)
            if call.method == want and match:
                try:
                    with self.lock:
                        body = getattr(self, f"_{name}")(call, account, match.groupdict())
                except SesError as exc:
                    return error_response("rest-json", exc.code, exc.message, exc.status)
                return 200, {"Content-Type": "application/json"}, _json(body)
        return None

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
        origin = "EXTERNAL" if attributes and attributes.get("DomainSigningPrivateKey") else "AWS_SES"
        if attributes and attributes.get("SigningAttributesOrigin"):
            origin = attributes["SigningAttributesOrigin"]
        if origin == "EXTERNAL":
            _external(identity, attributes or {})
        else:
            _easy(identity)
        self.identities[key] = identity
        return identity

    def get(self, account: str, region: str, name: str) -> Identity:
        """Return an identity after letting SES look at DNS, or raise NotFound."""
        from urllib.parse import unquote

        name = unquote(name)
        identity = self._find(account, region, name)
        if identity is None:
            raise SesError("NotFoundException", f"Email identity {name} does not exist.", 404)
        self._evaluate(identity)
        return identity

    def _find(self, account: str, region: str, name: str) -> Identity | None:
        # Domains are stored lower-case; an address keeps its case.
        return self.identities.get((account, region, name.lower())) or self.identities.get((account, region, name))

    def _evaluate(self, identity: Identity) -> None:
        if identity.status == "FAILED" or not identity.is_domain:
            return
        now = time.time()
        if self._published(identity):
            identity.status, identity.since = "SUCCESS", now
            return
        if identity.status == "SUCCESS":
            identity.status, identity.since = "TEMPORARY_FAILURE", now
        elif now - identity.since > self.settings.dkim_window:
            identity.status = "FAILED"

    def _published(self, identity: Identity) -> bool:
        if not self.settings.dns_servers:
            return False
        from byodkim.emulator.lookup import cname_target, published_keys

        if identity.origin != "EXTERNAL":  # Easy DKIM: all three token CNAMEs must point at SES
            return all(
                cname_target(f"{token}._domainkey.{identity.name}", self.settings.dns_servers)
                == f"{token}.dkim.amazonses.com"
                for token in identity.tokens
            )
        if identity.public_der is None:
            return False
        name = f"{identity.selector}._domainkey.{identity.name}"
        return identity.public_der in published_keys(name, self.settings.dns_servers)

    def _tags(self, call: Call, account: str) -> Response | None:
        """TagResource, UntagResource and ListTagsForResource for identity ARNs; moto keeps the rest."""
        from urllib.parse import parse_qs

        from byodkim.emulator.extension import error_response

        body = call.json() if call.method == "POST" else {}
        query = call.query or parse_qs("")
        arn = body.get("ResourceArn") or (query.get("ResourceArn") or [""])[0]
        if ":identity/" not in arn:
            return None
        region, name = arn.split(":")[3], arn.split(":identity/", 1)[1]
        with self.lock:
            identity = self._find(account, region, name)
            if identity is None:
                return error_response("rest-json", "NotFoundException", f"Resource {arn} does not exist.", 404)
            if call.method == "POST":
                wanted = {t["Key"]: t["Value"] for t in body.get("Tags", [])}
                identity.tags = [t for t in identity.tags if t["Key"] not in wanted]
                identity.tags += [{"Key": k, "Value": v} for k, v in wanted.items()]
                answer: dict[str, Any] = {}
            elif call.method == "DELETE":
                drop = set(query.get("TagKeys", []))
                identity.tags = [t for t in identity.tags if t["Key"] not in drop]
                answer = {}
            else:
                answer = {"Tags": identity.tags}
        return 200, {"Content-Type": "application/json"}, _json(answer)

    # -- operations -------------------------------------------------------------------------

    def _CreateEmailIdentity(self, call: Call, account: str, _: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        body = call.json()
        name = str(body.get("EmailIdentity") or "")
        if not name:
            raise SesError("BadRequestException", "EmailIdentity is required")
        identity = self.put_identity(account, call.region, name, body.get("DkimSigningAttributes"), create=True)
        identity.tags = list(body.get("Tags") or [])
        identity.configuration_set = body.get("ConfigurationSetName")
        return {
            "IdentityType": "DOMAIN" if identity.is_domain else "EMAIL_ADDRESS",
            "VerifiedForSendingStatus": identity.status == "SUCCESS",
            "DkimAttributes": _dkim_attributes(identity),
        }

    def _GetEmailIdentity(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        identity = self.get(account, call.region, path["id"])
        result: dict[str, Any] = {
            "IdentityType": "DOMAIN" if identity.is_domain else "EMAIL_ADDRESS",
            "FeedbackForwardingStatus": True,
            "VerifiedForSendingStatus": identity.status == "SUCCESS",
            "DkimAttributes": _dkim_attributes(identity),
            "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE", "MailFromDomainStatus": "SUCCESS"},
            "Policies": {},
            "Tags": identity.tags,
            "VerificationStatus": identity.status if identity.status != "TEMPORARY_FAILURE" else "SUCCESS",
        }
        if identity.configuration_set:
            result["ConfigurationSetName"] = identity.configuration_set
        return result

    def _ListEmailIdentities(self, call: Call, account: str, _: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        found = [i for (a, r, _n), i in sorted(self.identities.items()) if a == account and r == call.region]
        return {
            "EmailIdentities": [
                {
                    "IdentityType": "DOMAIN" if i.is_domain else "EMAIL_ADDRESS",
                    "IdentityName": i.name,
                    "SendingEnabled": i.status == "SUCCESS",
                    "VerificationStatus": i.status,
                }
                for i in found
            ]
        }

    def _DeleteEmailIdentity(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        identity = self.get(account, call.region, path["id"])
        del self.identities[(account, call.region, identity.name)]
        return {}

    def _PutEmailIdentityDkimSigningAttributes(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        body = call.json()
        origin = body.get("SigningAttributesOrigin")
        if origin not in {"AWS_SES", "EXTERNAL", "AWS_SES_AF_SOUTH_1"} and not str(origin).startswith("AWS_SES"):
            raise SesError("BadRequestException", f"Invalid SigningAttributesOrigin: {origin}")
        attributes = {**(body.get("SigningAttributes") or {}), "SigningAttributesOrigin": origin}
        identity = self.put_identity(account, call.region, path["id"], attributes, create=False)
        return {"DkimStatus": identity.status, "DkimTokens": identity.tokens}

    def _PutEmailIdentityDkimAttributes(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        identity = self.get(account, call.region, path["id"])
        identity.signing_enabled = bool(call.json().get("SigningEnabled", False))
        return {}

    def _CreateConfigurationSetEventDestination(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        _require_configuration_set(account, call.region, path["cs"])
        body = call.json()
        name = body.get("EventDestinationName")
        destination = dict(body.get("EventDestination") or {})
        if not name or not destination.get("MatchingEventTypes"):
            raise SesError("BadRequestException", "EventDestinationName and MatchingEventTypes are required")
        existing = self.destinations.setdefault((account, call.region, path["cs"]), [])
        if any(d["Name"] == name for d in existing):
            raise SesError("AlreadyExistsException", f"Event destination {name} already exists.")
        existing.append({"Name": name, **destination})
        return {}

    def _GetConfigurationSetEventDestinations(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        _require_configuration_set(account, call.region, path["cs"])
        return {"EventDestinations": self.destinations.get((account, call.region, path["cs"]), [])}

    def _DeleteConfigurationSetEventDestination(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        existing = self.destinations.get((account, call.region, path["cs"]), [])
        kept = [d for d in existing if d["Name"] != path["dest"]]
        if len(kept) == len(existing):
            raise SesError("NotFoundException", f"Event destination {path['dest']} does not exist.", 404)
        self.destinations[(account, call.region, path["cs"])] = kept
        return {}


def _require_configuration_set(account: str, region: str, name: str) -> None:
    from moto.sesv2.models import sesv2_backends

    try:
        sesv2_backends[account][region].get_configuration_set(name)
    except Exception:  # noqa: BLE001 - moto raises its own NotFound types; SES answers NotFoundException
        raise SesError("NotFoundException", f"Configuration set <{name}> does not exist.", 404) from None


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
    identity.key_format, identity.key_bits, identity.public_der = _inspect_key(key)
    identity.status, identity.since, identity.key_time = "PENDING", time.time(), time.time()
    identity.tokens = [selector]
    identity.signing_enabled = True


def _easy(identity: Identity) -> None:
    # Easy DKIM verifies like SES: PENDING until the three token CNAMEs resolve to SES.
    identity.origin = "AWS_SES"
    identity.selector = identity.key_sha256 = identity.key_format = None
    identity.key_bits, identity.public_der = 2048, None
    identity.tokens = [secrets.token_hex(16) for _ in range(3)]
    identity.status, identity.since, identity.key_time = "PENDING", time.time(), time.time()
    identity.signing_enabled = True


def _inspect_key(key: str) -> tuple[str, int | None, bytes | None]:
    """Return (form, bits, public DER if SES would verify it)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    der = base64.b64decode(key + "=" * (-len(key) % 4))
    if der.lstrip().startswith(b"-----BEGIN"):
        return "base64 of a PEM file", None, None
    try:
        private = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError):
        return "not a key", None, None
    if not isinstance(private, rsa.RSAPrivateKey):
        return "not RSA", None, None
    pkcs1 = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    bits = private.key_size
    if der != pkcs1:
        return "PKCS#8", bits, None  # accepted by the API, never verified (as users report of SES)
    if bits not in (1024, 2048):
        return "PKCS#1", bits, None
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "PKCS#1", bits, public


def _dkim_attributes(identity: Identity) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "SigningEnabled": identity.signing_enabled,
        "Status": identity.status,
        "Tokens": identity.tokens,
        "SigningAttributesOrigin": identity.origin,
        "LastKeyGenerationTimestamp": identity.key_time,
    }
    if identity.key_bits:
        attributes["CurrentSigningKeyLength"] = f"RSA_{identity.key_bits}_BIT"
    if identity.origin != "EXTERNAL":
        attributes["NextSigningKeyLength"] = "RSA_2048_BIT"
    return attributes


def _json(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body).encode()
