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
import time
from typing import TYPE_CHECKING, Any

from byodkim.emulator import route53dns, stack_state, trail
from byodkim.emulator.ses_api import SesApi
from byodkim.emulator.settings import ACCOUNT, FAULT_KINDS, Fault, SesRateLimit, Settings
from byodkim.emulator.wire import Response, describe, error_response, respond

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from byodkim.emulator.state import State
    from byodkim.emulator.wire import Call, StartResponse, WsgiApp


_CLOUDFORMATION = threading.Lock()


def wrap(app: WsgiApp, state: State) -> WsgiApp:
    """Return moto's WSGI app behind the extension."""
    settings = state.settings
    ses = SesApi(state.identities, state.outbound)

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_byodkim/"):
            return respond(start_response, *_control(path, environ, state))
        if path.startswith("/moto-api/"):
            return app(environ, start_response)  # moto's own control plane is never faulted
        call = describe(environ)
        faulted = _apply_fault(settings.take_fault(call), environ, start_response, call)
        if faulted is not None:
            return faulted
        handled = ses.handle(call, ACCOUNT) or _handled(app, environ, state, call)
        if handled is not None:
            if handled[0] < 300:  # noqa: PLR2004 - a success is what CloudTrail records
                trail.deliver(call, ACCOUNT)
            return respond(start_response, *handled)
        if call.service == "cloudformation":
            # One stack operation at a time: moto's CloudFormation backend is not thread-safe, and
            # Sceptre creates and deletes independent stacks side by side (a 500 on a loaded CI run).
            with _CLOUDFORMATION:
                return _recorded(app, environ, start_response, call)
        answer = _recorded(app, environ, start_response, call)
        if call.service == "monitoring" and state.alarms is not None and "PutMetricData" in (call.operation + path):
            state.alarms.tick()  # CloudWatch evaluates on new data, not only on its clock
        return answer

    return middleware


def _handled(app: WsgiApp, environ: dict[str, Any], state: State, call: Call) -> Response | None:
    """Answer what the extension does itself beside SES: Lambda runs, Route 53 changes made live in DNS."""
    if call.service == "lambda" and call.operation == "Invoke":
        return _invoke(state, call)
    if route53dns.handles(call):
        return route53dns.change(app, environ, call, state)  # moto's answer, once DNS has the change too
    return None


def _apply_fault(
    fault: Fault | None, environ: dict[str, Any], start_response: StartResponse, call: Call
) -> Iterable[bytes] | None:
    """Answer a faulted call, or return None to let it through (a delay lets it through late)."""
    if fault is None:
        return None
    if fault.kind == "delay":
        # The caller checked its precondition before sending; the call lands later, as a slow SES.
        time.sleep(fault.seconds)
        return None
    if fault.kind == "reset":
        _reset(environ)
        return []
    return respond(start_response, *_fault_response(fault, call))


def _recorded(app: WsgiApp, environ: dict[str, Any], start_response: StartResponse, call: Call) -> Iterable[bytes]:
    """Return moto's answer; a success becomes a CloudTrail event, after moto made the change (as AWS reports it)."""
    status: list[str] = []

    def seen(code: str, headers: list[tuple[str, str]], *rest: object) -> object:
        status.append(code)
        return start_response(code, headers, *rest)

    answer = app(environ, seen)
    if status and status[0][:1] == "2":
        trail.deliver(call, ACCOUNT)
    return answer


_THROTTLE = {"rest-json": ("TooManyRequestsException", 429), "json": ("ThrottlingException", 400)}
_THROTTLE_DEFAULT = ("Throttling", 400)


def _reset(environ: dict[str, Any]) -> None:
    """Close the client's connection with a TCP reset, unanswered (a dropped connection, a load balancer's reset)."""
    import socket
    import struct

    from byodkim.emulator.handler import ABORT

    abort = environ.get(ABORT)
    if abort is not None:  # the server's handler closes every reference to the socket now: a reset, and no answer
        abort()
        return
    connection = environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):  # werkzeug's own handling (a chunked request): its files hold it open
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # shutdown acts on the descriptor at once; close() would wait for the server's own file objects.
        connection.shutdown(socket.SHUT_RDWR)


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


def _invoke(state: State, call: Call) -> Response | None:
    """Run the function for real (see :mod:`byodkim.emulator.runtime`)."""
    from urllib.parse import unquote

    from byodkim.emulator.runtime import response

    if state.runtime is None:
        return None
    name = unquote(call.path.rstrip("/").split("/")[-2]).split(":")
    function = name[6] if len(name) >= 7 else name[-1]  # noqa: PLR2004 - an ARN or a bare name
    kind = call.headers.get("x-amz-invocation-type", "RequestResponse")
    from moto.awslambda.models import lambda_backends

    try:
        lambda_backends[ACCOUNT][call.region].get_function(function)
    except Exception:  # noqa: BLE001 - moto's own "not found" answer, in Lambda's shape
        return error_response(call.protocol, "ResourceNotFoundException", f"Function not found: {function}", 404)
    if kind == "DryRun":
        return 204, {}, b""
    if kind == "Event":
        state.runtime.invoke_async(ACCOUNT, call.region, function, call.body, "Invoke")
        return 202, {}, b""
    run = state.runtime.invoke(ACCOUNT, call.region, function, call.body, "Invoke")
    return response(run, log_tail=call.headers.get("x-amz-log-type") == "Tail")


def _runs(state: State) -> dict[str, Any]:
    return {"invocations": [vars(run) for run in state.runtime.invocations] if state.runtime is not None else []}


def _fired(state: State) -> dict[str, Any]:
    return {"fired": list(state.scheduler.fired) if state.scheduler is not None else []}


def _delivered(state: State) -> dict[str, Any]:
    if state.event_sources is None:
        return {"deliveries": []}
    with state.event_sources.lock:
        return {"deliveries": list(state.event_sources.deliveries)}


def _sent(state: State) -> dict[str, Any]:
    with state.outbound.lock:
        return {"sent": list(state.outbound.sent)}


def _dns_records(state: State) -> dict[str, Any]:
    return {"records": state.outbound.dns_records(state.identities)}


# Read-only control endpoints: what ran, what fired, what SES sent, what DNS must serve for it.
_READERS = {
    "/_byodkim/invocations": _runs,
    "/_byodkim/schedules": _fired,
    "/_byodkim/event-sources": _delivered,
    "/_byodkim/ses/sent": _sent,
    "/_byodkim/ses/dns-records": _dns_records,
}


def _configure(payload: dict[str, Any], state: State) -> dict[str, Any]:
    """Change what the emulator was told (DNS servers, DKIM window, SES's rate, the fault draw's seed)."""
    settings = state.settings
    if "dns_servers" in payload:
        settings.dns_servers[:] = list(payload["dns_servers"])
    if "dkim_window" in payload:
        settings.dkim_window = float(payload["dkim_window"])
    if "ses_rate" in payload:  # calls/s per account, region and family; 0 turns the limit off
        settings.ses_limit = SesRateLimit(
            float(payload["ses_rate"]),
            float(payload.get("ses_burst", 2.0)),
            {str(k): float(v) for k, v in payload.get("ses_family_rates", {}).items()},
        )
    if "seed" in payload:
        settings.draw.seed(int(payload["seed"]))
    if "ses_sandbox" in payload:
        settings.ses_sandbox = bool(payload["ses_sandbox"])
    return {
        "dns_servers": settings.dns_servers,
        "dkim_window": settings.dkim_window,
        "clock_speed": settings.clock_speed,
        "lambda_network": state.runtime.network if state.runtime is not None else settings.lambda_network,
        "ses_rate": settings.ses_limit.rate,
        "ses_throttled": settings.ses_limit.throttled,
        "ses_sandbox": settings.ses_sandbox,
    }


def _inbound(payload: dict[str, Any], _state: State) -> dict[str, Any]:
    """Mail arriving at a region's inbound SMTP endpoint (see :mod:`byodkim.emulator.receiving`)."""
    import base64

    from byodkim.emulator.receiving import deliver

    message = payload.get("message")
    if not payload.get("region") or not payload.get("recipients") or not isinstance(message, str):
        return {"accepted": False, "reason": "give region, recipients and message (base64 with base64: true)"}
    raw = base64.b64decode(message) if payload.get("base64") else message.encode()
    return deliver(str(payload["region"]), [str(r) for r in payload["recipients"]], raw)


def _idle(payload: dict[str, Any], state: State) -> dict[str, Any]:
    """Wait until no Lambda run is going, up to ``timeout`` seconds."""
    return {"idle": state.runtime is None or state.runtime.wait_idle(float(payload.get("timeout", 60)))}


_ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]{1,250}$")  # CreateAlias's names, 256 characters at most
_KMS_KEYS = threading.Lock()  # two requests at once must not give one alias two keys


def _kms_keys(payload: dict[str, Any]) -> Response:
    """Make KMS keys under aliases in moto's backends, as CreateKey then CreateAlias with their defaults do.

    An account's starting state, set in one request (tests/conftest.py's phase-1 secrets key, before
    each test): the four API calls it took cost 9 ms of CPU a test, some 600 tests a run. No
    CloudTrail event and no call record, as none are left after a reset. Refused whole, nothing
    made, where CreateKey or CreateAlias would refuse an item.
    """
    from moto.kms.models import kms_backends

    items = payload.get("keys")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        return _json({"message": 'give keys: [{"region", "alias", "description"}]'}, 400)
    with _KMS_KEYS:
        refusal = _kms_refusal(items, kms_backends[ACCOUNT])
        if refusal:
            return _json({"message": refusal}, 400)
        made = []
        for item in items:
            backend: Any = kms_backends[ACCOUNT][item["region"]]
            # What CreateKey hands its backend when only a description is given (moto's responses.create_key).
            key = backend.create_key(None, None, None, item.get("description", ""), None, None, "AWS_KMS")
            backend.create_alias(key.id, item["alias"])
            made.append({"region": item["region"], "alias": item["alias"], "key_id": key.id})
    return _json({"keys": made})


def _kms_refusal(items: list[dict[str, Any]], account: Any) -> str:  # noqa: ANN401 - moto's backends
    """Return why CreateKey or CreateAlias would refuse one of ``items``, or "" when none would."""
    taken: dict[str, set[str]] = {}
    for item in items:
        region, alias, description = item.get("region"), item.get("alias"), item.get("description", "")
        if not isinstance(region, str) or region not in account.regions:
            return f"each key needs a region KMS has: {item}"
        if not isinstance(alias, str) or not _ALIAS.match(alias) or alias.startswith("alias/aws/"):
            return f"each key needs an alias/ name CreateAlias takes (letters, digits, /, _, -; not alias/aws/): {item}"
        if not isinstance(description, str):
            return f"a description is text: {item}"
        if region not in taken:
            taken[region] = {name for key in account[region].keys.values() for name in key.aliases}
        if alias in taken[region]:
            return f"{alias} is taken in {region}"
        taken[region].add(alias)  # a second item with it in the request is refused too
    return ""


# Endpoints that wait on runs: runs call the API, which takes the settings' lock, so they are served outside it.
# Mail delivery too: it changes moto's backends only, as an API call does, and may start a run.
# The KMS keys a test starts from as well: made in moto's backends, as the API would make them.
_UNLOCKED: dict[str, Callable[[dict[str, Any], State], Response]] = {
    "/_byodkim/clock": lambda payload, state: _json(state.step_clock(payload)),
    "/_byodkim/idle": lambda payload, state: _json(_idle(payload, state)),
    "/_byodkim/ses/inbound": lambda payload, state: _json(_inbound(payload, state)),
    "/_byodkim/kms/keys": lambda payload, _state: _kms_keys(payload),
}


def _control(path: str, environ: dict[str, Any], state: State) -> Response:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        payload = json.loads(raw) if raw.strip() else {}
    except ValueError:
        payload = None
    if not isinstance(payload, dict):  # was a 500 and an HTML page
        return _json({"message": "the request body is not a JSON object"}, 400)
    if path in _UNLOCKED:
        return _UNLOCKED[path](payload, state)
    return _locked(path, payload, state)


def _locked(path: str, payload: dict[str, Any], state: State) -> Response:
    """Answer a control request that reads or changes the settings, under their lock."""
    settings, store = state.settings, state.identities
    answer: dict[str, Any]
    with settings.lock:
        if path == "/_byodkim/reset":
            settings.faults.clear()
            settings.calls.clear()
            settings.ses_limit = SesRateLimit(settings.ses_rate_at_start)
            settings.draw.seed(1)
            settings.ses_sandbox = False
            store.clear()
            state.forget_runs()
            state.outbound.sent.clear()
            stack_state.set_faults([])
            answer = {"reset": True}
        elif path == "/_byodkim/faults":
            return _set_faults(payload, settings)
        elif path == "/_byodkim/cfn-faults":
            answer = {"faults": stack_state.set_faults(payload.get("faults", []))}
        elif path == "/_byodkim/config":
            answer = _configure(payload, state)
        elif path == "/_byodkim/calls":
            answer = {"calls": list(settings.calls)}
        elif path in _READERS:
            answer = _READERS[path](state)
        elif path == "/_byodkim/ses/identities":
            answer = {"identities": store.describe()}
        elif path == "/_byodkim/ses/timeline":
            with store.lock:
                answer = {"timeline": list(store.timeline)}
        else:
            return _json({"message": "unknown control endpoint"}, 404)
    return _json(answer)


def _set_faults(payload: dict[str, Any], settings: Settings) -> Response:
    """Replace the faults, or refuse them whole, nothing set, when one's kind is unknown (it failed every call)."""
    faults = [Fault(**item) for item in payload.get("faults", [])]
    unknown = sorted({f.kind for f in faults} - FAULT_KINDS)
    if unknown:
        message = f"unknown fault kind {', '.join(unknown)}: one of {', '.join(sorted(FAULT_KINDS))}"
        return _json({"message": message}, 400)
    settings.faults[:] = faults
    return _json({"faults": len(settings.faults)})


def _json(answer: dict[str, Any], status: int = 200) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(answer).encode()
