"""Verify against eight authoritative servers, one dead: wall time against one query timeout.

Beside it, the naive way: the same queries one server after another.
Run: uv run python benchmarks/verify_servers.py [--timeout 2] [--dead 1]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import time
from contextlib import ExitStack

from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from byodkim.dnscheck import check as verify
from byodkim.dnscheck import judge
from byodkim.dnscheck import servers as servers_mod
from byodkim.local.dns import LocalNameServer, zone_text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--servers", type=int, default=8)
    parser.add_argument("--dead", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    key = keys.generate()
    record = DkimRecord("goo.ne.jp", "bench", key.public.b64)
    zone = {"goo.ne.jp": zone_text("goo.ne.jp", 1, [record.zone_line()])}
    with ExitStack() as stack:
        servers = []
        for _ in range(args.servers - args.dead):
            named = stack.enter_context(LocalNameServer(zone))
            servers.append(servers_mod.Server(named.spec, "127.0.0.1", named.port))
        for _ in range(args.dead):
            sink = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            sink.bind(("127.0.0.1", 0))
            servers.append(servers_mod.Server("dead", "127.0.0.1", sink.getsockname()[1]))
        request = judge.Check("goo.ne.jp", "bench", key.public, tuple(servers), timeout=args.timeout)
        ours = []
        naive = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            report = verify.check(request)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            for server in servers:  # what a loop of `dig @server` does
                verify.check(judge.Check("goo.ne.jp", "bench", key.public, (server,), timeout=args.timeout))
            naive.append(time.perf_counter() - start)
    print(f"{args.servers} servers, {args.dead} dead, query timeout {args.timeout:g} s, median of {args.rounds}")
    print(f"{'way':36} {'wall s':>7} {'/ timeout':>10}")
    for name, times in (("byodkim verify (all at once)", ours), ("one server after another", naive)):
        median = statistics.median(times)
        print(f"{name:36} {median:7.2f} {median / args.timeout:10.2f}")
    print(report.summary())


if __name__ == "__main__":
    main()
