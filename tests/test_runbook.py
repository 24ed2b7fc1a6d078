"""The runbooks, run command by command against the sandbox, and the report on a failed stack."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from conftest import require_tool

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```(\w*)\n(.*?)```|<!-- sandbox: (.*?) -->", re.DOTALL)
PHASE2 = "aws-ses-migration-prod-prod-phase-2-dkim-system"


def steps(path: Path) -> list[tuple[str, str]]:
    """Return the runbook as ("sh", commands) and ("marker", what the test plays) in order."""
    found = []
    for match in BLOCK.finditer(path.read_text(encoding="utf-8")):
        if match.group(3) is not None:
            found.append(("marker", match.group(3)))
        elif match.group(1) == "sh":
            found.append(("sh", match.group(2)))
    return found


def test_japanese_runbook_runs_the_same_commands() -> None:
    english, japanese = steps(ROOT / "docs" / "runbook.md"), steps(ROOT / "docs" / "ja" / "runbook.md")
    assert japanese == english
    assert len([s for s in english if s[0] == "sh"]) >= 12


def test_every_command_in_the_runbooks_is_in_a_tested_block() -> None:
    for path in (ROOT / "docs" / "runbook.md", ROOT / "docs" / "ja" / "runbook.md"):
        text = path.read_text(encoding="utf-8")
        tested = "\n".join(body for kind, body in steps(path) if kind == "sh")
        for line in text.splitlines():
            if line.startswith(("uv run ", "scripts/", "cd sceptre")):
                assert line in tested, f"{path.name}: `{line}` is outside a tested sh block"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[dict[str, str]]:
    """`byodkim sandbox --keep --from-start` in its own process; its printed exports, set here as a person would."""
    require_tool("named", "apt-get install bind9")
    process = subprocess.Popen(
        [sys.executable, "-m", "byodkim", "sandbox", "--keep", "--from-start"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
    )  # fmt: skip
    assert process.stdout is not None
    exports: dict[str, str] = {}
    for line in process.stdout:
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").strip().partition("=")
            exports[name] = value
        if line.startswith("# then follow docs/runbook.md"):
            break
    if not exports:
        process.kill()
        pytest.fail(f"the sandbox did not start: {process.stderr.read() if process.stderr else ''}")
    saved = {name: os.environ.get(name) for name in exports}
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(exports)
    try:
        yield exports
    finally:
        for name, before in saved.items():
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)  # also closes its pipes
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the operator stands: the project's sceptre/ and scripts/, and `uv run` from this environment."""
    folder = tmp_path_factory.mktemp("operator")
    for name in ("sceptre", "scripts"):
        (folder / name).symlink_to(ROOT / name)
    shim = folder / "bin"
    shim.mkdir()
    real_uv = shutil.which("uv") or "uv"
    # `uv run X` runs X from this test's environment, so nothing is synced or built again.
    (shim / "uv").write_text(
        f'#!/usr/bin/env bash\nif [ "$1" = run ]; then shift; exec "$@"; fi\nexec {real_uv} "$@"\n'
    )
    (shim / "uv").chmod(0o755)
    # `sceptre` is Sceptre's own CLI with the emulator's short status poll (byodkim.local.sceptre_run):
    # the runbook's lines are typed as written; only the 4 s sleep between polls is shorter.
    (shim / "sceptre").write_text(f'#!/usr/bin/env bash\nexec {sys.executable} -m byodkim.local.sceptre_run "$@"\n')
    (shim / "sceptre").chmod(0o755)
    return folder


def _run(block: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    path = f"{workdir / 'bin'}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": path},
    )


def _break_phase_2() -> None:
    cfn = boto3.client("cloudformation")
    stack = cfn.describe_stacks(StackName=PHASE2)["Stacks"][0]
    bogus = "arn:aws:lambda:ap-northeast-1:123456789012:layer:aws-ses-migration-prod-cryptography:99"
    parameters: list[Any] = [
        {"ParameterKey": p["ParameterKey"], "ParameterValue": bogus}
        if p["ParameterKey"] == "LayerVersionArn"
        else {"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
        for p in stack["Parameters"]
    ]
    cfn.update_stack(
        StackName=PHASE2, UsePreviousTemplate=True, Parameters=parameters, Capabilities=["CAPABILITY_NAMED_IAM"]
    )
    assert cfn.describe_stacks(StackName=PHASE2)["Stacks"][0]["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"


def test_runbook_against_the_sandbox(sandbox: dict[str, str], workdir: Path) -> None:
    outputs: list[str] = []
    for kind, body in steps(ROOT / "docs" / "runbook.md"):
        if kind == "marker":
            if body.startswith("uv run byodkim sandbox dns "):  # the DNS team, played by the documented command
                played = _run(body, workdir)
                assert played.returncode == 0, played.stderr
            elif body == "a phase-2 update fails":
                _break_phase_2()
            else:
                pytest.fail(f"unknown runbook marker: {body}")
            outputs.append(f"[marker] {body}")
            continue
        done = _run(body, workdir)
        assert done.returncode == 0, (
            f"runbook step failed:\n{body}\n--- stdout\n{done.stdout[-2000:]}\n--- stderr\n{done.stderr[-3000:]}"
        )
        outputs.append(done.stdout + done.stderr)
    joined = "\n".join(outputs)
    assert "SES ap-northeast-1: SUCCESS" in joined
    assert "rotated goo.ne.jp from gooid-21-pro-20250912-1 to gooid-21-pro-20261201-1" in joined
    recovery = outputs[outputs.index("[marker] a phase-2 update fails") + 1]
    assert "phase-2-dkim-system: UPDATE_ROLLBACK_COMPLETE" in recovery
    assert (
        "way out: scripts/create-layer.sh prod aws-ses-migration && cd sceptre && uv run sceptre launch -y prod/phase-2-dkim-system.yaml"
        in recovery
    )
    _assert_phase_2_runs_the_published_layer()
    memo = (workdir / "rollout-status.md").read_text(encoding="utf-8")
    assert memo.startswith("# BYODKIM 移行状況: goo.ne.jp (prod)")
    assert "Easy DKIM" in joined  # the rollback ran last


def test_report_shows_a_failed_update_in_both_languages(sandbox: dict[str, str], workdir: Path) -> None:
    # Runs after the runbook: stacks exist; break phase 2 again and read the memo.
    _break_phase_2()
    english = _run("uv run byodkim report --env prod", workdir)
    japanese = _run("uv run byodkim report --env prod --lang ja", workdir)
    assert english.returncode == japanese.returncode == 0, english.stderr + japanese.stderr
    assert (
        "  phase-2-dkim-system: UPDATE_ROLLBACK_COMPLETE\n    cause: DkimManagerFunction (AWS::Lambda::Function): "
        in english.stdout
    )
    assert (
        "    way out: scripts/create-layer.sh prod aws-ses-migration && cd sceptre && uv run sceptre launch -y prod/phase-2-dkim-system.yaml"
        in english.stdout
    )
    assert (
        "  The last update of phase-2-dkim-system was rolled back: it runs its previous configuration."
        in english.stdout
    )
    assert "    原因: DkimManagerFunction (AWS::Lambda::Function): " in japanese.stdout
    assert (
        "    復旧手順: scripts/create-layer.sh prod aws-ses-migration && cd sceptre && uv run sceptre launch -y prod/phase-2-dkim-system.yaml"
        in japanese.stdout
    )
    assert "  phase-2-dkim-system の直近の更新はロールバックされ、以前の設定で動いています。" in japanese.stdout
    reason = re.search(r"cause: DkimManagerFunction \(AWS::Lambda::Function\): (.*)", english.stdout)
    assert reason is not None
    assert ":layer:aws-ses-migration-prod-cryptography:99" in reason.group(1)
    fixed = _run("cd sceptre && uv run sceptre launch -y prod/phase-2-dkim-system.yaml", workdir)
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    _assert_phase_2_runs_the_published_layer()


def _assert_phase_2_runs_the_published_layer() -> None:
    """After recovery the stack and the function use the real layer, not the broken update's."""
    stack = boto3.client("cloudformation").describe_stacks(StackName=PHASE2)["Stacks"][0]
    assert stack["StackStatus"] in ("UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE")  # the latter when the fix is a no-op
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert parameters["LayerVersionArn"].endswith(":layer:aws-ses-migration-prod-cryptography:1")
    function = boto3.client("lambda").get_function(FunctionName="aws-ses-migration-prod-dkim-manager")["Configuration"]
    assert [layer["Arn"] for layer in function["Layers"]] == [parameters["LayerVersionArn"]]
