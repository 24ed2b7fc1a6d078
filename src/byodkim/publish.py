"""Publish a built layer, once: an unchanged zip is never published again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from byodkim.errors import InputError

if TYPE_CHECKING:
    from byodkim.layer import LayerBuild


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
    lambda_client: Any,  # noqa: ANN401 - boto3 client
    s3_client: Any = None,  # noqa: ANN401 - boto3 client
    bucket: str | None = None,
    description: str = "",
) -> Published:
    """Publish ``build`` as a new version of ``layer_name`` unless the latest already has its CodeSha256."""
    latest = _latest(lambda_client, layer_name)
    if latest is not None and latest["Content"].get("CodeSha256") == build.sha256_b64:
        return Published(latest["LayerVersionArn"], int(latest["Version"]), created=False)
    data = build.path.read_bytes()
    content: dict[str, Any]
    via_s3 = build.needs_s3 or bucket is not None
    if via_s3:
        if bucket is None or s3_client is None:
            raise InputError(
                f"the layer zip is {build.size / 1e6:.1f} MB, over the 50 MB direct upload limit",
                "give --bucket to upload it through S3",
            )
        key = f"layers/{layer_name}/{build.sha256_b64.replace('/', '_').replace('+', '-')}.zip"
        s3_client.put_object(Bucket=bucket, Key=key, Body=data)
        content = {"S3Bucket": bucket, "S3Key": key}
    else:
        content = {"ZipFile": data}
    response = lambda_client.publish_layer_version(
        LayerName=layer_name,
        Description=description or f"cryptography for {build.runtime} {build.arch} (byodkim)",
        Content=content,
        CompatibleRuntimes=[build.runtime],
        CompatibleArchitectures=[build.arch],
    )
    return Published(response["LayerVersionArn"], int(response["Version"]), created=True, via_s3=via_s3)


def _latest(lambda_client: Any, layer_name: str) -> dict[str, Any] | None:  # noqa: ANN401
    versions: list[dict[str, Any]] = []
    marker: dict[str, str] = {}
    while True:  # by hand, not a paginator: Sceptre's connection manager only makes calls
        page = lambda_client.list_layer_versions(LayerName=layer_name, **marker)
        versions.extend(page.get("LayerVersions", []))
        if not page.get("NextMarker"):
            break
        marker = {"Marker": page["NextMarker"]}
    if not versions:
        return None
    newest = max(versions, key=lambda v: int(v["Version"]))
    result: dict[str, Any] = lambda_client.get_layer_version(LayerName=layer_name, VersionNumber=newest["Version"])
    return result
