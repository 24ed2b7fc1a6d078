"""CloudFormation templates read as data: short-form tags, parameters and pseudo parameters resolved.

One reader for preflight (which physical name would an added resource take?) and the
emulator's change sets (did a create-only property change?). Values that depend on other
resources cannot be known before a deployment and stay marked as unresolved.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

_UNKNOWN = "{{unresolved}}"
_SUB = re.compile(r"\$\{([^}!]+)\}")
# Properties that name a resource, per type: what a collision check looks up.
NAME_PROPERTY = {
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::CloudWatch::Dashboard": "DashboardName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Kinesis::Stream": "Name",
    "AWS::Events::Rule": "Name",
    "AWS::IAM::Role": "RoleName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::SES::EmailIdentity": "EmailIdentity",
    "AWS::SES::ReceiptRuleSet": "RuleSetName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SQS::Queue": "QueueName",
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
    "AWS::KMS::Alias": "AliasName",
    "AWS::IAM::Role": "RoleName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SSM::Parameter": "Name",
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
    loaded = yaml.load(text, Loader=_loader())  # noqa: S506 - a safe loader with tag constructors only
    return loaded if isinstance(loaded, dict) else {}


@cache
def _loader() -> type[Any]:
    """Return the YAML loader for templates: the safe one, plus CloudFormation's short-form tags.

    libyaml's parser where PyYAML has it (the same safe constructors, about ten times faster):
    one preflight of the project's eleven stacks parses templates 44 times, and in pure Python
    that was a third of every `sceptre launch` hook and `byodkim preflight` run.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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

    loader: type[Any] = type("TemplateLoader", (base,), {})
    loader.add_multi_constructor("!", tag)
    return loader


def resolve(  # noqa: C901 - one branch per intrinsic function
    value: Any,  # noqa: ANN401 - template JSON
    parameters: dict[str, str],
    pseudo: dict[str, str],
    refs: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - template JSON
    """Return ``value`` with parameters and pseudo parameters filled in; what depends on resources stays marked.

    ``refs`` (from :func:`resource_refs`) gives what ``Ref`` and ``GetAtt`` of named resources
    return, so a value built from a resource whose name the template fixes is known too.
    """
    refs = refs or {}
    if isinstance(value, list):
        return [resolve(item, parameters, pseudo, refs) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((function, argument),) = value.items()
        known = {**refs, **pseudo, **parameters}
        if function == "Ref":
            return known.get(str(argument), f"{_UNKNOWN}ref:{argument}")
        if function == "Fn::Sub":
            text, local = (argument[0], argument[1]) if isinstance(argument, list) else (argument, {})
            names = {**known, **{k: resolve(v, parameters, pseudo, refs) for k, v in local.items()}}
            return _SUB.sub(lambda m: str(names.get(m.group(1), f"{_UNKNOWN}sub:{m.group(1)}")), str(text))
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:  # noqa: PLR2004
            parts = resolve(argument[1], parameters, pseudo, refs)
            if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
                return str(argument[0]).join(parts)
        if function == "Fn::GetAtt":
            target = argument if isinstance(argument, list) else str(argument).split(".", 1)
            found = refs.get(".".join(map(str, target)))
            if found is not None:
                return found
        if function in ("Fn::GetAtt", "Fn::ImportValue", "Fn::GetAZs"):
            return f"{_UNKNOWN}{function}:{json.dumps(argument, sort_keys=True)}"
    return {key: resolve(item, parameters, pseudo, refs) for key, item in value.items()}


# What Ref and GetAtt return for a resource whose name the template fixes (the resource
# types' documented return values), so names and ARNs built from them are known before a deployment.
_REF_IS_ARN = {"AWS::SNS::Topic": "arn:{partition}:sns:{region}:{account}:{name}"}
_ARN = {
    "AWS::S3::Bucket": "arn:{partition}:s3:::{name}",
    "AWS::Lambda::Function": "arn:{partition}:lambda:{region}:{account}:function:{name}",
    "AWS::IAM::Role": "arn:{partition}:iam::{account}:role{path}{name}",
    "AWS::Logs::LogGroup": "arn:{partition}:logs:{region}:{account}:log-group:{name}:*",
    "AWS::Events::Rule": "arn:{partition}:events:{region}:{account}:rule/{name}",
    "AWS::KinesisFirehose::DeliveryStream": "arn:{partition}:firehose:{region}:{account}:deliverystream/{name}",
    "AWS::DynamoDB::Table": "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
    "AWS::SNS::Topic": "arn:{partition}:sns:{region}:{account}:{name}",
}


def resource_refs(template: Mapping[str, Any], parameters: dict[str, str], pseudo: dict[str, str]) -> dict[str, str]:
    """Return what ``Ref X`` and ``GetAtt X.Arn`` give for each resource whose name is known before deployment."""
    refs: dict[str, str] = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        kind = str(resource.get("Type"))
        prop = NAME_PROPERTY.get(kind)
        properties = resource.get("Properties") or {}
        name = resolve(properties.get(prop), parameters, pseudo) if prop else None
        if not isinstance(name, str) or unresolved(name):
            continue
        path = resolve(properties.get("Path", "/"), parameters, pseudo)
        values = {
            "partition": pseudo.get("AWS::Partition", "aws"),
            "region": pseudo.get("AWS::Region", ""),
            "account": pseudo.get("AWS::AccountId", ""),
            "name": name,
            "path": path if isinstance(path, str) else "/",
        }
        refs[logical_id] = _REF_IS_ARN[kind].format(**values) if kind in _REF_IS_ARN else name
        if kind in _ARN:
            refs[f"{logical_id}.Arn"] = _ARN[kind].format(**values)
        if kind == "AWS::SNS::Topic":
            refs[f"{logical_id}.TopicArn"] = refs[f"{logical_id}.Arn"]
            refs[f"{logical_id}.TopicName"] = name
    return refs


def with_defaults(template: Mapping[str, Any], given: Mapping[str, str]) -> dict[str, str]:
    """Return the parameters a stack gets: those given, the template's defaults for the rest."""
    values = {
        str(k): ",".join(map(str, d["Default"])) if isinstance(d.get("Default"), list) else str(d["Default"])
        for k, d in (template.get("Parameters") or {}).items()
        if isinstance(d, dict) and "Default" in d
    }
    return {**values, **given}


def outputs(template: Mapping[str, Any], parameters: dict[str, str], pseudo: dict[str, str]) -> dict[str, Any]:
    """Return each output's value as far as it is known before deployment (unknown parts stay marked)."""
    refs = resource_refs(template, parameters, pseudo)
    found: dict[str, Any] = {}
    for key, output in (template.get("Outputs") or {}).items():
        if isinstance(output, dict) and "Value" in output:
            found[str(key)] = resolve(output["Value"], parameters, pseudo, refs)
    return found


def unknown(what: str) -> str:
    """Return a placeholder for a value only a deployment knows, naming what it stands for."""
    return f"{_UNKNOWN}{what}"


def unresolved(value: Any) -> bool:  # noqa: ANN401 - template JSON
    """Return whether ``value`` still depends on something only a deployment knows."""
    return _UNKNOWN in json.dumps(value, default=str)


def refers_to(value: Any, logical_id: str) -> bool:  # noqa: ANN401 - template JSON
    """Return whether ``value`` refers to the resource ``logical_id`` (Ref, GetAtt in either form, Sub)."""
    text = json.dumps(value)
    return (
        f'{{"Ref": "{logical_id}"}}' in text
        or f'"Fn::GetAtt": ["{logical_id}"' in text
        or f'"Fn::GetAtt": "{logical_id}.' in text
        or f"${{{logical_id}}}" in text
        or f"${{{logical_id}." in text
    )
