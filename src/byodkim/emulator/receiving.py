"""SES receiving as AWS runs it: receipt rules applied to delivered mail, S3 telling the function.

moto stores receipt rule sets and rules (API only) and bucket notification settings, but
applies neither: no mail is ever received, and a notification to a function runs it through
Docker. Here:

- ``AWS::SES::ReceiptRuleSet`` and ``AWS::SES::ReceiptRule`` from templates create the real
  thing in moto's SES backend, ``AWS::S3::BucketPolicy`` is kept for SES's check, and an ``AWS::S3::Bucket``'s
  ``NotificationConfiguration`` is applied (moto's template support drops it). As in AWS, a
  rule's S3 action writes ``AMAZON_SES_SETUP_NOTIFICATION`` under its prefix when the rule is
  made, and a bucket notifies a function only if the function's policy lets S3 invoke it
  for that bucket (S3 refuses the configuration otherwise).
- :func:`deliver` is mail arriving at the region's inbound SMTP endpoint: the *active* rule
  set's enabled rules whose recipients match run in order; an S3 action stores the message
  under its prefix (the bucket's default encryption applied, the action's KMS key recorded
  as SES records it) only if the bucket policy lets ``ses.amazonaws.com`` put there for that
  rule (``aws:SourceAccount``, ``aws:SourceArn``), as SES is refused otherwise; a stop action
  ends the rules. No active rule set: the mail is refused, as SES answers 554.
- Object-created notifications to a function run it in the emulator's own runtime
  (:mod:`byodkim.emulator.runtime`), asynchronously, as S3 invokes it.
"""

from __future__ import annotations

import fnmatch
import json
import uuid
from typing import TYPE_CHECKING, Any

from moto.core.common_models import CloudFormationModel

from byodkim.emulator.cfn import _Model
from byodkim.emulator.settings import ACCOUNT

if TYPE_CHECKING:
    from byodkim.emulator.state import State

SETUP_OBJECT = "AMAZON_SES_SETUP_NOTIFICATION"  # what SES writes when a rule's S3 action is made
SES_PRINCIPAL = "ses.amazonaws.com"


def install(state: State) -> None:
    """Apply bucket notifications from templates and route S3's function notifications to the runtime."""
    _Model.state = state
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    _bucket_notifications_from_templates()
    _notifications_run_in_runtime(state)


def _ses(account: str, region: str) -> Any:  # noqa: ANN401 - moto's SESBackend
    from moto.ses.models import ses_backends

    return ses_backends[account][region]


def _s3(account: str) -> Any:  # noqa: ANN401 - moto's S3Backend
    from moto.s3.models import s3_backends

    return s3_backends[account]["aws"]


class ReceiptRuleSet(_Model, CloudFormationModel):
    """AWS::SES::ReceiptRuleSet in moto's SES backend (created inactive, as in AWS)."""

    resource_type = "AWS::SES::ReceiptRuleSet"
    name_property = "RuleSetName"

    def create(self) -> None:
        """Create the set, inactive."""
        _ses(self.account, self.region).create_receipt_rule_set(self.name)

    def remove(self) -> None:
        """Delete the set."""
        # SES refuses to delete the active set (CannotDelete): the stack's delete fails, as in AWS.
        _ses(self.account, self.region).delete_receipt_rule_set(self.name)


class ReceiptRule(_Model, CloudFormationModel):
    """AWS::SES::ReceiptRule: a rule in its set, in the API's shape."""

    resource_type = "AWS::SES::ReceiptRule"

    def create(self) -> None:
        """Add the rule to its set; an S3 action writes SES's setup object."""
        self.set_name = str(self.properties["RuleSetName"])
        rule = _api_rule(self.properties.get("Rule") or {})
        self.name = rule["Name"]
        _ses(self.account, self.region).create_receipt_rule(self.set_name, rule, self.properties.get("After"))
        for action in rule.get("Actions", []):
            if "S3Action" in action:
                _setup_notification(self.account, action["S3Action"])

    def remove(self) -> None:
        """Take the rule out of its set."""
        backend = _ses(self.account, self.region)
        rule_set = backend.receipt_rule_set.get(self.set_name)
        if rule_set is not None:
            rule_set.rules[:] = [r for r in rule_set.rules if r["Name"] != self.name]


class BucketPolicy(_Model, CloudFormationModel):
    """AWS::S3::BucketPolicy, held for SES's check of its puts (moto skips the type).

    Not put on moto's bucket: moto would judge every request by it, and the emulator speaks plain
    HTTP, so each DenyInsecureTransport statement of our templates would refuse every call.
    """

    resource_type = "AWS::S3::BucketPolicy"

    def create(self) -> None:
        """Keep the policy as its bucket's."""
        self.bucket = str(self.properties["Bucket"])
        POLICIES[(self.account, self.bucket)] = self.properties.get("PolicyDocument") or {}

    def remove(self) -> None:
        """Forget the bucket's policy."""
        POLICIES.pop((self.account, self.bucket), None)


POLICIES: dict[tuple[str, str], dict[str, Any]] = {}  # (account, bucket) -> the template's policy document


def _api_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """Return a template's rule as the API holds it (booleans from template text)."""
    shaped = dict(rule)
    for flag in ("Enabled", "ScanEnabled"):
        if flag in shaped:
            shaped[flag] = str(shaped[flag]).lower() == "true"
    shaped.setdefault("Enabled", False)  # AWS's default: a rule is off unless it says so
    shaped.setdefault("Recipients", [])
    shaped.setdefault("Actions", [])
    return shaped


def _setup_notification(account: str, action: dict[str, Any]) -> None:
    """Write SES's setup object under the action's prefix, as SES does when the rule is made."""
    key = f"{action.get('ObjectKeyPrefix', '')}{SETUP_OBJECT}"
    _put(account, str(action["BucketName"]), key, b"Amazon SES setup notification.\r\n", None)


def _put(account: str, bucket_name: str, key: str, body: bytes, kms_key_arn: str | None) -> None:
    backend = _s3(account)
    bucket = backend.get_bucket(bucket_name)
    encryption, kms_key = _default_encryption(bucket)
    stored = backend.put_object(bucket_name, key, body, encryption=encryption, kms_key_id=kms_key)
    if kms_key_arn:
        # SES encrypts client-side with this key before storing, and says so in the object's metadata.
        stored.set_metadata({"x-amz-meta-x-amz-matdesc": json.dumps({"kms_cmk_id": kms_key_arn})})


def _default_encryption(bucket: Any) -> tuple[str | None, str | None]:  # noqa: ANN401 - moto's FakeBucket
    rules = (bucket.encryption or {}).get("Rule") or []
    rule = rules[0] if isinstance(rules, list) and rules else rules
    default = (rule or {}).get("ApplyServerSideEncryptionByDefault") or {}
    return default.get("SSEAlgorithm"), default.get("KMSMasterKeyID")


def deliver(region: str, recipients: list[str], message: bytes) -> dict[str, Any]:
    """Receive ``message`` for ``recipients`` in ``region``: apply the active rule set; return what was done."""
    backend = _ses(ACCOUNT, region)
    active = backend.describe_active_receipt_rule_set()
    if active is None:
        return {"accepted": False, "reason": f"no active receipt rule set in {region}: SES refuses the mail (554)"}
    message_id = uuid.uuid4().hex
    done: list[dict[str, Any]] = []
    for rule in list(active.rules):
        if not rule.get("Enabled") or not _matches(rule.get("Recipients") or [], recipients):
            continue
        rule_arn = f"arn:aws:ses:{region}:{ACCOUNT}:receipt-rule-set/{active.name}:receipt-rule/{rule['Name']}"
        for action in rule.get("Actions", []):
            if "S3Action" in action:
                done.append(_store(action["S3Action"], rule["Name"], rule_arn, message_id, message))
            if "StopAction" in action:
                return {"accepted": True, "message_id": message_id, "actions": done, "stopped_by": rule["Name"]}
    return {"accepted": bool(done), "message_id": message_id, "actions": done}


def _store(action: dict[str, Any], rule: str, rule_arn: str, message_id: str, message: bytes) -> dict[str, Any]:
    bucket = str(action["BucketName"])
    key = f"{action.get('ObjectKeyPrefix', '')}{message_id}"
    kms = action.get("KmsKeyArn")
    if not _ses_may_put(bucket, key, rule_arn):
        return {
            "rule": rule,
            "bucket": bucket,
            "key": key,
            "stored": False,
            "reason": "the bucket policy does not let SES put",
        }
    _put(ACCOUNT, bucket, key, message, kms)
    return {"rule": rule, "bucket": bucket, "key": key, "stored": True, "kms_key_arn": kms}


def _ses_may_put(bucket_name: str, key: str, rule_arn: str) -> bool:
    """Return whether the bucket policy allows ses.amazonaws.com s3:PutObject on ``key`` for this rule."""
    statements = POLICIES.get((ACCOUNT, bucket_name), {}).get("Statement") or []
    context = {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": rule_arn, "aws:SecureTransport": "true"}
    resource = f"arn:aws:s3:::{bucket_name}/{key}"
    verdicts = [s.get("Effect") for s in statements if _applies(s, "s3:PutObject", resource, context)]
    return "Allow" in verdicts and "Deny" not in verdicts


def _applies(statement: dict[str, Any], action: str, resource: str, context: dict[str, str]) -> bool:
    principal = statement.get("Principal")
    services = principal.get("Service", []) if isinstance(principal, dict) else []
    if principal != "*" and SES_PRINCIPAL not in _list(services):
        return False
    if not any(fnmatch.fnmatchcase(action, a) for a in _list(statement.get("Action"))):
        return False
    if not any(fnmatch.fnmatchcase(resource, r) for r in _list(statement.get("Resource"))):
        return False
    return all(
        _condition(operator, name, _list(wanted), context.get(name))
        for operator, pairs in (statement.get("Condition") or {}).items()
        for name, wanted in pairs.items()
    )


def _condition(operator: str, _name: str, wanted: list[str], value: str | None) -> bool:
    if value is None:
        return False  # a condition on a key the request lacks does not hold
    if operator in ("StringEquals", "ArnEquals", "Bool"):
        return value in wanted
    if operator in ("StringLike", "ArnLike"):
        return any(fnmatch.fnmatchcase(value, w) for w in wanted)
    return False  # an operator not modelled here: deny rather than guess


def _list(value: Any) -> list[str]:  # noqa: ANN401 - policy JSON
    return [str(v) for v in value] if isinstance(value, list) else [] if value is None else [str(value)]


def _matches(conditions: list[str], recipients: list[str]) -> bool:
    """Return whether a rule's recipient conditions match (none: every recipient; a domain: its addresses)."""
    if not conditions:
        return True
    wanted = [c.lower() for c in conditions]
    for recipient in (r.lower() for r in recipients):
        domain = recipient.rpartition("@")[2]
        if recipient in wanted or domain in wanted:
            return True
    return False


def _bucket_notifications_from_templates() -> None:
    """Apply an AWS::S3::Bucket's NotificationConfiguration (function targets), as CloudFormation does."""
    from moto.s3.models import FakeBucket

    for name in ("create_from_cloudformation_json", "update_from_cloudformation_json"):
        original = getattr(FakeBucket, name).__func__

        def patched(cls: Any, /, *args: Any, _original: Any = original, **kwargs: Any) -> Any:  # noqa: ANN401
            bucket = _original(cls, *args, **kwargs)
            template = next((a for a in args if isinstance(a, dict) and "Properties" in a), {})
            found = template.get("Properties", {}).get("NotificationConfiguration") or {}
            functions = [_api_notification(c) for c in found.get("LambdaConfigurations") or []]
            for function in functions:
                _s3_may_invoke(bucket, function["CloudFunction"])
            bucket.set_notification_configuration({"CloudFunctionConfiguration": functions} if functions else None)
            return bucket

        setattr(FakeBucket, name, classmethod(patched))


def _api_notification(config: dict[str, Any]) -> dict[str, Any]:
    rules = ((config.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
    shaped: dict[str, Any] = {"CloudFunction": config["Function"], "Event": [config["Event"]]}
    if rules:
        shaped["Filter"] = {"S3Key": {"FilterRule": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}
    return shaped


def _s3_may_invoke(bucket: Any, function_arn: str) -> None:  # noqa: ANN401 - moto's FakeBucket
    """Refuse a notification the function's policy does not allow, as S3 validates the destination."""
    from moto.awslambda.models import lambda_backends

    region = function_arn.split(":")[3]
    function = lambda_backends[bucket.account_id][region].get_function(function_arn)
    for statement in list(getattr(function.policy, "statements", None) or []):
        principal = statement.get("Principal") or {}
        service = principal.get("Service") if isinstance(principal, dict) else principal
        source = ((statement.get("Condition") or {}).get("ArnLike") or {}).get("AWS:SourceArn")
        if service == "s3.amazonaws.com" and source in (bucket.arn, None):
            return
    message = f"Unable to validate the following destination configurations: {function_arn}"
    raise ValueError(message)


def _notifications_run_in_runtime(state: State) -> None:
    """Run a function S3 notifies in the emulator's runtime (moto would need Docker), as S3 does: asynchronously."""
    from moto.s3 import notifications

    def invoke(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:  # noqa: ANN401
        if state.runtime is None:
            return
        name = fn_arn.split(":")[6] if fn_arn.count(":") >= 6 else fn_arn  # noqa: PLR2004 - an ARN's name part
        state.runtime.invoke_async(account_id, region_name, name, json.dumps(event_body).encode(), "S3")

    notifications._invoke_awslambda = invoke  # noqa: SLF001 - moto's one place S3 invokes a function
