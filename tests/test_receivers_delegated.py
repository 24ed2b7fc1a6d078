"""A delegated selector: the domain's servers hold a CNAME, the TXT lives on the provider's own servers.

Two real BIND servers. The domain's (127.0.0.1) serves goo.ne.jp, whose selector is a CNAME into
dkim.provider.test, and the parent zone provider.test, which delegates dkim.provider.test to
ns1.dkim.provider.test (glue 127.0.0.2). The provider's server (127.0.0.2, same port) is the only
one holding the TXT: it is reachable only through that referral, as a resolver reaches it.
byodkim's reading and the receiver's (dkimpy, handed the record as DNS served it) must agree.

BIND listens only on an interface's own addresses, so the servers run in a network namespace
(``unshare -n``) whose loopback also carries 127.0.0.2 and 127.0.0.3, and a mount namespace
(``-m``) where /etc/resolv.conf names 127.0.0.3; the host's network and files are left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import missing, require_tool

INSIDE = r"""
import contextlib, io, json, sys, tempfile
from pathlib import Path
from byodkim.cli import run
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord, quote_strings
from byodkim.dnscheck.check import check
from byodkim.dnscheck.judge import Check
from byodkim.dnscheck.servers import Server
from byodkim.local.dns import LocalNameServer, zone_text

key = keys.generate()
record = DkimRecord("goo.ne.jp", "s1", key.public.b64)
out = {}
with tempfile.TemporaryDirectory() as folder:
    files = keys.write_key_files(Path(folder), "s1", key)
    domain = LocalNameServer({
        "goo.ne.jp": zone_text("goo.ne.jp", 1, [f"{record.name}. CNAME s1.dkim.provider.test."]),
        "provider.test": zone_text("provider.test", 1, ["dkim NS ns1.dkim.provider.test.", "ns1.dkim IN A 127.0.0.2"]),
    }).start()
    provider = LocalNameServer(
        {"dkim.provider.test": zone_text("dkim.provider.test", 1, [f"s1 TXT {quote_strings(record.strings)}"])},
        port=domain.port, host="127.0.0.2",
    ).start()
    try:
        target = Server(domain.spec, "127.0.0.1", domain.port)
        answer = check(Check("goo.ne.jp", "s1", key.public, (target,), timeout=1.0, signing=key)).servers[0]
        out["check"] = [answer.outcome, answer.receiver, answer.hops, answer.warnings]
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            code = run(["verify", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", str(files.private),
                        "--nameserver", domain.spec, "--query-timeout", "1"])
        out["verify"] = [code, text.getvalue()]
        provider.update("dkim.provider.test", delete=["s1.dkim.provider.test."])
        answer = check(Check("goo.ne.jp", "s1", key.public, (target,), timeout=1.0, signing=key)).servers[0]
        out["gone"] = [answer.outcome, answer.receiver, answer.warnings]
        out["spec"] = domain.spec
    finally:
        provider.stop()
        domain.stop()

# Found through DNS: the domain's server knows nothing of the target's zone (it refuses), so the
# target's zone and servers come from the system resolver (/etc/resolv.conf, bound in this
# namespace to 127.0.0.3, where the provider's server listens on port 53).
other = DkimRecord("goo.ne.jp", "s2", key.public.b64)
domain = LocalNameServer({"goo.ne.jp": zone_text("goo.ne.jp", 1, [f"{other.name}. CNAME s2.dkim.other.test."])}).start()
provider = LocalNameServer(
    {"dkim.other.test": "\n".join([
        "$TTL 300", "@ IN SOA ns1 hostmaster ( 1 3600 600 86400 60 )", "@ IN NS ns1", "ns1 IN A 127.0.0.3",
        f"s2 TXT {quote_strings(other.strings)}",
    ]) + "\n"},
    port=53, host="127.0.0.3",
).start()
try:
    target = Server(domain.spec, "127.0.0.1", domain.port)
    answer = check(Check("goo.ne.jp", "s2", key.public, (target,), timeout=1.0, signing=key)).servers[0]
    out["discovered"] = [answer.outcome, answer.receiver, answer.hops, answer.detail]
finally:
    provider.stop()
    domain.stop()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_tool("named", "apt-get install bind9")
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if unshare is None or not Path(ip).exists() or os.geteuid() != 0:
        missing("needs root, unshare (util-linux) and ip (iproute2) to make a network namespace")
    script = tmp_path_factory.mktemp("delegated") / "inside.py"
    script.write_text(INSIDE, encoding="utf-8")
    resolv = script.parent / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.3\n", encoding="ascii")
    setup = (
        f'"{ip}" link set lo up && "{ip}" addr add 127.0.0.2/8 dev lo && "{ip}" addr add 127.0.0.3/8 dev lo'
        f' && mount --bind "{resolv}" /etc/resolv.conf'
    )
    done = subprocess.run(
        [unshare, "-n", "-m", "sh", "-c", f'{setup} && exec "{sys.executable}" "{script}"'],
        capture_output=True, text=True, check=False, env=dict(os.environ), timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


TARGET = "s1.dkim.provider.test"


def test_the_receiver_and_byodkim_agree_on_a_delegated_selector(seen: dict[str, Any]) -> None:
    outcome, verdict, hops, warnings = seen["check"]
    assert (outcome, verdict) == ("ok", "pass"), warnings
    assert not [w for w in warnings if "disagree" in w]
    assert hops == [
        f"{TARGET}: referred by {seen['spec']} to ns1.dkim.provider.test (127.0.0.2)",
        f"{TARGET}: TXT from ns1.dkim.provider.test (127.0.0.2)",
    ]


def test_verify_shows_each_hop_and_exits_0(seen: dict[str, Any]) -> None:
    code, out = seen["verify"]
    assert code == 0, out
    assert "receiver (dkimpy, a message signed with the key): pass" in out
    assert (
        f"warning: s1._domainkey.goo.ne.jp is a CNAME to {TARGET}; receivers follow it: "
        f"{TARGET}: referred by {seen['spec']} to ns1.dkim.provider.test (127.0.0.2); "
        f"{TARGET}: TXT from ns1.dkim.provider.test (127.0.0.2)"
    ) in out
    assert "disagree" not in out
    assert out.splitlines()[-1] == "1/1 servers publish the key at s1._domainkey.goo.ne.jp"


def test_the_provider_without_the_record_is_absent_for_both(seen: dict[str, Any]) -> None:
    outcome, verdict, warnings = seen["gone"]
    assert outcome == "absent"
    assert verdict == "fail: missing public key: b's1._domainkey.goo.ne.jp.'"
    assert not [w for w in warnings if "disagree" in w]


def test_the_target_zone_found_through_dns_when_the_domains_server_refuses_it(seen: dict[str, Any]) -> None:
    outcome, verdict, hops, detail = seen["discovered"]
    assert (outcome, verdict) == ("ok", "pass"), detail
    assert hops == [
        "s2.dkim.other.test: zone dkim.other.test found through DNS, servers ns1.dkim.other.test (127.0.0.3)",
        "s2.dkim.other.test: TXT from ns1.dkim.other.test (127.0.0.3)",
    ]
