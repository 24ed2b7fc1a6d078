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
from typing import Any

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


def _inside_a_namespace(tmp_path: Path, script_text: str) -> dict[str, Any]:
    """Run ``script_text`` in a network namespace with only a loopback interface; return its JSON line."""
    require_tool("named", "apt-get install bind9")
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if unshare is None or not Path(ip).exists() or os.geteuid() != 0:
        missing("needs root, unshare (util-linux) and ip (iproute2) to make a network namespace")
    script = tmp_path / "inside.py"
    script.write_text(script_text, encoding="utf-8")
    done = subprocess.run(
        [str(unshare), "-n", "sh", "-c", f'"{ip}" link set lo up && exec "{sys.executable}" "{script}"'],
        capture_output=True, text=True, check=False, env=dict(os.environ), timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


def test_an_address_without_a_route_does_not_fail_its_server(tmp_path: Path) -> None:
    seen = _inside_a_namespace(tmp_path, INSIDE)
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
    assert (seen["ok"], seen["summary"]) == (
        False,
        (
            "1/2 servers publish the key at sel._domainkey.goo.ne.jp: ns2.goo.ne.jp has only IPv6 addresses and this "
            "host has no IPv6 route; a Lambda outside a VPC cannot check them (check from a host with an IPv6 route, "
            "or run the Lambda in a dual-stack VPC)"
        ),
    )
    # ...while ns1, reached on IPv4, counts as checked despite its unroutable AAAA.
    assert (seen["dual_ok"], seen["dual_summary"]) == (True, "1/1 servers publish the key at sel._domainkey.goo.ne.jp")


IPV6_ONLY = """
import contextlib, io, json, sys, tempfile, time
from pathlib import Path
import dns.resolver
from byodkim.cli import run
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord, quote_strings
from byodkim.dnscheck.check import check
from byodkim.dnscheck.judge import Check
from byodkim.dnscheck.servers import discover
from byodkim.local.dns import LocalNameServer
from types import SimpleNamespace
from byodkim.workflows.domaincheck import _dkim_requirement
from byodkim.function.health import dns_condition

key = keys.generate()
record = DkimRecord("goo.ne.jp", "sel", key.public.b64)
zone = "\\n".join([
    "$TTL 300",
    "@ IN SOA ns1.goo.ne.jp. hostmaster.goo.ne.jp. ( 1 3600 600 86400 60 )",
    "@ IN NS ns1.goo.ne.jp.", "@ IN NS ns2.goo.ne.jp.",
    "ns1 IN AAAA 2001:db8::53", "ns2 IN AAAA 2001:db8::54",
    f"{record.name}. 300 IN TXT {quote_strings(record.strings)}",
]) + "\\n"
out = {}

def cli(*args):
    text, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(text), contextlib.redirect_stderr(err):
        code = run(list(args))
    return [code, text.getvalue(), err.getvalue(), time.monotonic() - start]

with LocalNameServer({"goo.ne.jp": zone}) as named, tempfile.TemporaryDirectory() as folder:
    files = keys.write_key_files(Path(folder), "sel", key)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], named.port
    _zone, servers = discover(record.name, 53, 2.0, resolver)
    report = check(Check("goo.ne.jp", "sel", key.public, tuple(servers), timeout=1.0))
    out["check"] = [report.ok, report.answered, report.summary(), [a.detail for a in report.servers]]
    out["health"] = list(dns_condition(report))
    need = _dkim_requirement(SimpleNamespace(dkim_aligned=False, dkim=report), report.summary())
    out["check-domain"] = [need.state, need.fix]
    given = ["--nameserver", "[2001:db8::53]:53", "--nameserver", "[2001:db8::54]:53"]
    base = ["verify", "--domain", "goo.ne.jp", "--selector", "sel", "--public-key-file", str(files.public),
            "--query-timeout", "1", *given]
    out["verify"] = cli(*base)
    out["wait"] = cli(*base, "--wait", "--timeout", "72h")
print(json.dumps(out))
"""

SENTENCE = (
    "the zone's servers have only IPv6 addresses and this host has no IPv6 route; a Lambda outside a VPC "
    "cannot check them (check from a host with an IPv6 route, or run the Lambda in a dual-stack VPC)"
)


def test_a_zone_only_on_ipv6_is_named_as_unroutable_not_unpublished(tmp_path: Path) -> None:
    seen = _inside_a_namespace(tmp_path, IPV6_ONLY)
    ok, answered, summary, details = seen["check"]
    assert (ok, answered) == (False, False)  # not checked: never a pass, and phase 7 raises instead of waiting
    assert summary == f"0/2 servers publish the key at sel._domainkey.goo.ne.jp: {SENTENCE}"
    assert details == ["no IPv6 route from this host to this address (another address of the server may do)"] * 2
    assert seen["health"] == ["record not confirmed", summary]  # the health check's one finding, no activation
    code, out, _err, _took = seen["verify"]
    assert code == 1
    assert out.splitlines()[-1] == summary
    assert "publish" not in out.replace("servers publish the key", "")
    assert seen["check-domain"] == ["not met", SENTENCE]  # check-domain: the same sentence, not "publish"
    code, out, err, took = seen["wait"]
    assert (code, took < 15) == (1, True), (err, took)  # at once, not after 72 hours
    assert f"stopped waiting: 0/2 servers publish the key at sel._domainkey.goo.ne.jp: {SENTENCE}" in err
