"""A fleet against the emulator and real BIND: register --all paced at SES's rate, then verify --all.

1. ``byodkim register --all`` for N domains (default 1,000) in 2 regions, with the emulator's
   SES limited to R calls/s per region and family (default 25) and the client paced at R:
   total time, the floor the pacing sets (the busier region's SES calls / R), their ratio
   (target: within 1.15), failures (target 0), throttled answers.
2. The same command again: its SES calls by operation (target: reads only).
0. ``keygen --all``'s work for 100 keys on one thread, then one per core (keys per second).
3. ``byodkim verify --all`` against two real BIND servers serving every domain's zone with
   its record: time and DNS queries per second (target: 1,000 domains in under 10 s).

Each command runs as the operator runs it (a ``byodkim`` process). Run:
uv run python benchmarks/fleet.py [--domains 1000] [--rate 25]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import boto3

from byodkim.aws.secrets import read_public_key
from byodkim.dkim.record import DkimRecord
from byodkim.emulator import Emulator
from byodkim.local.dns import LocalNameServer, zone_text
from byodkim.workflows.units import cores

REPO = Path(__file__).resolve().parents[1]
SELECTOR = "gooid-21-pro-20250912-1"
WRITES = {"CreateEmailIdentity", "PutEmailIdentityDkimSigningAttributes", "TagResource", "DeleteEmailIdentity"}


def project(folder: Path, count: int) -> tuple[Path, list[str]]:
    """Return a copy of the Sceptre project declaring ``count`` domains (goo.ne.jp among them) in 2 regions."""
    sceptre = folder / "sceptre"
    shutil.copytree(REPO / "sceptre", sceptre)
    names = [f"svc{i:04d}.fleet.example" for i in range(count - 1)]
    with (sceptre / "config" / "prod" / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\ndomains:\n" + "".join(f"  - {name}\n" for name in names))
    (sceptre / "config" / "prod" / "us-east-1").mkdir()
    (sceptre / "config" / "prod" / "us-east-1" / "config.yaml").write_text("region: us-east-1\n", encoding="ascii")
    return sceptre, ["goo.ne.jp", *names]


def byodkim(env: dict[str, str], *args: str) -> tuple[int, float, list[dict[str, object]], str]:
    """Run one command with -o json; return exit code, seconds, the JSON lines, stderr."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "byodkim", *args, "-o", "json"], env=env, capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - start
    return done.returncode, took, [json.loads(line) for line in done.stdout.splitlines() if line], done.stderr


def ses_calls(emulator: Emulator, since: int) -> list[dict[str, str]]:
    calls = emulator.control("/_byodkim/calls")["calls"][since:]
    return [c for c in calls if c["service"] == "ses"]


def keygen_speed(folder: Path, count: int) -> None:
    """Print keys per second for ``keygen --all``'s work on one thread, then on every core."""
    from byodkim.deployment import DomainSpec
    from byodkim.workflows.unit_work import KeygenWork
    from byodkim.workflows.units import Run, Unit

    specs = [DomainSpec(f"k{i:04d}.fleet.example", SELECTOR, ()) for i in range(count)]
    for workers in (1, cores()):
        out = folder / f"keys-{workers}"
        start = time.perf_counter()
        Run(KeygenWork(out), unregional_workers=workers).run([Unit(s) for s in specs])
        took = time.perf_counter() - start
        print(f"keygen, {count} keys on {workers} thread(s): {took:.2f} s, {count / took:.1f} keys/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=25.0, help="SES calls/s per region (emulator and client)")
    parser.add_argument("--keys", type=int, default=100, help="keys for the keygen measurement")
    args = parser.parse_args()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="byodkim-fleet-")))
        keygen_speed(folder, args.keys)
        sceptre, names = project(folder, args.domains)
        emulator = stack.enter_context(Emulator())
        emulator.control("/_byodkim/config", {"ses_rate": args.rate})
        env = {
            **os.environ,
            **emulator.environment(),
            "BYODKIM_SCEPTRE_DIR": str(sceptre),
            "BYODKIM_SES_RATE": str(args.rate),
        }
        os.environ.update(emulator.environment())
        for region in ("ap-northeast-1", "us-east-1"):  # what phase 1 leaves: register stores new keys under it
            kms = boto3.client("kms", region_name=region)
            key = kms.create_key(Description="phase-1 secrets key stand-in")["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName="alias/aws-ses-migration-prod-dkim-secrets", TargetKeyId=key)

        code, took, lines, err = byodkim(env, "register", "--all")
        summary = lines[-1]["summary"] if lines else {}
        calls = ses_calls(emulator, 0)
        per_region = Counter(c["region"] for c in calls)
        floor = (max(per_region.values()) - 1) / args.rate
        throttled = emulator.control("/_byodkim/config", {})["ses_throttled"]
        print(f"register --all: {args.domains} domains x 2 regions, SES paced at {args.rate:g} calls/s per region")
        print(f"  exit {code}; {summary}")
        if code != 0:
            print(err[-2000:])
        print(f"  SES calls per region: {dict(per_region)}; throttled answers: {throttled}")
        print(f"  total {took:.1f} s, floor {floor:.1f} s, ratio {took / floor:.3f} (target <= 1.15)")
        failures = sum(1 for line in lines[:-1] if not line.get("ok"))
        print(f"  failures: {failures} (target 0)")

        before = len(emulator.control("/_byodkim/calls")["calls"])
        code, took, lines, _ = byodkim(env, "register", "--all")
        again = Counter(c["operation"] for c in ses_calls(emulator, before))
        writes = sum(n for op, n in again.items() if op in WRITES)
        print(f"re-run: exit {code}, {took:.1f} s; SES calls {dict(again)}; writes {writes} (target 0)")

        # Every domain's zone with its record, on two name servers.
        secrets = boto3.client("secretsmanager", region_name="ap-northeast-1")
        zones = {}
        for name in names:
            public = read_public_key(secrets, f"byodkim/dkim/{name}/{SELECTOR}")
            assert public is not None, name  # noqa: S101 - register stored every key
            zones[name] = zone_text(name, 1, [DkimRecord(name, SELECTOR, public.b64).zone_line()])
        start = time.perf_counter()
        servers = [stack.enter_context(LocalNameServer(zones)) for _ in range(2)]
        print(f"BIND: 2 servers x {len(zones)} zones started in {time.perf_counter() - start:.1f} s")
        env["BYODKIM_NAMESERVERS"] = " ".join(s.spec for s in servers)
        code, took, lines, err = byodkim(env, "verify", "--all")
        ok = sum(1 for line in lines[:-1] if line.get("ok"))
        queries = 2 * len(names)
        print(
            f"verify --all: exit {code}, {ok}/{len(names)} published on both servers, {took:.2f} s "
            f"({queries / took:.0f} queries/s, {len(names) / took:.0f} domains/s) on {cores()} cores (target < 10 s)"
        )
        if code != 0:
            print(err[-2000:])


if __name__ == "__main__":
    main()
