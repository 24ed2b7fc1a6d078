"""The SESv2 API answers for identities, DKIM and event destinations, over :mod:`ses`'s model."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from byodkim.emulator.ses import (
    SesError,
    dkim_attributes,
    mail_from_attributes,
    verification_info,
    verification_status,
)
from byodkim.emulator.wire import SES_ROUTES, Response, error_response

if TYPE_CHECKING:
    from byodkim.emulator.outbound import Outbound
    from byodkim.emulator.ses import Identity, SesIdentities
    from byodkim.emulator.wire import Call


class SesApi:
    """Answers SESv2 identity/DKIM calls from the store; everything else goes on to moto."""

    def __init__(self, store: SesIdentities, outbound: Outbound) -> None:
        self.store, self.outbound = store, outbound

    def _PutEmailIdentityMailFromAttributes(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        identity = self.store.get(account, call.region, path["id"])
        body = call.json()
        domain = str(body.get("MailFromDomain") or "")
        if domain and not domain.endswith("." + identity.name):
            raise SesError("BadRequestException", f"MAIL FROM domain {domain} must be a subdomain of {identity.name}.")
        identity.mail_from = domain or None
        identity.mail_from_behavior = str(body.get("BehaviorOnMxFailure") or "USE_DEFAULT_VALUE")
        return {}

    def _SendEmail(self, call: Call, account: str, _params: dict[str, str]) -> dict[str, Any]:  # noqa: N802 - the operation's name
        request = call.json()
        if self.store.settings.ses_sandbox and self.store.verified_for(
            account, call.region, str(request.get("FromEmailAddress") or "")
        ):
            # In the sandbox SES sends only to verified identities and its mailbox simulator (SES
            # Developer Guide, "Request production access"); an unverified sender is refused first.
            refused = [r for r in _recipients(request) if not self.store.verified_for(account, call.region, r)]
            if refused:
                raise SesError(
                    "MessageRejected",
                    "Email address is not verified. The following identities failed the check in region "
                    f"{call.region.upper()}: {', '.join(refused)}",
                )
        return self.outbound.send(self.store, account, call.region, request)

    def _GetAccount(self, call: Call, _account: str, _params: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        sandbox = self.store.settings.ses_sandbox
        with self.outbound.lock:
            sent = sum(1 for m in self.outbound.sent if m["region"] == call.region)
        return {
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": not sandbox,
            # The sandbox's quotas (200 a day, 1 a second); out of it, SES's usual starting quotas.
            "SendQuota": {
                "Max24HourSend": 200.0 if sandbox else 50000.0,
                "MaxSendRate": 1.0 if sandbox else 14.0,
                "SentLast24Hours": float(sent),
            },
            "SendingEnabled": True,
            "SuppressionAttributes": {"SuppressedReasons": []},
        }

    def handle(self, call: Call, account: str) -> Response | None:
        """Answer an SESv2 identity/DKIM call, or return ``None`` to let moto answer."""
        if call.service != "ses" or not call.path.startswith("/v2/"):
            return None
        if call.path == "/v2/email/tags":
            return self._tags(call, account)
        configuration_set = re.match(r"^/v2/email/configuration-sets/([^/]+)$", call.path)
        if call.method == "GET" and configuration_set:
            return _configuration_set(account, call.region, unquote(configuration_set.group(1)))
        for want, pattern, name in SES_ROUTES:
            match = pattern.match(call.path)
            if call.method == want and match:
                try:
                    with self.store.lock:
                        body = getattr(self, f"_{name}")(call, account, match.groupdict())
                except SesError as exc:
                    return error_response("rest-json", exc.code, exc.message, exc.status)
                return 200, {"Content-Type": "application/json"}, _json(body)
        return None

    def _tags(self, call: Call, account: str) -> Response | None:
        """TagResource, UntagResource and ListTagsForResource for identity ARNs; moto keeps the rest."""
        from urllib.parse import parse_qs

        body = call.json() if call.method == "POST" else {}
        query = call.query or parse_qs("")
        arn = body.get("ResourceArn") or (query.get("ResourceArn") or [""])[0]
        if ":identity/" not in arn:
            return None
        region, name = arn.split(":")[3], arn.split(":identity/", 1)[1]
        with self.store.lock:
            identity = self.store.find(account, region, name)
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
        identity = self.store.put_identity(account, call.region, name, body.get("DkimSigningAttributes"), create=True)
        identity.tags = list(body.get("Tags") or [])
        identity.configuration_set = body.get("ConfigurationSetName")
        return {
            "IdentityType": "DOMAIN" if identity.is_domain else "EMAIL_ADDRESS",
            "VerifiedForSendingStatus": identity.verified,
            "DkimAttributes": dkim_attributes(identity),
        }

    def _GetEmailIdentity(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        identity = self.store.get(account, call.region, path["id"])
        result: dict[str, Any] = {
            "IdentityType": "DOMAIN" if identity.is_domain else "EMAIL_ADDRESS",
            "FeedbackForwardingStatus": True,
            "VerifiedForSendingStatus": identity.verified,
            "DkimAttributes": dkim_attributes(identity),
            "MailFromAttributes": mail_from_attributes(identity, self.store.settings.dns_servers, call.region),
            "Policies": {},
            "Tags": identity.tags,
            "VerificationStatus": verification_status(identity),
            "VerificationInfo": verification_info(identity),
        }
        if identity.configuration_set:
            result["ConfigurationSetName"] = identity.configuration_set
        return result

    def _ListEmailIdentities(self, call: Call, account: str, _: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        import base64
        import binascii

        found = [i for (a, r, _n), i in sorted(self.store.identities.items()) if a == account and r == call.region]
        # Newer models POST the request as JSON to /v2/email/list-identities; older ones GET with a query.
        body: dict[str, Any] = (
            call.json() if call.method == "POST" else {k: v[0] for k, v in (call.query or {}).items()}
        )
        size_text = str(body.get("PageSize") or "1000")
        token = str(body.get("NextToken") or "")
        given = body.get("Filter")
        wanted: dict[str, str] = dict(given) if isinstance(given, dict) else {}
        found = [i for i in found if _matches(i, wanted)]
        if not size_text.isdigit() or not 0 < int(size_text) <= 1000:  # noqa: PLR2004 - the API's limit
            raise SesError("BadRequestException", f"Invalid PageSize: {size_text}")
        start = 0
        if token:
            try:
                after = base64.urlsafe_b64decode(token.encode()).decode()
            except (binascii.Error, UnicodeDecodeError, ValueError):
                raise SesError("BadRequestException", "Invalid NextToken") from None
            names = [i.name for i in found]
            if after not in names:
                raise SesError("BadRequestException", "Invalid NextToken")
            start = names.index(after) + 1
        page = found[start : start + int(size_text)]
        answer: dict[str, Any] = {
            "EmailIdentities": [
                {
                    "IdentityType": "DOMAIN" if i.is_domain else "EMAIL_ADDRESS",
                    "IdentityName": i.name,
                    # The same judgement as GetEmailIdentity's, so the two never disagree.
                    "SendingEnabled": i.verified,
                    "VerificationStatus": verification_status(i),
                }
                for i in page
            ]
        }
        if start + len(page) < len(found):
            answer["NextToken"] = base64.urlsafe_b64encode(page[-1].name.encode()).decode()
        return answer

    def _DeleteEmailIdentity(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        identity = self.store.get(account, call.region, path["id"])
        del self.store.identities[(account, call.region, identity.name)]
        self.store.changed(call.region, None, identity.name)
        return {}

    def _PutEmailIdentityDkimSigningAttributes(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        body = call.json()
        origin = body.get("SigningAttributesOrigin")
        if origin not in _origins():
            raise SesError("BadRequestException", f"Invalid SigningAttributesOrigin: {origin}")
        attributes = {**(body.get("SigningAttributes") or {}), "SigningAttributesOrigin": origin}
        identity = self.store.put_identity(account, call.region, path["id"], attributes, create=False)
        return {"DkimStatus": identity.status, "DkimTokens": identity.tokens}

    def _PutEmailIdentityDkimAttributes(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        identity = self.store.get(account, call.region, path["id"])
        identity.signing_enabled = bool(call.json().get("SigningEnabled", False))
        return {}

    def _CreateConfigurationSetEventDestination(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        _require_configuration_set(account, call.region, path["cs"])
        body = call.json()
        name = body.get("EventDestinationName")
        destination = dict(body.get("EventDestination") or {})
        if not name or not destination.get("MatchingEventTypes"):
            raise SesError("BadRequestException", "EventDestinationName and MatchingEventTypes are required")
        existing = self.store.destinations.setdefault((account, call.region, path["cs"]), [])
        if any(d["Name"] == name for d in existing):
            raise SesError("AlreadyExistsException", f"Event destination {name} already exists.")
        existing.append({"Name": name, **destination})
        return {}

    def _GetConfigurationSetEventDestinations(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        _require_configuration_set(account, call.region, path["cs"])
        return {"EventDestinations": self.store.destinations.get((account, call.region, path["cs"]), [])}

    def _DeleteConfigurationSetEventDestination(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        existing = self.store.destinations.get((account, call.region, path["cs"]), [])
        kept = [d for d in existing if d["Name"] != path["dest"]]
        if len(kept) == len(existing):
            raise SesError("NotFoundException", f"Event destination {path['dest']} does not exist.", 404)
        self.store.destinations[(account, call.region, path["cs"])] = kept
        return {}


def _recipients(request: dict[str, Any]) -> list[str]:
    """Return every address a SendEmail request sends to (To, Cc, Bcc), without display names."""
    from email.utils import parseaddr

    destination = request.get("Destination") or {}
    given = [str(a) for kind in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destination.get(kind) or []]
    return [parseaddr(a)[1] or a for a in given]


def _matches(identity: Identity, wanted: dict[str, str]) -> bool:
    """Return whether ``identity`` passes ListEmailIdentities' Filter (the model's three keys)."""
    for key, value in wanted.items():
        if key == "IDENTITY_NAME_CONTAINS" and value not in identity.name:
            return False
        if key == "IDENTITY_TYPE" and value != ("DOMAIN" if identity.is_domain else "EMAIL_ADDRESS"):
            return False
        if key == "VERIFICATION_STATUS" and value != verification_status(identity):
            return False
        if key not in ("IDENTITY_NAME_CONTAINS", "IDENTITY_TYPE", "VERIFICATION_STATUS"):
            raise SesError("BadRequestException", f"Invalid filter key: {key}")
    return True


def _configuration_set(account: str, region: str, name: str) -> Response:
    """Answer GetConfigurationSet from moto's store in the model's shapes.

    moto answers ``SendingOptions.SendingEnabled: {}`` and an empty ``TrackingOptions`` whose
    ``CustomRedirectDomain`` the model marks required; an option never set is absent in SES.
    """
    from moto.sesv2.models import sesv2_backends

    try:
        found = sesv2_backends[account][region].get_configuration_set(name)
    except Exception:  # noqa: BLE001 - moto raises its own NotFound types; SES answers NotFoundException
        return error_response("rest-json", "NotFoundException", f"Configuration set <{name}> does not exist.", 404)
    raw = found.to_dict_v2()
    enabled = raw["SendingOptions"]["SendingEnabled"]
    answer: dict[str, Any] = {
        "ConfigurationSetName": raw["ConfigurationSetName"],
        "SendingOptions": {"SendingEnabled": enabled if isinstance(enabled, bool) else True},
        "Tags": list(raw.get("Tags") or []),
    }
    for option in ("TrackingOptions", "DeliveryOptions", "ReputationOptions", "SuppressionOptions", "VdmOptions"):
        if raw.get(option):
            answer[option] = raw[option]
    return 200, {"Content-Type": "application/json"}, _json(answer)


def _origins() -> list[str]:
    """Return SigningAttributesOrigin's values as botocore's SESv2 model lists them."""
    import botocore.session

    global _ORIGINS  # noqa: PLW0603 - the model is read once per process
    if _ORIGINS is None:
        shape = botocore.session.get_session().get_service_model("sesv2").shape_for("DkimSigningAttributesOrigin")
        _ORIGINS = list(shape.enum)  # type: ignore[attr-defined]
    return _ORIGINS


_ORIGINS: list[str] | None = None


def _require_configuration_set(account: str, region: str, name: str) -> None:
    from moto.sesv2.models import sesv2_backends

    try:
        sesv2_backends[account][region].get_configuration_set(name)
    except Exception:  # noqa: BLE001 - moto raises its own NotFound types; SES answers NotFoundException
        raise SesError("NotFoundException", f"Configuration set <{name}> does not exist.", 404) from None


def _json(body: dict[str, Any]) -> bytes:

    return json.dumps(body).encode()
