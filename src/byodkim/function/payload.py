"""The dkim-manager function's payloads: what each action takes, checked before anything runs (deny by default).

A payload is refused in one line naming the field, in payload terms: an action it does not
know, a field the action does not take, a value of the wrong JSON type (shown as JSON, never
Python's repr). docs/lambda.md lists the fields; the SQS and S3 events are routed by the
handler before this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from byodkim.dkim.names import normalize_domain, validate_selector
from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.function.config import ManagerConfig


@dataclass(frozen=True)
class PhaseRequest:
    """A validated payload."""

    action: str
    phase: str
    domain: str
    selector: str | None
    reregister: bool = False  # phase 7: register again after SES gave up (FAILED)
    resend: bool = False  # phase 5: send the DNS request again though it was sent for this key
    every: bool = False  # health, rotation: every declared domain ("domains": "all"; rotation without "domain" too)
    now: datetime | None = None  # rotation: the tick's time, the payload's "time" (EventBridge's), else the clock
    period: float = 900.0  # health: seconds between scheduled runs ("periodSeconds", phase 8's rule says it)


# Deny by default: each action takes exactly the fields docs/lambda.md lists, and an unknown one is
# refused (`"dry_run": true` dropped would run the action for real). The phase-8 rules' InputTemplates
# and phase 7's Input send these; `time` is EventBridge's, through the InputTransformer.
_COMMON = ("action", "environment", "projectName", "time")
_FIELDS: dict[str, tuple[str, ...]] = {
    "phase_manager": ("phase", "domain", "selector"),
    "status": ("domain", "selector"),
    "health": ("domain", "domains", "periodSeconds"),
    "rotation": ("domain", "domains"),
}
_PHASE_FIELDS = {"5": ("resend",), "7": ("reregister",)}  # each flag means something to one phase only
# The JSON type each field must have (bool, number and `domains` are checked with their values below).
_STRINGS = {
    "phase": '"7"',
    "domain": '"goo.ne.jp"',
    "selector": '"gooid-21-pro-20250912-1"',
    "environment": '"prod"',
    "projectName": '"aws-ses-migration"',
    "time": '"2026-12-05T03:00:00Z"',
}


def parse_event(event: object, config: ManagerConfig) -> PhaseRequest:
    """Validate the payload the team sends; refuse anything else with one line."""
    if not isinstance(event, dict):
        raise InputError(say("phase.not_object"), 'e.g. {"action": "status", "domain": "goo.ne.jp"}')
    action = event.get("action")
    if not isinstance(action, str) or action not in _FIELDS:
        shown = action if isinstance(action, str) or action is None else json.dumps(action)
        raise InputError(say("phase.unknown_action", action=shown), say("phase.use_actions"))
    phase = _only_known_fields(event, action)
    for key, want in (("environment", config.environment), ("projectName", config.project)):
        if key in event and event[key] != want:
            raise InputError(
                say("phase.wrong_function", key=key, value=event[key], want=want), say("phase.invoke_right")
            )
    if action == "phase_manager" and phase not in ("4", "5", "7"):
        hint = say("phase.six") if phase == "6" else say("phase.use_phases")
        raise InputError(say("phase.not_run_here", phase=phase), hint)
    every = event.get("domains") == "all" or (action == "rotation" and not event.get("domain"))
    if "domains" in event and (event["domains"] != "all" or action not in ("health", "rotation")):
        raise InputError(say("phase.domains_unknown", value=json.dumps(event["domains"])), say("phase.domains_all"))
    domain = normalize_domain(str(event.get("domain") or config.domain))
    selector = validate_selector(str(event["selector"])) if event.get("selector") else None
    flags = {}
    for name in ("reregister", "resend"):
        value = event.get(name, False)
        if not isinstance(value, bool):
            raise _wrong_type(name, value, "payload.type.bool", "true")
        flags[name] = value
    period = event.get("periodSeconds", 900)
    if isinstance(period, bool) or not isinstance(period, int | float) or not 60 <= period <= 86400:  # noqa: PLR2004
        raise InputError(say("fanout.bad_period", value=json.dumps(period)), say("fanout.give_period"))
    return PhaseRequest(action, phase, domain, selector, every=every, now=_time(event), period=float(period), **flags)


def _only_known_fields(event: dict[str, Any], action: str) -> str:
    """Refuse a field of the wrong type, then a field ``action`` (and its phase) does not take; return the phase."""
    for name, example in _STRINGS.items():
        if name in event and not isinstance(event[name], str):
            raise _wrong_type(name, event[name], "payload.type.string", example)
    phase = str(event.get("phase", "")) if action == "phase_manager" else ""
    allowed = (*_COMMON, *_FIELDS[action], *_PHASE_FIELDS.get(phase, ()))
    unknown = next((name for name in event if name not in allowed), None)
    if unknown is not None:
        what = f'"{action}"' + (f" (phase {phase})" if phase in ("4", "5", "7") else "")
        raise InputError(
            say("payload.unknown_field", field=unknown, what=what),
            say("payload.fields", fields=", ".join(f'"{name}"' for name in allowed)),
        )
    return phase


def _wrong_type(name: str, value: object, want: str, example: str) -> InputError:
    """Return the refusal of a field given as the wrong JSON type, its value shown as JSON (never Python's repr)."""
    kinds = ((bool, "bool"), (str, "string"), (int | float, "number"), (list, "list"), (dict, "object"))
    got = next((kind for cls, kind in kinds if isinstance(value, cls)), "null")
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return InputError(
        say("payload.wrong_type", field=name, value=shown, got=say(f"payload.type.{got}"), want=say(want)),
        say("payload.give", field=name, example=example),
    )


def _time(event: dict[str, Any]) -> datetime | None:
    """Return the payload's ``time`` (ISO 8601, as EventBridge writes a scheduled event's), None when absent."""
    if "time" not in event:
        return None
    text = str(event["time"])
    try:
        moment = datetime.fromisoformat(text)  # Python 3.11+ reads the trailing Z
    except ValueError:
        raise InputError(say("phase.bad_time", value=text), say("phase.give_time")) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
