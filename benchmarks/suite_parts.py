"""The pieces every test pays for again and again, each timed alone: what benchmarks/suite_time.py adds up.

Run: uv run python benchmarks/suite_parts.py [--rounds 5]
Printed (median of the rounds, seconds or milliseconds):
- a real BIND started until it answers, and stopped (tests/conftest.py goo_dns, every sandbox);
- the per-test emulator fixture: reset, config, the phase-1 KMS key stand-in in two regions;
- one KMS CreateKey on the emulator (moto used to make an RSA pair for every symmetric key);
- the project's eleven templates parsed by preflight's reader (byodkim.aws.cfntemplate) and by the
  emulator's moto (each change set, create and update parses its template);
- `import` of the whole byodkim package in a fresh interpreter, as each `byodkim` or Sceptre hook
  process does (compiled or not depends on src/__pycache__: scripts/setup.sh writes it).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "sceptre" / "templates").glob("*.yaml"))
IMPORT_ALL = (
    "import importlib, pkgutil, byodkim\n"
    "for m in pkgutil.walk_packages(byodkim.__path__, 'byodkim.'):\n"
    "    if '.emulator' not in m.name: importlib.import_module(m.name)\n"
)


def median(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bind_start_stop() -> None:
    from byodkim.local.dns import LocalNameServer, zone_text

    with tempfile.TemporaryDirectory() as folder:
        server = LocalNameServer({"goo.ne.jp": zone_text("goo.ne.jp", 2026112801)}, workdir=Path(folder) / "n")
        server.start()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    import boto3
    import yaml
    from moto.cloudformation.utils import yaml_tag_constructor

    sys.path.insert(0, str(ROOT / "tests"))
    import conftest
    from byodkim.aws import cfntemplate
    from byodkim.emulator import Emulator

    print(f"{'piece':58} {'median':>9}   (rounds: {rounds})")
    print(f"{'BIND started until it answers, then stopped':58} {median(bind_start_stop, rounds):8.3f}s")
    with Emulator() as emulator:

        def fixture() -> None:
            emulator.reset()
            emulator.control("/_byodkim/config", {"dns_servers": [], "dkim_window": 72 * 3600.0})
            conftest._phase_1_secrets_key(emulator)  # noqa: SLF001 - the fixture's own helper

        fixture()
        print(f"{'emulator fixture (reset, config, phase-1 keys)':58} {median(fixture, rounds):8.3f}s")
        endpoint = emulator.environment()["AWS_ENDPOINT_URL"]
        kms = boto3.client(
            "kms",
            region_name="ap-northeast-1",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - the emulator's dummy credentials
        )
        seconds = median(lambda: kms.create_key(Description="bench"), rounds * 4)
        print(f"{'KMS CreateKey on the emulator':58} {seconds * 1000:8.1f}ms")
    texts = [path.read_text() for path in TEMPLATES]
    seconds = median(lambda: [cfntemplate.load(text) for text in texts], rounds)
    print(f"{f'{len(texts)} templates read by byodkim.aws.cfntemplate.load':58} {seconds:8.3f}s")
    yaml.add_multi_constructor("", yaml_tag_constructor)  # as moto does, on PyYAML's loaders
    seconds = median(lambda: [yaml.load(text, Loader=yaml.Loader) for text in texts], rounds)  # noqa: S506
    print(f"{f'{len(texts)} templates read as moto reads them unpatched':58} {seconds:8.3f}s")
    compiled = any((ROOT / "src" / "byodkim").glob("__pycache__/*.pyc"))
    command = [sys.executable, "-c", IMPORT_ALL]
    seconds = median(lambda: subprocess.run(command, check=True), rounds)
    label = f"import all of byodkim in a new process ({'compiled' if compiled else 'from source'})"
    print(f"{label:58} {seconds:8.3f}s")


if __name__ == "__main__":
    main()
