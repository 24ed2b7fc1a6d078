"""CLI start: `byodkim --help` and friends, beside a CLI that imports its libraries eagerly.

Run: uv run python benchmarks/cli_start.py [--rounds 20]
Target: median under 0.25 s for the quick commands.

Then botocore's data files for fourteen services' clients (endpoints, each model and its rules):
the CPU of parsing them as botocore does, and of reading them back from byodkim's model cache
(``aws/modelcache.py``), medians of the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EAGER = (
    "import boto3, botocore.session, cryptography.hazmat.primitives.asymmetric.rsa, dns.resolver, yaml;"
    "from byodkim.cli import run; run(['--help'])"
)


def median_seconds(command: list[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


SERVICES = ("iam", "lambda", "s3", "cloudformation", "sesv2", "ssm", "events", "sqs", "logs", "sns", "kms",
            "cloudwatch", "secretsmanager", "sts")  # fmt: skip


def model_reads(rounds: int) -> tuple[float, float]:
    """Return the median CPU seconds to load the fourteen services' data: parsed, then from the cache."""
    import tempfile

    from botocore import loaders

    from byodkim.aws import modelcache

    def load() -> float:
        loader = loaders.create_loader()
        loader.file_loader = modelcache.file_loader()
        start = time.process_time()
        loader.load_data("endpoints")
        for service in SERVICES:
            loader.load_service_model(service, "service-2")
            loader.load_service_model(service, "endpoint-rule-set-1")
        return time.process_time() - start

    before = list(modelcache._FOLDER)  # noqa: SLF001 - put back after: this process's own setting
    modelcache._FOLDER.clear()  # noqa: SLF001
    try:
        parsed = statistics.median(load() for _ in range(rounds))
        with tempfile.TemporaryDirectory() as tmp:
            modelcache.enable(Path(tmp))
            load()  # writes the entries
            cached = statistics.median(load() for _ in range(rounds))
    finally:
        modelcache._FOLDER[:] = before  # noqa: SLF001
    return parsed, cached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    byodkim = str(BIN / "byodkim")
    rows = [
        ("byodkim --help", [byodkim, "--help"]),
        ("byodkim --version", [byodkim, "--version"]),
        ("byodkim verify --help", [byodkim, "verify", "--help"]),
        ("byodkim verify --help --lang ja (the catalogue)", [byodkim, "verify", "--help", "--lang", "ja"]),
        ("byodkim dns-record (value, 2048-bit key)", None),
        ("naive: eager imports, then --help", [sys.executable, "-c", EAGER]),
    ]
    import tempfile

    from byodkim.dkim import keys

    with tempfile.TemporaryDirectory() as tmp:
        keys.write_key_files(Path(tmp), "bench", keys.generate())
        key_file = f"{tmp}/bench.private.pem"
        record = [byodkim, "dns-record", "--domain", "goo.ne.jp", "--selector", "bench", "--key-file", key_file]
        print(f"{'command':48} {'median s':>9}   (rounds: {args.rounds})")
        for name, command in rows:
            seconds = median_seconds(command or record, args.rounds)
            print(f"{name:48} {seconds:9.3f}")
    parsed, cached = model_reads(args.rounds)
    print(f"botocore data, {len(SERVICES)} services: parsed {parsed * 1000:.1f} ms, cached {cached * 1000:.1f} ms")


if __name__ == "__main__":
    main()
