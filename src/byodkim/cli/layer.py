"""build-layer: the Linux cryptography Lambda layer, from any OS."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from byodkim.cli.options import OUT_FILE, Checked, lang_option, profile_option, region_option
from byodkim.cli.render import StepProgress
from byodkim.errors import InputError

if TYPE_CHECKING:
    from byodkim.artifacts.layer import Runtime

RUNTIME = Checked["Runtime"]("runtime", "byodkim.artifacts.layer:runtime")
ARCH = Checked[str]("arch", "byodkim.artifacts.layer:lambda_arch")
REQUIREMENTS = Checked[Path]("file", "byodkim.artifacts.layer:requirements_file")


@click.command("build-layer")
@click.option(
    "--runtime",
    "target",
    type=RUNTIME,
    default="python3.12",
    show_default=True,
    help="Lambda runtime, python3.10-3.14.",
)
@click.option(
    "--arch", "arch_name", type=ARCH, default="x86_64", show_default=True, help="Lambda architecture: x86_64 or arm64."
)
@click.option(
    "--requirements",
    type=REQUIREMENTS,
    help="Packages for the layer [default: layers/cryptography/requirements.txt, installed from its hashed lock].",
)
@click.option(
    "--update-lock",
    is_flag=True,
    help="Resolve the default requirements again and rewrite layers/cryptography/locks/RUNTIME-ARCH.txt.",
)
@click.option("-O", "--out", type=OUT_FILE, help="Zip to write [default: cryptography-layer-RUNTIME-ARCH.zip].")
@click.option("--publish", is_flag=True, help="Publish the zip as a layer version (skipped when unchanged).")
@click.option("--layer-name", help="Layer name to publish under (with --publish).")
@click.option("--bucket", help="S3 bucket to upload through (needed above 50 MB).")
@profile_option
@region_option
@click.option(
    "--dry-run", is_flag=True, help="With --publish: build, and say what would be published; publish nothing."
)
@lang_option("the output")
def build_layer(
    target: Runtime,
    arch_name: str,
    requirements: Path | None,
    update_lock: bool,  # noqa: FBT001 - a click flag
    out: Path | None,
    publish: bool,  # noqa: FBT001 - a click flag
    layer_name: str | None,
    bucket: str | None,
    profile: str | None,
    region: str | None,
    dry_run: bool,  # noqa: FBT001 - a click flag
    lang: str,
) -> None:
    """Build the cryptography Lambda layer for a runtime, from any OS, without Docker."""
    from byodkim.artifacts import layer
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    if target.deprecated:
        click.echo(text(say("layer.deprecated", runtime=target.name, date=target.deprecated), lang), err=True)
    if update_lock and requirements is not None:
        raise InputError(say("layer.update_lock_default", option="--update-lock"), say("layer.leave_out_requirements"))
    if publish and not layer_name:
        example = say("layer.publish_example", example="--layer-name aws-ses-migration-prod-cryptography")
        raise InputError(say("layer.publish_needs_name", publish="--publish", name="--layer-name"), example)
    if (layer_name or bucket) and not publish:
        only = say("layer.only_with_publish", name="--layer-name", publish="--publish")
        raise InputError(only, say("layer.add_publish", publish="--publish"))
    aws = None
    if publish:
        from byodkim.aws.session import Aws

        aws = Aws(profile, region)
        aws.default_region()  # refuse a missing or malformed region before building anything
    progress = StepProgress(lang)
    try:
        built = layer.build_layer(
            layer.BuildOptions(
                target, arch_name, requirements=requirements, out=out, progress=progress, update_lock=update_lock
            )
        )
    finally:
        progress.close()
    origin = say("layer.origin_cached") if built.cached else say("layer.origin_built")
    said = say(
        "layer.built", path=str(built.path), origin=origin, runtime=built.runtime, arch=built.arch,
        zipped=f"{built.size / 1e6:.2f}", unzipped=f"{built.unzipped_size / 1e6:.2f}", files=built.files,
    )  # fmt: skip
    click.echo(text(said, lang))
    click.echo(text(say("layer.packages", packages=" ".join(built.packages)), lang))
    click.echo(text(say("layer.sha", sha=built.sha256_b64), lang))
    if aws is not None and layer_name and dry_run:
        via = say("layer.via", bucket=bucket) if bucket else ""
        click.echo(text(say("layer.would_publish", name=layer_name, region=aws.default_region(), via=via), lang))
    elif aws is not None and layer_name:
        from byodkim.artifacts.publish import publish_layer

        result = publish_layer(built, layer_name, aws.client("lambda"), aws.client("s3") if bucket else None, bucket)
        if result.created:
            click.echo(text(say("layer.published_s3" if result.via_s3 else "layer.published", arn=result.arn), lang))
        else:
            click.echo(text(say("layer.unchanged", arn=result.arn), lang))
