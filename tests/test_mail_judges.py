"""Today's DKIM rules in check-mail, and three judges of every message: byodkim, dkimpy alone, Mail::DKIM.

Ed25519 (RFC 8463) is verified beside RSA; rsa-sha1 and keys under 1024 bits are refused (RFC
8301). Each message is signed here by dkimpy (Ed25519 through pynacl, a 768-bit key made by
OpenSSL), its records served by one real BIND, and judged by `check-mail`, by dkimpy with a plain
resolver and nothing of byodkim's, and by Perl's Mail::DKIM (tests/judges/mail_dkim_verify.pl),
which shares no code with dkimpy; and, per message, by OpenDKIM's verifier (the only one of them
besides dkimpy that knows Ed25519 here). Where they disagree the case and the accepted reason are named
(DISAGREE); the table of verdicts is the one in docs/check-mail.md (BYODKIM_WRITE_TABLES=1 rewrites it).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dkim
import dns.exception
import dns.resolver
import nacl.signing
import pytest
from cryptography.hazmat.primitives import serialization

from agreement import UNSUPPORTED, mail_dkim, matches_docs
from byodkim.dkim import keys
from byodkim.dkim.record import quote_strings
from byodkim.dnscheck import receiver
from byodkim.local.dns import zone_text
from conftest import missing, require_tool

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.local.dns import LocalNameServer
    from conftest import Cli, NameServerFactory

RSA = keys.generate()
ED = nacl.signing.SigningKey(bytes(range(32)))  # fixed: the table in the docs does not depend on it
ED_PRIVATE = base64.b64encode(bytes(ED))
ED_PUBLIC = base64.b64encode(bytes(ED.verify_key)).decode()
DOCS = Path(__file__).parent.parent / "docs" / "check-mail.md"
TABLE_START, TABLE_END = "<!-- mail-judges:start -->", "<!-- mail-judges:end -->"


def _txt(value: str) -> str:
    return quote_strings([value[i : i + 255] for i in range(0, len(value), 255)])


@pytest.fixture(scope="module")
def small_key(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Return a 768-bit RSA key (PKCS#1 PEM): cryptography refuses to make one, OpenSSL still does."""
    openssl = require_tool("openssl", "apt-get install openssl")
    path = tmp_path_factory.mktemp("small") / "small.pem"
    subprocess.run([openssl, "genrsa", "-traditional", "-out", str(path), "768"], check=True, capture_output=True)
    return path.read_bytes()


@pytest.fixture
def dns_server(name_server: NameServerFactory, small_key: bytes) -> LocalNameServer:
    small = serialization.load_pem_private_key(small_key, None).public_key()
    small_b64 = base64.b64encode(
        small.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ).decode()
    lines = [
        f"sel._domainkey TXT {_txt(f'v=DKIM1; k=rsa; p={RSA.public.b64}')}",
        f"ed._domainkey TXT {_txt(f'v=DKIM1; k=ed25519; p={ED_PUBLIC}')}",
        f"small._domainkey TXT {_txt(f'v=DKIM1; k=rsa; p={small_b64}')}",
        # The case: h= without sha256, spaces around '=' (legal): receivers ignore the key.
        f"hsha1._domainkey TXT {_txt(f'v = DKIM1; h = md5 : sha1; k = rsa; p = {RSA.public.b64}')}",
    ]
    return name_server({"goo.ne.jp": zone_text("goo.ne.jp", 1, lines)})


MESSAGE = (
    b"From: news <news@goo.ne.jp>\r\nTo: someone@example.net\r\nSubject: judged\r\n"
    b"Date: Sat, 28 Nov 2026 00:00:00 +0000\r\nMessage-ID: <judged@goo.ne.jp>\r\n\r\nThe body.\r\n"
)


def _sign(message: bytes, selector: str, key: bytes, algorithm: str = "rsa-sha256") -> bytes:
    header = dkim.sign(
        message, selector.encode(), b"goo.ne.jp", key, canonicalize=(b"relaxed", b"relaxed"),
        include_headers=receiver.SIGNED_HEADERS, signature_algorithm=algorithm.encode(),
    )  # fmt: skip
    return bytes(header) + message


def _ed(message: bytes) -> bytes:
    return _sign(message, "ed", ED_PRIVATE, "ed25519-sha256")


def _rsa(message: bytes, algorithm: str = "rsa-sha256") -> bytes:
    return _sign(message, "sel", RSA.pkcs1_pem(), algorithm)


def _b_changed(message: bytes, algorithm: str, change: Callable[[str], str]) -> bytes:
    """Return the message with the b= of its ``algorithm`` signature changed (the body left as signed)."""

    def edit(found: re.Match[bytes]) -> bytes:
        value = re.sub(rb"\s+", b"", found.group(2)).decode()
        return found.group(1) + change(value).encode()

    pattern = rb"(a=" + algorithm.encode() + rb";.*?\bb=)([A-Za-z0-9+/=\s]+?)(?=\r\n[^ \t]|$)"
    return re.sub(pattern, edit, message, count=1, flags=re.DOTALL)


def _flip(value: str) -> str:
    return ("B" if value[0] == "A" else "A") + value[1:]


# name: (the message, check-mail's exit code, the start of byodkim's verdict on each signature in header order)
def _messages(small_key: bytes) -> dict[str, tuple[bytes, int, list[str]]]:
    both = _rsa(_ed(MESSAGE))
    return {
        "rsa-sha256": (_rsa(MESSAGE), 0, ["pass"]),
        "ed25519-sha256 and rsa-sha256": (both, 0, ["pass", "pass"]),
        "ed25519-sha256 alone": (_ed(MESSAGE), 0, ["pass"]),
        "ed25519 b= altered (and rsa-sha256)": (
            _b_changed(both, "ed25519-sha256", _flip),
            0,
            ["pass", "fail: the Ed25519 signature (b=) does not verify with the k=ed25519 key (RFC 8463)"],
        ),
        "ed25519 b= altered, alone": (
            _b_changed(_ed(MESSAGE), "ed25519-sha256", _flip),
            1,
            ["fail: the Ed25519 signature (b=) does not verify with the k=ed25519 key (RFC 8463)"],
        ),
        "ed25519 b= cut short": (
            _b_changed(_ed(MESSAGE), "ed25519-sha256", lambda v: v[:40]),
            1,
            ["fail: the Ed25519 signature is malformed (The signature must be exactly 64 bytes long)"],
        ),
        "ed25519 body changed": (_ed(MESSAGE).replace(b"The body.", b"THE body."), 1, ["fail: body hash mismatch"]),
        "ed25519 signature, k=rsa record": (
            _sign(MESSAGE, "sel", ED_PRIVATE, "ed25519-sha256"),
            1,
            ["fail: the Ed25519 signature (b=) does not verify with the k=ed25519 key (RFC 8463)"],
        ),
        "rsa-sha1 alone": (_rsa(MESSAGE, "rsa-sha1"), 1, [f"fail: {receiver.RSA_SHA1}"]),
        "rsa-sha1 and rsa-sha256": (_rsa(_rsa(MESSAGE, "rsa-sha1")), 0, ["pass", f"fail: {receiver.RSA_SHA1}"]),
        "768-bit key": (
            _sign(MESSAGE, "small", small_key),
            1,
            ["fail: the key is 768 bits: RFC 8301 forbids keys under 1024 bits (verifiers must not accept them)"],
        ),
        "key record h=md5:sha1, rsa-sha256": (
            _sign(MESSAGE, "hsha1", RSA.pkcs1_pem()),
            1,
            ["fail: the key record's h=md5 : sha1 does not allow sha256 (RFC 6376 6.1.2: receivers ignore the key)"],
        ),
        "rsa-sha256 body changed": (_rsa(MESSAGE).replace(b"The body.", b"THE body."), 1, ["fail: body hash mismatch"]),
    }


# Where a judge differs from byodkim, and why that is accepted: (message, judge) -> reason.
DISAGREE = {
    ("rsa-sha1 alone", "dkimpy alone"): "dkimpy still verifies rsa-sha1; byodkim applies RFC 8301 beside it",
    ("rsa-sha1 alone", "Mail::DKIM"): "Mail::DKIM 1.20230212 still verifies rsa-sha1 (RFC 8301 says it must not)",
    ("rsa-sha1 and rsa-sha256", "dkimpy alone"): "dkimpy still verifies rsa-sha1; byodkim applies RFC 8301",
    ("rsa-sha1 and rsa-sha256", "Mail::DKIM"): "Mail::DKIM still verifies rsa-sha1 (RFC 8301 says it must not)",
    ("key record h=md5:sha1, rsa-sha256", "dkimpy alone"): "dkimpy omits RFC 6376 6.1.2's h= rule",
    ("768-bit key", "Mail::DKIM"): "Mail::DKIM accepts keys under 1024 bits (RFC 8301 says verifiers must not)",
}
# Mail::DKIM 1.20230212 (Debian 12's libmail-dkim-perl) has no ed25519-sha256 and says "invalid
# (unsupported algorithm ed25519-sha256)": no verdict, so such a signature is not compared. Its
# Ed25519 signatures are judged by byodkim and dkimpy alone only (one library underneath).
ED25519_UNJUDGED = {
    "ed25519-sha256 and rsa-sha256",
    "ed25519-sha256 alone",
    "ed25519 b= altered (and rsa-sha256)",
    "ed25519 b= altered, alone",
    "ed25519 b= cut short",
    "ed25519 body changed",
    "ed25519 signature, k=rsa record",
}


def _byodkim(cli: Cli, tmp_path: Path, message: bytes, server: LocalNameServer) -> tuple[int, list[str]]:
    path = tmp_path / "message.eml"
    path.write_bytes(message)
    result = cli("check-mail", str(path), "--nameserver", server.spec, "--timeout", "1")
    states = re.findall(r"^DKIM d=\S+ s=\S+ a=\S+: (pass|fail \(.*\)); ", result.out, flags=re.MULTILINE)
    return result.code, [s if s == "pass" else "fail: " + s[len("fail (") : -1] for s in states]


def _dkimpy_alone(message: bytes, server: LocalNameServer) -> list[str]:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], server.port

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
        try:
            return b"".join(next(iter(resolver.resolve(name.decode(), "TXT", lifetime=2.0))).strings)
        except dns.exception.DNSException:
            return None

    count = len(re.findall(rb"^DKIM-Signature:", message, flags=re.MULTILINE | re.IGNORECASE))
    found = []
    for index in range(count):
        try:
            ok = dkim.DKIM(message, minkey=1024).verify(idx=index, dnsfunc=dnsfunc)
        except (dkim.DKIMException, ValueError):
            ok = False
        found.append("pass" if ok else "fail")
    return found


def _mail_dkim(message: bytes, server: LocalNameServer) -> list[str]:
    return mail_dkim(message, server.port)


def _differs(ours: list[str], theirs: list[str]) -> bool:
    """Return whether a judge's verdicts differ from byodkim's, on the signatures it could judge."""
    return len(ours) != len(theirs) or any(t not in (o, UNSUPPORTED) for o, t in zip(ours, theirs, strict=True))


def test_three_judges_of_every_message(cli: Cli, tmp_path: Path, dns_server: LocalNameServer, small_key: bytes) -> None:
    rows = []
    wrong = {}
    differ: dict[tuple[str, str], object] = {}
    for name, (message, code, expected) in _messages(small_key).items():
        got_code, got = _byodkim(cli, tmp_path, message, dns_server)
        # dkimpy's body hash reason goes on with both hashes: the expected words are its start.
        if got_code != code or len(got) != len(expected) or not all(map(str.startswith, got, expected)):
            wrong[name] = (got_code, got)
        ours = [v.split(":")[0] for v in got]
        judges = {"dkimpy alone": _dkimpy_alone(message, dns_server), "Mail::DKIM": _mail_dkim(message, dns_server)}
        for judge_name, verdicts in judges.items():
            if _differs(ours, verdicts) != ((name, judge_name) in DISAGREE):
                differ[name, judge_name] = (ours, verdicts)
        if (UNSUPPORTED in judges["Mail::DKIM"]) != (name in ED25519_UNJUDGED):
            differ[name, "Mail::DKIM unsupported"] = judges["Mail::DKIM"]  # a newer Mail::DKIM: update the table
        cells = [" / ".join(v) for v in (ours, *judges.values())]
        rows.append(f"| {name} | {got_code} | {' | '.join(cells)} |")
    assert not wrong, wrong
    assert not differ, differ  # a disagreement not named in DISAGREE, or one named that no longer happens
    notes = [f"- {name}, {judge_name}: {why}" for (name, judge_name), why in DISAGREE.items()]
    table = "\n".join(
        [
            TABLE_START,
            "| message (signatures in header order) | check-mail exit | byodkim | dkimpy alone | Mail::DKIM |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "Where a judge differs from byodkim, and why:",
            "",
            *notes,
            f"- every ed25519-sha256 signature, Mail::DKIM: {UNSUPPORTED} (Mail::DKIM 1.20230212 has no ed25519-sha256;",
            "  not a verdict, not compared)",
            TABLE_END,
        ]
    )
    matches_docs(DOCS, table)


# OpenDKIM's verifier (libopendkim 2.11, through opendkim-testmsg) verifies Ed25519, which
# Mail::DKIM 1.20230212 cannot. It asks the resolver of /etc/resolv.conf on port 53 only, so it
# runs in a network and mount namespace (as tests/test_receivers_delegated.py does) where BIND
# listens on 127.0.0.3:53 and resolv.conf names it; the host's network and files are left alone.
# It gives one verdict per message (exit 0: a signature verified), no verdict per signature.
INSIDE = """
import json, pathlib, subprocess, sys
from byodkim.local.dns import LocalNameServer
folder = pathlib.Path(sys.argv[1])
server = LocalNameServer({"goo.ne.jp": (folder / "zone").read_text()}, port=53, host="127.0.0.3").start()
out = {}
try:
    for path in sorted(folder.glob("*.eml")):
        done = subprocess.run(["opendkim-testmsg"], stdin=path.open("rb"), capture_output=True, text=True, timeout=30)
        out[path.stem] = [done.returncode, done.stderr.strip().replace("opendkim-testmsg: ", "")]
finally:
    server.stop()
print(json.dumps(out))
"""
# Where OpenDKIM's verdict on a message differs from check-mail's exit code, and why.
OPENDKIM_APART = {
    "rsa-sha1 alone": "OpenDKIM 2.11 still verifies rsa-sha1 (RFC 8301 says verifiers must not)",
}
OPENDKIM_START, OPENDKIM_END = "<!-- mail-opendkim:start -->", "<!-- mail-opendkim:end -->"


def test_opendkim_judges_every_message_ed25519_included(
    cli: Cli, tmp_path: Path, dns_server: LocalNameServer, small_key: bytes
) -> None:
    require_tool("opendkim-testmsg", "apt-get install opendkim-tools")
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if unshare is None or not Path(ip).exists() or os.geteuid() != 0:
        missing("needs root, unshare (util-linux) and ip (iproute2) to make a network namespace")
    folder = tmp_path / "inside"
    folder.mkdir()
    (folder / "zone").write_text(dns_server.zones["goo.ne.jp"], encoding="ascii")
    messages = _messages(small_key)
    names = {f"m{i:02d}": name for i, name in enumerate(messages)}
    codes = {}
    for short, name in names.items():
        (folder / f"{short}.eml").write_bytes(messages[name][0])
        codes[name] = _byodkim(cli, tmp_path, messages[name][0], dns_server)[0]
    (folder / "inside.py").write_text(INSIDE, encoding="utf-8")
    resolv = folder / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.3\n", encoding="ascii")
    setup = f'"{ip}" link set lo up && "{ip}" addr add 127.0.0.3/8 dev lo && mount --bind "{resolv}" /etc/resolv.conf'
    done = subprocess.run(
        [unshare, "-n", "-m", "sh", "-c", f'{setup} && exec "{sys.executable}" "{folder / "inside.py"}" "{folder}"'],
        capture_output=True, text=True, check=False, env=dict(os.environ), timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    said: dict[str, list[Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    verdicts = {
        names[short]: ("pass" if rc == 0 else f"fail ({why})" if why else "fail") for short, (rc, why) in said.items()
    }
    apart = {
        name: (codes[name], verdicts[name])
        for name in messages
        if ((codes[name] == 0) != (verdicts[name] == "pass")) != (name in OPENDKIM_APART)
    }
    rows = [f"| {name} | {codes[name]} | {verdicts[name]} |" for name in messages]
    table = "\n".join(
        [
            OPENDKIM_START,
            "| message | check-mail exit | OpenDKIM (opendkim-testmsg) |",
            "|---|---|---|",
            *rows,
            "",
            *[f"- {name}: {why}" for name, why in OPENDKIM_APART.items()],
            OPENDKIM_END,
        ]
    )
    assert not apart, apart
    matches_docs(DOCS, table)
