"""Many domains in several regions: the declaration, the pacing, throttling, interruption, and convergence."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

from byodkim import deployment
from byodkim.aws.pacing import Late, TokenBucket, rate_from, throttled
from byodkim.errors import InputError
from conftest import default_sigint

if TYPE_CHECKING:
    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli, NameServerFactory

REPO = Path(__file__).resolve().parents[1]
REGIONS = ("ap-northeast-1", "us-east-1")
DKIM_WRITES = {"CreateEmailIdentity", "PutEmailIdentityDkimSigningAttributes", "TagResource"}


def fleet_project(tmp_path: Path, count: int, *, second_region: str | None = "us-east-1") -> Path:
    """Copy the repository's Sceptre project and declare ``count`` more domains (plus a nested region group)."""
    folder = tmp_path / "sceptre"
    shutil.copytree(REPO / "sceptre", folder)
    group = folder / "config" / "prod"
    lines = ["", "domains:"] + [f"  - domain: d{i:03d}.fleet.example" for i in range(count)]
    with (group / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    if second_region:
        (group / second_region).mkdir()
        (group / second_region / "config.yaml").write_text(f"region: {second_region}\n", encoding="ascii")
    return folder


def fleet_names(count: int) -> list[str]:
    return ["goo.ne.jp", *(f"d{i:03d}.fleet.example" for i in range(count))]


# -- the declaration -----------------------------------------------------------------------------


def test_the_running_deployment_is_the_one_entry_fleet() -> None:
    found = deployment.read(REPO / "sceptre")
    assert [(s.domain, s.selector, s.regions) for s in found.domains] == [
        ("goo.ne.jp", "gooid-21-pro-20250912-1", ("ap-northeast-1",))
    ]
    assert found.stack_name("phase-3-ses-byodkim") == "aws-ses-migration-prod-prod-phase-3-ses-byodkim"
    assert found.function_name == "aws-ses-migration-prod-dkim-manager"


def test_declared_domains_take_the_group_selector_and_every_region(tmp_path: Path) -> None:
    folder = fleet_project(tmp_path, 2)
    group = folder / "config" / "prod" / "config.yaml"
    with group.open("a", encoding="utf-8") as handle:
        handle.write("  - domain: Brand.Example\n    selector: brand-2026\n    regions: [eu-west-1]\n")
        handle.write("  - 例え.jp\n")
    found = deployment.read(folder)
    table = {s.domain: (s.selector, s.regions) for s in found.domains}
    assert table["goo.ne.jp"] == ("gooid-21-pro-20250912-1", REGIONS)  # domain_name stays first, in both regions
    assert table["d000.fleet.example"] == ("gooid-21-pro-20250912-1", REGIONS)
    assert table["brand.example"] == ("brand-2026", ("eu-west-1",))
    assert table["xn--r8jz45g.jp"][1] == REGIONS  # the short form, IDN in its ASCII form
    assert next(iter(table)) == "goo.ne.jp"
    assert found.regions == ("ap-northeast-1", "us-east-1", "eu-west-1")
    assert found.stack_name("base") == "aws-ses-migration-prod-prod-base"  # the group's names do not move


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  - domain: d000.fleet.example\n", "lists d000.fleet.example twice"),
        ("  - domain: bad..example\n", "entry 4"),
        ("  - domain: ok.example\n    selector: has_underscore\n", "entry 4"),
        ("  - domain: ok.example\n    regions: [tokyo]\n", "`tokyo`"),
        ("  - selector: only-a-selector\n", "has no domain"),
    ],
)
def test_a_bad_declaration_is_one_line_naming_the_entry(tmp_path: Path, entry: str, message: str) -> None:
    folder = fleet_project(tmp_path, 2)
    with (folder / "config" / "prod" / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write(entry)
    with pytest.raises(InputError, match=message.replace(".", r"\.").replace("[", r"\[")):
        deployment.read(folder)


# -- pacing ---------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_bucket_spaces_calls_at_the_rate_and_slows_everyone_when_told() -> None:
    clock = FakeClock()
    bucket = TokenBucket(25.0, clock=clock, sleep=clock.sleep)
    for _ in range(101):
        bucket.take()
    assert clock.now == pytest.approx(100 / 25)  # the first is free (burst 1), then one per 40 ms
    bucket.push_back()
    bucket.take()
    assert clock.now == pytest.approx(102 / 25)  # a throttled answer costs every caller one slot


def test_a_deadline_refuses_a_slot_after_it_and_reserves_nothing() -> None:
    clock = FakeClock()
    bucket = TokenBucket(1.0, clock=clock, sleep=clock.sleep)
    bucket.take(until=0.0)  # the burst's token, due now
    with pytest.raises(Late):
        bucket.take(until=0.99)  # the next is due at 1.0
    bucket.take(until=1.0)  # one step off: due exactly at the deadline
    assert (clock.now, bucket.taken) == (1.0, 2)  # the refused call neither waited nor took


def test_the_rate_comes_from_the_flag_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BYODKIM_SES_RATE", raising=False)
    assert rate_from(None) == 1.0
    monkeypatch.setenv("BYODKIM_SES_RATE", "25")
    assert rate_from(None) == 25.0
    assert rate_from(3.0) == 3.0
    monkeypatch.setenv("BYODKIM_SES_RATE", "fast")
    with pytest.raises(InputError, match="BYODKIM_SES_RATE `fast`"):
        rate_from(None)


def test_sesv2_throttling_as_aws_models_it_is_what_the_pacer_retries() -> None:
    """AWS's published SESv2 model, not the emulator, says what throttling looks like."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sesv2")
    throttles = [shape for shape in model.error_shapes if shape.name == "TooManyRequestsException"]
    assert len(throttles) == 1
    assert throttles[0].metadata["error"]["httpStatusCode"] == 429
    from byodkim.aws.pacing import THROTTLING

    assert "TooManyRequestsException" in THROTTLING


def test_throttling_is_told_apart_from_other_errors() -> None:
    class Http:
        status_code = 400

    assert throttled((Http(), {"Error": {"Code": "TooManyRequestsException"}}), None)
    assert not throttled((Http(), {"Error": {"Code": "AccessDeniedException"}}), None)
    assert not throttled(None, ConnectionError())


# -- register --all against the emulator ---------------------------------------------------------


def _registered(emulator: Emulator) -> dict[tuple[str, str], str]:
    """Return (domain, region) -> sha256 of the key SES holds, for EXTERNAL identities."""
    return {
        (item["name"], item["region"]): item["key_sha256"]
        for item in emulator.control("/_byodkim/ses/identities")["identities"]
        if item["origin"] == "EXTERNAL"
    }


def _stored(domains: list[str]) -> dict[str, str]:
    """Return domain -> sha256 of the SES form of the key kept in its secret."""
    client = boto3.client("secretsmanager", region_name=REGIONS[0])
    found = {}
    for domain in domains:
        try:
            value = client.get_secret_value(SecretId=f"byodkim/dkim/{domain}/gooid-21-pro-20250912-1")
        except client.exceptions.ResourceNotFoundException:
            continue
        found[domain] = hashlib.sha256(json.loads(value["SecretString"])["privateKey"].encode()).hexdigest()
    return found


def _dkim_writes(emulator: Emulator, since: int = 0) -> list[dict[str, str]]:
    calls = emulator.control("/_byodkim/calls")["calls"][since:]
    return [c for c in calls if c["service"] == "ses" and c["operation"] in DKIM_WRITES]


@pytest.mark.usefixtures("short_backoff")
def test_register_all_through_30_percent_throttling_registers_every_domain(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 14
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, count)))
    emulator.control("/_byodkim/config", {"seed": 7})
    emulator.control("/_byodkim/faults", {"faults": [{"service": "ses", "count": -1, "probability": 0.3}]})
    first = cli("register", "--all", "-o", "json")
    assert first.code == 0, first.out[-2000:] + first.err
    lines = [json.loads(line) for line in first.out.splitlines()]
    summary = lines[-1]["summary"]
    assert summary == {**summary, "units": 2 * (count + 1), "failed": 0, "interrupted": False}
    assert {(o["domain"], o["region"]) for o in lines[:-1]} == {(d, r) for d in fleet_names(count) for r in REGIONS}
    assert all(o["ok"] and o["action"] == "created" for o in lines[:-1])
    calls = emulator.control("/_byodkim/calls")["calls"]
    assert sum(c["service"] == "ses" for c in calls) > 4 * (count + 1)  # throttled calls were retried
    registered, stored = _registered(emulator), _stored(fleet_names(count))
    assert registered == {(d, r): stored[d] for d in fleet_names(count) for r in REGIONS}

    before = len(emulator.control("/_byodkim/calls")["calls"])
    again = cli("register", "--all")
    assert again.code == 0, again.out[-2000:]
    assert again.out.splitlines()[-1].endswith("(already registered 30)")
    assert _dkim_writes(emulator, before) == []  # the re-run only read


def test_one_failing_region_fails_its_line_and_the_exit_code_and_a_rerun_converges(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, 3)))
    fault = {"service": "ses", "operation": "CreateEmailIdentity", "region": "us-east-1", "count": 1}
    emulator.control("/_byodkim/faults", {"faults": [{**fault, "kind": "error", "code": "AccessDeniedException"}]})
    first = cli("register", "--all")
    assert first.code == 1
    failed = [line for line in first.out.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1
    assert " us-east-1: failed (" in failed[0]
    assert "AccessDenied" in failed[0]
    assert ": 7 ok, 1 failed (created 7, failed 1)" in first.out.splitlines()[-1]
    again = cli("register", "--all")
    assert again.code == 0
    assert again.out.splitlines()[-1].endswith("(already registered 7, created 1)")


def test_interrupted_register_all_leaves_no_key_unkept_and_a_rerun_finishes(emulator: Emulator, tmp_path: Path) -> None:
    count = 39
    env = {
        **os.environ,
        **emulator.environment(),
        "BYODKIM_SCEPTRE_DIR": str(fleet_project(tmp_path, count)),
        "BYODKIM_SES_RATE": "12",
    }
    command = [sys.executable, "-m", "byodkim", "register", "--all"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=default_sigint,  # noqa: PLW1509 - only resets a signal, before exec
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(_registered(emulator)) < 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out[-1500:] + err[-1500:]
    assert "run the same" in err
    registered, stored = _registered(emulator), _stored(fleet_names(count))
    assert 12 <= len(registered) < 2 * (count + 1)
    # Whatever SES holds is the key that is kept: never registered with a key that is not stored.
    assert all(stored.get(domain) == sha for (domain, _), sha in registered.items())

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert rerun.returncode == 0, rerun.stdout[-1500:] + rerun.stderr[-1500:]
    registered, stored = _registered(emulator), _stored(fleet_names(count))
    assert set(stored) == set(fleet_names(count))
    # No key stored but not registered, and none registered with another key.
    assert registered == {(d, r): stored[d] for d in fleet_names(count) for r in REGIONS}


def test_status_and_verify_all_give_a_line_per_unit_and_a_summary(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name_server: NameServerFactory
) -> None:
    from byodkim.aws.secrets import read_public_key
    from byodkim.dkim.record import DkimRecord, quote_strings
    from byodkim.local.dns import zone_text

    count = 3
    server: LocalNameServer = name_server({name: zone_text(name, 2026112901) for name in fleet_names(count)})
    emulator.control("/_byodkim/config", {"dns_servers": [server.spec]})
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, count)))
    monkeypatch.setenv("BYODKIM_NAMESERVERS", server.spec)
    assert cli("register", "--all").code == 0
    status = cli("status", "--all", "-o", "json")
    assert status.code == 0
    rows = [json.loads(line) for line in status.out.splitlines()]
    assert len(rows) == 2 * (count + 1) + 1
    assert {r["action"] for r in rows[:-1]} == {"EXTERNAL PENDING"}

    # The DNS team publishes two domains' records: verify --all says which are live, exit 1 for the rest.
    secrets = boto3.client("secretsmanager", region_name=REGIONS[0])
    for domain in ("goo.ne.jp", "d000.fleet.example"):
        public = read_public_key(secrets, f"byodkim/dkim/{domain}/gooid-21-pro-20250912-1")
        assert public is not None
        record = DkimRecord(domain, "gooid-21-pro-20250912-1", public.b64)
        server.update(domain, add=[(record.name, 60, "TXT", [quote_strings(record.strings)])])
    verify = cli("verify", "--all")
    assert verify.code == 1, verify.out
    lines = verify.out.splitlines()
    assert sorted(line.split()[1].rstrip(":") for line in lines if line.startswith("ok")) == [
        "d000.fleet.example",
        "goo.ne.jp",
    ]
    assert sum(line.startswith("FAIL") for line in lines) == count - 1
    assert "2 ok, 2 failed" in lines[-1]
    japanese = cli("verify", "--all", "--lang", "ja").out.splitlines()
    assert japanese[-1].startswith("4 件 (")
    assert japanese[-1].endswith("OK 2、NG 2 (レコードなし 2、公開済み 2)")
    live = next(line for line in japanese if "goo.ne.jp:" in line)
    assert (
        live
        == "OK  goo.ne.jp: 公開済み (gooid-21-pro-20250912-1._domainkey.goo.ne.jp の鍵を公開している権威サーバー: 1/1 台)"
    )
    memo = cli("report", "--all", "-o", "markdown", "--lang", "ja").out.splitlines()
    assert memo[0] == "# BYODKIM ロールアウト状況: 4 ドメイン"
    assert memo[2] == "| ドメイン | 段階 | SES (リージョン別) | DNS | 次の手順 |"
    assert [row.split(" | ")[0] for row in memo[4:8]] == [f"| {name}" for name in fleet_names(count)]  # as declared
    assert memo[4] == (  # SES reads the published record as soon as it is asked, as it polls DNS itself
        "| goo.ne.jp | SUCCESS | ap-northeast-1: EXTERNAL SUCCESS, us-east-1: EXTERNAL SUCCESS | "
        "gooid-21-pro-20250912-1._domainkey.goo.ne.jp の鍵を公開している権威サーバー: 1/1 台 | "
        "なし (ヘルスチェックが監視します) |"
    )
    assert memo[5].startswith("| d000.fleet.example | SUCCESS |")
    assert memo[6].startswith("| d001.fleet.example | DNS 待ち |")
    english = cli("report", "--all", "-o", "markdown", "--lang", "en").out.splitlines()
    assert english[:3] == ["# BYODKIM rollout: 4 domains", "", "| Domain | Stage | SES per region | DNS | Next |"]
    assert english[6].startswith("| d001.fleet.example | waiting for DNS |")
    written = cli("report", "--all", "-o", "markdown", "--lang", "ja", "-O", tmp_path / "fleet.md")
    assert written.out == f"{tmp_path / 'fleet.md'} に書き込みました\n"  # the line after the memo speaks its language
    named = cli("verify", "--domain", "goo.ne.jp", "--domain", "d000.fleet.example", "--ses")
    assert named.code == 0, named.out  # SES reads the same records: SUCCESS in both regions
    assert sum(line.startswith("ok") for line in named.out.splitlines()) == 2 + 2 * 2


def test_keygen_all_writes_a_pair_per_domain_and_keeps_existing_ones(tmp_path: Path, cli: Cli) -> None:
    folder = fleet_project(tmp_path, 5, second_region=None)
    os.environ["BYODKIM_SCEPTRE_DIR"] = str(folder)
    try:
        first = cli("keygen", "--all", "--key-dir", tmp_path / "keys")
        again = cli("keygen", "--all", "--key-dir", tmp_path / "keys")
    finally:
        del os.environ["BYODKIM_SCEPTRE_DIR"]
    assert first.code == 0, first.err
    assert first.out.splitlines()[-1].endswith("(generated 6)")
    assert again.out.splitlines()[-1].endswith("(kept 6)")
    for name in fleet_names(5):
        private = tmp_path / "keys" / name / "gooid-21-pro-20250912-1.private.pem"
        assert private.stat().st_mode & 0o777 == 0o600


# -- the health check covers every declared domain -------------------------------------------------


def test_the_health_check_covers_every_declared_domain_with_its_own_metrics(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name_server: NameServerFactory
) -> None:
    import importlib

    from byodkim import lambda_handler
    from byodkim.aws.secrets import read_public_key
    from byodkim.dkim.record import DkimRecord, quote_strings
    from byodkim.local.dns import zone_text

    count = 2  # goo.ne.jp, d000 and d001, each in two regions
    server: LocalNameServer = name_server({name: zone_text(name, 2026112901) for name in fleet_names(count)})
    emulator.control("/_byodkim/config", {"dns_servers": [server.spec]})
    folder = fleet_project(tmp_path, count)
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(folder))
    monkeypatch.setenv("BYODKIM_NAMESERVERS", server.spec)
    assert cli("register", "--all").code == 0
    secrets = boto3.client("secretsmanager", region_name=REGIONS[0])
    records = {}
    for domain in ("goo.ne.jp", "d000.fleet.example"):  # live; d001 waits for its record (rollout, not trouble)
        public = read_public_key(secrets, f"byodkim/dkim/{domain}/gooid-21-pro-20250912-1")
        assert public is not None
        records[domain] = DkimRecord(domain, "gooid-21-pro-20250912-1", public.b64)
        server.update(domain, add=[(records[domain].name, 60, "TXT", [quote_strings(records[domain].strings)])])
    assert cli("verify", "--domain", "goo.ne.jp", "--domain", "d000.fleet.example", "--ses").code == 0

    # What phase 2 is launched with: the manifest the !byodkim_fleet resolver writes, named in its environment.
    bucket = "aws-ses-migration-prod-dkim-certificates"
    s3 = boto3.client("s3", region_name=REGIONS[0])
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    s3.put_object(Bucket=bucket, Key="fleet/test.json", Body=deployment.read(folder).manifest())
    env = {
        "PROJECT_NAME": "aws-ses-migration",
        "ENVIRONMENT": "prod",
        "DOMAIN_NAME": "goo.ne.jp",
        "CERTIFICATES_BUCKET": bucket,
        "NAMESERVERS": server.spec,
        "FLEET_MANIFEST_KEY": "fleet/test.json",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    handler = importlib.reload(lambda_handler).handler
    event = {"action": "health", "domains": "all", "environment": "prod", "projectName": "aws-ses-migration"}

    healthy = handler(event, None)
    assert healthy["ok"], healthy
    assert healthy["domains"] == count + 1
    assert healthy["counts"] == {"healthy": 4, "pending": 2}  # d001 is on its way: not a problem
    assert healthy["problems"] == []

    server.update("d000.fleet.example", delete=[records["d000.fleet.example"].name])  # a zone edit loses it
    broken = handler(event, None)
    assert broken["counts"] == {"healthy": 2, "record gone": 2, "pending": 2}
    assert {(p["domain"], p["region"]) for p in broken["problems"]} == {("d000.fleet.example", r) for r in REGIONS}

    cloudwatch = boto3.client("cloudwatch", region_name=REGIONS[0])
    listed = cloudwatch.list_metrics(Namespace="BYODKIM", MetricName="DkimVerified")["Metrics"]
    dimensions = {tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])) for m in listed}
    assert dimensions == {(("Domain", d), ("Region", r)) for d in fleet_names(count) for r in REGIONS}
    total = cloudwatch.get_metric_statistics(
        Namespace="BYODKIM",
        MetricName="DkimProblems",
        StartTime=datetime.now(UTC) - timedelta(minutes=10),
        EndTime=datetime.now(UTC) + timedelta(minutes=1),
        Period=60,
        Statistics=["Maximum"],
    )["Datapoints"]
    assert max(p["Maximum"] for p in total) == 2.0  # the fleet alarm's metric: two domain-regions in trouble


def test_register_all_takes_the_keys_keygen_all_wrote(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from byodkim.dkim.keyload import load_private_key

    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, 2, second_region=None)))
    keys = tmp_path / "keys"
    assert cli("keygen", "--all", "--key-dir", keys).code == 0
    first = cli("register", "--all", "--key-dir", keys)
    assert first.code == 0, first.out
    files = {d: load_private_key(keys / d / "gooid-21-pro-20250912-1.private.pem") for d in fleet_names(2)}
    wanted = {(d, REGIONS[0]): hashlib.sha256(k.ses_private_key().encode()).hexdigest() for d, k in files.items()}
    assert _registered(emulator) == wanted
    assert cli("register", "--all", "--key-dir", keys).out.splitlines()[-1].endswith("(already registered 3)")

    # A file that is not the key kept for its domain is refused for that domain, not swapped in.
    (keys / "d001.fleet.example" / "gooid-21-pro-20250912-1.private.pem").unlink()
    (keys / "d001.fleet.example" / "gooid-21-pro-20250912-1.public.pem").unlink()
    assert cli("keygen", "--domain", "d001.fleet.example", "--domain", "goo.ne.jp", "--key-dir", keys).code == 0
    swapped = cli("register", "--all", "--key-dir", keys)
    assert swapped.code == 1
    assert "FAIL  d001.fleet.example ap-northeast-1: failed (secret `byodkim/dkim/d001.fleet.example/" in swapped.out
    assert "already holds a different key" in swapped.out
    assert _registered(emulator) == wanted


def test_rotate_all_writes_each_domain_its_own_request_and_state(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, 1, second_region=None)))
    assert cli("register", "--all").code == 0
    state = tmp_path / "state"
    args = ("rotate", "--all", "--new-selector", "gooid-22-pro-20261201-1", "--until", "requested")
    first = cli(*args, "--state-dir", state)
    assert first.code == 0, first.out + first.err
    assert first.out.splitlines()[-1].endswith("(requested 2)")
    for name in fleet_names(1):
        request = (state / f"dns-request-{name}-gooid-22-pro-20261201-1.md").read_text(encoding="utf-8")
        assert f"gooid-22-pro-20261201-1._domainkey.{name}" in request
        assert json.loads((state / f"rotation-{name}.json").read_text())["done"] == ["keyed", "requested"]
    again = cli(*args, "--state-dir", state)
    assert again.out.splitlines()[-1].endswith("(requested 2)")  # resumed: nothing new, nothing lost


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("command", ["register", "status", "verify", "report"])
def test_no_credentials_is_one_line_not_one_per_domain(
    command: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, 5)))
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
    result = cli(command, "--all")
    assert result.code != 0
    assert result.out == ""
    assert result.err.splitlines() == [
        "error: no AWS credentials found; set AWS_PROFILE, run `aws configure`, or `aws sso login`"
    ]


def test_the_progress_bar_counts_failures_and_time_left_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from byodkim.cli.fleet import Bar
    from byodkim.workflows.units import Progress

    progress = Progress(total=40, done=10, failed=1, started=time.monotonic() - 5.0)
    assert progress.eta == pytest.approx(15.0, abs=0.5)  # 10 in 5 s: 30 more take 15 s
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = Bar("registered")
    bar.draw(progress)
    drawn = capsys.readouterr().err
    assert drawn == "\r[######..................] 10/40 registered, 1 failed, 15s left"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    Bar("registered").draw(progress)
    assert capsys.readouterr().err == ""  # piped: one record per line, nothing else


def test_two_profiles_of_one_account_share_its_bucket(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from byodkim.aws import pacing
    from byodkim.aws.session import Aws

    config = tmp_path / "config"
    config.write_text(
        "[profile ops]\nregion = ap-northeast-1\naws_access_key_id = a\naws_secret_access_key = b\n"
        "[profile deploy]\nregion = ap-northeast-1\naws_access_key_id = c\naws_secret_access_key = d\n",
        encoding="ascii",
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    shared = pacing.bucket("account:123456789012", "eu-west-3", 200.0)
    before = shared.taken
    for profile in ("ops", "deploy"):  # one account (the emulator's), two profiles, two sessions
        Aws(profile).client("sesv2", "eu-west-3").list_email_identities()
    assert shared.taken - before == 2  # SES's quota is the account's: both calls came out of one bucket


def test_a_shared_buckets_throttled_call_retries_on_its_own_token_and_a_late_call_is_not_made(
    emulator: Emulator,
) -> None:
    """One of several consumers: a retry taking a token of its own would cost it concurrency + 1 account slots."""
    from dataclasses import replace

    from byodkim.aws import pacing
    from byodkim.aws.session import Aws

    def listed() -> int:
        calls = emulator.control("/_byodkim/calls")["calls"]
        return sum(1 for c in calls if c["operation"] == "ListEmailIdentities")

    throttle = {"service": "ses", "operation": "ListEmailIdentities", "kind": "throttle", "count": 1}
    taken = {}
    for shared in (True, False):  # one step off: a bucket with the account's whole rate pays for its retry
        emulator.control("/_byodkim/faults", {"faults": [throttle]})
        client = replace(Aws(), ses_rate=997.0 if shared else 998.0, ses_shared=shared).client("sesv2", "eu-west-2")
        client.list_email_identities()
        client.list_email_identities()  # a call after the retry takes its token as ever
        taken[shared] = pacing.bucket("account:123456789012", "eu-west-2", 997.0 if shared else 998.0).taken
    assert taken == {True: 2, False: 3}
    assert listed() == 6  # every attempt reached SES: three per client
    # A deadline before the next slot: the call is not made, and nothing is reserved.
    client = replace(Aws(), ses_rate=0.5).client("sesv2", "eu-north-1")
    client.list_email_identities()  # the burst's token; the next is due in 2 s
    with pacing.deadline(time.monotonic() + 0.5), pytest.raises(pacing.Late):
        client.list_email_identities()
    assert listed() == 7
    assert pacing.bucket("account:123456789012", "eu-north-1", 0.5).taken == 1


def test_buckets_that_share_the_accounts_rate_start_spread_over_a_slot() -> None:
    """Consumers started together by their queue do not all call SES in the same instant."""
    from byodkim.aws import pacing

    waits = []
    for account in range(40):
        shared = pacing.bucket(f"shared-{account}", "ap-northeast-1", 0.25, shared=True)
        waits.append(-shared._tokens / shared.rate)
    assert all(0.0 <= wait <= 4.0 for wait in waits)
    assert max(waits) - min(waits) > 2.0  # spread, not one instant
    alone = pacing.bucket("alone", "ap-northeast-1", 0.25)
    assert alone.take() == 0.0  # a command alone calls at once


def test_a_throttled_call_backs_off_in_slots_of_the_accounts_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    """At SES's default 1 call/s a slot is 1 s; where the account's rate is 10/s the same backoff is a tenth."""
    from byodkim.aws import pacing

    monkeypatch.setattr(random, "uniform", lambda _low, high: high)  # each jitter's ceiling

    class Http:
        status_code = 429

    def ceilings(slot: float | None) -> list[float]:
        client = boto3.client("sesv2", region_name="ap-northeast-1", aws_access_key_id="k", aws_secret_access_key="s")  # noqa: S106 - no call is made
        pacing.install(client, lambda: TokenBucket(1000.0), slot)
        operation = client.meta.service_model.operation_model("GetEmailIdentity")
        request: dict[str, object] = {}
        found = []
        for attempt in range(1, 8):
            _, delay = client.meta.events.emit_until_response(  # type: ignore[attr-defined]
                "needs-retry.sesv2.GetEmailIdentity",
                response=(Http(), {"Error": {"Code": "TooManyRequestsException"}}),
                caught_exception=None, operation=operation, request_dict=request, attempts=attempt,
            )  # fmt: skip
            found.append(delay)
        return found

    assert ceilings(None) == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]  # doubling to the 20 s cap
    assert ceilings(1.0) == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]
    assert ceilings(0.1) == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0])
