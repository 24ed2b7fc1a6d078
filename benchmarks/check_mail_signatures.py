"""check-mail on a hostile message: many DKIM signatures, against a name server that never answers.

Run: uv run python benchmarks/check_mail_signatures.py [--signatures 200] [--timeout 0.1]
Target: a message over the cap is refused at once, whatever its signature count; one at the
cap (10) costs at most 10 query timeouts.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from byodkim.dkim import keys
from byodkim.dnscheck import receiver
from byodkim.dnscheck.mailcheck import MAX_SIGNATURES


def message(key: keys.SigningKey, count: int) -> bytes:
    signed = receiver.test_message("goo.ne.jp")
    for n in range(count):
        signed = receiver.sign(signed, key, "goo.ne.jp", f"s{n}")
    return signed


def seconds(path: Path, server: str, timeout: float) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "byodkim", "check-mail", str(path), "--nameserver", server, "--timeout", str(timeout)],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=0.1)
    args = parser.parse_args()
    key = keys.generate()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink, tempfile.TemporaryDirectory() as tmp:
        sink.bind(("127.0.0.1", 0))
        server = f"127.0.0.1:{sink.getsockname()[1]}"
        for count in (MAX_SIGNATURES, args.signatures):
            path = Path(tmp) / f"{count}.eml"
            path.write_bytes(message(key, count))
            took, code = seconds(path, server, args.timeout)
            print(f"{count:4d} signatures, query timeout {args.timeout:g} s: {took:6.2f} s (exit {code})")


if __name__ == "__main__":
    main()
