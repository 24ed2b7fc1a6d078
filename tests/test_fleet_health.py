"""The fleet health check on Lambda's fan-out: the plan's arithmetic, and a small fleet checked through the queue.

The arithmetic (``Pace``, ``pack``, ``turn``) is checked at the figures docs/fleet.md states, one
step off each bound. The end-to-end test registers 30 domains in two regions, publishes their
records on BIND, deploys the function (the built layer and code) into the emulator with a queue
and an event source mapping, and runs the planner: the batches are consumed by the function in
the emulator's Lambda runtime, at most two at once, with SES limited by the emulator.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim import deployment
from byodkim.deployment import DomainSpec
from byodkim.dkim.record import DkimRecord
from byodkim.function.fanout import MAX_BATCH_DOMAINS, FleetPlanner, Pace, pack, turn
from conftest import python_for
from test_fleet import REGIONS, fleet_names, fleet_project

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli, NameServerFactory

# -- the plan's arithmetic ---------------------------------------------------------------------------


def test_the_pace_shares_the_account_rate_and_states_the_cycle() -> None:
    pace = Pace(rate=1.0, concurrency=4, period=900.0, time_limit=120.0)
    assert pace.per_invocation == pytest.approx(0.2)  # four consumers and the planner share 1 call/s
    assert pace.reads_per_period(5000) == 463  # 900 x 4/5 x 0.65 = 468, less 5 list calls
    assert pace.cycle(5000) == 11
    assert pace.full_read_hours(5000) == pytest.approx(2.75)
    assert pace.batch_reads == 12  # 12 reads at 0.2/s: 60 s, half the function's 120 s
    # One step off the bound: under 1,000 identities one list call, 467 reads: 467 in one period, 468 need two.
    assert pace.cycle(467) == 1
    assert pace.cycle(468) == 2
    # The consumers together never exceed the rate, whatever the concurrency.
    for concurrency in (1, 2, 10, 100):
        assert Pace(1.0, concurrency, 900.0, 120.0).per_invocation * (concurrency + 1) == pytest.approx(1.0)


def test_every_domain_has_its_turn_once_per_cycle_and_no_turn_overfills_a_period() -> None:
    pace = Pace(rate=1.0, concurrency=4, period=900.0, time_limit=120.0)
    names = [f"d{i:04d}.fleet.example" for i in range(5000)]
    cycle = pace.cycle(len(names))
    turns = [sum(1 for n in names if turn(n, cycle) == p) for p in range(cycle)]
    assert sum(turns) == len(names)  # each domain exactly once in any `cycle` consecutive runs
    # The hash spreads them: no run's reads pass the period's budget (its 20% margin absorbs the spread).
    assert max(turns) <= pace.rate * pace.period * pace.concurrency / (pace.concurrency + 1)


def test_batches_hold_at_most_their_reads_per_region_and_their_domains() -> None:
    specs = [DomainSpec(f"d{i:03d}.example", "s", REGIONS) for i in range(250)]
    due = {s.domain for s in specs[::3]}  # 84 domains due
    batches = pack(specs, due, batch_reads=12)
    assert [s for batch in batches for s in batch] == specs  # every domain once, in order
    for batch in batches:
        assert len(batch) <= MAX_BATCH_DOMAINS
        assert sum(1 for s in batch if s.domain in due) <= 12
    assert len(batches) == 7  # ceil(84 / 12)
    # One step off: 12 due reads fit one batch, 13 need two; 100 domains fit one batch, 101 need two.
    assert len(pack(specs[:12], {s.domain for s in specs[:12]}, 12)) == 1
    assert len(pack(specs[:13], {s.domain for s in specs[:13]}, 12)) == 2
    assert len(pack(specs[:100], set(), 12)) == 1
    assert len(pack(specs[:101], set(), 12)) == 2


# -- a small fleet, end to end through the emulator ---------------------------------------------------

COUNT = 29  # goo.ne.jp and 29 more: 30 domains, 60 domain-regions
BUCKET = "aws-ses-migration-prod-dkim-certificates"
FUNCTION = "aws-ses-migration-prod-dkim-manager"


def _deploy(tmp_path: Path, env: dict[str, str]) -> str:
    """Create the dkim-manager function (built layer and code) with ``env``; return its queue's URL."""
    from byodkim.artifacts import layer
    from byodkim.artifacts.package import build_code_zip

    built = layer.build_layer(layer.BuildOptions(layer.runtime("python3.12"), "x86_64", out=tmp_path / "layer.zip"))
    code = build_code_zip(tmp_path / "code.zip")
    client = boto3.client("lambda", region_name=REGIONS[0])
    published = client.publish_layer_version(LayerName="crypto", Content={"ZipFile": built.path.read_bytes()})
    sqs = boto3.client("sqs", region_name=REGIONS[0])
    dlq = sqs.create_queue(QueueName="health-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    # Longer than a batch's run (a process start and the checks), so no batch is handed out twice.
    queue = sqs.create_queue(QueueName="health", Attributes={"VisibilityTimeout": "20", "RedrivePolicy": redrive})
    arn = sqs.get_queue_attributes(QueueUrl=queue["QueueUrl"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    role = boto3.client("iam").create_role(RoleName="dkim-manager-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client.create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=role,
        Handler="byodkim.lambda_handler.handler",
        Code={"ZipFile": code.path.read_bytes()},
        Layers=[published["LayerVersionArn"]],
        Timeout=20,  # no longer than the queue's visibility timeout: Lambda refuses the mapping otherwise
        MemorySize=256,
        Environment={"Variables": {**env, "HEALTH_QUEUE_URL": queue["QueueUrl"]}},
    )
    client.create_event_source_mapping(
        FunctionName=FUNCTION,
        EventSourceArn=arn,
        BatchSize=1,
        ScalingConfig={"MaximumConcurrency": 2},
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    return str(queue["QueueUrl"])


def _sqs_runs(emulator: Emulator) -> list[dict[str, Any]]:
    runs = emulator.control("/_byodkim/invocations")["invocations"]
    return [r for r in runs if r["source"].startswith("sqs:")]


def _consumed(emulator: Emulator, queue: str, before: int) -> list[dict[str, Any]]:
    """Wait until the queue is drained and no run is going; return the batch runs after the first ``before``."""
    sqs = boto3.client("sqs", region_name=REGIONS[0])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        left = sqs.get_queue_attributes(
            QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        if not any(int(v) for v in left.values()):
            break
        time.sleep(0.2)
    emulator.control("/_byodkim/idle", {"timeout": 60})
    return _sqs_runs(emulator)[before:]


def _health(domain: str) -> dict[str, str]:
    ssm = boto3.client("ssm", region_name=REGIONS[0])
    name = f"/byodkim/aws-ses-migration-prod/dkim/{domain}/health"
    loaded: dict[str, str] = json.loads(ssm.get_parameter(Name=name)["Parameter"]["Value"])
    return loaded


def _fleet(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name_server: NameServerFactory
) -> tuple[FleetPlanner, list[DomainSpec], str, dict[str, DkimRecord], LocalNameServer]:
    """Register the fleet, publish its records, deploy the function with its queue; return what the test drives."""
    from byodkim.aws.secrets import read_public_key
    from byodkim.aws.session import Aws
    from byodkim.dkim.record import quote_strings
    from byodkim.function.config import ManagerConfig
    from byodkim.local.dns import zone_text

    python_for("3.12")
    names = fleet_names(COUNT)
    server: LocalNameServer = name_server({name: zone_text(name, 2026120501) for name in names})
    emulator.control("/_byodkim/config", {"dns_servers": [server.spec]})
    folder = fleet_project(tmp_path, COUNT)
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(folder))
    assert cli("register", "--all").code == 0
    secrets = boto3.client("secretsmanager", region_name=REGIONS[0])
    records = {}
    for domain in names:
        public = read_public_key(secrets, f"byodkim/dkim/{domain}/gooid-21-pro-20250912-1")
        assert public is not None
        records[domain] = DkimRecord(domain, "gooid-21-pro-20250912-1", public.b64)
        server.update(domain, add=[(records[domain].name, 60, "TXT", [quote_strings(records[domain].strings)])])
    s3 = boto3.client("s3", region_name=REGIONS[0])
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    s3.put_object(Bucket=BUCKET, Key="fleet/test.json", Body=deployment.read(folder).manifest())
    env = {
        "PROJECT_NAME": "aws-ses-migration",
        "ENVIRONMENT": "prod",
        "DOMAIN_NAME": "goo.ne.jp",
        "CERTIFICATES_BUCKET": BUCKET,
        "NAMESERVERS": server.spec,
        "FLEET_MANIFEST_KEY": "fleet/test.json",
        "HEALTH_CONCURRENCY": "2",
        "HEALTH_TIME_LIMIT": "1.2",  # with 20 calls/s: 4 full reads a batch, so a run makes several batches
        "BYODKIM_SES_RATE": "20",
    }
    queue = _deploy(tmp_path, env)
    for key, value in {**env, "HEALTH_QUEUE_URL": queue}.items():
        monkeypatch.setenv(key, value)
    emulator.control("/_byodkim/config", {"dns_servers": [server.spec], "ses_rate": 20, "ses_burst": 3})
    config = ManagerConfig.from_environment({**env, "HEALTH_QUEUE_URL": queue})
    planner = FleetPlanner(config, Aws(), REGIONS[0], {**env})
    specs = config.declared(Aws(), REGIONS[0])
    assert len(specs) == COUNT + 1

    return planner, specs, queue, records, server


def test_a_small_fleet_is_checked_through_the_queue_every_domain_every_run_each_read_in_full_once_a_cycle(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name_server: NameServerFactory
) -> None:
    planner, specs, queue, records, server = _fleet(emulator, cli, tmp_path, monkeypatch, name_server)
    # A 2-second period at 20 calls/s: 20 full reads per region a period, so the 30 need a cycle of two.
    started = time.monotonic()
    first = planner.plan(specs, 2.0)
    assert first["pace"]["cyclePeriods"] == 2
    assert first["batches"] >= 2
    runs = _consumed(emulator, queue, 0)
    assert all(r["error"] is None and r["result"]["batchItemFailures"] == [] for r in runs), runs
    batches = [b for r in runs for b in r["result"]["batches"]]
    # A batch past 70% of its 1.2 s (a loaded machine) hands its unstarted domains on: one more run each.
    assert len(runs) == first["batches"] + sum(1 for b in batches if b["handedOn"]), [b["seconds"] for b in batches]
    assert sum(b["domains"] for b in batches) == COUNT + 1  # every domain's DNS, this run
    assert sum(b["fullReads"] for b in batches) == first["fullReads"]
    before = len(_sqs_runs(emulator))
    second = planner.plan(specs, 2.0)
    runs = _consumed(emulator, queue, before)
    batches = [b for r in runs for b in r["result"]["batches"]]
    assert sum(b["domains"] for b in batches) == COUNT + 1
    # Each domain-region read in full once in the cycle, and the runs' last full reads say which run.
    assert first["fullReads"] + second["fullReads"] == 2 * (COUNT + 1)
    reads = {(d, r): _health(d)[f"{r} read"] for d in (s.domain for s in specs) for r in REGIONS}
    assert set(reads.values()) == {str(first["period"]), str(second["period"])}
    counts: dict[str, int] = {}
    for batch in batches:
        for condition, n in batch["counts"].items():
            counts[condition] = counts.get(condition, 0) + n
    assert counts == {"healthy": 2 * (COUNT + 1)}  # all read by now: no "not read yet" left

    # Status changes and a zone edit: each seen in the very next run, whoever's turn it is.
    ses = boto3.client("sesv2", region_name=REGIONS[1])
    ses.delete_email_identity(EmailIdentity="d003.fleet.example")
    server.update("d004.fleet.example", delete=[records["d004.fleet.example"].name])
    before = len(_sqs_runs(emulator))
    third = planner.plan(specs, 2.0)
    runs = _consumed(emulator, queue, before)
    assert len(runs) == third["batches"] + sum(1 for r in runs for b in r["result"]["batches"] if b["handedOn"])
    assert all(r["error"] is None for r in runs)
    assert _health("d003.fleet.example")[REGIONS[1]] == "not activated"
    assert _health("d004.fleet.example")[REGIONS[0]] == "record gone"
    assert _health("d004.fleet.example")[REGIONS[1]] == "record gone"
    problems = [p for r in runs for b in r["result"]["batches"] for p in b["problems"]]
    assert {(p["domain"], p["region"]) for p in problems} == {("d004.fleet.example", r) for r in REGIONS}
    # Sum over the run's stamp: the run's count, though several batches sent it (per region here: moto's
    # statistics without dimensions add every dimension set together, which CloudWatch does not).
    cloudwatch = boto3.client("cloudwatch", region_name=REGIONS[0])
    for region in REGIONS:
        points = cloudwatch.get_metric_statistics(
            Namespace="BYODKIM",
            MetricName="DkimProblems",
            Dimensions=[{"Name": "Region", "Value": region}],
            StartTime=datetime.now(UTC) - timedelta(minutes=10),
            EndTime=datetime.now(UTC) + timedelta(minutes=1),
            Period=3600,
            Statistics=["Sum"],
        )["Datapoints"]
        assert sum(p["Sum"] for p in points) == 1.0  # only the third run had a problem: d004, once per region
    assert time.monotonic() - started < 60

    _a_late_batch_hands_on_what_it_did_not_start(emulator, queue, planner, specs)
    _a_bad_batch_is_retried_then_dead_lettered(emulator, queue)


def _a_late_batch_hands_on_what_it_did_not_start(
    emulator: Emulator, queue: str, planner: FleetPlanner, specs: list[DomainSpec]
) -> None:
    """A batch past its share of the time limit queues the domains it did not start; each domain is checked once."""
    from dataclasses import replace

    from byodkim.aws.session import Aws
    from byodkim.function.fanout import consume, list_identities

    listed = {r: list_identities(Aws(), r) for r in REGIONS}
    due = {s.domain for s in specs[:3]}
    entries = [
        {**s.as_dict(), "full": s.domain in due, "listed": {r: listed[r].get(s.domain) for r in s.regions}}
        for s in specs
    ]
    body: dict[str, Any] = {"v": 1, "period": 7, "at": time.time(), "cycle": 1, "batchReads": 4, "domains": entries}
    # The batch ran here with a limit it has passed before it starts: only its first domain is checked.
    late = replace(planner.config, health_time_limit=0.0)
    before = len(_sqs_runs(emulator))
    record = {"eventSource": "aws:sqs", "messageId": "late", "body": json.dumps(body)}
    answer = consume({"Records": [record]}, late, Aws(), REGIONS[0], dict(planner.env))
    assert answer["batchItemFailures"] == []
    (here,) = answer["batches"]
    assert (here["domains"], here["handedOn"], here["fullReads"]) == (1, len(specs) - 1, 2)
    assert set(here["seconds"]) >= {"wall", "parameters", "domains", "dns", "reads"}
    # The rest arrived on the queue as the planner's batch did (same period and stamp), and the function took it.
    runs = _consumed(emulator, queue, before)
    assert runs
    assert all(r["error"] is None and r["result"]["batchItemFailures"] == [] for r in runs), runs
    rest = [b for r in runs for b in r["result"]["batches"]]
    assert {b["period"] for b in rest} == {7}
    assert here["domains"] + sum(b["domains"] for b in rest) == len(specs)  # every domain, none twice
    assert len(runs) == 1 + sum(1 for b in rest if b["handedOn"])
    # The planned reads moved with their domains (read where checked); out-of-turn reads may come on top.
    assert here["fullReads"] + sum(b["fullReads"] for b in rest) >= 2 * len(due)
    assert all(_health(s.domain)[f"{r} read"] == "7" for s in specs[:3] for r in REGIONS)

    # One step off: every domain starts in time, but SES is slower than planned (0.67 calls/s, not the
    # 6.67 the batch was sized for). A read whose slot comes past 70% of 2 s is not made; its domain goes on.
    slow_due = {s.domain for s in specs[3:7]}
    body = {**body, "period": 8, "domains": [{**e, "full": e["domain"] in slow_due} for e in entries[3:7]]}
    before = len(_sqs_runs(emulator))
    record = {"eventSource": "aws:sqs", "messageId": "slow", "body": json.dumps(body)}
    slow = replace(planner.config, health_time_limit=2.0)
    answer = consume({"Records": [record]}, slow, Aws(), REGIONS[0], {**planner.env, "BYODKIM_SES_RATE": "2"})
    (here,) = answer["batches"]
    assert here["lateReads"] >= 2, here
    assert here["handedOn"] == here["lateReads"]  # each started in time; each stopped at a read
    assert here["domains"] + here["handedOn"] == len(slow_due)
    runs = _consumed(emulator, queue, before)
    assert sum(b["domains"] for r in runs for b in r["result"]["batches"]) == here["handedOn"]
    assert all(_health(d)[f"{r} read"] == "8" for d in slow_due for r in REGIONS)  # each read once, here or after


def _a_bad_batch_is_retried_then_dead_lettered(emulator: Emulator, queue: str) -> None:
    # A batch that cannot be checked is reported failed, returns after the visibility timeout, then is dead-lettered.
    sqs = boto3.client("sqs", region_name=REGIONS[0])
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "1"})  # the retry comes in a second
    before = len(_sqs_runs(emulator))
    sqs.send_message(QueueUrl=queue, MessageBody='{"v": 99}')
    dlq = sqs.get_queue_url(QueueName="health-dlq")["QueueUrl"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        dead = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        if int(dead["ApproximateNumberOfMessages"]):
            break
        time.sleep(0.3)
    bad = _consumed(emulator, queue, before)
    assert len(bad) == 2
    assert all(len(r["result"]["batchItemFailures"]) == 1 for r in bad), bad


def test_the_planner_lists_a_thousand_identities_a_call_following_next_token(emulator: Emulator) -> None:
    from byodkim.aws.session import Aws
    from byodkim.function.fanout import list_identities

    ses = boto3.client("sesv2", region_name=REGIONS[0])
    for i in range(1000):
        ses.create_email_identity(EmailIdentity=f"l{i:04d}.list.example")

    def listed() -> tuple[dict[str, dict[str, Any]], int]:
        emulator.control("/_byodkim/config", {"ses_rate": 0})
        before = len(emulator.control("/_byodkim/calls")["calls"])
        found = list_identities(Aws(), REGIONS[0])
        calls = emulator.control("/_byodkim/calls")["calls"][before:]
        return found, sum(1 for c in calls if c["operation"] == "ListEmailIdentities")

    found, calls = listed()
    assert (len(found), calls) == (1000, 1)  # one full page, no NextToken
    ses.create_email_identity(EmailIdentity="l1000.list.example")  # one step off: a second page
    found, calls = listed()
    assert (len(found), calls) == (1001, 2)
    assert found["l1000.list.example"]["status"] in ("PENDING", "SUCCESS")


def test_a_batch_the_function_cannot_take_raises_so_sqs_hands_it_out_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from byodkim import lambda_handler
    from byodkim.errors import InputError

    monkeypatch.delenv("PROJECT_NAME", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "prod")
    handler = importlib.reload(lambda_handler).handler
    batch = {"Records": [{"eventSource": "aws:sqs", "messageId": "m1", "body": "{}"}]}
    with pytest.raises(InputError):  # {"ok": false} would be a success to the mapping: the batch deleted unchecked
        handler(batch, None)
    # One step off: the same setting missing, for a payload a person sent, is answered, not raised.
    assert handler({"action": "health"}, None)["ok"] is False
    assert handler({"Records": [{"eventSource": "aws:s3"}]}, None)["ok"] is False
