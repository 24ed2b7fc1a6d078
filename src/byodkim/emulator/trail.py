"""CloudTrail management events to EventBridge rules, as AWS delivers them (moto delivers none).

Every successful call to a service whose management events the security stack watches becomes
an ``AWS API Call via CloudTrail`` event on the region's default bus. Read-only events (Get*,
List*, Describe*, BatchGet*, and KMS's cryptographic reads) reach only rules in state
``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS``; write events reach ``ENABLED`` rules too; a
``DISABLED`` rule gets nothing (EventBridge User Guide, "Receiving read-only management events
from AWS services"). Data events (SNS Publish, Lambda Invoke, S3 objects) are not management
events and are never sent. Targets: SNS topics (moto fans them out to their subscriptions) and
SQS queues.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, unquote

if TYPE_CHECKING:
    from byodkim.emulator.wire import Call

log = logging.getLogger(__name__)
ALL_MANAGEMENT = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
_WATCHED = {"secretsmanager", "kms", "events", "sns", "ses", "cloudtrail", "iam"}
_DATA_EVENTS = {("sns", "Publish"), ("sns", "PublishBatch")}
_READ_PREFIXES = ("Get", "List", "Describe", "BatchGet", "Lookup")
_KMS_READS = re.compile(r"^(Decrypt|Encrypt|GenerateDataKey.*|ReEncrypt.*|GenerateRandom|Sign|Verify)$")
_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")
_SES_IDENTITY = re.compile(r"^/v2/email/identities/(?P<id>[^/]+)")


def read_only(service: str, operation: str) -> bool:
    """Return whether CloudTrail marks the call ``readOnly`` (what rules in state ENABLED never see)."""
    return operation.startswith(_READ_PREFIXES) or (service == "kms" and bool(_KMS_READS.match(operation)))


def event_for(call: Call, account: str) -> dict[str, Any] | None:
    """Return the EventBridge event CloudTrail makes of a successful call, or None when it makes none."""
    if call.service not in _WATCHED or call.operation in {"*", ""} or (call.service, call.operation) in _DATA_EVENTS:
        return None
    detail = {
        "eventVersion": "1.09",
        "userIdentity": _identity(call, account),
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "eventSource": f"{call.service}.amazonaws.com",
        "eventName": call.operation,
        "awsRegion": call.region,
        "requestParameters": _parameters(call),
        "readOnly": read_only(call.service, call.operation),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "eventCategory": "Management",
        "recipientAccountId": account,
    }
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": f"aws.{call.service}",
        "account": account,
        "time": detail["eventTime"],
        "region": call.region,
        "resources": [],
        "detail": detail,
    }


def deliver(call: Call, account: str) -> int:
    """Send the call's CloudTrail event to every rule that receives it; return how many rules matched."""
    try:
        return _deliver(call, account)
    except Exception:  # the call itself succeeded: a broken event must not turn its answer into a 500
        log.warning("no CloudTrail event for %s %s", call.service, call.operation, exc_info=True)
        return 0


def _deliver(call: Call, account: str) -> int:
    event = event_for(call, account)
    if event is None:
        return 0
    from moto.events.models import events_backends

    region = "us-east-1" if call.service == "iam" else call.region  # IAM's events land in us-east-1
    backend = events_backends[account][region]
    bus = backend.event_buses.get("default")
    matched = 0
    for rule in list(bus.rules.values()) if bus is not None else []:
        if not receives(rule.state, read_only=bool(event["detail"]["readOnly"])):
            continue
        if rule.event_pattern is None or not rule.event_pattern.matches_event(cast("Any", event)):
            continue
        matched += 1
        for target in list(rule.targets):
            _send(target, event, account)
    return matched


def receives(state: str | None, *, read_only: bool) -> bool:
    """Return whether a rule in ``state`` is sent a management event (read-only or not)."""
    if state == ALL_MANAGEMENT:
        return True
    return state in {None, "ENABLED"} and not read_only


def _send(target: dict[str, Any], event: dict[str, Any], account: str) -> None:
    arn = str(target.get("Arn", ""))
    parts = arn.split(":")
    body = json.dumps(event)
    try:
        if parts[2] == "sns":
            from moto.sns.models import sns_backends

            sns_backends[account][parts[3]].publish(body, arn=arn)
        elif parts[2] == "sqs":
            from moto.sqs.models import sqs_backends

            sqs_backends[account][parts[3]].send_message(queue_name=parts[5], message_body=body)
    except Exception:  # a target that is gone drops the event, as EventBridge does without a DLQ
        log.warning("CloudTrail event %s not delivered to %s", event["detail"]["eventName"], arn, exc_info=True)


def _identity(call: Call, account: str) -> dict[str, Any]:
    """Return CloudTrail's ``userIdentity``: an assumed role (with its issuer) or an IAM user named by its key."""
    found = _ACCESS_KEY.search(call.headers.get("authorization", ""))
    key = found.group(1) if found else "anonymous"
    try:
        from moto.sts.models import sts_backends

        assumed = sts_backends[account]["aws"].get_assumed_role_from_access_key(key)
    except Exception:  # noqa: BLE001 - no STS state yet: not an assumed role
        assumed = None
    if assumed is not None:
        role_arn = str(assumed.role_arn)
        name = role_arn.rsplit("/", 1)[-1]
        return {
            "type": "AssumedRole",
            "principalId": f"AROA{key[-8:]}:{assumed.session_name}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{name}/{assumed.session_name}",
            "accountId": account,
            "accessKeyId": key,
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "arn": role_arn, "accountId": account, "userName": name}
            },
        }
    return {
        "type": "IAMUser",
        "principalId": f"AIDA{key[-8:]}",
        "arn": f"arn:aws:iam::{account}:user/{key}",
        "accountId": account,
        "accessKeyId": key,
        "userName": key,
    }


def _parameters(call: Call) -> dict[str, Any]:
    """Return ``requestParameters`` as CloudTrail writes them: the request's fields, first letter lower case."""
    if call.protocol == "json":
        raw: dict[str, Any] = call.json()
    elif call.protocol == "query":
        form = parse_qs(call.body.decode("utf-8", "replace")) if call.body else {}
        raw = {k: v[0] for k, v in {**call.query, **form}.items() if k not in {"Action", "Version"}}
    else:
        raw = call.json() if call.body[:1] == b"{" else {}
        identity = _SES_IDENTITY.match(call.path) if call.service == "ses" else None
        if identity:
            raw = {"EmailIdentity": unquote(identity.group("id")), **raw}
    return {_lower_first(k): v for k, v in raw.items() if k not in {"SecretString", "SecretBinary", "Plaintext"}}


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]
