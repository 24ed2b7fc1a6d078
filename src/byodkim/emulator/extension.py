"""byodkim's extension of moto's server: control endpoints, fault injection, BYODKIM SES.

A WSGI middleware in front of moto's app. It answers the SESv2 identity and DKIM
operations itself (moto reports every identity verified at once and never looks at
the key), injects faults per service, operation and region, and passes every other
request to moto untouched.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from byodkim.emulator.ses_api import SesApi
from byodkim.emulator.state import ACCOUNT, Fault
from byodkim.emulator.wire import Response, describe, error_response, respond

if TYPE_CHECKING:
    from collections.abc import Iterable

    from byodkim.emulator.ses import SesIdentities
    from byodkim.emulator.state import Settings, State
    from byodkim.emulator.wire import Call, StartResponse, WsgiApp


def wrap(app: WsgiApp, state: State) -> WsgiApp:
    """Return moto's WSGI app behind the extension."""
    settings, store = state.settings, state.identities
    ses = SesApi(store)

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_byodkim/"):
            return respond(start_response, *_control(path, environ, settings, store))
        if path.startswith("/moto-api/"):
            return app(environ, start_response)  # moto's own control plane is never faulted
        call = describe(environ)
        fault = settings.take_fault(call)
        if fault is not None:
            return respond(start_response, *_fault_response(fault, call))
        handled = ses.handle(call, ACCOUNT)
        if handled is not None:
            return respond(start_response, *handled)
        return app(environ, start_response)

    return middleware


_THROTTLE = {"rest-json": ("TooManyRequestsException", 429), "json": ("ThrottlingException", 400)}
_THROTTLE_DEFAULT = ("Throttling", 400)


def _fault_response(fault: Fault, call: Call) -> Response:
    if fault.kind == "throttle":
        code, status = _THROTTLE.get(
            call.protocol, ("SlowDown", 503) if call.protocol == "rest-xml" else _THROTTLE_DEFAULT
        )
    elif fault.kind == "5xx":
        code, status = fault.code or "InternalFailure", max(fault.status, 500)
    else:
        code, status = fault.code or "BadRequestException", fault.status
    return error_response(call.protocol, code, f"injected by the byodkim emulator ({fault.kind})", status)


def _control(path: str, environ: dict[str, Any], settings: Settings, store: SesIdentities) -> Response:
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
