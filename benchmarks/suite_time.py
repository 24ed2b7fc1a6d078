"""The suite's wall time: the README's pytest command (scripts/test.sh's pytest line), timed, with its slowest files.

Run: uv run python benchmarks/suite_time.py [--top 20] [--workers N] [-- PYTEST ARGS]
Target: at most 180 s of wall time on the 2-core machine (issue 25), setup and linters aside.

It runs `pytest -n CORES+2 --dist loadfile` as scripts/test.sh does, adding only `--durations=0
--durations-min=0` (to read every test's seconds) and `-p no:cacheprovider` (so a run leaves nothing that orders
the next). Printed: the wall time, the cores the run kept busy (its processes' CPU seconds over
the wall time: under the worker count means the workers waited), then the files by their
seconds (setup + call + teardown summed) with the busiest phase of each. With `--dist loadfile`
a file is one worker's job: the longest file is the floor of the wall time, and files start in
the order tests/conftest.py's `_SLOWEST_FIRST` gives; the last line prints that order as this
run measured it, to paste there when it has drifted.
It is a measurement of the whole suite: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s (setup|call|teardown)\s+(\S+?)::")


def per_file(output: str) -> dict[str, dict[str, float]]:
    """Return each test file's seconds by phase, from pytest's `--durations=0` table."""
    files: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for line in output.splitlines():
        found = DURATION.match(line)
        if found:
            seconds, phase, path = found.groups()
            files[path][phase] += float(seconds)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=20, help="how many of the slowest files to print")
    parser.add_argument(
        "--workers", default=str((os.cpu_count() or 1) + 2), help="pytest-xdist's -n (the README's command: cores + 2)"
    )
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments, after --")
    args = parser.parse_args()
    command = [
        "uv", "run", "--locked", "pytest", "-n", args.workers, "--dist", "loadfile",
        "--durations=0", "--durations-min=0", "-p", "no:cacheprovider", *args.pytest_args,
    ]  # fmt: skip
    print("$", " ".join(command), flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = next((x for x in reversed(done.stdout.splitlines()) if x.startswith("=")), "(no summary line)")
    files = per_file(done.stdout)
    total = sum(sum(phases.values()) for phases in files.values())
    print(summary)
    print(f"wall time: {wall:.1f} s (pytest exit {done.returncode})")
    cpu = usage.ru_utime + usage.ru_stime  # every process waited for below this one: workers, emulators, functions
    print(f"cores busy: {cpu / wall:.2f} (CPU seconds {cpu:.0f})")
    print(f"test seconds, all files: {total:.0f}")
    print(f"{'seconds':>8}  {'busiest phase':<18} file")
    ranked = sorted(files.items(), key=lambda item: -sum(item[1].values()))
    for path, phases in ranked[: args.top]:
        phase, seconds = max(phases.items(), key=lambda item: item[1])
        print(f"{sum(phases.values()):8.1f}  {phase:<9}{seconds:7.1f}s  {path}")
    order = ", ".join(f'"{Path(path).name}"' for path, phases in ranked if sum(phases.values()) >= 10)  # noqa: PLR2004
    print(f"slowest first (files of 10 s or more): {order}")
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-2000:])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
