"""The emulator's view of HTTP: which AWS call a request is, and AWS errors in each protocol's shape."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Response = tuple[int, dict[str, str], bytes]
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_LAMBDA_ROUTES = [
    ("POST", re.compile(r"^/2018-10-31/layers/[^/]+/versions$"), "PublishLayerVersion"),
    ("GET", re.compile(r"^/2018-10-31/layers/[^/]+/versions$"), "ListLayerVersions"),
    ("GET", re.compile(r"^/2018-10-31/layers/[^/]+/versions/\d+$"), "GetLayerVersion"),
    ("POST", re.compile(r"^/2015-03-31/functions/[^/]+/invocations/?$"), "Invoke"),
]
# SESv2 operations the emulator answers itself (moto lacks them or answers them wrongly).
_ROUTES = [
    ("POST", r"^/v2/email/identities$", "CreateEmailIdentity"),
    ("GET", r"^/v2/email/identities$", "ListEmailIdentities"),
    ("POST", r"^/v2/email/list-identities$", "ListEmailIdentities"),
    ("GET", r"^/v2/email/identities/(?P<id>[^/]+)$", "GetEmailIdentity"),
    ("DELETE", r"^/v2/email/identities/(?P<id>[^/]+)$", "DeleteEmailIdentity"),
    ("PUT", r"^/v2/email/identities/(?P<id>[^/]+)/dkim/signing$", "PutEmailIdentityDkimSigningAttributes"),
    ("PUT", r"^/v2/email/identities/(?P<id>[^/]+)/dkim$", "PutEmailIdentityDkimAttributes"),
    ("POST", r"^/v2/email/outbound-emails$", "SendEmail"),
    ("GET", r"^/v2/email/account$", "GetAccount"),
    ("PUT", r"^/v2/email/identities/(?P<id>[^/]+)/mail-from$", "PutEmailIdentityMailFromAttributes"),
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
SES_ROUTES = [(method, re.compile(pattern), name) for method, pattern, name in _ROUTES]


def operation_for(method: str, path: str) -> str | None:
    """Return the SESv2 operation this extension answers for a request, if any."""
    for want, pattern, name in SES_ROUTES:
        if method == want and pattern.match(path):
            return name
    return None


@dataclass
class Call:
    """One request as the middleware sees it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    service: str
    region: str
    operation: str
    protocol: str  # rest-json | json | query | rest-xml

    def json(self) -> dict[str, Any]:
        """Return the JSON body, or an empty dict."""
        if not self.body:
            return {}
        loaded = json.loads(self.body)
        return loaded if isinstance(loaded, dict) else {}


# The request fields that name what a call acts on (never values: a secret's body stays out of the log).
_NAMING = ("SecretId", "Name", "KeyId", "TopicArn", "Names", "ResourceArn", "Namespace", "BlockPublicPolicy")
_RRSET = re.compile(r"<ResourceRecordSet>\s*<Name>([^<]*)</Name>\s*<Type>([^<]*)</Type>")


def named(call: Call) -> dict[str, str]:
    """Return what ``call`` names (secret, parameter, key, topic, records...), never a value it carries."""
    if call.service == "route53" and call.body:
        sets = _RRSET.findall(call.body.decode("utf-8", "replace"))
        return {"RecordNames": json.dumps([n for n, _ in sets]), "RecordTypes": json.dumps([t for _, t in sets])}
    fields: dict[str, Any] = {}
    if call.protocol in {"json", "rest-json"}:
        try:
            fields = call.json()
        except ValueError:
            return {}
    elif call.protocol == "query":
        form = parse_qs(call.body.decode("utf-8", "replace")) if call.body else {}
        fields = {k: v[0] for k, v in {**call.query, **form}.items()}
    return {k: json.dumps(fields[k]) if isinstance(fields[k], list) else str(fields[k]) for k in _NAMING if k in fields}


def describe(environ: dict[str, Any]) -> Call:
    """Return what a request is: service, region, operation, protocol (the body is kept for moto)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = BytesIO(body)  # moto reads it again
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    if "CONTENT_TYPE" in environ:
        headers["content-type"] = environ["CONTENT_TYPE"]
    scope = _SCOPE.search(headers.get("authorization", ""))
    region, service = (scope.group(1), scope.group(2)) if scope else ("us-east-1", "unknown")
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    target = headers.get("x-amz-target", "")
    if target:
        operation, protocol = target.rsplit(".", 1)[-1], "json"
    elif "x-www-form-urlencoded" in headers.get("content-type", "") or "Action" in query:
        form = parse_qs(body.decode("utf-8", "replace")) if body else {}
        operation, protocol = (form.get("Action") or query.get("Action") or ["*"])[0], "query"
    elif service == "s3":
        operation, protocol = "*", "rest-xml"
    else:
        operation, protocol = _rest_operation(service, method, path), "rest-json"
    return Call(method, path, query, headers, body, service, region, operation, protocol)


def _rest_operation(service: str, method: str, path: str) -> str:
    if service == "ses":
        if path == "/v2/email/tags":
            return {"POST": "TagResource", "DELETE": "UntagResource"}.get(method, "ListTagsForResource")
        return operation_for(method, path) or "*"
    if service == "lambda":
        for want, pattern, name in _LAMBDA_ROUTES:
            if method == want and pattern.match(path):
                return name
    return "*"


def error_response(protocol: str, code: str, message: str, status: int) -> tuple[int, dict[str, str], bytes]:
    """Return an AWS error in the wire shape of ``protocol``."""
    request_id = str(uuid.uuid4())
    if protocol in {"rest-json", "json"}:
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}
        return status, headers, json.dumps({"__type": code, "message": message}).encode()
    inner = f"<Code>{code}</Code><Message>{message}</Message>"
    if protocol == "rest-xml":
        return (
            status,
            {"Content-Type": "application/xml"},
            f"<Error>{inner}<RequestId>{request_id}</RequestId></Error>".encode(),
        )
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type>{inner}</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return status, {"Content-Type": "text/xml"}, body.encode()


def respond(start_response: StartResponse, status: int, headers: dict[str, str], body: bytes) -> list[bytes]:
    """Send a complete response."""
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}
    start_response(f"{status} {reasons.get(status, 'Error')}", [*headers.items(), ("Content-Length", str(len(body)))])
    return [body]
