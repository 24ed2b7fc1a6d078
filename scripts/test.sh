#!/usr/bin/env bash
# The README's test command: set up a fresh machine, then lint, type-check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
uv run --locked ruff check .
uv run --locked ruff format --check .

# mypy, cfn-lint and checkov run beside pytest: the test workers spend much of their time
# waiting on subprocesses (Sceptre, BIND, uv), so the 2-core machine has room for them.
# Each one's output is printed after pytest, and any failure fails the run.
checks=$(mktemp -d)
uv run --locked mypy > "$checks/mypy" 2>&1 & mypy_pid=$!
uv run --locked cfn-lint sceptre/templates/*.yaml > "$checks/cfn-lint" 2>&1 & cfnlint_pid=$!
# checkov in its own tool environment: its pins would fight the project's (jsonschema, boto3).
# --skip-download: no network to the vendor; every skip carries its reason in the template.
uv tool run --from checkov==3.3.30 checkov -d sceptre/templates --framework cloudformation --compact --quiet \
  --skip-download > "$checks/checkov" 2>&1 & checkov_pid=$!

# pytest exits 5 when it collects nothing; that fails the run, as it should.
# -n auto: one worker per core (xdist); each worker starts its own emulator and BIND. loadfile: a
# file's tests share a worker, so module fixtures (a sandbox the runbook test launched) are shared.
status=0
uv run --locked pytest -n auto --dist loadfile "$@" || status=$?

for check in mypy:$mypy_pid cfn-lint:$cfnlint_pid checkov:$checkov_pid; do
  name=${check%%:*}
  if wait "${check##*:}"; then
    echo "$name: ok"; cat "$checks/$name"
  else
    echo "$name: FAILED"; cat "$checks/$name"; status=1
  fi
done
rm -rf "$checks"
exit "$status"
