"""The dkim-manager function's payloads, deny by default (function/phases.py ``parse_event``): no emulator needed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from byodkim.deployment import Deployment
from byodkim.errors import InputError
from byodkim.function.phases import ManagerConfig, parse_event
from byodkim.lambda_handler import answer
from byodkim.messages import render

if TYPE_CHECKING:
    from conftest import Cli

CONFIG = ManagerConfig(Deployment.from_names("aws-ses-migration", "prod"), "goo.ne.jp")
TEAM = {"environment": "prod", "projectName": "aws-ses-migration"}
# Exactly what the deployment sends: phase 7's rule, phase 8's two rules (their InputTemplates, `time`
# filled by the InputTransformer), and `byodkim phase --invoke`'s payloads.
SENT: list[dict[str, Any]] = [
    {"action": "phase_manager", "phase": "7", "domain": "goo.ne.jp", **TEAM},
    {"action": "phase_manager", "phase": "4", "domain": "goo.ne.jp", "selector": "s1", **TEAM},
    {"action": "phase_manager", "phase": "5", "domain": "goo.ne.jp", "resend": True, **TEAM},
    {"action": "phase_manager", "phase": "7", "domain": "goo.ne.jp", "reregister": True, **TEAM},
    {"action": "health", "domains": "all", "domain": "goo.ne.jp", "time": "2026-12-05T03:00:00Z", "periodSeconds": 900, **TEAM},
    {"action": "health", "domain": "goo.ne.jp", **TEAM},
    {"action": "rotation", "time": "2026-12-05T03:00:00Z", **TEAM},
    {"action": "rotation", "domain": "goo.ne.jp", "time": "2026-12-05T03:00:00Z"},
    {"action": "status", "domain": "goo.ne.jp", "selector": "s1"},
]  # fmt: skip


@pytest.mark.parametrize("event", SENT, ids=lambda e: f"{e['action']}-{'-'.join(sorted(e))}")
def test_every_payload_the_deployment_sends_is_taken(event: dict[str, Any]) -> None:
    assert parse_event(event, CONFIG).action == event["action"]


def _refusal(event: object) -> str:
    with pytest.raises(InputError) as caught:
        parse_event(event, CONFIG)
    return answer(caught.value)


UNKNOWN = [
    # The tester's case: a dry run asked for, and run for real, because the field was dropped.
    ({"action": "rotation", "dry_run": True}, '"dry_run" is not a field of the "rotation" payload; nothing was done; its fields are "action", "environment", "projectName", "time", "domain", "domains" (docs/lambda.md); remove the others'),
    ({"action": "health", "domain": "goo.ne.jp", "period": 900}, '"period" is not a field of the "health" payload; nothing was done; its fields are "action", "environment", "projectName", "time", "domain", "domains", "periodSeconds" (docs/lambda.md); remove the others'),
    ({"action": "status", "domain": "goo.ne.jp", "Domain": "x.example"}, '"Domain" is not a field of the "status" payload; nothing was done; its fields are "action", "environment", "projectName", "time", "domain", "selector" (docs/lambda.md); remove the others'),
    # One step off: a flag one phase takes, given to another.
    ({"action": "phase_manager", "phase": "4", "resend": True}, '"resend" is not a field of the "phase_manager" (phase 4) payload; nothing was done; its fields are "action", "environment", "projectName", "time", "phase", "domain", "selector" (docs/lambda.md); remove the others'),
    ({"action": "phase_manager", "phase": "5", "reregister": True}, '"reregister" is not a field of the "phase_manager" (phase 5) payload; nothing was done; its fields are "action", "environment", "projectName", "time", "phase", "domain", "selector", "resend" (docs/lambda.md); remove the others'),
    ({"action": "rotation", "periodSeconds": 900}, '"periodSeconds" is not a field of the "rotation" payload; nothing was done; its fields are "action", "environment", "projectName", "time", "domain", "domains" (docs/lambda.md); remove the others'),
]  # fmt: skip


@pytest.mark.parametrize(("event", "error"), UNKNOWN)
def test_an_unknown_field_is_refused_naming_it(event: dict[str, Any], error: str) -> None:
    assert _refusal(event) == error


WRONG_TYPE = [
    ({"action": "status", "domain": ["goo.ne.jp"]}, '"domain": ["goo.ne.jp"] is a list, not a string; nothing was done; give "domain": "goo.ne.jp"'),
    ({"action": "status", "domain": "goo.ne.jp", "selector": 1}, '"selector": 1 is a number, not a string; nothing was done; give "selector": "gooid-21-pro-20250912-1"'),
    ({"action": "phase_manager", "phase": 7}, '"phase": 7 is a number, not a string; nothing was done; give "phase": "7"'),
    ({"action": "rotation", "environment": {"name": "prod"}}, '"environment": {"name": "prod"} is an object, not a string; nothing was done; give "environment": "prod"'),
    ({"action": "rotation", "time": None}, '"time": null is null, not a string; nothing was done; give "time": "2026-12-05T03:00:00Z"'),
    ({"action": "phase_manager", "phase": "7", "reregister": "yes"}, '"reregister": "yes" is a string, not true or false; nothing was done; give "reregister": true'),
    ({"action": ["rotation"]}, 'unknown action `["rotation"]`; use phase_manager, status, health or rotation'),
]  # fmt: skip


@pytest.mark.parametrize(("event", "error"), WRONG_TYPE)
def test_a_field_of_the_wrong_type_is_refused_naming_the_type_wanted(event: dict[str, Any], error: str) -> None:
    assert _refusal(event) == error


def test_a_refusal_in_japanese_names_the_field_and_the_type() -> None:
    with pytest.raises(InputError) as caught:
        parse_event({"action": "status", "domain": ["goo.ne.jp"]}, CONFIG)
    said = render(caught.value.message, "ja")
    assert said == '"domain": ["goo.ne.jp"] はリストで、文字列ではありません。何も実行していません'


@pytest.mark.parametrize("number", ["4", "7"])
def test_phase_refuses_resend_where_the_function_would(number: str, cli: Cli) -> None:
    """The CLI's --resend, sent as "resend", means something to phase 5 only: refused here before any call."""
    refused = cli("phase", number, "--resend", "--domain", "goo.ne.jp", "--invoke")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        f"error: phase {number} sends no DNS request, so there is nothing to send again; nothing was done; "
        "to send the DNS request again: byodkim phase 5 --resend\n"
    )
