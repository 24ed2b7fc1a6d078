"""The sandbox, end to end, as the README runs it: wall time per step and in total.

Run: uv run python benchmarks/sandbox_run.py [--rounds 1]
Target: well under two minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import TYPE_CHECKING

from byodkim.local.sandbox import SandboxOptions, rehearse, running

if TYPE_CHECKING:
    from collections.abc import Callable


def steps_recorder(into: list[tuple[str, float]]) -> Callable[[str, float], None]:
    def record(what: str, seconds: float) -> None:
        into.append((what, seconds))

    return record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    totals = []
    for _ in range(args.rounds):
        steps: list[tuple[str, float]] = []
        start = time.perf_counter()
        options = SandboxOptions(progress=steps_recorder(steps))
        with running(options) as box:
            rehearse(box, options)
        totals.append(time.perf_counter() - start)
        for what, seconds in steps:
            print(f"{seconds:7.1f} s  {what}")
    print(f"total: median {statistics.median(totals):.1f} s over {args.rounds} run(s) (target < 120 s)")


if __name__ == "__main__":
    main()
