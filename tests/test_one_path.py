"""A domain is a fleet of one: register (one domain or --all) takes one path, with the same guard and the same secrets."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from conftest import publish_record
from test_fleet import REGIONS, fleet_project

if TYPE_CHECKING:
    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli

REPO = Path(__file__).resolve().parents[1]
SELECTOR = "gooid-21-pro-20250912-1"  # the checkout's declared selector
READS = ("Get", "List", "Describe")


def _with_prefix(folder: Path, prefix: str) -> Path:
    config = folder / "config" / "prod" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "secret_prefix: byodkim/dkim\n" in text
    config.write_text(text.replace("secret_prefix: byodkim/dkim\n", f"secret_prefix: {prefix}\n"), encoding="utf-8")
    return folder


def _secrets() -> list[str]:
    client = boto3.client("secretsmanager", region_name=REGIONS[0])
    return sorted(s["Name"] for s in client.list_secrets()["SecretList"])


@pytest.mark.parametrize("form", ["one", "all"])
def test_register_keeps_the_key_under_the_configured_secret_prefix(
    form: str, emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _with_prefix(fleet_project(tmp_path, 1, second_region=None), "mail/dkim")
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(folder))
    args = ("--domain", "goo.ne.jp") if form == "one" else ("--all",)
    result = cli("register", *args)
    assert result.code == 0, result.out + result.err
    names = ["goo.ne.jp"] if form == "one" else ["d000.fleet.example", "goo.ne.jp"]
    assert _secrets() == [f"mail/dkim/{name}/{SELECTOR}" for name in names]
    if form == "one":
        assert result.out.splitlines()[0].endswith(f": stored mail/dkim/goo.ne.jp/{SELECTOR} (ap-northeast-1)")
        assert f"--secret-id mail/dkim/goo.ne.jp/{SELECTOR} --ses --wait" in result.out.splitlines()[-1]
    # A re-run finds the key where it kept it: nothing new stored, SES left as it is.
    again = cli("register", *args)
    assert again.code == 0, again.out + again.err
    assert _secrets() == [f"mail/dkim/{name}/{SELECTOR}" for name in names]
    assert "already registered" in again.out


def _writes(emulator: Emulator, since: int) -> list[str]:
    calls = emulator.control("/_byodkim/calls")["calls"][since:]
    return [f"{c['service']} {c['operation']}" for c in calls if not c["operation"].startswith(READS)]


def test_register_all_refused_by_the_guard_writes_nothing(
    emulator: Emulator, cli: Cli, goo_dns: LocalNameServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # goo.ne.jp signs with its key at SUCCESS in ap-northeast-1 (its record served by BIND).
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    key = keys.generate()
    keys.write_key_files(tmp_path, SELECTOR, key)
    publish_record(goo_dns, f"{SELECTOR}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", SELECTOR, key.public.b64).value)
    pem = tmp_path / f"{SELECTOR}.private.pem"
    assert cli("register", "--domain", "goo.ne.jp", "--region", REGIONS[0], "--key-file", pem).code == 0
    # Then the fleet: goo.ne.jp declared in two regions, a new selector whose record is nowhere.
    folder = tmp_path / "fleet"
    shutil.copytree(REPO / "sceptre", folder)
    (folder / "config" / "prod" / REGIONS[1]).mkdir()
    (folder / "config" / "prod" / REGIONS[1] / "config.yaml").write_text(f"region: {REGIONS[1]}\n", encoding="ascii")
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(folder))
    before = _secrets()
    since = len(emulator.control("/_byodkim/calls")["calls"])
    refused = cli("register", "--all", "--selector", "slowdns-1", "--nameserver", goo_dns.spec)
    assert refused.code == 1
    lines = [*sorted(refused.out.splitlines()[:2]), *refused.out.splitlines()[2:]]  # regions finish in any order
    assert lines[0].startswith(
        f"FAIL  goo.ne.jp {REGIONS[0]}: refused (the identity signs with selector {SELECTOR} now; switching before "
    )
    assert lines[1] == f"FAIL  goo.ne.jp {REGIONS[1]}: not changed (refused in {REGIONS[0]}; nothing was changed)"
    assert lines[2].endswith(": 0 ok, 2 failed (not changed 1, refused 1)")
    assert _writes(emulator, since) == []  # no secret, no SES change, no SSM, in either region
    assert _secrets() == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("phase", "7", "--domain", "goo.ne.jp", "--dry-run"),
            (
                "would run phase 7 for goo.ne.jp (the one phase 4 keeps in SSM) in ap-northeast-1 here, with the "
                "function's code; nothing changed"
            ),
        ),
        (
            ("send-test", "--domain", "goo.ne.jp", "--from", "a@goo.ne.jp", "--to", "b@example.com", "--dry-run"),
            "ap-northeast-1: would send one message from a@goo.ne.jp to b@example.com through SES",
        ),
    ],
)
def test_dry_run_of_a_command_that_changes_aws_makes_no_call(
    emulator: Emulator, cli: Cli, args: tuple[str, ...], said: str
) -> None:
    since = len(emulator.control("/_byodkim/calls")["calls"])
    result = cli(*args)
    assert (result.code, result.out) == (0, said + "\n"), result.err
    assert emulator.control("/_byodkim/calls")["calls"][since:] == []
