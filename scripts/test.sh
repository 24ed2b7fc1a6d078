#!/usr/bin/env bash
# The README's test command: set up a fresh machine, then lint, type-check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
uv run --locked ruff check .
uv run --locked ruff format --check .
# mypy (15 s on a fresh clone) and checkov (7 s) are one process on one core each: they run beside
# pytest, their output kept and printed after it, and any failure fails the command. cfn-lint runs
# as a test (tests/test_sceptre.py::test_cfn_lint_is_clean, every template): run here as well, it
# was the same check twice (2 s of CPU).
checks=$(mktemp -d)
trap 'rm -rf "$checks"' EXIT
uv run --locked mypy > "$checks/mypy" 2>&1 &
mypy_pid=$!
# checkov in its own tool environment: its pins would fight the project's (jsonschema, boto3). On the
# interpreter the project's environment was made with (setup.sh chooses it), not uv's first find.
# --skip-download: no network to the vendor; every skip carries its reason in the template.
python=$(uv run --locked python -c 'import sys; print(sys._base_executable)')
uv tool run --python "$python" --from checkov==3.3.30 checkov -d sceptre/templates --framework cloudformation --compact --quiet --skip-download \
  > "$checks/templates" 2>&1 &
templates_pid=$!
# pytest exits 5 when it collects nothing; that fails the run, as it should.
# Two workers more than the cores (xdist); each worker starts its own emulator and BIND. Many tests
# wait (on the emulator's clock, DNS timeouts, the fault campaign's simulated people) rather than
# compute. On this 2-core machine, the same checkout on 2026-12-05: 3 workers 246.7-262.8 s, 4 workers
# 234.3 s (1.78 cores busy), 5 workers 237.6 s. On 2026-12-06, taking turns: in a fast hour five beat
# four (152.0 and 157.4 s against 160.4 and 165.9 s, on the same CPU); later four beat five (174.5
# against 193.6 s, 181.0 against 188.8 s), when five burned 26-50 s more CPU for the same work. Four
# are kept: their runs 160.4-195.6 s, five's 152.0-226.2 s (docs/performance.md). loadfile: a file's
# tests share a worker, so module fixtures (a sandbox the runbook test launched) are shared.
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || echo 1)
tests=0
uv run --locked pytest -n "$((cores + 2))" --dist loadfile "$@" || tests=$?
mypy=0
wait "$mypy_pid" || mypy=$?
cat "$checks/mypy"
templates=0
wait "$templates_pid" || templates=$?
cat "$checks/templates"
for check in "tests:$tests" "mypy:$mypy" "checkov:$templates"; do
  if [ "${check##*:}" -ne 0 ]; then
    echo "test.sh: ${check%:*} failed (exit ${check##*:})" >&2
  fi
done
[ "$tests" -eq 0 ] && [ "$mypy" -eq 0 ] && [ "$templates" -eq 0 ]
