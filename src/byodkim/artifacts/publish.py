"""Publish a built layer, once: an unchanged zip is never published again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_lambda.literals import ArchitectureType, RuntimeType
    from mypy_boto3_lambda.type_defs import (
        GetLayerVersionResponseTypeDef,
        LayerVersionContentInputTypeDef,
        LayerVersionsListItemTypeDef,
    )
    from mypy_boto3_s3 import S3Client

    from byodkim.artifacts.layer import LayerBuild


@dataclass(frozen=True)
class Published:
    """The layer version that serves this zip, and whether this run created it."""

    arn: str
    version: int
    created: bool
    via_s3: bool = False


def publish_layer(
    build: LayerBuild,
    layer_name: str,
    lambda_client: LambdaClient,
    s3_client: S3Client | None = None,
    bucket: str | None = None,
    description: str = "",
) -> Published:
    """Publish ``build`` as a new version of ``layer_name`` unless the latest already has its CodeSha256."""
    latest = _latest(lambda_client, layer_name)
    if latest is not None and latest["Content"].get("CodeSha256") == build.sha256_b64:
        return Published(latest["LayerVersionArn"], int(latest["Version"]), created=False)
    data = build.path.read_bytes()
    content: LayerVersionContentInputTypeDef
    via_s3 = build.needs_s3 or bucket is not None
    if via_s3:
        if bucket is None or s3_client is None:
            raise InputError(say("layer.too_big_direct", mb=f"{build.size / 1e6:.1f}"), say("layer.give_bucket"))
        key = f"layers/{layer_name}/{build.sha256_b64.replace('/', '_').replace('+', '-')}.zip"
        s3_client.put_object(Bucket=bucket, Key=key, Body=data)
        content = {"S3Bucket": bucket, "S3Key": key}
    else:
        content = {"ZipFile": data}
    response = lambda_client.publish_layer_version(
        LayerName=layer_name,
        Description=description or f"cryptography for {build.runtime} {build.arch} (byodkim)",
        Content=content,
        # Both were checked against the runtimes and architectures Lambda has when the layer was built.
        CompatibleRuntimes=[cast("RuntimeType", build.runtime)],
        CompatibleArchitectures=[cast("ArchitectureType", build.arch)],
    )
    return Published(response["LayerVersionArn"], int(response["Version"]), created=True, via_s3=via_s3)


def predict_layer(build: LayerBuild, layer_name: str, lambda_client: LambdaClient, arn_prefix: str) -> Published:
    """Return the version :func:`publish_layer` would serve, without publishing anything (a preview).

    ``arn_prefix`` is ``arn:aws:lambda:REGION:ACCOUNT:layer:NAME`` for a layer that has no version yet.
    """
    latest = _latest(lambda_client, layer_name)
    if latest is not None and latest["Content"].get("CodeSha256") == build.sha256_b64:
        return Published(latest["LayerVersionArn"], int(latest["Version"]), created=False)
    # The number the next publish gets is not knowable (numbers of deleted versions are not
    # reused, and not listed): a number no live function can be using makes the change visible.
    version = int(latest["Version"]) + 1 if latest is not None else 0
    prefix = latest["LayerArn"] if latest is not None else arn_prefix
    return Published(f"{prefix}:{version}", version, created=True)


def _latest(lambda_client: LambdaClient, layer_name: str) -> GetLayerVersionResponseTypeDef | None:
    versions: list[LayerVersionsListItemTypeDef] = []
    marker = ""
    while True:  # by hand, not a paginator: Sceptre's connection manager only makes calls
        page = (
            lambda_client.list_layer_versions(LayerName=layer_name, Marker=marker)
            if marker
            else lambda_client.list_layer_versions(LayerName=layer_name)
        )
        versions.extend(page.get("LayerVersions", []))
        marker = page.get("NextMarker", "")
        if not marker:
            break
    if not versions:
        return None
    newest = max(versions, key=lambda v: int(v["Version"]))
    return lambda_client.get_layer_version(LayerName=layer_name, VersionNumber=newest["Version"])
