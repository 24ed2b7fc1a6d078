"""A phase run in the deployed dkim-manager function, with its role and its code, from an operator's machine.

The DNS team's topic takes messages from the dkim-manager role only: in AWS, phase 5 is sent
this way (``byodkim phase 5 --invoke``), not with the operator's own credentials.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from byodkim.errors import ByodkimError, InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment


def invoke_phase(
    aws: Aws,
    region: str,
    target: Deployment,
    number: str,
    domain: str,
    selector: str | None,
    *,
    resend: bool = False,
) -> dict[str, Any]:
    """Run a phase in the deployed dkim-manager function (its role, its code) and return its result.

    The DNS team's topic takes messages from that role only, so in AWS phase 5 is sent this way.
    """
    payload: dict[str, Any] = {
        "action": "phase_manager",
        "phase": number,
        "domain": domain,
        "environment": target.environment,
        "projectName": target.project,
        **({"selector": selector} if selector else {}),
        **({"resend": True} if resend else {}),
    }
    answer = aws.client("lambda", region).invoke(FunctionName=target.function_name, Payload=json.dumps(payload))
    result = json.loads(answer["Payload"].read() or b"{}")
    if answer.get("FunctionError"):
        raise ByodkimError(
            say(
                "phase.invoke_failed",
                function=target.function_name,
                kind=result.get("errorType", "error"),
                message=result.get("errorMessage", ""),
            ),
            say("phase.invoke_failed_hint", function=target.function_name),
        )
    if not result.get("ok", False):
        raise InputError(
            say("phase.invoke_refused", function=target.function_name, error=result.get("error", result)),
            say("phase.check_payload"),
        )
    return {k: v for k, v in result.items() if k != "ok"}
