"""Break phase 2 in a running sandbox the way the Windows-built layer did, so the recovery can be rehearsed.

The runbook's recovery section starts from a phase-2 update that failed and rolled back
(UPDATE_ROLLBACK_COMPLETE). In production that was a layer built on Windows; here the
update asks for a layer version that does not exist, so the function's update fails and
CloudFormation rolls the stack back to what ran before. Only ever against the local
emulator: the command asks the endpoint itself whether it is one and refuses otherwise.
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from byodkim.deployment import sceptre_command
from byodkim.emulator import CONTROL
from byodkim.errors import ByodkimError, InputError
from byodkim.messages import Said, say

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_lambda import LambdaClient

    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment

STACK = "phase-2-dkim-system"
ENDPOINT_ENV = "AWS_ENDPOINT_URL"
WAIT_SECONDS = 60.0  # the emulator applies an update before it answers; this bounds a slow machine


@dataclass(frozen=True)
class Broken:
    """What the failed update left: the stack, the layer it asked for, and its status now."""

    stack: str
    layer_arn: str
    status: str

    def line(self) -> Said:
        """Return the line that says what happened and where to go on."""
        return say("breakage.done", stack=self.stack, arn=self.layer_arn, status=self.status)


def emulator_endpoint(environ: Mapping[str, str]) -> str:
    """Return ``AWS_ENDPOINT_URL`` when a byodkim emulator answers there; refuse anything else.

    Deny by default: no endpoint means real AWS, and an endpoint that does not answer the
    emulator's own control API may be anything, so neither gets a stack broken.
    """
    endpoint = environ.get(ENDPOINT_ENV, "").strip().rstrip("/")
    if not endpoint:
        raise InputError(say("breakage.no_endpoint"), say("breakage.start_sandbox"))
    from byodkim.aws.endpoint import refuse_dead_local

    refuse_dead_local(endpoint, environ)  # a stopped sandbox's environment: the same line, with its unset line
    if not endpoint.startswith(("http://", "https://")) or not answers_as_emulator(endpoint):
        raise InputError(say("breakage.not_emulator", endpoint=endpoint), say("breakage.start_sandbox"))
    return endpoint


def answers_as_emulator(endpoint: str) -> bool:
    """Ask the emulator's read-only config endpoint (an empty request changes nothing)."""
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked by the caller
        f"{endpoint}{CONTROL}/config", data=b"{}", method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            found = json.loads(answer.read())
    except (OSError, ValueError):  # refused, not http, an error status (HTTPError is an OSError), not JSON
        return False
    return isinstance(found, dict) and {"clock_speed", "lambda_network"} <= found.keys()


def break_phase_2(aws: Aws, target: Deployment, environ: Mapping[str, str]) -> Broken:
    """Update phase 2 with a layer version that does not exist; return the rolled-back stack."""
    endpoint = emulator_endpoint(environ)
    region = aws.default_region()
    # The checked endpoint, given explicitly: a per-service AWS_ENDPOINT_URL_* or a profile's
    # endpoint_url would otherwise outrank the one just asked.
    cfn: CloudFormationClient = aws.session.client("cloudformation", region_name=region, endpoint_url=endpoint)
    lam: LambdaClient = aws.session.client("lambda", region_name=region, endpoint_url=endpoint)
    name = target.stack_name(STACK)
    try:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    except cfn.exceptions.ClientError as exc:
        raise InputError(say("breakage.no_stack", stack=name), _launch_first(target)) from exc
    bogus = _missing_layer_version(lam, target, stack)
    parameters: list[Any] = [
        {"ParameterKey": p["ParameterKey"], "ParameterValue": bogus}
        if p["ParameterKey"] == "LayerVersionArn"
        else {"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
        for p in stack.get("Parameters", [])
    ]
    cfn.update_stack(
        StackName=name, UsePreviousTemplate=True, Parameters=parameters, Capabilities=["CAPABILITY_NAMED_IAM"]
    )
    status = _settled(cfn, name)
    if status != "UPDATE_ROLLBACK_COMPLETE":
        raise ByodkimError(say("breakage.not_rolled_back", stack=name, status=status))
    return Broken(name, bogus, status)


def _launch_first(target: Deployment) -> Said:
    return say("breakage.launch_first", command=sceptre_command("launch", "-y", target.group))


def _missing_layer_version(lam: LambdaClient, target: Deployment, stack: Any) -> str:  # noqa: ANN401 - a described stack
    """Return the ARN of the layer's next, unpublished version: one the update cannot find."""
    layer = target.layer_name
    current = next(
        (p["ParameterValue"] for p in stack.get("Parameters", []) if p["ParameterKey"] == "LayerVersionArn"), ""
    )
    prefix, _, _version = current.rpartition(":")
    if not prefix.endswith(f":layer:{layer}"):
        raise InputError(say("breakage.no_layer", stack=stack["StackName"]), _launch_first(target))
    published = [v["Version"] for v in lam.list_layer_versions(LayerName=layer).get("LayerVersions", [])]
    return f"{prefix}:{max(published, default=0) + 1}"


def _settled(cfn: CloudFormationClient, name: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        if not status.endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            return status
        time.sleep(0.25)
