"""byodkim verify against real BIND servers: agreement, lag, a dead server, and the usual mistakes."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import dns.flags
import dns.message
import dns.query
import pytest

from byodkim.dkim import keyload, keys
from byodkim.dkim.record import DkimRecord, quote_strings, split_txt
from byodkim.dnscheck import judge
from byodkim.dnscheck import servers as servers_mod
from byodkim.local.dns import LocalNameServer, zone_text
from conftest import Cli, NameServerFactory, publish_record

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from byodkim.emulator import Emulator

SELECTOR = "gooid-21-pro-20250912-1"


@pytest.fixture(scope="module")
def key_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DkimRecord]:
    folder = tmp_path_factory.mktemp("verify")
    key = keys.generate()
    keys.write_key_files(folder, SELECTOR, key)
    return folder / f"{SELECTOR}.public.pem", DkimRecord("goo.ne.jp", SELECTOR, key.public.b64)


def _zone(serial: int, lines: list[str]) -> dict[str, str]:
    return {"goo.ne.jp": zone_text("goo.ne.jp", serial, lines)}


def _verify(
    cli: Cli, public: Path, *servers: LocalNameServer | str, extra: tuple[str, ...] = ()
) -> tuple[int, dict[str, object], str]:
    args = [
        "verify",
        "--domain",
        "goo.ne.jp",
        "--selector",
        SELECTOR,
        "--public-key-file",
        str(public),
        "--query-timeout",
        "1",
    ]
    for server in servers:
        args += ["--nameserver", server if isinstance(server, str) else server.spec]
    result = cli(*args, *extra, "--output", "json")
    return result.code, json.loads(result.out) if result.out.startswith("{") else {}, result.err


@pytest.fixture
def blackhole() -> Iterator[str]:
    """A UDP port that takes queries and never answers: a dead server, not a closed port."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{sink.getsockname()[1]}"


def test_two_servers_agree(cli: Cli, name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]) -> None:
    public, record = key_files
    zone = _zone(7, [record.zone_line()])
    code, data, _ = _verify(cli, public, name_server(zone), name_server(zone))
    assert code == 0
    assert data["ok"] is True
    servers = data["servers"]
    assert isinstance(servers, list)
    assert [(s["outcome"], s["serial"]) for s in servers] == [("ok", 7), ("ok", 7)]


def test_text_output(cli: Cli, name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]) -> None:
    public, record = key_files
    server = name_server(_zone(7, [record.zone_line()]))
    result = cli(
        "verify",
        "--domain",
        "goo.ne.jp",
        "--selector",
        SELECTOR,
        "--public-key-file",
        public,
        "--nameserver",
        server.spec,
    )
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == f"{record.name} (key {keyload.load_public_key(public).fingerprint})"
    assert lines[1].split()[:4] == [server.spec, "ok", "serial", "7"]
    assert lines[-1] == f"1/1 servers publish the key at {record.name}"


def test_one_lagging_and_one_dead(
    cli: Cli, name_server: NameServerFactory, key_files: tuple[Path, DkimRecord], blackhole: str
) -> None:
    public, record = key_files
    fresh = name_server(_zone(8, [record.zone_line()]))
    lagging = name_server(_zone(7, []))
    start = time.monotonic()
    code, data, _ = _verify(cli, public, fresh, lagging, blackhole)
    elapsed = time.monotonic() - start
    assert code == 1
    servers = data["servers"]
    assert isinstance(servers, list)
    assert [(s["outcome"], s["serial"]) for s in servers] == [("ok", 8), ("absent", 7), ("timeout", None)]
    hints = data["hints"]
    assert isinstance(hints, list)
    assert (
        hints[0]
        == "the record is on some servers but not others (SOA serials 7, 8): wait for zone transfer or ask the DNS team to sync"
    )
    assert elapsed < 1.9, f"a dead server must cost one timeout (1 s), took {elapsed:.2f} s"


@pytest.mark.parametrize(
    ("lines", "outcome", "detail"),
    [
        (["{name}. 60 IN TXT {other}"], "different key", "another key is published (sha256:"),
        (["{name}.goo.ne.jp. 60 IN TXT {value}"], "absent", "the record is published at the doubled name {name}.goo.ne.jp: the DNS console appended the zone again; enter only gooid-21-pro-20250912-1._domainkey as the host name"),
        (['{name}. 60 IN TXT "v=DKIM1; k=rsa; p="'], "revoked", "p= is empty: the key is revoked; publish the public key"),
        (["{name}. 60 IN TXT {cut}"], "malformed", "the key is cut short (237 of 392 characters): one string was truncated at 255"),
        (['{name}. 60 IN TXT "v=DKIM1; k=rsa; p=\\"{p}\\""'], "malformed", "quotes or backslashes inside p=: the strings were pasted with their quotes; paste only the value"),
        (['{name}. 60 IN TXT "k=rsa; v=DKIM1; p={p}"'], "malformed", "v=DKIM1 must be the first tag; receivers reject the record otherwise"),
        (['{name}. 60 IN TXT "v=DKIM1; k=ed25519; p={p}"'], "malformed", "k=ed25519, but p= is not an Ed25519 public key (294 bytes; RFC 8463 wants the base64 of 32); SES signs with RSA: use k=rsa with the registered key"),
        (['{name}. 60 IN TXT "v=DKIM1; k=ed25519; p=A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg="'], "different key", "an Ed25519 key is published (k=ed25519, sha256:"),
        (['{name}. 60 IN TXT "v=DKIM1; k=dsa; p={p}"'], "malformed", "k=dsa: receivers know only k=rsa and k=ed25519 (RFC 8463) and ignore this record; SES signs with RSA: use k=rsa"),
        (['{name}. 60 IN TXT "v=DKIM1; h=sha1; k=rsa; p={p}"'], "malformed", "h=sha1 does not allow sha256, which SES signs with"),
        (["{name}. 60 IN TXT {value}", "{name}. 60 IN TXT {other}"], "ambiguous", "2 DKIM records at the name, 1 with this key: receivers may pick the other; remove the stale one"),
        (['{name}. 60 IN TXT "google-site-verification=abc"', "{name}. 60 IN TXT {value}"], "ok", "matches"),
        (["{name}. 60 IN CNAME target.goo.ne.jp.", "target 60 IN TXT {value}"], "ok", "matches"),
    ],
)  # fmt: skip
def test_mistakes_are_named(
    cli: Cli,
    name_server: NameServerFactory,
    key_files: tuple[Path, DkimRecord],
    lines: list[str],
    outcome: str,
    detail: str,
) -> None:
    public, record = key_files
    other = DkimRecord("goo.ne.jp", SELECTOR, keys.generate(1024).public.b64)
    p = record.public_key_b64
    cut = quote_strings([record.value[:255]])  # the whole value cut at one string's limit
    values = {
        "name": record.name,
        "value": quote_strings(record.strings),
        "other": quote_strings(other.strings),
        "p": p,
        "cut": cut,
    }
    zone_lines = [line.format(**values) for line in lines]
    zone_lines = [_split_long(line) for line in zone_lines]
    code, data, err = _verify(cli, public, name_server(_zone(3, zone_lines)))
    servers = data["servers"]
    assert isinstance(servers, list), err
    assert servers[0]["outcome"] == outcome
    assert detail.format(**values) in servers[0]["detail"]
    assert code == (0 if outcome == "ok" else 1)


def _split_long(line: str) -> str:
    # A quoted string over 255 octets will not load; split the ones the cases wrote by hand.
    head, sep, rest = line.partition(' TXT "')
    if not sep or '" "' in rest or len(rest) < 256:
        return line
    return f"{head} TXT {quote_strings(split_txt(rest[:-1].replace(chr(92) + chr(34), chr(34))))}".replace(
        'p=""', 'p=\\"'
    ).replace('=" "', '=\\"" "')


def test_test_mode_warns_and_cname_is_named(
    cli: Cli, name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]
) -> None:
    public, record = key_files
    value = f"v=DKIM1; t=y; k=rsa; p={record.public_key_b64}"
    code, data, _ = _verify(
        cli, public, name_server(_zone(3, [f"{record.name}. 60 IN TXT {quote_strings(split_txt(value))}"]))
    )
    assert code == 0
    servers = data["servers"]
    assert isinstance(servers, list)
    assert servers[0]["warnings"] == [
        "t=y: test mode, receivers treat failures as if unsigned; remove it once verified"
    ]


def test_answer_that_needs_tcp(cli: Cli, name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]) -> None:
    public, record = key_files
    filler = [f'{record.name}. 60 IN TXT "note-{i} {"x" * 200}"' for i in range(6)]
    server = name_server(_zone(3, [record.zone_line(), *filler]))
    query = dns.message.make_query(f"{record.name}.", "TXT")
    udp = dns.query.udp(query, "127.0.0.1", port=server.port, timeout=2)
    assert udp.flags & dns.flags.TC, "the answer must not fit in 512 octets of UDP"
    code, data, _ = _verify(cli, public, server)
    assert code == 0
    servers = data["servers"]
    assert isinstance(servers, list)
    assert servers[0]["outcome"] == "ok"
    assert len(servers[0]["warnings"]) == 6


def _spawn_verify(
    public: Path, server: LocalNameServer, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    args = [
        sys.executable,
        "-m",
        "byodkim",
        "verify",
        "--domain",
        "goo.ne.jp",
        "--selector",
        SELECTOR,
        "--public-key-file",
        str(public),
    ]
    args += ["--nameserver", server.spec, "--query-timeout", "1", "--wait", "--interval", "0.2", *extra]
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env or dict(os.environ)
    )


def test_wait_succeeds_when_the_record_appears(
    name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]
) -> None:
    public, record = key_files
    server = name_server(_zone(3, []))
    process = _spawn_verify(public, server, "--timeout", "30s")
    assert process.stderr is not None
    # Publish only once verify has said it polled and found nothing: on a loaded machine Python can
    # take seconds to start, and a fixed sleep would publish before the first poll.
    first = process.stderr.readline()
    assert re.search(r"waiting \d+s: 0/1 servers publish the key", first), first
    assert process.poll() is None, "verify --wait returned before the record existed"
    publish_record(server, record.name, record.value)
    out, rest = process.communicate(timeout=30)
    err = first + rest
    assert process.returncode == 0, err
    assert "absent)" in err
    assert out.splitlines()[-1] == f"1/1 servers publish the key at {record.name}"


def test_wait_gives_up_with_exit_3(name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]) -> None:
    public, _ = key_files
    server = name_server(_zone(3, []))
    process = _spawn_verify(public, server, "--timeout", "1s")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 3
    assert (
        err.splitlines()[-1]
        == "error: gave up after 1s: 0/1 servers publish the key at gooid-21-pro-20250912-1._domainkey.goo.ne.jp; run it again to keep waiting"
    )


def test_wait_ses_follows_pending_to_success(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, key_files: tuple[Path, DkimRecord]
) -> None:
    public, record = key_files
    private = next(public.parent.glob("*.private.pem"))
    assert cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", private).code == 0
    publish_record(goo_dns, record.name, record.value)
    # SES reads DNS on its own schedule: here it has not looked yet (no servers), so it stays PENDING.
    process = _spawn_verify(public, goo_dns, "--ses", "--timeout", "60s")
    assert process.stderr is not None
    try:
        first = process.stderr.readline()
        # The seconds waited before the first line depend on how loaded the machine is.
        assert re.match(
            r"waiting \ds: 1/1 servers publish the key at gooid-21-pro-20250912-1\._domainkey\.goo\.ne\.jp \(", first
        )
        assert first.rstrip().endswith(" ok); SES ap-northeast-1 PENDING")
    except AssertionError:
        process.kill()
        process.communicate()
        raise
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "SES ap-northeast-1 SUCCESS" in err
    assert out.splitlines()[-1] == "SES ap-northeast-1: SUCCESS"


def test_wait_ses_stops_on_failed(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, key_files: tuple[Path, DkimRecord]
) -> None:
    public, record = key_files
    private = next(public.parent.glob("*.private.pem"))
    emulator.control("/_byodkim/config", {"dkim_window": 0.5})
    assert cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", private).code == 0
    publish_record(goo_dns, record.name, record.value)
    time.sleep(0.6)
    process = _spawn_verify(public, goo_dns, "--ses", "--timeout", "60s")
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert (
        "SES ap-northeast-1 gave up (FAILED): with the record live, run `byodkim register` again to restart verification"
        in out
    )


def _register_other_key(cli: Cli, tmp_path: Path) -> str:
    """Register a key other than ``key_files``'s for goo.ne.jp and SELECTOR; return its fingerprint."""
    other = keys.generate()
    keys.write_key_files(tmp_path, SELECTOR, other)
    private = tmp_path / f"{SELECTOR}.private.pem"
    assert cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", private).code == 0
    return other.public.fingerprint


def _ses_verify(cli: Cli, public: Path, server: LocalNameServer, *extra: str) -> tuple[int, str, str]:
    args = ["verify", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--public-key-file", str(public)]
    result = cli(*args, "--nameserver", server.spec, "--query-timeout", "1", "--ses", *extra)
    return result.code, result.out, result.err


def test_ses_holding_another_key_stops_the_wait_at_once(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, key_files: tuple[Path, DkimRecord], tmp_path: Path
) -> None:
    public, record = key_files
    held = _register_other_key(cli, tmp_path)
    publish_record(goo_dns, record.name, record.value)  # the record matches the key given, not SES's
    given = keyload.load_public_key(public).fingerprint
    started = time.monotonic()
    code, _, err = _ses_verify(cli, public, goo_dns, "--wait", "--interval", "0.2", "--timeout", "60s")
    assert time.monotonic() - started < 20  # at once, not at the timeout
    secret = f"byodkim/dkim/goo.ne.jp/{SELECTOR}"
    assert (code, err) == (
        1,
        (
            f"error: SES signs with the key in secret `{secret}` (key {held}), not the key given (key {given}): "
            f"SES will not verify this record; publish the record of the secret's key, then check it with "
            f"--secret-id `{secret}` in place of the key file\n"
        ),
    )
    calls = [c["operation"] for c in emulator.control("/_byodkim/calls")["calls"] if c["service"] == "secretsmanager"]
    assert "GetSecretValue" not in calls[calls.index("DescribeSecret") :]  # verify read the description only
    ja = _ses_verify(cli, public, goo_dns, "--lang", "ja")
    assert ja[0] == 1
    assert f"SES が署名に使うのはシークレット `{secret}` の鍵 (鍵 {held})" in ja[2]


def test_ses_holding_the_same_key_is_no_finding(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, key_files: tuple[Path, DkimRecord]
) -> None:
    public, record = key_files
    private = next(public.parent.glob("*.private.pem"))
    assert cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", private).code == 0
    publish_record(goo_dns, record.name, record.value)
    code, out, err = _ses_verify(cli, public, goo_dns)
    assert (code, err) == (1, "")  # SES has not looked yet: PENDING, and nothing more
    assert out.splitlines()[-1] == "SES ap-northeast-1: PENDING"


def test_ses_without_a_secret_is_no_finding(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, key_files: tuple[Path, DkimRecord], tmp_path: Path
) -> None:
    import boto3

    public, record = key_files
    _register_other_key(cli, tmp_path)
    secrets = boto3.client("secretsmanager", region_name="ap-northeast-1")
    secrets.delete_secret(SecretId=f"byodkim/dkim/goo.ne.jp/{SELECTOR}", ForceDeleteWithoutRecovery=True)
    publish_record(goo_dns, record.name, record.value)
    code, out, err = _ses_verify(cli, public, goo_dns)
    assert (code, err) == (1, "")  # the key is kept elsewhere: nothing to compare with, SES's own word only
    assert out.splitlines()[-1] == "SES ap-northeast-1: PENDING"


def test_ses_with_describe_secret_denied_is_the_usual_line(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, key_files: tuple[Path, DkimRecord], tmp_path: Path
) -> None:
    public, record = key_files
    _register_other_key(cli, tmp_path)
    publish_record(goo_dns, record.name, record.value)
    fault = {"service": "secretsmanager", "operation": "DescribeSecret", "kind": "error"}
    emulator.control("/_byodkim/faults", {"faults": [{**fault, "code": "AccessDeniedException", "count": -1}]})
    code, _, err = _ses_verify(cli, public, goo_dns)
    assert (code, err) == (
        1,
        "error: AWS denied DescribeSecret (AccessDeniedException); grant the caller this action, or use a profile that has it\n",
    )


USAGE = [
    (["--nameserver", "127.0.0.1:99999"], "error: Invalid value for '--nameserver': name server `127.0.0.1:99999` has a bad port; give HOST or HOST:PORT, e.g. 192.0.2.53:53 (see 'byodkim verify --help')"),
    (["--nameserver", ":53"], "error: Invalid value for '--nameserver': name server `:53` has no host; give HOST or HOST:PORT, e.g. 192.0.2.53:53 (see 'byodkim verify --help')"),
    (["--nameserver", "127.0.0.1", "--wait", "--timeout", "soon"], "error: Invalid value for '--timeout': `soon` is not a duration; use e.g. 72h, 30m, 1h30m or 90s (see 'byodkim verify --help')"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), USAGE)
def test_bad_usage_exits_2(cli: Cli, key_files: tuple[Path, DkimRecord], args: list[str], message: str) -> None:
    public, _ = key_files
    result = cli("verify", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--public-key-file", public, *args)
    assert (result.code, result.err) == (2, message + "\n")


def test_durations() -> None:
    from byodkim.dnscheck.wait import parse_duration

    assert [parse_duration(x) for x in ("72h", "30m", "1h30m", "90s", "12", "0.5")] == [259200, 1800, 5400, 90, 12, 0.5]


def test_servfail_and_refused_are_named(
    cli: Cli, name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]
) -> None:
    public, record = key_files
    # goo.ne.jp fails to load (no SOA): BIND answers SERVFAIL for it; example.org keeps the server up.
    broken = name_server({"example.org": zone_text("example.org", 1), "goo.ne.jp": f"{record.zone_line()}\n"})
    elsewhere = name_server({"example.org": zone_text("example.org", 1)})  # not authoritative: REFUSED
    code, data, _ = _verify(cli, public, broken, elsewhere)
    assert code == 1
    servers = data["servers"]
    assert isinstance(servers, list)
    assert [(s["outcome"], s["detail"]) for s in servers] == [
        ("SERVFAIL", "the server failed (zone not loaded?)"),
        ("refused", "the server refused: it is not authoritative for this zone"),
    ]


def test_discovery_finds_the_zone_and_every_authoritative_server(
    name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]
) -> None:
    import dns.resolver

    from byodkim.dnscheck import check as verify

    _, record = key_files
    # Two name servers for the zone, both on 127.0.0.x addresses; the resolver asks the first.
    lines = ["@ IN NS ns2.goo.ne.jp.", "ns2 IN A 127.0.0.2", record.zone_line()]
    first = name_server(_zone(9, lines))
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = first.port
    zone, servers = servers_mod.discover(record.name, port=first.port, timeout=2, resolver=resolver)
    assert zone == "goo.ne.jp"
    assert [(s.label, s.address, s.port) for s in servers] == [
        ("ns1.goo.ne.jp (127.0.0.1)", "127.0.0.1", first.port),
        ("ns2.goo.ne.jp (127.0.0.2)", "127.0.0.2", first.port),
    ]
    report = verify.check(
        judge.Check("goo.ne.jp", SELECTOR, keyload.load_public_key(key_files[0]), tuple(servers[:1]), timeout=1)
    )
    assert report.ok  # the discovered server answers for the record (ns2's address is not served here)


def test_discovery_failure_is_one_line(name_server: NameServerFactory) -> None:
    import dns.resolver

    from byodkim.errors import InputError

    other = name_server({"example.org": zone_text("example.org", 1)})
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = other.port
    with pytest.raises(
        InputError,
        match=r"cannot find the zone or name servers of `s1._domainkey.goo.ne.jp`: .*; check the domain, or give the name servers",  # plain words: the CLI says --nameserver
    ):
        servers_mod.discover("s1._domainkey.goo.ne.jp", timeout=1, resolver=resolver)


@pytest.mark.parametrize("form", ["pkcs1", "pkcs8"])
def test_a_private_key_in_p_is_its_own_verdict(
    cli: Cli, name_server: NameServerFactory, key_files: tuple[Path, DkimRecord], form: str
) -> None:
    """The worst publishing mistake: p= holds the private key. Compromised, never "matches"."""
    import base64

    from cryptography.hazmat.primitives import serialization

    public = key_files[0]
    leaked = keys.generate()
    fmt = serialization.PrivateFormat.PKCS8 if form == "pkcs8" else serialization.PrivateFormat.TraditionalOpenSSL
    der = leaked.private_key.private_bytes(serialization.Encoding.DER, fmt, serialization.NoEncryption())
    body = base64.b64encode(der).decode()
    published = DkimRecord("goo.ne.jp", SELECTOR, body)
    # The same key's public half is what verify expects: a checker that derived it from p= would say "ok".
    keys.write_key_files(public.parent / form, SELECTOR, leaked)
    expected = public.parent / form / f"{SELECTOR}.public.pem"
    server = name_server(_zone(5, [published.zone_line()]))
    code, data, err = _verify(cli, expected, server)
    servers = data["servers"]
    assert isinstance(servers, list), err
    assert code == 1
    assert servers[0]["outcome"] == judge.PRIVATE == "private key published"
    assert "compromised" in servers[0]["detail"]
    assert "new selector" in servers[0]["detail"]
    text = cli("verify", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--public-key-file", expected,
               "--nameserver", server.spec)  # fmt: skip
    assert text.code == 1
    assert "PRIVATE key" in text.out + text.err
    for shown in (json.dumps(data), err, text.out, text.err):
        assert body[:40] not in shown
        assert body[-40:] not in shown


def test_wait_stops_at_once_on_another_key_unless_told_to_wait_through(
    name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]
) -> None:
    public, record = key_files
    other = DkimRecord("goo.ne.jp", SELECTOR, keys.generate().public.b64)
    server = name_server(_zone(3, [other.zone_line()]))
    started = time.monotonic()
    process = _spawn_verify(public, server, "--timeout", "30s")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert time.monotonic() - started < 10
    assert f"({server.spec} different key)" in err  # the wait line names each server's verdict
    assert err.splitlines()[-1].startswith(
        f"error: stopped waiting: {server.spec} publishes different key (another key"
    )
    assert "or pass --wait-through-mistakes while they replace it" in err
    # While the DNS team replaces it, --wait-through-mistakes keeps waiting, and ends when the right key is live.
    process = _spawn_verify(public, server, "--timeout", "30s", "--wait-through-mistakes")
    time.sleep(1.0)
    assert process.poll() is None
    server.update("goo.ne.jp", delete=[record.name], add=[(record.name, 60, "TXT", [quote_strings(record.strings)])])
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.splitlines()[-1] == f"1/1 servers publish the key at {record.name}"


def test_the_live_line_on_a_terminal_acts_and_is_not_shown_as_escapes(
    name_server: NameServerFactory, key_files: tuple[Path, DkimRecord]
) -> None:
    """On a terminal the waiting line is rich's: its own cursor and colour sequences act (real ESC), while
    everything else the CLI prints passes the filter that shows control characters as escapes."""
    import pty

    public, _ = key_files
    server = name_server(_zone(3, []))
    leader, follower = pty.openpty()
    args = [sys.executable, "-m", "byodkim", "verify", "--domain", "goo.ne.jp", "--selector", SELECTOR,
            "--public-key-file", str(public), "--nameserver", server.spec, "--query-timeout", "1", "--wait",
            "--interval", "0.2", "--timeout", "2s"]  # fmt: skip
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=30)
    os.close(leader)
    said = seen.decode("utf-8", "replace")
    assert process.returncode == 3, said
    assert "0/1 servers publish the key" in said
    assert "\x1b[" in said  # rich drew and cleared its line
    assert "\\x1b" not in said, said  # not shown as text
