"""The judges that share no code with dkimpy, and the agreement tables their tests keep in the docs.

Mail::DKIM (Perl; SpamAssassin's verifier) verifies a message through tests/judges/mail_dkim_verify.pl,
asking one BIND. opendkim-testkey (OpenDKIM's tools) checks a published record against a private key; it resolves
through libunbound, pointed here at one real BIND by an unbound configuration forwarding every
name to it. A table a test produces is checked against the block between its markers on a docs
page; BYODKIM_WRITE_TABLES=1 writes it there instead.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import missing, require_tool

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.dkim.keys import SigningKey

TESTKEY_OK = "key OK"
PERL_JUDGE = Path(__file__).parent / "judges" / "mail_dkim_verify.pl"
UNSUPPORTED = "unsupported"  # Mail::DKIM said the algorithm is unknown to it: no verdict at all


def mail_dkim(message: bytes, port: int) -> list[str]:
    """Return Mail::DKIM's verdict on each signature, in header order: pass, fail or unsupported."""
    perl = require_tool("perl", "apt-get install perl")
    probe = subprocess.run([perl, "-MMail::DKIM::Verifier", "-e1"], capture_output=True, check=False)
    if probe.returncode:
        missing("Mail::DKIM is required (apt-get install libmail-dkim-perl)")
    out = subprocess.run(
        [perl, str(PERL_JUDGE), "127.0.0.1", str(port)], input=message, capture_output=True, check=True
    ).stdout.decode()
    found = []
    for line in out.splitlines():
        result, algorithm, _d, _s, detail = line.split("\t")
        if result == "invalid" and detail == f"invalid (unsupported algorithm {algorithm})":
            found.append(UNSUPPORTED)
        else:  # invalid otherwise: a signature or key Mail::DKIM cannot use; for DMARC that is a fail
            found.append("pass" if result == "pass" else "fail")
    return found


def opendkim_testkey(folder: Path, port: int) -> Callable[[str, str, SigningKey], str]:
    """Return a judge asking opendkim-testkey about (domain, selector, key), its DNS answered by BIND at ``port``."""
    binary = require_tool("opendkim-testkey", "apt-get install opendkim-tools")
    folder.mkdir(parents=True, exist_ok=True)
    unbound = folder / "unbound.conf"
    unbound.write_text(
        'server:\n  do-not-query-localhost: no\n  module-config: "iterator"\n'
        f'forward-zone:\n  name: "."\n  forward-addr: 127.0.0.1@{port}\n',
        encoding="ascii",
    )
    conf = folder / "opendkim.conf"
    conf.write_text(f"ResolverConfiguration {unbound}\n", encoding="ascii")

    def judge(domain: str, selector: str, key: SigningKey) -> str:
        private = folder / f"{selector}.{domain}.private"
        private.write_bytes(key.pkcs1_pem())
        private.chmod(0o600)  # testkey complains about a key others can read
        try:
            done = subprocess.run(
                [binary, "-vvv", "-x", str(conf), "-d", domain, "-s", selector, "-k", str(private)],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "no answer in 20 s"
        finally:
            private.unlink()
        if done.returncode == 0:  # "key OK" (it also says "key not secure": no DNSSEC, as for most domains)
            return TESTKEY_OK
        # Its verdict is on stdout ("keys do not match") or last on stderr; the progress lines say nothing.
        said = [line.removeprefix("opendkim-testkey: ") for line in (done.stderr + done.stdout).splitlines()]
        said = [
            line.replace(f"'{selector}._domainkey.{domain}' ", "")
            for line in said
            if line != "key not secure" and not line.startswith(("checking key", "key loaded"))
        ]
        return said[-1] if said else f"exit {done.returncode}"

    return judge


def matches_docs(page: Path, table: str) -> None:
    """Check ``page`` holds ``table`` between its first and last lines (markers); BYODKIM_WRITE_TABLES=1 writes it."""
    first, last = table.splitlines()[0], table.splitlines()[-1]
    text = page.read_text(encoding="utf-8")
    start, end = text.find(first), text.find(last)
    assert start >= 0, f"{page.name} has no {first} block"
    assert end >= 0, f"{page.name} has no {last} marker"
    current = text[start : end + len(last)]
    if os.environ.get("BYODKIM_WRITE_TABLES") == "1":
        page.write_text(text.replace(current, table), encoding="utf-8")
        return
    assert current == table, (
        f"{page.name}'s table differs from the judges' verdicts (BYODKIM_WRITE_TABLES=1 rewrites it)"
    )
