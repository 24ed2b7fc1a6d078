"""CPU of one call to the emulator, server and client, with its connection kept or closed after each call.

Run: uv run python benchmarks/emulator_calls.py [--calls 300] [--rounds 3]

Starts one emulator, then makes the same calls (CloudFormation DescribeStacks, SESv2
ListEmailIdentities, S3 PutObject) through boto3 twice per round: on kept connections (what
botocore does against AWS, and against the emulator since its handler keeps them), and with
``Connection: close`` on every request (what werkzeug's own server did to every call). Prints
the median CPU per call of the server process and of this client, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import boto3

from byodkim.emulator import Emulator


def _server_cpu(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: PTH123, SIM115 - one read
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _close_each(request: Any, **_: Any) -> None:  # noqa: ANN401 - botocore's request
    request.headers["Connection"] = "close"


def _round(emulator: Emulator, pid: int, calls: int, *, close: bool) -> tuple[float, float]:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")  # noqa: S106
    cfn = session.client("cloudformation", endpoint_url=emulator.endpoint)
    ses = session.client("sesv2", endpoint_url=emulator.endpoint)
    s3 = session.client("s3", endpoint_url=emulator.endpoint)
    if close:
        for events in (cfn.meta.events, ses.meta.events, s3.meta.events):
            events.register("before-send", _close_each)
    s3.create_bucket(Bucket="byodkim-bench")
    cfn.describe_stacks()
    ses.list_email_identities()
    server, here = _server_cpu(pid), time.process_time()
    for index in range(calls):
        cfn.describe_stacks()
        ses.list_email_identities()
        s3.put_object(Bucket="byodkim-bench", Key=f"k{index % 5}", Body=b"x" * 100)
    made = 3 * calls
    return (_server_cpu(pid) - server) * 1000 / made, (time.process_time() - here) * 1000 / made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with Emulator() as emulator:
        pid = emulator.pid
        assert pid is not None  # noqa: S101 - started by the with
        rows: dict[str, list[tuple[float, float]]] = {"kept": [], "closed each call": []}
        for _ in range(args.rounds):
            rows["kept"].append(_round(emulator, pid, args.calls, close=False))
            rows["closed each call"].append(_round(emulator, pid, args.calls, close=True))
    print(f"{'connection':18} {'server ms/call':>15} {'client ms/call':>15}")
    for name, results in rows.items():
        server = statistics.median(r[0] for r in results)
        client = statistics.median(r[1] for r in results)
        print(f"{name:18} {server:15.3f} {client:15.3f}")


if __name__ == "__main__":
    main()
