"""The SESv2 API answers for identities, DKIM and event destinations, over :mod:`ses`'s model."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from byodkim.emulator.ses import SesError, dkim_attributes, mail_from_attributes
from byodkim.emulator.wire import SES_ROUTES, Response, error_response

if TYPE_CHECKING:
    from byodkim.emulator.outbound import Outbound
    from byodkim.emulator.ses import SesIdentities
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
        return self.outbound.send(self.store, account, call.region, call.json())

    def handle(self, call: Call, account: str) -> Response | None:
        """Answer an SESv2 identity/DKIM call, or return ``None`` to let moto answer."""
        if call.service != "ses" or not call.path.startswith("/v2/"):
            return None
        if call.path == "/v2/email/tags":
            return self._tags(call, account)
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
            "VerifiedForSendingStatus": identity.status == "SUCCESS",
            "DkimAttributes": dkim_attributes(identity),
        }

    def _GetEmailIdentity(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        identity = self.store.get(account, call.region, path["id"])
        result: dict[str, Any] = {
            "IdentityType": "DOMAIN" if identity.is_domain else "EMAIL_ADDRESS",
            "FeedbackForwardingStatus": True,
            "VerifiedForSendingStatus": identity.status == "SUCCESS",
            "DkimAttributes": dkim_attributes(identity),
            "MailFromAttributes": mail_from_attributes(identity, self.store.settings.dns_servers, call.region),
            "Policies": {},
            "Tags": identity.tags,
            "VerificationStatus": identity.status if identity.status != "TEMPORARY_FAILURE" else "SUCCESS",
        }
        if identity.configuration_set:
            result["ConfigurationSetName"] = identity.configuration_set
        return result

    def _ListEmailIdentities(self, call: Call, account: str, _: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        found = [i for (a, r, _n), i in sorted(self.store.identities.items()) if a == account and r == call.region]
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
        identity = self.store.get(account, call.region, path["id"])
        del self.store.identities[(account, call.region, identity.name)]
        self.store.changed(call.region, None, identity.name)
        return {}

    def _PutEmailIdentityDkimSigningAttributes(self, call: Call, account: str, path: dict[str, str]) -> dict[str, Any]:  # noqa: N802
        body = call.json()
        origin = body.get("SigningAttributesOrigin")
        if origin not in {"AWS_SES", "EXTERNAL", "AWS_SES_AF_SOUTH_1"} and not str(origin).startswith("AWS_SES"):
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


def _require_configuration_set(account: str, region: str, name: str) -> None:
    from moto.sesv2.models import sesv2_backends

    try:
        sesv2_backends[account][region].get_configuration_set(name)
    except Exception:  # noqa: BLE001 - moto raises its own NotFound types; SES answers NotFoundException
        raise SesError("NotFoundException", f"Configuration set <{name}> does not exist.", 404) from None


def _json(body: dict[str, Any]) -> bytes:

    return json.dumps(body).encode()
