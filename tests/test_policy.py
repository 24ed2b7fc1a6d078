"""The rotation policy as the Sceptre config states it and the function reads it (dkim/policy.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from byodkim import deployment
from byodkim.dkim.policy import RotationPolicy
from byodkim.errors import InputError
from byodkim.function.config import ManagerConfig

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from conftest import Cli


def test_the_running_selector_is_expressible() -> None:
    policy = deployment.read().rotation
    assert policy.selector_scheme == "gooid-21-pro-{date}-{n}"
    assert policy.made_on("gooid-21-pro-20250912-1") == date(2025, 9, 12)
    assert policy.selector_for(date(2025, 9, 12), 1) == "gooid-21-pro-20250912-1"
    assert policy.next_selector(date(2026, 3, 11), {"gooid-21-pro-20260311-1"}) == "gooid-21-pro-20260311-2"
    assert policy.made_on("gooid-21-pro-2025091-1") is None
    assert policy.made_on("gooid-21-pro-20251341-1") is None  # no 41st of a 13th month


def test_dates_follow_the_days() -> None:
    policy = RotationPolicy(rotation_days=180, lead_days=14, retire_after_days=7, grace_days=10)
    made = datetime(2025, 9, 12, tzinfo=UTC)
    assert policy.due(made) == datetime(2026, 3, 11, tzinfo=UTC)
    assert policy.prepare_from(made) == datetime(2026, 2, 25, tzinfo=UTC)
    assert policy.retire_at(made) == datetime(2025, 9, 19, tzinfo=UTC)
    assert policy.alarm_days == 190


def test_the_function_reads_what_the_config_says() -> None:
    policy = deployment.read().rotation
    env = {"PROJECT_NAME": "aws-ses-migration", "ENVIRONMENT": "prod", **policy.as_environment()}
    assert ManagerConfig.from_environment(env).rotation == policy
    assert ManagerConfig.from_environment({"PROJECT_NAME": "p", "ENVIRONMENT": "e"}).rotation == RotationPolicy()


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"rotation_days": "six months"}, "rotation_days: six months"),
        ({"rotation_days": -1}, "rotation_days: -1"),
        ({"rotation_days": True}, "rotation_days: True"),  # YAML's `yes`
        ({"rotation_days": 0}, "rotation_days: 0"),
        ({"retire_after_days": 0}, "retire_after_days: 0"),
        ({"rotation_lead_days": 180}, "rotation_lead_days: 180"),
        ({"rotation_grace_days": "1.5"}, "rotation_grace_days: 1.5"),
        ({"retire_after_days": "⁷"}, "retire_after_days: ⁷"),  # a digit to str.isdigit(), not to int()
        ({"rotation_days": "１８０"}, "rotation_days: １８０"),  # full-width, as a Japanese IME types it
        ({"rotation_approval": "yes"}, "rotation_approval: yes"),
        ({"rotation_approval": True}, "rotation_approval: True"),
        ({"selector_scheme": "gooid-{date}"}, "selector_scheme: gooid-{date}"),
        ({"selector_scheme": "gooid-{date}-{n}-{n}"}, "selector_scheme: gooid-{date}-{n}-{n}"),
        ({"selector_scheme": "gooid-{n}"}, "selector_scheme: gooid-{n}"),
        ({"selector_scheme": "goo.id-{date}-{n}"}, "selector_scheme: goo.id-{date}-{n}"),
        ({"selector_scheme": "gooid-{date}-{n}-{when}"}, "selector_scheme: gooid-{date}-{n}-{when}"),
        ({"selector_scheme": "-{date}-{n}"}, "selector_scheme: -{date}-{n}"),
        ({"selector_scheme": "x" * 60 + "-{date}-{n}"}, "selector_scheme: " + "x" * 60),
    ],
)
def test_a_policy_that_cannot_work_is_refused_by_name(given: dict[str, object], named: str) -> None:
    with pytest.raises(InputError) as refused:
        RotationPolicy.from_config(given)
    assert named in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_policy_whose_calendar_cannot_hold_is_refused_with_the_smallest_rotation_that_works() -> None:
    """A key signs rotation_days - lead; its successor is prepared lead before that: 2 x lead + retire at least."""
    with pytest.raises(InputError) as refused:
        RotationPolicy.from_config({"rotation_days": 34, "rotation_lead_days": 14, "retire_after_days": 7})
    assert str(refused.value) == (
        "the rotation settings `rotation_days: 34`, `rotation_lead_days: 14`, `retire_after_days: 7` in the Sceptre "
        "config cannot hold together: the next key would be prepared before the old record is retired, cutting the "
        "DNS team's lead short; give rotation_days of at least 35 (2 x rotation_lead_days + retire_after_days), or "
        "shorten the others; nothing was changed"
    )
    assert refused.value.exit_code == 2
    # One step off each way: the smallest that works, and one more day of retirement that does not.
    assert RotationPolicy.from_config({"rotation_days": 35}).rotation_days == 35
    with pytest.raises(InputError, match="at least 36"):
        RotationPolicy.from_config({"rotation_days": 35, "retire_after_days": 8})
    with pytest.raises(InputError, match="at least 3 "):  # the sandbox's old rehearsal, 2/1/1
        RotationPolicy.from_config({"rotation_days": 2, "rotation_lead_days": 1, "retire_after_days": 1})
    # prod's 180/14/7/14 (the checkout's config) and the sandbox's rehearsal (tests/test_rotation_calendar.py) hold.
    assert deployment.read().rotation.rotation_days == 180
    assert RotationPolicy.from_config({"rotation_days": 3, "rotation_lead_days": 1, "retire_after_days": 1})


def test_a_policy_that_cannot_hold_is_refused_from_the_function_environment_too() -> None:
    env = {"PROJECT_NAME": "p", "ENVIRONMENT": "e", "ROTATION_DAYS": "20", "ROTATION_LEAD_DAYS": "10"}
    with pytest.raises(InputError, match="at least 27"):
        ManagerConfig.from_environment(env)


@pytest.mark.parametrize("command", [("rotate", "--auto", "--domain", "goo.ne.jp"), ("report",), ("status", "--all")])
def test_a_command_reading_a_policy_that_cannot_hold_exits_2_before_any_call(
    command: tuple[str, ...], cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "sceptre"
    shutil.copytree(deployment.find_sceptre_dir() or "sceptre", copy)
    config = copy / "config" / "prod" / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("rotation_days: 180", "rotation_days: 30"), "utf-8")
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(copy))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # no emulator: a call made would fail otherwise
    result = cli(*command)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: the rotation settings `rotation_days: 30`, `rotation_lead_days: 14`, ")
    assert "give rotation_days of at least 35" in result.err


def test_the_same_refusal_from_the_function_environment() -> None:
    with pytest.raises(InputError, match="rotation_days: 6m"):
        ManagerConfig.from_environment({"PROJECT_NAME": "p", "ENVIRONMENT": "e", "ROTATION_DAYS": "6m"})


def test_key_age_from_the_selector_or_the_secret(emulator: Emulator) -> None:
    import boto3

    from byodkim.function.keyage import key_age

    policy = RotationPolicy(selector_scheme="gooid-21-pro-{date}-{n}")
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    age = key_age(policy, None, "goo.ne.jp", "gooid-21-pro-20250912-1", "byodkim/dkim", now)
    assert age is not None
    assert round(age.days, 1) == 449.5
    assert age.overdue
    assert age.alarming
    assert age.due == datetime(2026, 3, 11, tzinfo=UTC)
    client = boto3.client("secretsmanager", region_name="ap-northeast-1")
    assert key_age(policy, client, "goo.ne.jp", "s1", "byodkim/dkim", now) is None  # no secret, no name: unknown
    client.create_secret(Name="byodkim/dkim/goo.ne.jp/s1", SecretString="{}")
    age = key_age(policy, client, "goo.ne.jp", "s1", "byodkim/dkim", datetime.now(UTC))
    assert age is not None
    assert 0 <= age.days < 1
    assert not age.overdue
