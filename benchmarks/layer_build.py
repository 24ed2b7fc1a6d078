"""Layer build: byodkim (cold and warm) beside the naive `pip install --target` + `zip -r`.

Run: uv run python benchmarks/layer_build.py [--runtime python3.11] [--rounds 3]
Prints medians; the naive figures are for the host's wheels (what the naive way builds).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from byodkim.artifacts import layer

REQUIREMENTS = Path(__file__).resolve().parents[1] / "layers" / "cryptography" / "requirements.txt"


def naive(work: Path) -> tuple[float, int, int]:
    target = work / "naive" / "python"
    shutil.rmtree(target.parent, ignore_errors=True)
    out = work / "naive.zip"
    out.unlink(missing_ok=True)
    pip = shutil.which("pip3") or "pip3"
    start = time.perf_counter()
    subprocess.run(
        [pip, "install", "--quiet", "--root-user-action=ignore", "--target", str(target), "-r", str(REQUIREMENTS)],
        check=True,
    )
    subprocess.run(["zip", "-qr", str(out), "python"], cwd=target.parent, check=True)
    elapsed = time.perf_counter() - start
    with zipfile.ZipFile(out) as archive:
        files = len(archive.infolist())
    return elapsed, out.stat().st_size, files


def ours(work: Path, runtime: str, cache: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    built = layer.build_layer(
        layer.BuildOptions(layer.runtime(runtime), "x86_64", out=work / "ours.zip", cache_dir=cache)
    )
    return time.perf_counter() - start, built.size, built.files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runtime", default="python3.11")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("zip") is None:
        sys.exit("benchmark needs `zip` (apt-get install zip)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        naive(work)  # warm pip's cache: the comparison is warm against warm
        rows = {"naive pip --target + zip -r (warm pip cache)": [naive(work) for _ in range(args.rounds)]}
        cold = [ours(work, args.runtime, work / f"cold{index}") for index in range(args.rounds)]
        rows[f"byodkim build-layer {args.runtime}, no zip cache"] = cold
        ours(work, args.runtime, work / "warm")
        rows[f"byodkim build-layer {args.runtime}, unchanged rebuild"] = [
            ours(work, args.runtime, work / "warm") for _ in range(args.rounds)
        ]
    print(f"{'build':58} {'median s':>9} {'zip MB':>8} {'files':>6}")
    medians = {}
    for name, results in rows.items():
        medians[name] = statistics.median(r[0] for r in results)
        print(f"{name:58} {medians[name]:9.2f} {results[0][1] / 1e6:8.2f} {results[0][2]:6d}")
    naive_time = next(iter(medians.values()))
    warm_time = list(medians.values())[-1]
    print(f"unchanged rebuild / naive: {warm_time / naive_time:.2f} (target <= 0.50)")


if __name__ == "__main__":
    main()
