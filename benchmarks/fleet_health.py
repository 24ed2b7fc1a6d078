"""The fleet health check on Lambda's fan-out, at 5,000 domains x 2 regions, against the emulator and BIND.

Time is scaled: the emulator's clock runs ``--speed`` times faster, so phase 8's rate(15 minutes)
schedule fires every 900/speed real seconds, and everything else is scaled with it: SES is
limited to 1 call per *emulated* second per account and region (``speed`` real calls/s, the
emulator's limit and the function's BYODKIM_SES_RATE alike), the function's timeout is 120
emulated seconds, the period the planner is told is 900 emulated seconds. Every figure below is
printed in emulated time (real seconds x speed), i.e. as it would be in AWS.

Set up: one BIND zone (fleet.example) with every domain's record (d0000.fleet.example, ...; one
1024-bit key for all, to keep the emulator's set-up short: a key's size changes no count here);
every identity registered with it (EXTERNAL) in both regions and verified (a fleet that has been
live); each domain's secret described with its public key; the manifest; the dkim-manager function
(the built layer and code) with its queue, dead-letter queue and event source mapping (BatchSize 1,
MaximumConcurrency ``--concurrency``); the health rule. Then the schedule runs the planner for
``cycle + 2`` periods. In the period after the cycle, 20 identities are deleted in the second region
and 20 records removed from the zone.

Printed: per period, the domain-regions whose DNS was checked (target: all) and the full reads;
each domain-region's last full read (target: every one within the stated cycle); the injected
changes seen in the next period's results (target: all); invocations' longest duration (target:
under the 120 s timeout, far under Lambda's 900 s) and most at once (target: the concurrency);
SES calls throttled by the emulator (the pace held the rate: target near 0).

Run: uv run python benchmarks/fleet_health.py [--domains 5000] [--speed 10] [--concurrency 4]
(BENCH_DEBUG=1 also prints the slowest batch's log: its throttles and retries.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3

from byodkim.artifacts import layer
from byodkim.artifacts.package import build_code_zip
from byodkim.aws.secrets import describe_key
from byodkim.dkim.keys import generate
from byodkim.dkim.record import DkimRecord, quote_strings
from byodkim.emulator import Emulator
from byodkim.function.fanout import Pace
from byodkim.function.healthbatch import HAND_ON_SHARE
from byodkim.local.dns import LocalNameServer, zone_text

REGIONS = ("ap-northeast-1", "us-east-1")
SELECTOR = "gooid-21-pro-20261205-1"
PROJECT = "aws-ses-migration-prod"
FUNCTION = f"{PROJECT}-dkim-manager"
BUCKET = f"{PROJECT}-dkim-certificates"
PERIOD = 900  # emulated seconds: phase 8's default schedule
TIMEOUT = 120  # emulated seconds: phase 2's function timeout
INJECTED = 20


def names(count: int) -> list[str]:
    return [f"d{i:04d}.fleet.example" for i in range(count)]


def zone(domains: list[str], public_b64: str) -> str:
    lines = []
    for domain in domains:
        record = DkimRecord(domain, SELECTOR, public_b64)
        lines.append(f"{record.name}. 300 IN TXT {quote_strings(record.strings)}")
    return zone_text("fleet.example", 2026120501, lines)


def setup_identities(domains: list[str], private_b64: str, public_description: dict[str, str]) -> None:
    """Register every identity (EXTERNAL) in both regions and store each domain's described secret."""
    clients = {r: boto3.client("sesv2", region_name=r) for r in REGIONS}
    secrets = boto3.client("secretsmanager", region_name=REGIONS[0])

    def one(domain: str) -> None:
        for region in REGIONS:
            clients[region].create_email_identity(
                EmailIdentity=domain,
                DkimSigningAttributes={"DomainSigningSelector": SELECTOR, "DomainSigningPrivateKey": private_b64},
            )

    def settled(domain: str) -> None:
        # A fleet that has been live: SES has looked at every record and verified it. The emulator's SES
        # looks when asked, so one read each here; else each domain's status changes at its first full read
        # and the next period reads it again out of turn (a first cycle of double reads, not the steady state).
        for region in REGIONS:
            clients[region].get_email_identity(EmailIdentity=domain)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, domains))
        list(pool.map(settled, domains))
    for domain in domains:  # one at a time: moto's Secrets Manager answers 500 to concurrent creates
        secrets.create_secret(
            Name=f"byodkim/dkim/{domain}/{SELECTOR}",
            Description=public_description[domain],
            SecretString=json.dumps({"domain": domain, "selector": SELECTOR}),
        )


def deploy(folder: Path, env: dict[str, str], concurrency: int, speed: float) -> str:
    """Create the function, its queue and mapping, and the health rule; return the queue's URL."""
    built = layer.build_layer(layer.BuildOptions(layer.runtime("python3.12"), "x86_64", out=folder / "layer.zip"))
    code = build_code_zip(folder / "code.zip")
    region = REGIONS[0]
    lam = boto3.client("lambda", region_name=region)
    published = lam.publish_layer_version(LayerName="crypto", Content={"ZipFile": built.path.read_bytes()})
    sqs = boto3.client("sqs", region_name=region)
    dlq = sqs.create_queue(QueueName=f"{PROJECT}-health-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    visibility = str(TIMEOUT)  # at least the function timeout, as Lambda requires
    queue = sqs.create_queue(
        QueueName=f"{PROJECT}-health",
        Attributes={
            "VisibilityTimeout": visibility,
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}),
        },
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    role = boto3.client("iam").create_role(RoleName=f"{PROJECT}-dkim-manager-role", AssumeRolePolicyDocument="{}")
    function = lam.create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="byodkim.lambda_handler.handler",
        Code={"ZipFile": code.path.read_bytes()},
        Layers=[published["LayerVersionArn"]],
        # Not scaled: a run's process start and imports (a second or two here, none in a warm Lambda) do not
        # speed up with the clock. The plan is sized by HEALTH_TIME_LIMIT, which is scaled.
        Timeout=TIMEOUT,
        MemorySize=256,
        Environment={"Variables": {**env, "HEALTH_QUEUE_URL": queue}},
    )
    lam.create_event_source_mapping(
        FunctionName=FUNCTION,
        EventSourceArn=arn,
        BatchSize=1,
        ScalingConfig={"MaximumConcurrency": concurrency},
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    events = boto3.client("events", region_name=region)
    events.put_rule(Name=f"{PROJECT}-dkim-health", ScheduleExpression="rate(15 minutes)", State="ENABLED")
    event = {
        "action": "health",
        "domains": "all",
        "environment": "prod",
        "projectName": "aws-ses-migration",
        "periodSeconds": PERIOD / speed,  # the function's clock is real time: the period in its seconds
    }
    events.put_targets(
        Rule=f"{PROJECT}-dkim-health",
        Targets=[{"Id": "health", "Arn": function["FunctionArn"], "Input": json.dumps(event)}],
    )
    return str(queue)


def runs(emulator: Emulator) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = emulator.control("/_byodkim/invocations")["invocations"]
    return found


def health_parameters(domains: list[str]) -> dict[str, dict[str, str]]:
    ssm = boto3.client("ssm", region_name=REGIONS[0])
    found: dict[str, dict[str, str]] = {}
    wanted = [f"/byodkim/{PROJECT}/dkim/{d}/health" for d in domains]
    for start in range(0, len(wanted), 10):
        for item in ssm.get_parameters(Names=wanted[start : start + 10])["Parameters"]:
            found[item["Name"].split("/")[-2]] = json.loads(item["Value"])
    return found


def report(
    emulator: Emulator, domains: list[str], cycle: int, injected: dict[str, list[str]], concurrency: int, speed: float
) -> None:
    """Print the run's figures, in emulated time."""
    everything = runs(emulator)
    planners = [r for r in everything if r["source"].startswith("events:")]
    batches = [r for r in everything if r["source"].startswith("sqs:")]
    per_period: dict[int, dict[str, int]] = {}
    for run in batches:
        for batch in (run.get("result") or {}).get("batches", []):
            seen = per_period.setdefault(int(batch["period"]), {"domainRegions": 0, "fullReads": 0, "batches": 0})
            seen["domainRegions"] += sum(batch["counts"].values())
            seen["fullReads"] += batch["fullReads"]
            seen["batches"] += 1
    want = len(domains) * len(REGIONS)
    for number, seen in sorted(per_period.items()):
        ok = "yes" if seen["domainRegions"] == want else "NO"
        print(f"  period {number}: DNS checked {seen['domainRegions']}/{want} domain-regions ({ok}), "
              f"{seen['fullReads']} full reads, {seen['batches']} batches", flush=True)  # fmt: skip
    state = health_parameters(domains)
    last = [int(state.get(d, {}).get(f"{r} read", "-1")) for d in domains for r in REGIONS]
    # Each domain has one turn in every `cycle` runs: its last full read is within the last cycle.
    first = max(0, len(per_period) - cycle)
    within = sum(1 for p in last if p >= first)
    print(f"last full read within the last cycle (periods {first}-{len(per_period) - 1}): {within}/{want} "
          f"domain-regions ({'yes' if within == want else 'NO'})")  # fmt: skip
    deleted = sum(1 for d in injected.get("deleted", []) if state.get(d, {}).get(REGIONS[1]) == "not activated")
    gone = [d for d in injected.get("removed", []) if all(state.get(d, {}).get(r) == "record gone" for r in REGIONS)]
    removed = len(gone)
    print(f"status changes seen within one period: {deleted}/{INJECTED} deletions, "
          f"{removed}/{INJECTED} record removals")  # fmt: skip
    failures = sum(len((r.get("result") or {}).get("batchItemFailures", [])) for r in batches)
    errors = sum(1 for r in everything if r["error"])
    # Duration is the handler's time, which the timeout bounds; a cold start's process and imports are Init
    # Duration (real seconds here). A warm run (its execution environment reused, as Lambda does) has none.
    longest = max((r["duration_ms"] for r in batches), default=0.0) / 1000 * speed
    planner = max((r["duration_ms"] for r in planners), default=0.0) / 1000 * speed
    init = max((r["init_ms"] for r in everything), default=0.0) / 1000
    cold = sum(1 for r in everything if r.get("cold", True))
    deliveries = emulator.control("/_byodkim/event-sources")["deliveries"]
    most = max((d["concurrent"] for d in deliveries), default=0)
    config = emulator.control("/_byodkim/config")
    print(f"invocations: {len(planners)} planner, {len(batches)} batch; errors {errors}, failed items {failures}; "
          f"longest batch {longest:.0f} s, longest planner {planner:.0f} s (emulated Duration; timeout {TIMEOUT} s, "
          f"Lambda's limit 900 s); cold starts {cold} of {len(everything)} runs, longest Init Duration "
          f"{init:.1f} s real; "
          f"most at once {most} (cap {concurrency})")  # fmt: skip
    print(f"each period's checks done before the next planner run: {on_time(planners, batches, speed)}")
    print(durations(batches, speed))
    print(f"SES throttled by the emulator: {config['ses_throttled']}")
    if os.environ.get("BENCH_DEBUG") and batches:  # the slowest batch's log: where its time went
        slow = max(batches, key=lambda r: r["duration_ms"])
        print(slow["log"][-6000:])
    for run in [r for r in everything if r["error"]][:3]:
        print(f"  error: {run['source']}: {json.dumps(run['error'])[:300]}")
    dlq = boto3.client("sqs", region_name=REGIONS[0]).get_queue_url(QueueName=f"{PROJECT}-health-dlq")["QueueUrl"]
    dead = boto3.client("sqs", region_name=REGIONS[0]).get_queue_attributes(
        QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    print(f"dead-lettered batches: {dead}")


def durations(batches: list[dict[str, Any]], speed: float) -> str:
    """Return the batches' Durations (emulated): median, 95th percentile, longest three, how many passed the timeout.

    Each of the longest is shown with its domains and full reads: its SES reads at the pace take
    about (full reads / regions) / (rate / (concurrency + 1)) emulated seconds; the rest is what
    the clock does not scale (the batch's other calls, its DNS checks), counted x speed here.
    """
    if not batches:
        return "batch Durations: none"
    ordered = sorted(batches, key=lambda r: r["duration_ms"])
    seconds = [r["duration_ms"] / 1000 * speed for r in ordered]
    median, p95 = seconds[len(seconds) // 2], seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))]
    over = sum(1 for value in seconds if value > TIMEOUT)
    longest = [
        f"{run['duration_ms'] / 1000 * speed:.0f} s ({batch['domains']} domains, {batch['fullReads']} full reads, "
        f"{batch.get('handedOn', 0)} handed on, {run['duration_ms'] / 1000:.1f} s real; {parts(batch)})"
        for run in ordered[-3:][::-1]
        for batch in (run.get("result") or {}).get("batches", [])
    ]
    answers = [b for r in batches for b in (r.get("result") or {}).get("batches", [])]
    handed = [b["handedOn"] for b in answers if b.get("handedOn")]
    return (f"batch Durations (emulated): median {median:.0f} s, 95th percentile {p95:.0f} s; "
            f"{over} of {len(seconds)} over the {TIMEOUT} s timeout; longest: {'; '.join(longest)}\n"
            f"batches that handed domains on (past {HAND_ON_SHARE:.0%} of the timeout): {len(handed)}, "
            f"{sum(handed)} domains")  # fmt: skip


def parts(batch: dict[str, Any]) -> str:
    """Return where a batch's time went, in real seconds summed over its threads (its answer's ``seconds``)."""
    spent = batch.get("seconds") or {}
    order = ("reads", "dns", "domains", "parameters")
    named = ", ".join(f"{part} {spent[part]:.1f}" for part in order if part in spent)
    return f"thread-seconds real: {named}" if named else "no parts"


def on_time(planners: list[dict[str, Any]], batches: list[dict[str, Any]], speed: float) -> str:
    """Return how many periods' batches all ended before the next planner run began, and the latest end."""
    starts = sorted(r["started"] for r in planners)
    ends: dict[int, float] = {}
    for run in batches:
        end = run["started"] + (run["init_ms"] + run["duration_ms"]) / 1000
        for batch in (run.get("result") or {}).get("batches", []):
            ends[int(batch["period"])] = max(ends.get(int(batch["period"]), 0.0), end)
    late = {n: end - starts[n + 1] for n, end in ends.items() if n + 1 < len(starts)}
    worst = max(late.values(), default=0.0) * speed
    kept = sum(1 for lateness in late.values() if lateness <= 0)
    return f"{kept}/{len(late)} periods (latest: {worst:+.0f} s emulated from the next run's start)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--domains", type=int, default=5000)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=4)
    # Fewer periods than the cycle's (a look at the batches' durations, not the cycle's proof).
    parser.add_argument("--periods", type=int, default=0, help="periods to run (default: the cycle + 2)")
    args = parser.parse_args()
    domains = names(args.domains)
    pace = Pace(1.0, args.concurrency, PERIOD, TIMEOUT)
    cycle = pace.cycle(len(domains))
    periods = args.periods or cycle + 2
    print(f"{len(domains)} domains x {len(REGIONS)} regions; SES 1 call/s per region (emulated), "
          f"concurrency {args.concurrency}, pace {pace.per_invocation:.3f} calls/s per invocation; "
          f"cycle {cycle} periods: each domain read in full at least every {pace.full_read_hours(len(domains)):.2f} h; "
          f"batch: at most {pace.batch_reads} full reads per region; clock x{args.speed:g}", flush=True)  # fmt: skip
    key = generate(1024)
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="byodkim-fleet-health-") as tmp:
        folder = Path(tmp)
        started = time.monotonic()
        bind = stack.enter_context(LocalNameServer({"fleet.example": zone(domains, key.public.b64)}).start(60))
        emulator = stack.enter_context(
            Emulator(region=REGIONS[0], clock_speed=args.speed, dns_servers=[bind.spec], dkim_window=10**9)
        )
        os.environ.update(emulator.environment())
        os.environ["BYODKIM_SES_RATE"] = "10000"  # set-up only: the emulator's limit is off until the run
        described = {d: describe_key(d, SELECTOR, key.public) for d in domains}
        setup_identities(domains, key.ses_private_key(), described)
        s3 = boto3.client("s3", region_name=REGIONS[0])
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
        manifest = [{"domain": d, "selector": SELECTOR, "regions": list(REGIONS)} for d in domains]
        s3.put_object(Bucket=BUCKET, Key="fleet/bench.json", Body=json.dumps(manifest).encode())
        env = {
            "PROJECT_NAME": "aws-ses-migration",
            "ENVIRONMENT": "prod",
            "DOMAIN_NAME": domains[0],
            "CERTIFICATES_BUCKET": BUCKET,
            "NAMESERVERS": bind.spec,
            "FLEET_MANIFEST_KEY": "fleet/bench.json",
            "HEALTH_CONCURRENCY": str(args.concurrency),
            "HEALTH_TIME_LIMIT": f"{TIMEOUT / args.speed:g}",
            "BYODKIM_SES_RATE": f"{args.speed:g}",  # 1 call per emulated second
        }
        emulator.control("/_byodkim/config", {"ses_rate": args.speed, "ses_burst": 2})
        deploy(folder, env, args.concurrency, args.speed)
        print(f"set-up: {time.monotonic() - started:.0f} s real", flush=True)
        real_period = PERIOD / args.speed
        t0 = time.monotonic()
        injected: dict[str, list[str]] = {}
        for number in range(periods):
            # The rule fires one period after it was seen, then every period: wait for firing number+1.
            time.sleep(max(0.0, t0 + real_period * (number + 1) + 1.0 - time.monotonic()))
            if number == cycle:  # the period after the cycle: status changes and zone edits
                ses = boto3.client("sesv2", region_name=REGIONS[1])
                injected["deleted"] = domains[1 : 1 + 2 * INJECTED : 2]
                injected["removed"] = domains[2 : 2 + 2 * INJECTED : 2]
                for domain in injected["deleted"]:
                    ses.delete_email_identity(EmailIdentity=domain)
                for domain in injected["removed"]:
                    bind.update("fleet.example", delete=[f"{SELECTOR}._domainkey.{domain}"])
                print(f"  injected after period {number}: {INJECTED} identities deleted in {REGIONS[1]}, "
                      f"{INJECTED} records removed", flush=True)  # fmt: skip
        boto3.client("events", region_name=REGIONS[0]).disable_rule(Name=f"{PROJECT}-dkim-health")
        while not emulator.control("/_byodkim/idle", {"timeout": 8})["idle"]:  # the last batches finish
            pass
        time.sleep(1.0)  # the poller takes what is left on the queue
        while not emulator.control("/_byodkim/idle", {"timeout": 8})["idle"]:
            pass
        report(emulator, domains, cycle, injected, args.concurrency, args.speed)
        print(f"total: {time.monotonic() - started:.0f} s real")
    sys.exit(0)


if __name__ == "__main__":
    main()
