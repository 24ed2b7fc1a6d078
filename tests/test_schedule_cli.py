"""rotate by hand and the scheduled rotation refuse each other; rotate --auto/--approve at the terminal.

The emulator as a server and a real BIND, through test_schedule's ``world``.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.aws.session import Aws
from byodkim.cli.schedule import hand_guard
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from byodkim.errors import InputError
from byodkim.function import schedule
from byodkim.workflows import rotate as rotation
from test_schedule import (  # noqa: F401 - world: the fixture
    NEW,
    OLD,
    REGIONS,
    STATE,
    _today_selector,
    at,
    publish_new,
    signing,
    state,
    tick,
    world,
)

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer
    from conftest import Cli

TARGET = ("--domain", "goo.ne.jp", "--region", REGIONS[0], "--region", REGIONS[1])
HAND = "gooid-21-pro-20260301-9"


def _secret_exists(selector: str) -> bool:
    try:
        boto3.client("secretsmanager").describe_secret(SecretId=f"byodkim/dkim/goo.ne.jp/{selector}")
    except Exception:  # noqa: BLE001 - ResourceNotFoundException, however boto3 names it
        return False
    return True


def _put_step(step: str) -> None:
    value = json.dumps({"domain": "goo.ne.jp", "step": step})
    boto3.client("ssm").put_parameter(Name=STATE, Value=value, Type="String", Overwrite=True)


def test_a_hand_rotation_is_refused_while_the_scheduled_one_is_under_way(
    world: dict[str, Any],  # noqa: F811 - the fixture imported above
    cli: Cli,
    tmp_path: Path,
) -> None:
    """Refused in one line, exit 2, nothing changed; an unknown step refuses too; idle lets it run."""
    folder = tmp_path / "state"  # tmp_path holds the fixture's key files
    assert tick(world, at("2026-02-26")).state.step == "requested"
    before = state()
    hand = ("rotate", *TARGET, "--new-selector", HAND, "--nameserver", world["dns"].spec, "--state-dir", folder)
    refused = cli(*hand, "--until", "keyed")
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.splitlines()[-1] + "\n" == (  # after the warning that us-east-1 is not declared
        "error: goo.ne.jp: the scheduled rotation is under way (step requested, SSM parameter "
        f"{STATE}); a hand rotation now would fight it; nothing was changed; carry it on with "
        "byodkim rotate --auto --domain goo.ne.jp (and byodkim rotate --approve --domain goo.ne.jp when approval "
        "is manual): see docs/rotation.md\n"
    )
    assert (state(), folder.exists(), _secret_exists(HAND)) == (before, False, False)
    ja = cli(*hand, "--until", "keyed", "--lang", "ja")
    assert ja.code == 2
    assert ja.err.splitlines()[-1].startswith("エラー: goo.ne.jp: 定期ローテーションが進行中です (ステップ requested、")
    for step in ("retiring", "finished", ""):  # deny by default: a step the guard does not know refuses
        _put_step(step)
        other = cli(*hand, "--until", "keyed")
        assert other.code == 2, step
        assert "the scheduled rotation is under way" in other.err
    _put_step("idle")  # one step off: at rest, the hand rotation runs
    ran = cli(*hand, "--until", "keyed")
    assert ran.code == 0, ran.err
    assert _secret_exists(HAND)


def test_the_guard_is_asked_again_right_before_each_step_of_a_hand_rotation(
    world: dict[str, Any],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    """A scheduled rotation that begins after the hand one started stops it before its next change."""
    del world
    aws = Aws()
    guard = hand_guard(aws, REGIONS[0])
    assert guard is not None
    folder = tmp_path / "state"
    request = rotation.RotationRequest("goo.ne.jp", HAND, REGIONS, state_dir=folder, guard=guard)

    def progress(step: str, _what: str) -> None:
        if step == "keyed":
            _put_step("prepared")  # the function's tick prepared its own key meanwhile

    with pytest.raises(InputError, match=r"under way \(step prepared"):
        rotation.rotate(request, aws, progress)
    saved = json.loads(request.state_file.read_text(encoding="utf-8"))
    assert saved["done"] == ["keyed"]  # the DNS request was never written
    assert [p.name for p in folder.iterdir()] == ["rotation-goo.ne.jp.json"]


def test_rotate_auto_is_refused_while_a_hand_rotation_is_unfinished(
    world: dict[str, Any],  # noqa: F811 - the fixture imported above
    cli: Cli,
    tmp_path: Path,
) -> None:
    """The state file of an unfinished hand rotation refuses --auto; a finished one does not."""
    folder = tmp_path / "state"
    hand = ("rotate", *TARGET, "--new-selector", HAND, "--nameserver", world["dns"].spec, "--state-dir", folder)
    assert cli(*hand, "--until", "keyed").code == 0
    auto = ("rotate", "--auto", *TARGET, "--nameserver", world["dns"].spec, "--state-dir", folder)
    refused = cli(*auto)
    path = folder / "rotation-goo.ne.jp.json"
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.splitlines()[-1] + "\n" == (
        f"error: goo.ne.jp: a hand rotation to {HAND} is under way (state file {path}); the scheduled rotation "
        f"would fight it; nothing was changed; finish it first with byodkim rotate --domain goo.ne.jp "
        f"--new-selector {HAND}, then run byodkim rotate --auto again\n"
    )
    with pytest.raises(Exception, match="ParameterNotFound"):
        state()
    assert cli(*auto, "--dry-run").code == 2
    path.write_text("{not json", encoding="utf-8")  # deny by default: a file that cannot be read refuses
    assert cli(*auto, "--dry-run").code == 2
    saved = {"domain": "goo.ne.jp", "new_selector": HAND, "done": list(rotation.STEPS)}
    path.write_text(json.dumps(saved), encoding="utf-8")  # one step off: a finished hand rotation
    planned = cli(*auto, "--dry-run")
    assert planned.code == 0, planned.err
    assert NEW not in planned.out  # the real clock's selector, not the fixture's day


class _Terminal(io.StringIO):
    """A terminal's stdin where the person types ``answer``."""

    def isatty(self) -> bool:
        return True


def test_approve_refusals_in_order_a_no_at_the_prompt_and_json_alone_on_stdout(
    world: dict[str, Any],  # noqa: F811 - the fixture imported above
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing prepared is said before -y is asked for; "n" is a refusal (exit 1), not Ctrl-C; -o json is JSON."""
    approve = ("rotate", "--approve", *TARGET, "--nameserver", world["dns"].spec)
    nothing = cli(*approve)  # no terminal, no -y, and nothing prepared: that is the answer
    assert nothing.code == 2
    assert nothing.err.splitlines()[-1].startswith(
        "error: no rotation of goo.ne.jp is prepared and requested: nothing to approve"
    )
    new = _today_selector()
    assert cli("rotate", "--auto", *TARGET, "--nameserver", world["dns"].spec).code == 0
    publish_new(world["dns"], selector=new)
    assert cli("rotate", "--auto", *TARGET, "--nameserver", world["dns"].spec).code == 0
    before = state()
    assert before["step"] == "live"
    unasked = cli(*approve)  # something to approve now: the terminal is asked for
    assert unasked.code == 2
    assert "there is no terminal to ask at" in unasked.err
    for lang, line in (
        ("en", (f"error: the switch of goo.ne.jp to {new} was not approved; nothing was changed; "
                "run byodkim rotate --approve --domain goo.ne.jp again when it may switch")),
        ("ja", f"エラー: goo.ne.jp の {new} への切り替えは承認されませんでした。何も変更していません"),
    ):  # fmt: skip
        monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
        declined = cli(*approve, "--lang", lang)
        assert (declined.code, declined.out) == (1, "")
        assert declined.err.splitlines()[-1].split("]: ")[-1].startswith(line)  # after the prompt's "[y/N]: "
        assert "interrupted" not in declined.err
        assert (state(), signing(world["emulator"], world["dns"])) == (before, {OLD})
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    approved = cli(*approve, "-y", "-o", "json")
    assert approved.code == 0, approved.err
    answer = json.loads(approved.out)
    assert answer["approved"]["by"].startswith("arn:aws:")
    assert answer["domains"][0]["step"] in ("switched", "verified")
    assert f"approved the switch of goo.ne.jp to {new}" in approved.err


def test_a_stopped_rotation_says_stopped_once_and_its_cause_in_japanese(
    world: dict[str, Any],  # noqa: F811 - the fixture imported above
    cli: Cli,
) -> None:
    """The cause is kept with its key in SSM, so --lang ja says it in Japanese, not the recorded English."""
    auto = ("rotate", "--auto", *TARGET, "--nameserver", world["dns"].spec)
    new = _today_selector()
    assert cli(*auto).code == 0
    other = keys.generate()  # the DNS team published another key at the new selector
    publish_new(world["dns"], DkimRecord("goo.ne.jp", new, other.public.b64).value, selector=new)
    stopped = cli(*auto)
    assert stopped.code == 1
    last = stopped.out.splitlines()[-1]
    assert last.startswith(f"goo.ne.jp: STOPPED: {new}._domainkey.goo.ne.jp on ")
    assert last.lower().count("stopped") == 1
    assert state()["stop"]["reason_said"].startswith('{"key": "schedule.mistake"')
    ja = cli(*auto, "--lang", "ja").out.splitlines()[-1]
    assert ja.startswith("goo.ne.jp: 停止: ")
    assert ja.count("停止") == 1
    english_cause = last.removeprefix("goo.ne.jp: STOPPED: ").split("; ")[0]
    assert english_cause.split(": ", 1)[1] not in ja  # the detail, too, in Japanese


def test_rotate_help_names_the_kms_keys_the_rotation_looks_for(cli: Cli) -> None:
    """Both the hand rotation and --auto use phase 1's -dkim-secrets key first (as register's help says)."""
    for lang, first in (("en", "secrets, else its"), ("ja", "dkim-secrets、なければ")):
        shown = " ".join(cli("rotate", "--lang", lang, "--help").out.split())  # click wraps at "-dkim-"
        assert first in shown, lang


def test_the_guard_is_asked_again_right_before_each_step_of_a_tick(
    world: dict[str, Any],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    """A hand rotation that begins during a tick stops the tick before its next change."""
    from dataclasses import replace

    from byodkim.workflows.rotation_guard import refuse_if_by_hand

    folder = tmp_path / "state"
    asked: list[str] = []

    def guard(domain: str) -> None:
        if asked:  # after the tick's first step: a person started a hand rotation meanwhile
            folder.mkdir(exist_ok=True)
            hand = {"domain": domain, "new_selector": HAND, "done": ["keyed"]}
            (folder / f"rotation-{domain}.json").write_text(json.dumps(hand), encoding="utf-8")
        asked.append(domain)
        refuse_if_by_hand(folder, domain)

    guarded = replace(world["rotation"], guard=guard)
    with pytest.raises(InputError, match=r"a hand rotation to .* is under way"):
        schedule.tick(guarded, "goo.ne.jp", REGIONS, at("2026-02-26"))
    assert state()["step"] == "prepared"  # the DNS request was not sent


def test_auto_refuses_a_domain_it_cannot_rotate_with_its_fix(
    emulator: Emulator, goo_dns: LocalNameServer, cli: Cli
) -> None:
    """No identity, Easy DKIM, not declared: each a refusal (exit 2, nothing written), never a wait that exits 0."""
    auto = ("rotate", "--auto", "--domain", "goo.ne.jp", "--nameserver", goo_dns.spec)
    none = cli(*auto)
    assert (none.code, none.out) == (2, "")
    assert none.err.splitlines()[-1] == (
        "error: goo.ne.jp has no SES identity in ap-northeast-1: the scheduled rotation has no key of its own to "
        "rotate; register its own key first (byodkim register --domain goo.ne.jp, docs/register.md), then run the "
        "rotation again; nothing was changed"
    )
    ja = cli(*auto, "--lang", "ja")
    assert ja.code == 2
    assert ja.err.splitlines()[-1].startswith("エラー: goo.ne.jp は ap-northeast-1 に SES の ID がありません")
    boto3.client("sesv2").create_email_identity(EmailIdentity="goo.ne.jp")  # one step on: Easy DKIM
    easy = cli(*auto)
    assert (easy.code, easy.out) == (2, "")
    assert easy.err.splitlines()[-1].startswith(
        "error: goo.ne.jp signs with Easy DKIM in ap-northeast-1: SES rotates those keys itself"
    )
    assert cli(*auto, "--dry-run").code == 2  # a dry run says the same
    undeclared = cli("rotate", "--auto", "--domain", "other.example", "--nameserver", goo_dns.spec)
    assert (undeclared.code, undeclared.out) == (2, "")
    assert undeclared.err.splitlines()[-1] == (
        "error: other.example is not declared in the Sceptre config (domains:): the scheduled rotation never ticks "
        "it; declare it under domains: in the Sceptre config and launch phase 2 again, or rotate it by hand (byodkim "
        "rotate --domain other.example --new-selector SELECTOR, docs/rotate.md); nothing was changed"
    )
    with pytest.raises(Exception, match="ParameterNotFound"):
        state()  # nothing written


def test_auto_on_a_fleet_fails_the_unit_it_cannot_rotate_and_goes_on(
    world: dict[str, Any],  # noqa: F811 - the fixture imported above
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_fleet import fleet_project

    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, 1, second_region=None)))
    done = cli("rotate", "--auto", "--all", "--nameserver", world["dns"].spec)
    assert done.code == 1, done.err
    lines = done.out.splitlines()
    assert lines[0].startswith("goo.ne.jp: ")  # ticked: prepared and requested (its key is overdue)
    assert (
        "FAIL  d000.fleet.example: d000.fleet.example has no SES identity in ap-northeast-1: the scheduled rotation "
        "has no key of its own to rotate; register its own key first" in done.out
    )
    assert lines[-1] == "domains ticked: 1 of 2; refused or failed: 1"
    assert state()["step"] == "requested"  # the other went on
    ja = cli("rotate", "--auto", "--all", "--nameserver", world["dns"].spec, "--lang", "ja", "-o", "json")
    assert ja.code == 1
    answer = json.loads(ja.out)
    assert answer["summary"] == {"units": 2, "ticked": 1, "failed": 1}
    assert [d.get("ok", True) for d in answer["domains"]] == [True, False]
    # In Japanese the failed unit carries the fleet's mark (NG), as every fleet line does.
    text_ja = cli("rotate", "--auto", "--all", "--nameserver", world["dns"].spec, "--lang", "ja")
    assert text_ja.code == 1
    assert any(line.startswith("NG  d000.fleet.example: ") for line in text_ja.out.splitlines()), text_ja.out
