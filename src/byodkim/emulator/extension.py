"""byodkim's extension of moto's server: control endpoints, fault injection, BYODKIM SES.

A WSGI middleware in front of moto's app. It answers the SESv2 identity and DKIM
operations itself (moto reports every identity verified at once and never looks at
the key), injects faults per service, operation and region, and passes every other
request to moto untouched.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs

from byodkim.emulator.ses import SesIdentities

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_LAMBDA_ROUTES = [
    ("POST", re.compile(r"^/2018-10-31/layers/[^/]+/versions$"), "PublishLayerVersion"),
    ("GET", re.compile(r"^/2018-10-31/layers/[^/]+/versions$"), "ListLayerVersions"),
    ("GET", re.compile(r"^/2018-10-31/layers/[^/]+/versions/\d+$"), "GetLayerVersion"),
]
ACCOUNT = "123456789012"  # moto's default account


@dataclass
class Fault:
    """Answer matching calls with an error instead of passing them on."""

    service: str = "*"
    operation: str = "*"
    region: str = "*"
    kind: str = "throttle"  # throttle | 5xx | error
    code: str = ""
    status: int = 400
    count: int = 1  # how many calls it answers; -1 for every call

    def matches(self, call: Call) -> bool:
        """Return whether this fault applies to ``call``."""
        return all(
            want in ("*", have)
            for want, have in (
                (self.service, call.service),
                (self.operation, call.operation),
                (self.region, call.region),
            )
        )


@dataclass
class Settings:
    """What the emulator was told: where SES looks for DNS, how long it waits, which faults to inject."""

    dns_servers: list[str] = field(default_factory=list)
    dkim_window: float = 72 * 3600.0
    faults: list[Fault] = field(default_factory=list)
    calls: list[dict[str, str]] = field(default_factory=list)  # a log of (service, operation, region)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, call: Call) -> Fault | None:
        """Return the first fault that applies, counting it down."""
        with self.lock:
            self.calls.append({"service": call.service, "operation": call.operation, "region": call.region})
            for fault in self.faults:
                if fault.count != 0 and fault.matches(call):
                    if fault.count > 0:
                        fault.count -= 1
                    return fault
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


_IDENTITIES: SesIdentities | None = None


def identities(settings: Settings) -> SesIdentities:
    """Return the process's SES identity store (one per server process)."""
    global _IDENTITIES  # noqa: PLW0603 - one store per server process, shared with the CloudFormation models
    if _IDENTITIES is None:
        _IDENTITIES = SesIdentities(settings)
    return _IDENTITIES


def wrap(app: WsgiApp, settings: Settings) -> WsgiApp:
    """Return moto's WSGI app behind the extension."""
    store = identities(settings)

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_byodkim/"):
            return _respond(start_response, *_control(path, environ, settings, store))
        if path.startswith("/moto-api/"):
            return app(environ, start_response)  # moto's own control plane is never faulted
        call = _describe(environ)
        fault = settings.take_fault(call)
        if fault is not None:
            return _respond(start_response, *_fault_response(fault, call))
        handled = store.handle(call, ACCOUNT)
        if handled is not None:
            return _respond(start_response, *handled)
        return app(environ, start_response)

    return middleware


def _describe(environ: dict[str, Any]) -> Call:
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
        from byodkim.emulator.ses import operation_for

        if path == "/v2/email/tags":
            return {"POST": "TagResource", "DELETE": "UntagResource"}.get(method, "ListTagsForResource")
        return operation_for(method, path) or "*"
    if service == "lambda":
        for want, pattern, name in _LAMBDA_ROUTES:
            if method == want and pattern.match(path):
                return name
    return "*"


_THROTTLE = {"rest-json": ("TooManyRequestsException", 429), "json": ("ThrottlingException", 400)}
_THROTTLE_DEFAULT = ("Throttling", 400)


def _fault_response(fault: Fault, call: Call) -> tuple[int, dict[str, str], bytes]:
    if fault.kind == "throttle":
        code, status = _THROTTLE.get(
            call.protocol, ("SlowDown", 503) if call.protocol == "rest-xml" else _THROTTLE_DEFAULT
        )
    elif fault.kind == "5xx":
        code, status = fault.code or "InternalFailure", max(fault.status, 500)
    else:
        code, status = fault.code or "BadRequestException", fault.status
    return error_response(call.protocol, code, f"injected by the byodkim emulator ({fault.kind})", status)


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


def _control(
    path: str, environ: dict[str, Any], settings: Settings, store: SesIdentities
) -> tuple[int, dict[str, str], bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    payload: dict[str, Any] = json.loads(raw) if raw.strip() else {}
    answer: dict[str, Any]
    with settings.lock:
        if path == "/_byodkim/reset":
            settings.faults.clear()
            settings.calls.clear()
            store.clear()
            answer = {"reset": True}
        elif path == "/_byodkim/faults":
            settings.faults[:] = [Fault(**item) for item in payload.get("faults", [])]
            answer = {"faults": len(settings.faults)}
        elif path == "/_byodkim/config":
            if "dns_servers" in payload:
                settings.dns_servers[:] = list(payload["dns_servers"])
            if "dkim_window" in payload:
                settings.dkim_window = float(payload["dkim_window"])
            answer = {"dns_servers": settings.dns_servers, "dkim_window": settings.dkim_window}
        elif path == "/_byodkim/calls":
            answer = {"calls": list(settings.calls)}
        elif path == "/_byodkim/ses/identities":
            answer = {"identities": store.describe()}
        else:
            return 404, {"Content-Type": "application/json"}, b'{"message": "unknown control endpoint"}'
    return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()


def _respond(start_response: StartResponse, status: int, headers: dict[str, str], body: bytes) -> list[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}
    start_response(f"{status} {reasons.get(status, 'Error')}", [*headers.items(), ("Content-Length", str(len(body)))])
    return [body]
