"""The signing key's age watched: the health check's DkimKeyAgeDays and phase 8's key-age alarm, in the emulator.

The handler runs in-process against the emulator and a real BIND, as the scheduled health check
would with the event's ``time``; the alarm is the one phase 8's template defines (its properties
read from the template), evaluated on the emulator's held clock, one hour at a time.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.aws.cfntemplate import load
from byodkim.dkim import keyload, keys
from byodkim.dkim.record import DkimRecord
from conftest import Cli, publish_record

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer

OLD = "gooid-21-pro-20250912-1"  # the running key's selector: made 2025-09-12
NEW = "gooid-21-pro-20260420-1"
ALARM = "aws-ses-migration-prod-dkim-key-age"
TEMPLATES = Path(__file__).resolve().parents[1] / "sceptre" / "templates"
HEALTH = {"action": "health", "domain": "goo.ne.jp", "environment": "prod", "projectName": "aws-ses-migration"}


@pytest.fixture
def function(emulator: Emulator, goo_dns: LocalNameServer, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """The function's environment as phase 2 gives it, prod's rotation policy included (180 + 14 days)."""
    env = {
        "PROJECT_NAME": "aws-ses-migration",
        "ENVIRONMENT": "prod",
        "DOMAIN_NAME": "goo.ne.jp",
        "SECRET_PREFIX": "byodkim/dkim",
        "NAMESERVERS": goo_dns.spec,
        "ROTATION_DAYS": "180",
        "ROTATION_GRACE_DAYS": "14",
        "SELECTOR_SCHEME": "gooid-21-pro-{date}-{n}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    return emulator


def _handler() -> Callable[[object, object], dict[str, Any]]:
    from byodkim import lambda_handler

    handler: Callable[[object, object], dict[str, Any]] = importlib.reload(lambda_handler).handler
    return handler


def _register(cli: Cli, dns: LocalNameServer, tmp_path: Path, selector: str) -> None:
    """Make a key, have the DNS team publish it, register it (SES then verifies it)."""
    keys.write_key_files(tmp_path, selector, keys.generate())
    private = tmp_path / f"{selector}.private.pem"
    record = DkimRecord("goo.ne.jp", selector, keyload.load_private_key(private).public.b64)
    publish_record(dns, record.name, record.value)
    done = cli(
        "register", "--domain", "goo.ne.jp", "--selector", selector, "--key-file", private, "--nameserver", dns.spec
    )
    assert done.code == 0, done.out + done.err


def _ages() -> dict[str, tuple[float, float]]:
    """Return the lowest and highest DkimKeyAgeDays sent so far, by dimensions (``""``: the fleet's, with none)."""
    client = boto3.client("cloudwatch")
    now = datetime.now(UTC)
    found = {}
    for metric in client.list_metrics(Namespace="BYODKIM", MetricName="DkimKeyAgeDays")["Metrics"]:
        name = ",".join(f"{d['Name']}={d['Value']}" for d in metric.get("Dimensions", []))
        points = client.get_metric_statistics(
            Namespace="BYODKIM",
            MetricName="DkimKeyAgeDays",
            Dimensions=metric.get("Dimensions", []),
            StartTime=now - timedelta(minutes=30),  # moto keeps real times; a narrow window stays quick
            EndTime=now + timedelta(minutes=1),
            Period=3600,
            Statistics=["Minimum", "Maximum"],
        )["Datapoints"]
        found[name] = (min(p["Minimum"] for p in points), max(p["Maximum"] for p in points))
    return found


def _template_alarm() -> None:
    """Create phase 8's key-age alarm with the template's properties and prod's threshold (180 + 14)."""
    resource = load((TEMPLATES / "phase-8-monitoring-system.yaml").read_text(encoding="utf-8"))["Resources"][
        "KeyAgeAlarm"
    ]["Properties"]
    boto3.client("cloudwatch").put_metric_alarm(
        AlarmName=ALARM,
        Namespace=resource["Namespace"],
        MetricName=resource["MetricName"],
        Statistic=resource["Statistic"],
        Period=int(resource["Period"]),
        EvaluationPeriods=int(resource["EvaluationPeriods"]),
        Threshold=180.0 + 14.0,
        ComparisonOperator=resource["ComparisonOperator"],
        TreatMissingData=resource["TreatMissingData"],
    )


def _hour(emulator: Emulator) -> str:
    """Move the held clock on by the alarm's period (it is evaluated at each minute); return its state."""
    emulator.control("/_byodkim/clock", {"advance": 3600})
    alarm = boto3.client("cloudwatch").describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]
    return str(alarm["StateValue"])


def test_the_key_age_is_sent_at_the_events_time_and_the_alarm_fires_then_clears_after_a_rotation(
    function: Emulator, goo_dns: LocalNameServer, cli: Cli, tmp_path: Path
) -> None:
    function.control("/_byodkim/clock", {"pause": True})
    _template_alarm()
    assert _hour(function) == "INSUFFICIENT_DATA"  # nothing sent yet: ignore keeps the first state

    _register(cli, goo_dns, tmp_path, OLD)
    young = _handler()({**HEALTH, "time": "2026-01-01T00:00:00Z"}, None)
    assert young["healthy"] is True, young
    assert _ages() == {"": (111.0, 111.0), "Domain=goo.ne.jp,Region=ap-northeast-1": (111.0, 111.0)}  # 2025-09-12 on
    assert _hour(function) == "OK"

    # Past rotation_days + grace (194 days) and nobody rotated: the alarm fires.
    _handler()({**HEALTH, "time": "2026-04-15T12:00:00Z"}, None)
    assert _ages()[""] == (111.0, 215.5)
    assert _hour(function) == "ALARM"
    # An hour with no run keeps the state (TreatMissingData ignore): an old key is not made OK by silence.
    assert _hour(function) == "ALARM"

    # The rotation: a new key and selector, published, then registered (SES switches once it is live).
    _register(cli, goo_dns, tmp_path / "new", NEW)
    _handler()({**HEALTH, "time": "2026-04-21T00:00:00Z"}, None)
    assert _ages()[""] == (1.0, 215.5)  # the new key, made 2026-04-20
    assert _hour(function) == "OK"


def test_a_domain_not_signing_with_its_own_key_yet_sends_no_age(
    function: Emulator, goo_dns: LocalNameServer, cli: Cli, tmp_path: Path
) -> None:
    # Registered, but its record not published: SES is PENDING and still signs with its own domain.
    keys.write_key_files(tmp_path, OLD, keys.generate())
    done = cli("register", "--domain", "goo.ne.jp", "--selector", OLD, "--key-file", tmp_path / f"{OLD}.private.pem")
    assert done.code == 0, done.out + done.err
    pending = _handler()({**HEALTH, "time": "2026-04-15T00:00:00Z"}, None)
    assert [f["condition"] for f in pending["findings"]] == ["pending"]
    assert _ages() == {}


@pytest.mark.parametrize("time", ["yesterday", 1733367600, "2026-13-01T00:00:00Z"])
def test_a_time_that_is_not_one_is_refused_naming_the_field(function: Emulator, time: object) -> None:
    answer = _handler()({**HEALTH, "time": time}, None)
    if not isinstance(time, str):  # a JSON number is not EventBridge's time: refused by its type
        assert answer == {
            "ok": False,
            "error": f'"time": {time} is a number, not a string; nothing was done; give "time": "2026-12-05T03:00:00Z"',
        }
        return
    assert answer == {
        "ok": False,
        "error": f'"time": `{time}` is not an ISO 8601 time; give the scheduled event\'s time, e.g. '
        '"2026-03-11T09:00:00Z", or leave it out (the clock)',
    }
