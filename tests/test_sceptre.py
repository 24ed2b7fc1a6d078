"""The Sceptre project: templates under cfn-lint, and a whole launch, relaunch and delete on the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parents[1]
SCEPTRE_DIR = ROOT / "sceptre"
STACKS = [
    "base",
    "phase-1-infrastructure-foundation",
    "phase-2-dkim-system",
    "phase-3-ses-byodkim",
    "phase-4-dns-preparation",
    "phase-5-dns-team-collaboration",
    "phase-7-dns-validation-dkim-activation",
    "phase-8-monitoring-system",
    "enhanced-kinesis",
    "monitoring",
    "security",
]
NAMES = sorted(f"aws-ses-migration-prod-prod-{stack}" for stack in STACKS)


def _sceptre(*args: str) -> subprocess.CompletedProcess[str]:
    # Sceptre's own CLI with a 0.05 s status poll instead of its fixed 4 s (byodkim.local.sceptre_run);
    # the `sceptre` console script itself is run by the validation test below.
    runner = [sys.executable, "-m", "byodkim.local.sceptre_run"]
    return subprocess.run(
        [*runner, *args], cwd=SCEPTRE_DIR, capture_output=True, text=True, check=False, env=dict(os.environ)
    )


def test_cfn_lint_is_clean() -> None:
    templates = sorted(str(p) for p in (SCEPTRE_DIR / "templates").glob("*.yaml"))
    assert len(templates) == len(STACKS)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *templates], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_one_config_per_stack_and_no_phase_6() -> None:
    configs = sorted(p.stem for p in (SCEPTRE_DIR / "config" / "prod").glob("*.yaml") if p.name != "config.yaml")
    assert configs == sorted(STACKS)
    assert not list(SCEPTRE_DIR.rglob("*phase-6*"))
    assert (
        "Phase 6 has no stack"
        in (SCEPTRE_DIR / "config" / "prod" / "phase-7-dns-validation-dkim-activation.yaml").read_text()
    )


LAUNCH = "`uv run sceptre --dir sceptre launch -y prod`"


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("6", ("phase 6 is the DNS team publishing the DKIM record: it has no stack and no byodkim command; to see "
               "whether it is done, run `byodkim verify --domain DOMAIN` (`byodkim verify --domain DOMAIN --wait` waits until it is)")),
        ("1", f"phase 1 is a stack, not a phase of the dkim-manager function: the Sceptre launch creates and updates it ({LAUNCH})"),
        ("2", f"phase 2 is a stack, not a phase of the dkim-manager function: the Sceptre launch creates and updates it ({LAUNCH})"),
        ("8", f"phase 8 is a stack, not a phase of the dkim-manager function: the Sceptre launch creates and updates it ({LAUNCH})"),
        ("3", f"phase 3 is a stack and a key: the Sceptre launch makes the stack ({LAUNCH}), `byodkim register` gives SES the key"),
        ("9", "`9` is not a phase of the rollout: the phases are 1 to 8, and this command runs 4, 5 and 7"),
    ],
)  # fmt: skip
def test_a_phase_no_command_of_ours_runs_is_one_line_naming_what_runs_it(cli: Cli, number: str, says: str) -> None:
    refused = cli("phase", number, "--domain", "goo.ne.jp")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == f"error: {says} (see 'byodkim phase --help')\n"


def test_phase_6_is_refused_in_japanese_and_the_phases_of_the_function_still_pass(cli: Cli) -> None:
    japanese = cli("phase", "6", "--domain", "goo.ne.jp", "--lang", "ja")
    assert japanese.code == 2
    assert japanese.err == (
        "エラー: フェーズ 6 は DNS チームによる DKIM レコードの公開です。"
        "スタックも byodkim のコマンドもありません。公開済みかどうかは `byodkim verify --domain DOMAIN` で確認してください "
        "(`byodkim verify --domain DOMAIN --wait` は公開まで待ちます) ('byodkim phase --help' を参照)\n"
    )
    # One step off: 4, 5 and 7 are still the function's (a dry run reads nothing).
    for number in ("4", "5", "7"):
        done = cli("phase", number, "--domain", "goo.ne.jp", "--region", "ap-northeast-1", "--dry-run")
        assert done.code == 0, done.err
        assert done.out.startswith(f"would run phase {number} for goo.ne.jp")


def test_sceptre_files_are_ascii() -> None:
    for path in SCEPTRE_DIR.rglob("*.yaml"):
        path.read_bytes().decode("ascii")  # raises on anything a Windows editor might have slipped in


def test_no_template_sets_dkim_signing_attributes() -> None:
    # byodkim owns the identity's signing key (docs/decisions.md); a key here would fight it.
    for path in (SCEPTRE_DIR / "templates").glob("*.yaml"):
        text = path.read_text()
        assert "DkimSigningAttributes:" not in text, path
        assert "PRIVATE KEY" not in text


def _stack_names() -> list[str]:
    return sorted(s["StackName"] for s in boto3.client("cloudformation").describe_stacks()["Stacks"])


@pytest.mark.usefixtures("empty_account")
def test_launch_relaunch_status_outputs_delete() -> None:
    launched = _sceptre("launch", "-y", "prod")
    assert launched.returncode == 0, launched.stdout[-3000:] + launched.stderr[-3000:]
    assert _stack_names() == NAMES

    again = _sceptre("launch", "-y", "prod")
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.count("No updates to perform.") + again.stderr.count("No updates to perform.") == len(STACKS)

    # Over the stacks our own templates made, preflight finds nothing (and the hook let both launches run).
    preflight = subprocess.run(
        [sys.executable, "-m", "byodkim", "preflight", "-o", "json"],
        capture_output=True, text=True, check=False, env=dict(os.environ),
    )  # fmt: skip
    assert preflight.returncode == 0, preflight.stderr
    previews = json.loads(preflight.stdout)
    assert previews["blocking"] == 0
    assert {(p["stack"], p["note"], len(p["findings"])) for p in previews["stacks"]} == {
        (f"prod/{stack}", "no-changes", 0) for stack in STACKS
    }

    status = _sceptre("status", "prod")
    assert status.returncode == 0
    states = json.loads(status.stdout)
    assert set(states.values()) == {"CREATE_COMPLETE"}
    assert sorted(states) == sorted(f"prod/{stack}" for stack in STACKS)

    outputs = _sceptre("--output", "json", "list", "outputs", "prod/phase-2-dkim-system.yaml")
    assert outputs.returncode == 0, outputs.stderr
    values = {
        o["OutputKey"]: o["OutputValue"] for entry in json.loads(outputs.stdout) for o in next(iter(entry.values()))
    }
    assert values["FunctionName"] == "aws-ses-migration-prod-dkim-manager"
    assert (
        values["LayerVersionArn"]
        == "arn:aws:lambda:ap-northeast-1:123456789012:layer:aws-ses-migration-prod-cryptography:1"
    )

    function = boto3.client("lambda").get_function(FunctionName="aws-ses-migration-prod-dkim-manager")["Configuration"]
    assert (function["Runtime"], function["Handler"]) == ("python3.12", "byodkim.lambda_handler.handler")
    assert [layer["Arn"] for layer in function["Layers"]] == [values["LayerVersionArn"]]
    assert boto3.client("s3").head_bucket(Bucket="aws-ses-migration-prod-dkim-certificates")
    assert boto3.client("cloudwatch").get_dashboard(DashboardName="aws-ses-migration-prod-phase8-monitoring")[
        "DashboardName"
    ]
    ses = boto3.client("sesv2")
    assert (
        ses.get_email_identity(EmailIdentity="goo.ne.jp")["ConfigurationSetName"] == "aws-ses-migration-prod-config-set"
    )
    destinations = ses.get_configuration_set_event_destinations(
        ConfigurationSetName="aws-ses-migration-prod-config-set"
    )
    assert [d["Name"] for d in destinations["EventDestinations"]] == ["to-firehose"]
    alarms = {a["AlarmName"] for a in boto3.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert {
        "aws-ses-migration-prod-ses-bounce-rate",
        "aws-ses-migration-prod-dkim-not-verified",
        "aws-ses-migration-prod-dkim-manager-errors",
    } <= alarms
    selector = boto3.client("ssm").get_parameter(Name="/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/selector")
    assert selector["Parameter"]["Value"] == "gooid-21-pro-20250912-1"

    deleted = _sceptre("delete", "-y", "prod")
    assert deleted.returncode == 0, deleted.stderr[-2000:]
    assert _stack_names() == []
    # Retained on purpose: the identity carries the live key, the buckets the records and events.
    assert ses.get_email_identity(EmailIdentity="goo.ne.jp")["IdentityType"] == "DOMAIN"


@pytest.mark.usefixtures("emulator")
def test_sceptre_validation_still_works_with_jsonschema_4(tmp_path: Path) -> None:
    from importlib.metadata import version

    assert int(version("jsonschema").split(".")[0]) >= 4  # the override this project chose
    validated = _sceptre("validate", "prod/phase-3-ses-byodkim.yaml")
    assert validated.returncode == 0, validated.stderr
    # Sceptre checks template handler arguments with jsonschema: a broken one must still be refused.
    project = tmp_path / "project"
    (project / "config" / "prod").mkdir(parents=True)
    (project / "templates").mkdir()
    (project / "config" / "config.yaml").write_text("project_code: p\nregion: ap-northeast-1\n")
    (project / "config" / "prod" / "bad.yaml").write_text("template:\n  type: file\n  path: [not, a, path]\n")
    (project / "templates" / "t.yaml").write_text("Resources: {}\n")
    executable = Path(sys.executable).parent / "sceptre"
    bad = subprocess.run(
        [str(executable), "validate", "prod/bad.yaml"], cwd=project, capture_output=True, text=True, check=False
    )
    assert bad.returncode != 0
    assert "is not of type 'string'" in bad.stdout + bad.stderr
