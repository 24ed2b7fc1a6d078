#!/usr/bin/env bash
# The README's test command: set up a fresh machine, then lint, type-check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
uv run --locked ruff check .
uv run --locked ruff format --check .
uv run --locked mypy
uv run --locked cfn-lint sceptre/templates/*.yaml
# pytest exits 5 when it collects nothing; with -e that fails the run, as it should.
uv run --locked pytest "$@"
