"""report and status: one workflow for one domain and a fleet, and the signing key's age under the deployment's policy."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import boto3
import pytest

from byodkim.dkim import keys
from test_fleet import REGIONS, fleet_project

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli, NameServerFactory

SCHEME = "gooid-21-pro-{date}-{n}"  # prod's selector_scheme (sceptre/config/prod/config.yaml)
LEAD = 14  # prod's rotation_lead_days


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int, rotation_days: int) -> Path:
    """The repository's Sceptre project (one region), ``count`` more domains, keys rotated every ``rotation_days``."""
    folder = fleet_project(tmp_path, count, second_region=None)
    config = folder / "config" / "prod" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\nrotation_days: 180\n" in text
    config.write_text(text.replace("\nrotation_days: 180\n", f"\nrotation_days: {rotation_days}\n"), encoding="utf-8")
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(folder))
    return folder


def _dns(emulator: Emulator, name_server: NameServerFactory, monkeypatch: pytest.MonkeyPatch) -> LocalNameServer:
    from byodkim.local.dns import zone_text

    names = ("goo.ne.jp", "d000.fleet.example")
    server = name_server({name: zone_text(name, 2026120501) for name in names})
    emulator.control("/_byodkim/config", {"dns_servers": [server.spec]})
    monkeypatch.setenv("BYODKIM_NAMESERVERS", server.spec)
    return server


def _today() -> date:
    return datetime.now(UTC).date()


@pytest.mark.parametrize(("age", "overdue"), [(10, False), (120, True)])
def test_report_and_status_give_the_keys_age_and_dates_under_the_configs_policy(
    age: int,
    overdue: bool,
    emulator: Emulator,
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name_server: NameServerFactory,
) -> None:
    _project(tmp_path, monkeypatch, 0, rotation_days=100)  # not the default 180: the config's policy is the one used
    _dns(emulator, name_server, monkeypatch)
    made = _today() - timedelta(days=age)
    selector = SCHEME.replace("{date}", f"{made:%Y%m%d}").replace("{n}", "1")
    assert cli("register", "--domain", "goo.ne.jp", "--selector", selector).code == 0
    due, prepare = made + timedelta(days=100), made + timedelta(days=100 - LEAD)
    english = (
        f"key {selector}: {age} days old (made {made}); overdue: rotation was due {due} (next key prepared from {prepare})"
        if overdue
        else f"key {selector}: {age} days old (made {made}); rotation due {due}, next key prepared from {prepare}"
    )
    japanese = (
        f"鍵 {selector}: 作成から {age} 日 (作成日 {made})。期限超過: 更新期限は {due} でした (次の鍵の準備開始 {prepare})"
        if overdue
        else f"鍵 {selector}: 作成から {age} 日 (作成日 {made})。更新期限 {due}、次の鍵の準備開始 {prepare}"
    )
    fields = {
        "selector": selector,
        "known": True,
        "made": str(made),
        "age_days": age,
        "due": str(due),
        "prepare_from": str(prepare),
        "overdue": overdue,
    }

    memo = cli("report", "--domain", "goo.ne.jp").out.splitlines()
    ses = memo.index("SES DKIM per region")  # the key's line closes the memo's SES section
    assert memo[ses + 2 : ses + 5] == [
        f"  {REGIONS[0]}: EXTERNAL PENDING selector={selector} signing=on",
        f"  {english}",
        "",
    ]
    assert f"- {english}" in cli("report", "--domain", "goo.ne.jp", "-o", "markdown").out.splitlines()
    assert f"  {japanese}" in cli("report", "--domain", "goo.ne.jp", "--lang", "ja").out.splitlines()
    assert json.loads(cli("report", "--domain", "goo.ne.jp", "-o", "json").out)["keys"] == [fields]

    status = cli("status", "--domain", "goo.ne.jp", "--no-dns")
    assert status.out.splitlines()[2:] == [english]  # after the table (its header, its one region)
    assert cli("status", "--domain", "goo.ne.jp", "--no-dns", "--lang", "ja").out.splitlines()[2:] == [japanese]
    assert json.loads(cli("status", "--domain", "goo.ne.jp", "-o", "json").out)["keys"] == [fields]
    short = f"key {age} days old, overdue since {due}" if overdue else f"key {age} days old, due {due}"
    assert (
        cli("status", "--all").out.splitlines()[0]
        == f"ok    goo.ne.jp {REGIONS[0]}: EXTERNAL PENDING ({selector}; {short})"
    )
    short_ja = f"鍵は作成から {age} 日、{due} から期限超過" if overdue else f"鍵は作成から {age} 日、更新期限 {due}"
    assert f"({selector}; {short_ja})" in cli("status", "--all", "--lang", "ja").out.splitlines()[0]
    lines = [json.loads(line) for line in cli("status", "--all", "-o", "json").out.splitlines()]
    assert [line.get("keys") for line in lines[:-1]] == [[fields]]
    fleet = [json.loads(line) for line in cli("report", "--all", "-o", "json").out.splitlines()]
    assert [line["keys"] for line in fleet[:-1]] == [[fields]]


def test_a_key_whose_day_nothing_tells_is_of_unknown_age_until_its_secret_says(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name_server: NameServerFactory
) -> None:
    _project(tmp_path, monkeypatch, 0, rotation_days=180)
    _dns(emulator, name_server, monkeypatch)
    # Registered by hand (a test key): a selector off the scheme, no secret under the deployment's prefix.
    key = keys.generate().ses_private_key()
    boto3.client("sesv2", region_name=REGIONS[0]).create_email_identity(
        EmailIdentity="goo.ne.jp",
        DkimSigningAttributes={"DomainSigningSelector": "handmade", "DomainSigningPrivateKey": key},
    )
    unknown = (
        "key handmade: age unknown (the selector does not follow selector_scheme `gooid-21-pro-{date}-{n}` "
        "and no secret byodkim/dkim/goo.ne.jp/handmade says when it was made)"
    )
    assert f"  {unknown}" in cli("report", "--domain", "goo.ne.jp").out.splitlines()
    assert "鍵 handmade: 作成日が不明です" in cli("report", "--domain", "goo.ne.jp", "--lang", "ja").out
    said = json.loads(cli("report", "--domain", "goo.ne.jp", "-o", "json").out)["keys"]
    assert said == [
        {
            "selector": "handmade",
            "known": False,
            "made": None,
            "age_days": None,
            "due": None,
            "prepare_from": None,
            "overdue": None,
        }
    ]
    assert unknown in cli("status", "--domain", "goo.ne.jp", "--no-dns").out.splitlines()
    # One step off: its secret exists, and its creation date is the key's day.
    secrets = boto3.client("secretsmanager", region_name=REGIONS[0])
    secrets.create_secret(Name="byodkim/dkim/goo.ne.jp/handmade", SecretString="not read by report")
    created = secrets.describe_secret(SecretId="byodkim/dkim/goo.ne.jp/handmade")["CreatedDate"].date()
    known = json.loads(cli("report", "--domain", "goo.ne.jp", "-o", "json").out)["keys"][0]
    assert (known["known"], known["made"], known["age_days"]) == (True, str(created), 0)


def test_the_fleet_line_reads_the_selector_ses_signs_with_as_one_domain_does(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name_server: NameServerFactory
) -> None:
    _project(tmp_path, monkeypatch, 1, rotation_days=180)
    _dns(emulator, name_server, monkeypatch)
    assert cli("register", "--all").code == 0
    # d000 rotated by hand to a new selector (SES holds it; the config still declares the old one).
    made = _today() - timedelta(days=3)
    rotated = SCHEME.replace("{date}", f"{made:%Y%m%d}").replace("{n}", "1")
    assert cli("register", "--domain", "d000.fleet.example", "--selector", rotated).code == 0

    one = json.loads(cli("report", "--domain", "d000.fleet.example", "-o", "json").out)
    lines = {row.get("domain"): row for row in map(json.loads, cli("report", "--all", "-o", "json").out.splitlines())}
    line = lines["d000.fleet.example"]
    assert line["action"] == "waiting for DNS"  # not "no key" with `register` of the old selector next
    assert line["detail"].endswith("next: dns-request to the DNS team, then verify")
    # The same read as the memo's: the selector SES signs with, its key's age, its record (not live yet).
    assert (line["selector"], line["keys"]) == (one["selector"], one["keys"]) == (rotated, line["keys"])
    assert line["keys"][0]["made"] == str(made)
    assert line["dns"] == one["dns"][0]["summary"]
    # One step off: a declared domain with nothing registered and no key stored still says so.
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path / "more", 2, second_region=None)))
    rows = {row.get("domain"): row for row in map(json.loads, cli("report", "--all", "-o", "json").out.splitlines())}
    assert rows["d001.fleet.example"]["action"] == "no key"
    assert rows["d001.fleet.example"]["detail"] == (
        "next: register (byodkim/dkim/d001.fleet.example/gooid-21-pro-20250912-1)"
    )


def test_a_region_ses_cannot_be_read_in_is_said_in_the_memo_and_fails_the_fleet_line(
    emulator: Emulator, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name_server: NameServerFactory
) -> None:
    _project(tmp_path, monkeypatch, 0, rotation_days=180)
    _dns(emulator, name_server, monkeypatch)
    assert cli("register", "--domain", "goo.ne.jp").code == 0
    fault = {"service": "ses", "region": REGIONS[0], "kind": "error", "code": "AccessDeniedException", "count": -1}
    emulator.control("/_byodkim/faults", {"faults": [fault]})
    denied = "cannot read SES in ap-northeast-1: AWS denied GetEmailIdentity (AccessDeniedException)"
    memo = cli("report", "--domain", "goo.ne.jp").out.splitlines()
    assert any(line.startswith(f"  {denied}") for line in memo), memo  # not "no identity"
    assert f"  {REGIONS[0]}: no identity" not in memo
    fleet = cli("report", "--all")
    assert fleet.code == 1
    assert fleet.out.splitlines()[0].startswith(f"FAIL  goo.ne.jp: failed ({denied}")


def test_the_fleet_stage_follows_the_next_step_and_ses_giving_up_comes_first() -> None:
    from byodkim.aws.ses import RegionStatus
    from byodkim.workflows.nextstep import stage
    from byodkim.workflows.report import DnsView, Rollout
    from test_nextstep import TARGET

    def line(status: str, *, live: bool, fingerprint: str | None = "sha256:ab", unkept: str | None = None) -> str:
        region = RegionStatus(REGIONS[0], True, "EXTERNAL", True, status, ["new-1"], fingerprint=fingerprint)
        view = DnsView("new-1", ok=live, summary="2/2" if live else "0/2")
        rollout = Rollout(TARGET, "goo.ne.jp", "new-1", "now", [], None, [region], [view], unkept=unkept)
        outcome = stage(rollout)
        return f"{'ok' if outcome.ok else 'FAIL'} {outcome.action} -> {outcome.next}"

    assert line("PENDING", live=False) == "ok waiting for DNS -> dns-request to the DNS team, then verify"
    assert line("PENDING", live=True) == "ok PENDING -> byodkim verify --ses --wait"
    assert line("SUCCESS", live=True) == "ok SUCCESS -> nothing; the health check watches it"
    # SES gave up: said before the record, and the line fails (one step off: the record not live either).
    assert line("FAILED", live=True) == "FAIL FAILED -> verify, then register"
    assert line("TEMPORARY_FAILURE", live=False) == "FAIL TEMPORARY_FAILURE -> verify, then register"
    # A key byodkim did not register (no fingerprint tag): the production key is registered, whatever DNS says.
    assert line("SUCCESS", live=True, fingerprint=None) == "ok foreign key -> register the production key"
    nothing = Rollout(TARGET, "goo.ne.jp", "new-1", "now", [], None, [RegionStatus(REGIONS[0], exists=False)], [])
    assert (stage(nothing).action, stage(nothing).next) == ("not registered", "register")
    unkept = Rollout(TARGET, "goo.ne.jp", "new-1", "now", [], None, nothing.regions, [], unkept="byodkim/dkim/x")
    assert (stage(unkept).action, stage(unkept).next) == ("no key", "register (byodkim/dkim/x)")
