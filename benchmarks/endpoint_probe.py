"""What the dead-endpoint probe costs: each call to a local endpoint first opens a TCP connection to it.

Run: uv run python benchmarks/endpoint_probe.py [--calls 300] [--rounds 3]
Prints the median time per SES call against the emulator with the probe (as every byodkim
client to a local endpoint has it) and without (the handler unregistered), and how long a
refused call takes once the emulator has stopped (botocore alone spends its retries there).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from byodkim.aws import endpoint
from byodkim.aws.session import Aws
from byodkim.emulator import Emulator
from byodkim.errors import InputError


def per_call(client: Any, calls: int) -> float:  # noqa: ANN401 - a boto3 SES client
    start = time.perf_counter()
    for _ in range(calls):
        client.list_email_identities()
    return (time.perf_counter() - start) / calls


def _always(host: str, port: int) -> bool:  # noqa: ARG001 - answers()'s signature
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = Emulator().start()
    real_answers = endpoint.answers
    try:
        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(server.environment())
        client = Aws().client("sesv2")
        per_call(client, 20)  # warm: the connection pool, the SES pacing bucket
        with_probe, without = [], []
        for _ in range(args.rounds):
            with_probe.append(per_call(client, args.calls))
            endpoint.answers = _always  # the handler still runs; only the connect is skipped
            without.append(per_call(client, args.calls))
            endpoint.answers = real_answers
        # botocore alone on the stopped port, as before the probe: a client without byodkim's handler.
        plain = Aws().session.client("sesv2", config=Config(retries={"mode": "standard", "max_attempts": 5}))
    finally:
        server.stop()
    start = time.perf_counter()
    try:
        client.list_email_identities()
    except InputError:
        refused = time.perf_counter() - start
    start = time.perf_counter()
    try:
        plain.list_email_identities()
    except EndpointConnectionError:
        unprobed = time.perf_counter() - start
    print(f"per SES call against the emulator, {args.calls} calls x {args.rounds} rounds (median):")
    print(f"  with the probe:    {statistics.median(with_probe) * 1000:.2f} ms")
    print(f"  without the probe: {statistics.median(without) * 1000:.2f} ms")
    print("once the emulator has stopped, one call:")
    print(f"  refused by the probe in {refused * 1000:.1f} ms")
    print(f"  botocore alone (standard retries, 5 attempts) fails in {unprobed:.1f} s")


if __name__ == "__main__":
    main()
