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
    lang: str,  # noqa: ARG001 - read by the error translation (cli/__init__.py); the lines are English
) -> None:
    """Build the cryptography Lambda layer for a runtime, from any OS, without Docker."""
    from byodkim.artifacts import layer

    if target.deprecated:
        click.echo(
            f"warning: Lambda deprecated {target.name} on {target.deprecated}; new functions should use python3.12",
            err=True,
        )
    if update_lock and requirements is not None:
        raise InputError("--update-lock is for the default layer's lock", "leave --requirements out")
    if publish and not layer_name:
        raise InputError("--publish needs --layer-name", "e.g. --layer-name aws-ses-migration-prod-cryptography")
    if (layer_name or bucket) and not publish:
        raise InputError("--layer-name and --bucket only apply with --publish", "add --publish")
    aws = None
    if publish:
        from byodkim.aws.session import Aws

        aws = Aws(profile, region)
        aws.default_region()  # refuse a missing or malformed region before building anything
    progress = StepProgress()
    try:
        built = layer.build_layer(
            layer.BuildOptions(
                target, arch_name, requirements=requirements, out=out, progress=progress, update_lock=update_lock
            )
        )
    finally:
        progress.close()
    origin = "from cache, unchanged" if built.cached else "built"
    click.echo(
        f"layer: {built.path} ({origin}; {built.runtime} {built.arch}; {built.size / 1e6:.2f} MB zipped, "
        f"{built.unzipped_size / 1e6:.2f} MB unzipped, {built.files} files)"
    )
    click.echo(f"packages: {' '.join(built.packages)}")
    click.echo(f"CodeSha256: {built.sha256_b64}")
    if aws is not None and layer_name and dry_run:
        via = f" through s3://{bucket}" if bucket else ""
        click.echo(
            f"would publish a version of {layer_name} in {aws.default_region()}{via} unless it has this CodeSha256"
        )
    elif aws is not None and layer_name:
        from byodkim.artifacts.publish import publish_layer

        result = publish_layer(built, layer_name, aws.client("lambda"), aws.client("s3") if bucket else None, bucket)
        if result.created:
            click.echo(f"published: {result.arn}" + (" (through S3)" if result.via_s3 else ""))
        else:
            click.echo(f"unchanged: the latest version already has this CodeSha256: {result.arn}")
