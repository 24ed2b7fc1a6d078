#!/usr/bin/env bash
# Install what byodkim and its tests need on a fresh Debian/Ubuntu machine, then the
# project's locked Python environment. Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v named >/dev/null 2>&1 || [ -x /usr/sbin/named ] || need+=(bind9)
command -v named-checkzone >/dev/null 2>&1 || need+=(bind9-utils)
command -v dig >/dev/null 2>&1 || need+=(bind9-dnsutils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v zip >/dev/null 2>&1 || need+=(zip)
# Two judges that share no code with dkimpy: OpenDKIM's key test for the record matrix, Perl's
# Mail::DKIM (SpamAssassin's verifier) for every test message.
command -v opendkim-testkey >/dev/null 2>&1 || [ -x /usr/sbin/opendkim-testkey ] || need+=(opendkim-tools)
perl -MMail::DKIM::Verifier -e1 >/dev/null 2>&1 || need+=(libmail-dkim-perl)
debian() {
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}
# On a new machine apt takes about 6.5 s on one core (48 packages with their dependencies) and uv's
# side below about 5 s: they share nothing, so apt runs beside it (its stdin /dev/null, as for any
# background job of a script) and is waited for at the end. Only where nothing can ask for a
# password (root, or sudo that needs none); a password prompt gets the terminal, in order.
# A setup that stops early still waits for apt to end: a dpkg left running alone holds the lock the
# next run needs. Ctrl-C reaches apt as it did in the foreground (tried: one process group); a second
# Ctrl-C or a SIGTERM while the script waits is answered with a line, and the wait goes on.
debian_pid=
debian_status=0
wait_debian() {
  trap 'echo "setup: still waiting for apt-get to end (dpkg stopped midway leaves packages half configured)" >&2' INT TERM
  while true; do
    debian_status=0
    wait "$debian_pid" || debian_status=$?
    # Above 128: apt ended by a signal, or this wait was cut short by one while apt runs on.
    if [ "$debian_status" -le 128 ] || ! kill -0 "$debian_pid" 2>/dev/null; then
      break
    fi
  done
  debian_pid=
  trap - INT TERM
}
debian_failed() {
  echo "setup: installing the Debian packages failed (apt-get, exit $debian_status): ${need[*]}; run it again, or install them yourself" >&2
}
after_debian() {
  if [ -n "$debian_pid" ]; then
    if kill -0 "$debian_pid" 2>/dev/null; then
      echo "setup: stopped; waiting for apt-get (the Debian packages) to end first" >&2
    fi
    wait_debian
    if [ "$debian_status" -ne 0 ]; then debian_failed; fi
  fi
}
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  echo "setup: installing Debian packages: ${need[*]}" >&2
  if [ -z "$sudo" ] || sudo -n true 2>/dev/null; then
    debian &
    debian_pid=$!
    trap 'after_debian' EXIT
  else
    debian
  fi
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv" >&2
  python3 -m pip install --quiet uv
  command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
fi
# The emulator runs the dkim-manager Lambda under its runtime's own CPython (python3.12).
runtime=$(sed -n 's/^lambda_runtime: *python\([0-9.]*\).*/\1/p' sceptre/config/prod/config.yaml | head -1)
runtime=${runtime:-3.12}
if ! command -v "python$runtime" >/dev/null 2>&1 && ! ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$runtime".*/bin/"python$runtime" >/dev/null 2>&1 \
   && ! uv python find --no-project --managed-python "$runtime" >/dev/null 2>&1; then
  echo "setup: installing CPython $runtime for the Lambda runtime (uv python install)" >&2
  uv python install "$runtime" >/dev/null
fi
# The AWS CLI the runbook, the report and docs/iam.md use (`aws cloudformation ...`, `aws iam ...`), in
# its own uv tool environment: its pinned botocore stays apart from ours (docs/decisions.md).
if ! command -v aws >/dev/null 2>&1 && ! [ -x "$(uv tool dir --bin 2>/dev/null)/aws" ]; then
  echo "setup: installing the AWS CLI (uv tool install awscli)" >&2
  uv tool install --quiet awscli==1.46.3
fi
if ! command -v aws >/dev/null 2>&1; then
  echo "setup: the AWS CLI is in $(uv tool dir --bin); add it to PATH (uv tool update-shell does)" >&2
fi
# The project's interpreter, when the environment is made: the system's /usr/bin/python3 where
# it is CPython 3.11 or newer. Debian and Ubuntu build it with profile-guided and link-time
# optimisation and link libpython into the interpreter; pyenv's default build (this machine's first
# python3) does neither, and a fresh clone's `bash scripts/test.sh` took a tenth less CPU on Debian's
# 3.11.2 than on pyenv's 3.11.7 (docs/performance.md). UV_PYTHON, when set, chooses instead, and an
# environment that works (a pyvenv.cfg and an interpreter that runs) or a uv redirect file is kept
# as it is; uv makes any other one again, so that one gets the system's interpreter too.
env_dir=${UV_PROJECT_ENVIRONMENT:-.venv}
kept=
if [ -f "$env_dir" ] || { [ -e "$env_dir/pyvenv.cfg" ] && "$env_dir/bin/python" -c '' >/dev/null 2>&1; }; then
  kept=yes
fi
if [ -z "${UV_PYTHON:-}" ] && [ -z "$kept" ] && /usr/bin/python3 -c \
   'import platform, sys; sys.exit(platform.python_implementation() != "CPython" or sys.version_info < (3, 11))' \
   >/dev/null 2>&1; then
  export UV_PYTHON=/usr/bin/python3
fi
uv sync --locked --quiet
# With bytecode: where PYTHONDONTWRITEBYTECODE is set (CI images, some laptops) every `byodkim`
# start would otherwise recompile click and friends (--help measured 0.259 s without, 0.158 s with),
# and byodkim's own modules (the install is editable: about 0.25 s of CPU for the whole package, in
# each of the hundreds of processes the suite starts). Not `uv sync --compile-bytecode`: that compiles
# every file, the packages' own test suites (sympy's 678, networkx's 278) and mypy's sources (mypy
# runs compiled) included: 15.9 s of CPU against 11.9 s. The pattern is matched against paths
# relative to site-packages (./boto3/...), never the checkout's own path. A stale .pyc is never
# run: Python checks the source first; a module left out is compiled in memory when imported.
# A fresh environment is compiled on every core (-j0); a compiled one is only checked, in one
# process: the pool's start and its per-file hand-offs cost 2.1 s where the check alone is 0.3 s.
# Left out as well, what no process here imports or one process a run does (a run of the suite and a
# sandbox, every module each process held, 2026-12-06): of 6,077 files, the emulator's moto imports
# 301 (the services below: those it serves and those moto's CloudFormation parser imports); sympy
# and mpmath (cfn-lint's), cfn-lint itself (one lint a run), graphql, docker and aws_xray_sdk (moto's,
# for services never called). 3,226 files are compiled: 12.0 s of CPU (6.8 s on two cores) went to
# 8.1 s (4.7 s). A service missing from the list costs its import a compile, never a wrong result.
moto_kept='apigateway|autoscaling|awslambda|batch|cloudformation|cloudtrail|cloudwatch|core|datapipeline|dynamodb'
moto_kept+='|dynamodbstreams|ec2|ecr|ecs|efs|elb|elbv2|emr|events|firehose|iam|iot|kinesis|kms|logs|moto_api'
moto_kept+='|moto_server|organizations|rds|redshift|route53|s3|s3bucket_path|sagemaker|scheduler|secretsmanager'
moto_kept+='|ses|sesv2|sns|sqs|ssm|stepfunctions|sts|utilities'
skip="^\\./(([^/]+/)*tests?|mypyc?|sympy|mpmath|cfnlint|graphql|docker|aws_xray_sdk|moto/(?!($moto_kept)/)[^/]+)/"
python=$(uv run --locked python -c 'import sys; print(sys.executable)')
site=$("$python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
jobs=1
[ -d "$site/boto3/__pycache__" ] || jobs=0
(cd "$site" && "$python" -m compileall -q -j "$jobs" -x "$skip" . >/dev/null)
"$python" -m compileall -q src >/dev/null
if [ -n "$debian_pid" ]; then
  wait_debian
  if [ "$debian_status" -ne 0 ]; then
    debian_failed
    exit "$debian_status"
  fi
fi
