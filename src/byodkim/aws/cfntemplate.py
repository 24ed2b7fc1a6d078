"""CloudFormation templates read as data: short-form tags, parameters and pseudo parameters resolved.

One reader for preflight (which physical name would an added resource take?) and the
emulator's change sets (did a create-only property change?). Values that depend on other
resources cannot be known before a deployment and stay marked as unresolved.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

_UNKNOWN = "{{unresolved}}"
_SUB = re.compile(r"\$\{([^}!]+)\}")
# Properties that name a resource, per type: what a collision check looks up.
NAME_PROPERTY = {
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::CloudWatch::Dashboard": "DashboardName",
    "AWS::Events::Rule": "Name",
    "AWS::IAM::Role": "RoleName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::SES::EmailIdentity": "EmailIdentity",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SSM::Parameter": "Name",
    "AWS::SecretsManager::Secret": "Name",
}


# What identifies an existing resource of each type when it is imported into a stack.
IDENTIFIER = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::SNS::Topic": "TopicArn",
    "AWS::SES::EmailIdentity": "EmailIdentity",
    "AWS::SecretsManager::Secret": "Id",
    "AWS::KMS::Key": "KeyId",
}


def parameter_values(values: Mapping[str, Any]) -> dict[str, str]:
    """Return parameter values as a template reads them: text, a list joined with commas."""
    return {k: ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in values.items()}


def pseudo_parameters(stack_name: str, region: str, account: str) -> dict[str, str]:
    """Return the pseudo parameters of a stack (``AWS::StackName``, ``AWS::Region``, ...)."""
    return {
        "AWS::StackName": stack_name,
        "AWS::Region": region,
        "AWS::AccountId": account,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    }


def load(body: str | dict[str, Any]) -> dict[str, Any]:
    """Parse a template (JSON, or YAML with short-form tags such as ``!Sub``) into plain data."""
    import yaml

    if isinstance(body, dict):  # boto3 hands a JSON template back already parsed
        return body
    text = body.strip()
    if text.startswith("{"):
        loaded: dict[str, Any] = json.loads(text)
        return loaded

    class _Loader(yaml.SafeLoader):
        pass

    def tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
        name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if suffix == "GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    _Loader.add_multi_constructor("!", tag)
    loaded = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass with tag constructors only
    return loaded if isinstance(loaded, dict) else {}


def resolve(value: Any, parameters: dict[str, str], pseudo: dict[str, str]) -> Any:  # noqa: ANN401 - template JSON
    """Return ``value`` with parameters and pseudo parameters filled in; what depends on resources stays marked."""
    if isinstance(value, list):
        return [resolve(item, parameters, pseudo) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((function, argument),) = value.items()
        known = {**pseudo, **parameters}
        if function == "Ref":
            return known.get(str(argument), f"{_UNKNOWN}ref:{argument}")
        if function == "Fn::Sub":
            text, local = (argument[0], argument[1]) if isinstance(argument, list) else (argument, {})
            names = {**known, **{k: resolve(v, parameters, pseudo) for k, v in local.items()}}
            return _SUB.sub(lambda m: str(names.get(m.group(1), f"{_UNKNOWN}sub:{m.group(1)}")), str(text))
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:  # noqa: PLR2004
            parts = resolve(argument[1], parameters, pseudo)
            if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
                return str(argument[0]).join(parts)
        if function in ("Fn::GetAtt", "Fn::ImportValue", "Fn::GetAZs"):
            return f"{_UNKNOWN}{function}:{json.dumps(argument, sort_keys=True)}"
    return {key: resolve(item, parameters, pseudo) for key, item in value.items()}


def unresolved(value: Any) -> bool:  # noqa: ANN401 - template JSON
    """Return whether ``value`` still depends on something only a deployment knows."""
    return _UNKNOWN in json.dumps(value, default=str)
