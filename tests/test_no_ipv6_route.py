"""Name servers are checked by server, not by address, under the conditions a Lambda outside a VPC has.

Such a Lambda has IPv4 egress only, and most large zones' name servers have AAAA records. A
check that needs every address could then never see "live on every server", and phase 7 would
never activate DKIM. This test runs BIND and the check inside a network namespace with only a
loopback interface (``unshare -n``): an IPv6 address outside it has no route, as on Lambda.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import missing, require_tool

INSIDE = """
import json, sys
import dns.resolver
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord, quote_strings
from byodkim.dnscheck.check import check
from byodkim.dnscheck.judge import Check
from byodkim.dnscheck.servers import Server, discover
from byodkim.local.dns import LocalNameServer, zone_text

key = keys.generate()
record = DkimRecord("goo.ne.jp", "sel", key.public.b64)
zone = zone_text("goo.ne.jp", 1, [
    "ns1 IN AAAA 2001:db8::53",                      # dual-stack: unroutable from here
    "@ IN NS ns2.goo.ne.jp.", "ns2 IN AAAA 2001:db8::54",  # IPv6 only: cannot be checked from here
    f"{record.name}. 300 IN TXT {quote_strings(record.strings)}",
])
with LocalNameServer({"goo.ne.jp": zone}) as named:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], named.port
    found_zone, servers = discover(record.name, named.port, 2.0, resolver)
    report = check(Check("goo.ne.jp", "sel", key.public, tuple(servers), timeout=1.0))
    dual = tuple(s for s in servers if s.host == "ns1.goo.ne.jp")
    only_dual = check(Check("goo.ne.jp", "sel", key.public, dual, timeout=1.0))
    print(json.dumps({
        "servers": sorted((s.host, s.address) for s in servers),
        "answers": sorted((a.host, a.outcome) for a in report.servers),
        "ok": report.ok, "summary": report.summary(),
        "dual_ok": only_dual.ok, "dual_summary": only_dual.summary(),
    }))
"""


def test_an_address_without_a_route_does_not_fail_its_server(tmp_path: Path) -> None:
    require_tool("named", "apt-get install bind9")
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if unshare is None or not Path(ip).exists() or os.geteuid() != 0:
        missing("needs root, unshare (util-linux) and ip (iproute2) to make a network namespace")
    script = tmp_path / "inside.py"
    script.write_text(INSIDE, encoding="utf-8")
    done = subprocess.run(
        [str(unshare), "-n", "sh", "-c", f'"{ip}" link set lo up && exec "{sys.executable}" "{script}"'],
        capture_output=True, text=True, check=False, env=dict(os.environ), timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["servers"] == [
        ["ns1.goo.ne.jp", "127.0.0.1"],
        ["ns1.goo.ne.jp", "2001:db8::53"],
        ["ns2.goo.ne.jp", "2001:db8::54"],
    ]
    assert seen["answers"] == [
        ["ns1.goo.ne.jp", "ok"],
        ["ns1.goo.ne.jp", "unreachable"],
        ["ns2.goo.ne.jp", "unreachable"],
    ]
    # ns2 has no address this host can reach: it cannot be called checked, so the whole check fails...
    assert (seen["ok"], seen["summary"]) == (False, "1/2 servers publish the key at sel._domainkey.goo.ne.jp")
    # ...while ns1, reached on IPv4, counts as checked despite its unroutable AAAA.
    assert (seen["dual_ok"], seen["dual_summary"]) == (True, "1/1 servers publish the key at sel._domainkey.goo.ne.jp")
