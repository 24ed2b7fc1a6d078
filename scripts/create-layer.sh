#!/usr/bin/env bash
# The runbook's layer step, kept under its old name: a thin wrapper over `byodkim build-layer`
# with the project's defaults. Builds Linux wheels from any host (no Docker) and publishes
# only when the zip changed.
#
#   scripts/create-layer.sh ENV PROJECT          e.g. scripts/create-layer.sh prod aws-ses-migration
#
# Environment: AWS_PROFILE / AWS_REGION as usual (region defaults to ap-northeast-1),
# RUNTIME (python3.12), ARCH (x86_64), BUCKET (upload through S3), OUT (the zip path).
set -euo pipefail
usage="usage: scripts/create-layer.sh ENV PROJECT (e.g. prod aws-ses-migration)"
env_name=${1:?$usage}
project=${2:?$usage}
cd "$(dirname "$0")/.."
args=(build-layer --runtime "${RUNTIME:-python3.12}" --arch "${ARCH:-x86_64}"
      --out "${OUT:-build/${project}-${env_name}-cryptography-layer.zip}"
      --publish --layer-name "${project}-${env_name}-cryptography"
      --region "${AWS_REGION:-ap-northeast-1}")
if [ -n "${BUCKET:-}" ]; then args+=(--bucket "$BUCKET"); fi
exec uv run byodkim "${args[@]}"
