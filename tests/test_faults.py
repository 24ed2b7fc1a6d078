"""Faults at the moment of the act: throttling, server errors, records that vanish while SES is switched.

The emulator injects the faults (throttles, 5xx, a held call), BIND serves the records, and
the invariant is read from the emulator's timeline of what SES signs with.
"""

from __future__ import annotations

import io
import json
import threading
import time
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.aws import pacing
from byodkim.aws import secrets as secretstore
from byodkim.cli.options import prefix
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from byodkim.function.phases import PhaseRequest
from byodkim.function.switch_back import SwitchStoppedError
from conftest import Cli, fault_campaign, publish_record, remove_record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer


OLD, NEW = "gooid-21-pro-20250912-1", "gooid-21-pro-20261201-1"
ALERTS = "aws-ses-migration-prod-alerts"  # the checkout's Sceptre config: phase 8's topic


@pytest.fixture
def ceiling_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every backoff is its ceiling (no jitter), so the delays printed are known."""
    monkeypatch.setattr("random.uniform", lambda _low, high: high)


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch, ceiling_backoff: None) -> None:
    """Backoff ceilings in hundredths of seconds: the budgets are what is tested, not the waits."""
    monkeypatch.setattr(pacing, "BACKOFF_BASE", 0.01)


def _on_byodkim(cli: Cli, emulator: Emulator, dns: LocalNameServer, tmp_path: Path, selector: str) -> None:
    emulator.control("/_byodkim/config", {"dns_servers": [dns.spec]})
    key = keys.generate()
    keys.write_key_files(tmp_path, selector, key)
    publish_record(dns, f"{selector}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", selector, key.public.b64).value)
    pem = tmp_path / f"{selector}.private.pem"
    assert cli("register", "--domain", "goo.ne.jp", "--selector", selector, "--key-file", pem).code == 0


@pytest.mark.usefixtures("quick_backoff")
def test_five_throttles_then_a_server_error_do_not_fail_status(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _on_byodkim(cli, emulator, goo_dns, tmp_path, "sel-1")
    emulator.control(
        "/_byodkim/faults",
        {
            "faults": [
                {"service": "ses", "operation": "GetEmailIdentity", "kind": "throttle", "count": 5},
                {"service": "ses", "operation": "GetEmailIdentity", "kind": "5xx", "status": 500, "count": 1},
            ]
        },
    )
    result = cli("status", "--domain", "goo.ne.jp", "--no-dns")
    assert result.code == 0, result.err
    assert "ap-northeast-1  EXTERNAL  SUCCESS  on       sel-1" in result.out
    assert result.err.splitlines() == [
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 1 of 12 in 0.0 s",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 2 of 12 in 0.0 s",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 3 of 12 in 0.0 s",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 4 of 12 in 0.1 s",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 5 of 12 in 0.2 s",
        "SES GetEmailIdentity in ap-northeast-1: HTTP 500; retry 1 of 4 in 0.0 s",
    ]


def _record_goes_as_the_put_lands(
    emulator: Emulator, goo_dns: LocalNameServer, region: str | None = None
) -> threading.Thread:
    """Hold SES's Put (in ``region``) 1.5 s after the last check passed, and remove the new record meanwhile."""
    put = "PutEmailIdentityDkimSigningAttributes"
    where = {"region": region} if region else {}
    fault = {"service": "ses", "operation": put, **where, "kind": "delay", "seconds": 1.5}
    emulator.control("/_byodkim/faults", {"faults": [fault]})
    return _when_called(emulator, put, lambda: remove_record(goo_dns, f"{NEW}._domainkey.goo.ne.jp"), region)


def _when_called(
    emulator: Emulator, operation: str, then: Callable[[], None], region: str | None = None
) -> threading.Thread:
    """Run ``then`` (the DNS team's mistake) as soon as SES receives ``operation`` (in ``region``), on a thread."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            calls = emulator.control("/_byodkim/calls")["calls"]
            if any(c["operation"] == operation and region in (None, c.get("region")) for c in calls):
                then()
                return
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _rotation_ready_to_switch(cli: Cli, emulator: Emulator, dns: LocalNameServer, tmp_path: Path) -> tuple[str, ...]:
    """Return rotate's arguments once OLD signs and NEW's record is live (done: keyed, requested, published)."""
    _on_byodkim(cli, emulator, dns, tmp_path, OLD)
    args: tuple[str, ...] = ("rotate", "--domain", "goo.ne.jp", "--new-selector", NEW, "--nameserver", dns.spec)
    args += ("--state-dir", str(tmp_path / "state"), "--interval", "0.1", "--timeout", "20s")
    assert cli(*args, "--until", "requested").code == 0
    stored = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{NEW}")
    assert stored is not None
    publish_record(dns, f"{NEW}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", NEW, stored.public.b64).value)
    assert cli(*args, "--until", "published").code == 0
    return args


def _alert_queue() -> str:
    """Subscribe a queue to the deployment's alert topic; return the queue's URL."""
    topic = boto3.client("sns").create_topic(Name=ALERTS)["TopicArn"]
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="alerts-copy")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return url


def _alerts(url: str) -> list[dict[str, str]]:
    messages = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def _signs_with(emulator: Emulator) -> list[str | None]:
    """Return the selectors SES was switched to, in order (the emulator's timeline)."""
    return [entry["selector"] for entry in emulator.control("/_byodkim/ses/timeline")["timeline"]]


@pytest.mark.usefixtures("ceiling_backoff")
def test_throttled_switch_stops_when_the_record_goes_during_the_retries(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    args = _rotation_ready_to_switch(cli, emulator, goo_dns, tmp_path)
    queue = _alert_queue()
    emulator.control(
        "/_byodkim/faults",
        {"faults": [{"service": "ses", "operation": "PutEmailIdentityDkimSigningAttributes", "count": 3}]},
    )
    puts_before = sum(
        c["operation"] == "PutEmailIdentityDkimSigningAttributes" for c in emulator.control("/_byodkim/calls")["calls"]
    )
    assert puts_before == 0
    watcher = _when_called(
        emulator,
        "PutEmailIdentityDkimSigningAttributes",
        lambda: remove_record(goo_dns, f"{NEW}._domainkey.goo.ne.jp"),
    )
    result = cli(*args)
    watcher.join(5)
    assert result.code == 1
    cause = (
        f"the new record {NEW}._domainkey.goo.ne.jp disappeared before SES was switched in ap-northeast-1: "
        f"the record of {NEW} is not live on every authoritative server at the moment of the switch "
        f"(0/1 servers publish the key"
    )
    assert cause in result.err
    assert f"notice: BYODKIM goo.ne.jp: rotation to {NEW} stopped: {cause}" in result.err
    assert "SES throttled PutEmailIdentityDkimSigningAttributes in ap-northeast-1; retry 1 of 12 in 0.5 s" in result.err
    state = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    assert (state["Tokens"], state["Status"]) == ([OLD], "SUCCESS")
    assert _signs_with(emulator) == [OLD]  # SES never held the new key
    (alert,) = _alerts(queue)
    assert alert["Subject"] == f"BYODKIM goo.ne.jp: rotation to {NEW} stopped"
    assert cause in alert["Message"]


def test_record_gone_while_the_switch_lands_switches_back_to_the_old_key(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    args = _rotation_ready_to_switch(cli, emulator, goo_dns, tmp_path)
    # SES holds the Put for 1.5 s after the last check passed; the record goes meanwhile.
    watcher = _record_goes_as_the_put_lands(emulator, goo_dns)
    result = cli(*args)
    watcher.join(5)
    assert result.code == 1
    cause = (
        f"the new record {NEW}._domainkey.goo.ne.jp disappeared while SES was switched in ap-northeast-1; "
        f"SES was switched back to {OLD}, whose record is live"
    )
    assert f"error: {cause}; ask the DNS team to publish the new record again, then run rotate again" in result.err
    assert f"notice: BYODKIM goo.ne.jp: rotation to {NEW} stopped: {cause}" in result.err
    state = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    assert (state["Tokens"], state["Status"]) == ([OLD], "SUCCESS")
    assert _signs_with(emulator) == [OLD, NEW, OLD]
    saved = json.loads((tmp_path / "state" / "rotation-goo.ne.jp.json").read_text())
    assert saved["done"] == ["keyed", "requested"]  # a re-run waits for the record again


def test_record_gone_while_ses_verifies_switches_back_within_one_check(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    args = _rotation_ready_to_switch(cli, emulator, goo_dns, tmp_path)
    assert cli(*args, "--until", "switched").code == 0
    remove_record(goo_dns, f"{NEW}._domainkey.goo.ne.jp")
    result = cli(*args)
    assert result.code == 1
    assert (
        f"error: the new record {NEW}._domainkey.goo.ne.jp disappeared while SES verified it (0/1 servers publish"
        in result.err
    )
    assert f"SES was switched back to {OLD}, whose record is live" in result.err
    state = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    assert (state["Tokens"], state["Status"]) == ([OLD], "SUCCESS")
    assert _signs_with(emulator) == [OLD, NEW, OLD]


READS = ("Get", "List", "Describe")


def _writes(emulator: Emulator, since: int) -> list[str]:
    """Return the calls after the ``since``-th that change something (anything not a read)."""
    calls = emulator.control("/_byodkim/calls")["calls"][since:]
    return [f"{c['service']} {c['operation']}" for c in calls if not c["operation"].startswith(READS)]


def test_register_refused_by_the_guard_writes_nothing(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _on_byodkim(cli, emulator, goo_dns, tmp_path, OLD)
    since = len(emulator.control("/_byodkim/calls")["calls"])
    # No --key-file: register generates the key, and used to store it before the guard refused.
    refused = cli("register", "--domain", "goo.ne.jp", "--selector", "slowdns-1", "--nameserver", goo_dns.spec)
    assert refused.code == 1
    lines = refused.out.splitlines()
    assert lines[0].startswith("new key sha256:")
    assert lines[0].endswith(": not stored byodkim/dkim/goo.ne.jp/slowdns-1 (ap-northeast-1)")
    assert lines[1].startswith(
        f"ap-northeast-1: refused (DKIM SUCCESS): the identity signs with selector {OLD} now; switching before "
    )
    assert len(lines) == 2
    assert _writes(emulator, since) == []
    assert secretstore.read_key(boto3.client("secretsmanager"), "byodkim/dkim/goo.ne.jp/slowdns-1") is None


# Seeds covering each kind: a held switch with the record removed (rotate, register, phase 7), Ctrl-C,
# resets and 5xx, throttles on the switch and on its tagging, two regions (rotate and register).
CAMPAIGN_SEEDS = (5, 7, 14, 25, 31, 44, 73)


def test_fault_campaign_never_leaves_ses_on_an_unpublished_key(emulator: Emulator, goo_dns: LocalNameServer) -> None:
    campaign = fault_campaign()
    outcomes = campaign.campaign(CAMPAIGN_SEEDS, emulator, goo_dns)
    assert [o.plan.seed for o in outcomes] == list(CAMPAIGN_SEEDS)
    assert sum(o.plan.injected for o in outcomes) > 40
    assert {o.plan.command for o in outcomes} == {"rotate", "register", "phase7"}
    assert {o.plan.command for o in outcomes if len(o.plan.regions) > 1} == {"rotate", "register"}
    assert [(o.plan.seed, o.problems) for o in outcomes if o.problems] == []
    assert all(o.completed for o in outcomes)
    assert max(o.worst_unsigned for o in outcomes) <= campaign.CHECK_PERIOD


def test_what_is_typed_is_what_runs(cli: Cli, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = len(emulator.control("/_byodkim/calls")["calls"])
    typo = cli("status", "--domain", "goo.ne.jp", "--region", "ap-northest-1", "--no-dns")
    assert (typo.code, typo.out, typo.err) == (
        2,
        "",
        (
            "error: Invalid value for '--region': `ap-northest-1` is not an AWS region; use a region name such as "
            "ap-northeast-1 (Tokyo) (see 'byodkim status --help')\n"
        ),
    )
    assert len(emulator.control("/_byodkim/calls")["calls"]) == calls  # refused before any call

    undeclared = cli("status", "--domain", "goo.ne.j", "--no-dns")
    assert (undeclared.code, undeclared.out, undeclared.err) == (
        1,
        "ap-northeast-1: no identity for goo.ne.j\n",
        (
            "warning: goo.ne.j is not declared in the Sceptre config (declared: goo.ne.jp)\n"
            "error: no SES identity for goo.ne.j in ap-northeast-1\n"
        ),
    )
    dry = cli("register", "--domain", "goo.ne.jpp", "--selector", "s1", "--dry-run", "--nameserver", "127.0.0.1:9")
    assert dry.err == "warning: goo.ne.jpp is not declared in the Sceptre config (declared: goo.ne.jp)\n"
    assert "ap-northeast-1: would create" in dry.out

    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    ambient = cli("status", "--domain", "goo.ne.jp", "--no-dns")
    assert ambient.err.splitlines()[0] == (
        "warning: AWS_REGION us-east-1 is not used for goo.ne.jp, which is declared in ap-northeast-1; "
        "pass --region us-east-1 to act there"
    )
    assert ambient.out == "ap-northeast-1: no identity for goo.ne.jp\n"
    typed = cli("status", "--domain", "goo.ne.jp", "--region", "eu-west-1", "--no-dns")
    assert typed.err.splitlines()[0] == (
        "warning: --region eu-west-1 is not declared for goo.ne.jp (declared: ap-northeast-1)"
    )
    assert typed.out == "eu-west-1: no identity for goo.ne.jp\n"  # the region typed is the one read


class _Terminal(io.StringIO):
    """A terminal's stdin where the person types what it holds."""

    def isatty(self) -> bool:
        return True


def test_rollback_prints_the_cnames_and_warns_mail_is_unsigned_until_they_verify(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _on_byodkim(cli, emulator, goo_dns, tmp_path, OLD)
    warning = (
        "warning: after the switch, mail from goo.ne.jp goes out without goo.ne.jp's DKIM signature until Easy DKIM's "
        "three CNAME records are published and SES verifies them (printed after the switch; "
        f"`{prefix()} status --domain goo.ne.jp` shows them)\n"
    )
    since = len(emulator.control("/_byodkim/calls")["calls"])
    planned = cli("rollback", "--domain", "goo.ne.jp", "--dry-run")
    assert (planned.code, planned.out, planned.err) == (
        0,
        "ap-northeast-1: would switch to Easy DKIM (DKIM now SUCCESS)\n",
        warning,
    )
    unconfirmed = cli("rollback", "--domain", "goo.ne.jp")
    assert (unconfirmed.code, unconfirmed.err) == (
        2,
        "error: rollback changes how mail is signed and needs confirmation; run it in a terminal or add -y/--yes\n",
    )
    assert _writes(emulator, since) == []  # neither the dry run nor the refusal wrote anything
    # "n" at the prompt is a person's answer, not Ctrl-C: a refusal, exit 1 (not 130), nothing changed.
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    declined = cli("rollback", "--domain", "goo.ne.jp")
    assert (declined.code, declined.out) == (1, "")
    assert declined.err.splitlines()[-1].split("]: ")[-1] == (
        "error: goo.ne.jp was not switched back to Easy DKIM; nothing was changed; "
        "run byodkim rollback --domain goo.ne.jp again and answer y when it may switch"
    )
    assert "interrupted" not in declined.err
    assert _writes(emulator, since) == []
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    done = cli("rollback", "--domain", "goo.ne.jp", "-y")
    assert done.code == 0
    tokens = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Tokens"]
    lines = [f"  {t}._domainkey.goo.ne.jp. 1800 IN CNAME {t}.dkim.amazonses.com." for t in tokens]
    assert done.err == warning
    ask = "dns-request --domain goo.ne.jp --easy-dkim --region ap-northeast-1 --out easy-dkim-goo.ne.jp.md"
    assert done.out.splitlines() == [
        "ap-northeast-1: rolled back to Easy DKIM (DKIM PENDING)",
        f"publish these records for ap-northeast-1 (BIND lines), then check `{prefix()} status --domain goo.ne.jp`:",
        *lines,
        f"the request for the DNS team (add --lang ja for Japanese): {prefix()} {ask}",
    ]
    # The command it names writes them for the DNS team, in English and in Japanese.
    assert cli(*ask.split(), "--out", tmp_path / "en.md").code == 0
    request = (tmp_path / "en.md").read_text(encoding="utf-8")
    assert request.startswith("# DNS change request: Easy DKIM records for goo.ne.jp\n")
    assert "\n".join(line.strip() for line in lines) in request
    assert "until these records are published and SES has found them, mail from goo.ne.jp\ngoes out without" in request
    assert cli(*ask.split(), "--out", tmp_path / "ja.md", "--lang", "ja").code == 0
    japanese = (tmp_path / "ja.md").read_text(encoding="utf-8")
    assert japanese.startswith("# DNS レコード追加のお願い（goo.ne.jp の Easy DKIM）\n")
    assert "\n".join(line.strip() for line in lines) in japanese
    shown = cli("status", "--domain", "goo.ne.jp", "--no-dns")
    assert shown.out.splitlines()[2:] == ["ap-northeast-1: Easy DKIM CNAME records:", *lines]


def test_rotate_points_the_ssm_selector_at_the_key_ses_holds(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    args = _rotation_ready_to_switch(cli, emulator, goo_dns, tmp_path)
    name = "/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/selector"  # phase 4's, read by phases 4, 5 and 7
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=name, Value=OLD, Type="String")
    result = cli(*args)
    assert result.code == 0, result.err
    assert f"SSM {name}: {OLD} -> {NEW} (the selector SES holds)" in result.err.splitlines()
    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == NEW
    # The checkout's Sceptre config still says the old selector: report names the line to change.
    report = json.loads(cli("report", "--domain", "goo.ne.jp", "--nameserver", goo_dns.spec, "-o", "json").out)
    assert (
        f"The Sceptre config says `selector: {OLD}` but SES signs with {NEW} in ap-northeast-1: change that line "
        f"in sceptre/config/prod/config.yaml to `selector: {NEW}`, so the next launch and phases 4, 5 and 7 use "
        "the key SES holds."
    ) in report["notes"]


@pytest.mark.usefixtures("ceiling_backoff")
def test_register_over_a_signing_key_rechecks_the_record_at_each_attempt(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _on_byodkim(cli, emulator, goo_dns, tmp_path, OLD)
    new = keys.generate()
    keys.write_key_files(tmp_path, NEW, new)
    publish_record(goo_dns, f"{NEW}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", NEW, new.public.b64).value)
    emulator.control(
        "/_byodkim/faults",
        {"faults": [{"service": "ses", "operation": "PutEmailIdentityDkimSigningAttributes", "count": 3}]},
    )
    watcher = _when_called(
        emulator,
        "PutEmailIdentityDkimSigningAttributes",
        lambda: remove_record(goo_dns, f"{NEW}._domainkey.goo.ne.jp"),
    )
    pem = tmp_path / f"{NEW}.private.pem"
    result = cli(
        "register", "--domain", "goo.ne.jp", "--selector", NEW, "--key-file", pem, "--nameserver", goo_dns.spec
    )
    watcher.join(5)
    assert result.code == 1
    line = result.out.splitlines()[1]
    assert line.startswith(
        f"ap-northeast-1: refused (DKIM SUCCESS): the record of {NEW} is not live on every authoritative server at "
        f"the moment of the switch (0/1 servers publish the key"
    )
    assert line.endswith(
        "; SES was not changed. Have the record published again, check it with `byodkim verify`, then run again"
    )
    assert _signs_with(emulator) == [OLD]


def _manager(dns: LocalNameServer) -> Any:
    """Return the dkim-manager as phase 2 configures it for goo.ne.jp, against the emulator."""
    from byodkim.aws.session import Aws
    from byodkim.function.phases import Manager, ManagerConfig

    alerts = boto3.client("sns").create_topic(Name=ALERTS)["TopicArn"]
    config = ManagerConfig.from_environment(
        {
            "PROJECT_NAME": "aws-ses-migration",
            "ENVIRONMENT": "prod",
            "DOMAIN_NAME": "goo.ne.jp",
            "NAMESERVERS": dns.spec,
            "ALERT_TOPIC_ARN": alerts,
            "DNS_TOPIC_ARN": boto3.client("sns").create_topic(Name="dns-team")["TopicArn"],
        }
    )
    return Manager(config, Aws(), "ap-northeast-1")


def test_phase_7_switches_back_when_the_record_goes_as_the_switch_lands(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _rotation_ready_to_switch(cli, emulator, goo_dns, tmp_path)  # OLD signs; NEW stored, its record live
    queue = _alert_queue()
    manager = _manager(goo_dns)
    watcher = _record_goes_as_the_put_lands(emulator, goo_dns)
    with pytest.raises(SwitchStoppedError) as stopped:
        manager.run(PhaseRequest("phase_manager", "7", "goo.ne.jp", NEW))
    watcher.join(5)
    cause = (
        f"the record {NEW}._domainkey.goo.ne.jp disappeared while SES was switched to it in ap-northeast-1; "
        f"SES was switched back to {OLD}, whose record is live"
    )
    assert str(stopped.value) == (
        f"{cause}; have the record published again (check it with `byodkim verify`), then invoke phase 7 again"
    )
    state = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    assert (state["Tokens"], state["Status"]) == ([OLD], "SUCCESS")
    assert _signs_with(emulator) == [OLD, NEW, OLD]
    (alert,) = _alerts(queue)
    assert (alert["Subject"], alert["Message"]) == (f"BYODKIM goo.ne.jp: phase 7 switch to {NEW} stopped", cause)


def test_the_health_check_names_a_signing_selector_whose_record_is_gone(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    args = _rotation_ready_to_switch(cli, emulator, goo_dns, tmp_path)
    manager = _manager(goo_dns)
    healthy = manager.run(PhaseRequest("health", "", "goo.ne.jp", None))
    assert [f["condition"] for f in healthy["findings"]] == ["healthy"]
    # SES holds NEW and has not read its record yet (PENDING): a check finds it pending, then the record goes.
    emulator.control("/_byodkim/config", {"dns_servers": []})
    assert cli(*args, "--until", "switched").code == 0
    pending = manager.run(PhaseRequest("health", "", "goo.ne.jp", None))
    assert [(f["condition"], f["selector"]) for f in pending["findings"]] == [("pending", NEW)]
    remove_record(goo_dns, f"{NEW}._domainkey.goo.ne.jp")
    found = manager.run(PhaseRequest("health", "", "goo.ne.jp", None))
    (finding,) = found["findings"]
    assert (finding["condition"], finding["ses"], finding["selector"]) == ("record gone", "PENDING", NEW)
    assert finding["detail"].startswith(f"SES signs with {NEW} (PENDING) and its record is gone: ")
    assert found["notified"] == ["ap-northeast-1"]
    again = manager.run(PhaseRequest("health", "", "goo.ne.jp", None))  # the next run still says so
    assert [f["condition"] for f in again["findings"]] == ["record gone"]


TWO = ("ap-northeast-1", "us-west-2")
THREE = (*TWO, "eu-west-1")


def _rotation_in(
    cli: Cli, emulator: Emulator, dns: LocalNameServer, tmp_path: Path, regions: tuple[str, ...]
) -> tuple[str, ...]:
    """Return rotate's arguments for ``regions`` once OLD signs in each and NEW's record is live."""
    emulator.control("/_byodkim/config", {"dns_servers": [dns.spec]})
    key = keys.generate()
    keys.write_key_files(tmp_path, OLD, key)
    publish_record(dns, f"{OLD}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", OLD, key.public.b64).value)
    where = [arg for region in regions for arg in ("--region", region)]
    pem = tmp_path / f"{OLD}.private.pem"
    assert cli("register", "--domain", "goo.ne.jp", "--selector", OLD, "--key-file", pem, *where).code == 0
    args: tuple[str, ...] = ("rotate", "--domain", "goo.ne.jp", "--new-selector", NEW, "--nameserver", dns.spec)
    args += (*where, "--state-dir", str(tmp_path / "state"), "--interval", "0.1", "--timeout", "20s")
    assert cli(*args, "--until", "requested").code == 0
    stored = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{NEW}")
    assert stored is not None
    publish_record(dns, f"{NEW}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", NEW, stored.public.b64).value)
    assert cli(*args, "--until", "published").code == 0
    return args


def _selectors(regions: tuple[str, ...]) -> list[list[str]]:
    found = []
    for region in regions:
        state = boto3.client("sesv2", region_name=region).get_email_identity(EmailIdentity="goo.ne.jp")
        found.append(state["DkimAttributes"]["Tokens"])
    return found


def test_record_gone_in_the_second_region_switches_the_first_back_too(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    args = _rotation_in(cli, emulator, goo_dns, tmp_path, TWO)
    # The first region switches with the record live; the second's Put is held while the record goes.
    watcher = _record_goes_as_the_put_lands(emulator, goo_dns, "us-west-2")
    result = cli(*args)
    watcher.join(5)
    assert result.code == 1
    assert (
        f"error: the new record {NEW}._domainkey.goo.ne.jp disappeared while SES was switched in us-west-2; "
        f"SES was switched back to {OLD} in ap-northeast-1, us-west-2, whose record is live; "
        "ask the DNS team to publish the new record again, then run rotate again"
    ) in result.err
    assert _selectors(TWO) == [[OLD], [OLD]]  # no region left on the key whose record went


@pytest.mark.usefixtures("ceiling_backoff")
def test_record_gone_before_the_second_region_leaves_no_region_on_the_new_key(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    args = _rotation_in(cli, emulator, goo_dns, tmp_path, THREE)
    emulator.control(
        "/_byodkim/faults",
        {
            "faults": [
                {
                    "service": "ses",
                    "operation": "PutEmailIdentityDkimSigningAttributes",
                    "region": "us-west-2",
                    "count": 3,
                }
            ]
        },
    )
    watcher = _when_called(
        emulator,
        "PutEmailIdentityDkimSigningAttributes",
        lambda: remove_record(goo_dns, f"{NEW}._domainkey.goo.ne.jp"),
        "us-west-2",
    )
    result = cli(*args)
    watcher.join(5)
    assert result.code == 1
    error = next(line for line in result.err.splitlines() if line.startswith("error: "))
    assert error.startswith(
        f"error: the new record {NEW}._domainkey.goo.ne.jp disappeared before SES was switched in us-west-2: "
        f"the record of {NEW} is not live on every authoritative server at the moment of the switch"
    )
    assert error.endswith(
        f"SES was not changed; SES was switched back to {OLD} in ap-northeast-1, whose record is live; "
        "ask the DNS team to publish the new record again, then run rotate again"
    )
    assert _selectors(THREE) == [[OLD], [OLD], [OLD]]
    puts = [
        c["region"]
        for c in emulator.control("/_byodkim/calls")["calls"]
        if c["operation"] == "PutEmailIdentityDkimSigningAttributes"
    ]
    assert "eu-west-1" not in puts  # the third region was never switched (the set-up created it)


def test_phases_4_and_5_default_to_the_selector_ses_holds_and_say_so(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _on_byodkim(cli, emulator, goo_dns, tmp_path, OLD)
    new = keys.generate()
    keys.write_key_files(tmp_path, NEW, new)
    publish_record(goo_dns, f"{NEW}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", NEW, new.public.b64).value)
    pem = tmp_path / f"{NEW}.private.pem"
    args = ("--selector", NEW, "--key-file", pem, "--nameserver", goo_dns.spec)
    assert cli("register", "--domain", "goo.ne.jp", *args).code == 0
    name = "/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/selector"
    boto3.client("ssm").put_parameter(Name=name, Value=OLD, Type="String")  # a launch with the config's old line
    manager = _manager(goo_dns)
    said = {
        "selector": NEW,
        "selectorFrom": "SES in ap-northeast-1 (the key it holds)",
        "selectorNote": (
            f'SSM {name} says {OLD}, but SES holds {NEW}: used {NEW}; give "selector" in the payload to use another'
        ),
    }
    prepared = manager.run(PhaseRequest("phase_manager", "4", "goo.ne.jp", None))
    assert {k: prepared[k] for k in said} == said
    # Through JSON, as `phase 4 --invoke` gets it: the note carries its key and is said in Japanese.
    from byodkim.cli.rollout_lines import keyed_answer, phase_lines
    from byodkim.messages import carried

    answered = json.loads(json.dumps({**prepared, "messages": carried(prepared)}))
    shown = phase_lines(keyed_answer(answered, "ap-northeast-1", name), "ja")
    note = f"SSM {name} は {OLD} ですが、SES は {NEW} を持っているため {NEW} を使いました。"
    assert f'セレクタの注記: {note}別のセレクタを使うには "selector" を指定してください' in shown, shown
    assert prepared["record"]["name"] == f"{NEW}._domainkey.goo.ne.jp"
    sent = manager.run(PhaseRequest("phase_manager", "5", "goo.ne.jp", None))
    assert ({k: sent[k] for k in said}, sent["record"]) == (said, f"{NEW}._domainkey.goo.ne.jp")
    chosen = manager.run(PhaseRequest("phase_manager", "4", "goo.ne.jp", OLD))
    assert (chosen["selector"], chosen["selectorFrom"]) == (OLD, "the payload")
    assert "selectorNote" not in chosen


def test_easy_dkim_request_before_a_rollback_says_there_is_nothing_to_publish_yet(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _on_byodkim(cli, emulator, goo_dns, tmp_path, OLD)
    early = cli("dns-request", "--domain", "goo.ne.jp", "--easy-dkim")
    assert (early.code, early.out, early.err) == (
        2,
        "",
        (
            f"error: goo.ne.jp signs with its own key ({OLD}) in ap-northeast-1: SES gives Easy DKIM's CNAME records "
            "only once it is on Easy DKIM; switch it with `byodkim rollback` first (it prints them too)\n"
        ),
    )
    bare = cli("dns-request", "--domain", "goo.ne.jp")
    assert bare.code == 2
    assert "Missing option '--selector' (or give --easy-dkim for rollback's CNAME records)." in bare.err


def test_verify_wait_prints_progress_on_a_non_terminal_at_a_bounded_rate(
    cli: Cli, goo_dns: LocalNameServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from byodkim.dnscheck import wait

    monkeypatch.setattr(wait, "PROGRESS_EVERY", 0.5)  # 30 s in use; the rule is what is tested
    keys.write_key_files(tmp_path, NEW, keys.generate(1024))
    result = cli(
        "verify", "--domain", "goo.ne.jp", "--selector", NEW, "--key-file", tmp_path / f"{NEW}.private.pem",
        "--nameserver", goo_dns.spec, "--wait", "--timeout", "2s", "--interval", "0.1",
    )  # fmt: skip
    assert result.code == 3
    lines = result.err.splitlines()
    waiting = [line for line in lines if line.startswith("waiting ")]
    said = f"0/1 servers publish the key at {NEW}._domainkey.goo.ne.jp ({goo_dns.spec} absent)"
    # Nothing changes in 2 s of polls 0.1 s to 0.76 s apart: a line at the first poll, then one per 0.5 s.
    assert [line.partition(": ")[2] for line in waiting] == [said] * len(waiting)
    assert waiting[0] == f"waiting 0s: {said}"
    assert 3 <= len(waiting) <= 5
    assert lines[-1] == f"error: gave up after 2s: {said.partition(' (')[0]}; run it again to keep waiting"


def test_a_fleet_run_interrupted_names_the_command_to_resume(
    cli: Cli, emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_fleet import fleet_project

    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(fleet_project(tmp_path, 2)))

    from byodkim.cli import fleet

    shown = fleet.line
    presses = [KeyboardInterrupt()]

    def pressed(*args: Any, **kwargs: Any) -> str:
        if presses:
            raise presses.pop()  # Ctrl-C once, as the first outcome is printed; the run finishes what is in flight
        return shown(*args, **kwargs)

    monkeypatch.setattr(fleet, "line", pressed)
    result = cli("status", "--all")
    assert result.code == 130
    assert result.err.splitlines()[-1] == f"error: interrupted; run the same command to resume: {prefix()} status --all"


def test_preflight_stops_on_a_config_selector_that_is_not_the_one_ses_holds(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    config = "gooid-21-pro-20250912-1"  # the checkout's sceptre/config/prod/config.yaml
    clear = cli("preflight", "prod", "--stack", "phase-4-dns-preparation")
    assert (clear.code, "STOP" in clear.out) == (0, False)  # no identity: nothing to compare
    # One step off: a key registered by hand (the running deployment's test key) is not byodkim's truth.
    boto3.client("sesv2").create_email_identity(
        EmailIdentity="goo.ne.jp",
        DkimSigningAttributes={
            "DomainSigningSelector": "gooid-21-pro-test-1",
            "DomainSigningPrivateKey": keys.generate().ses_private_key(),
        },
    )
    foreign = cli("preflight", "prod", "--stack", "phase-4-dns-preparation")
    assert (foreign.code, "STOP" in foreign.out) == (0, False)
    _on_byodkim(cli, emulator, goo_dns, tmp_path, NEW)  # SES signs with NEW, as after a rotation
    found = cli("preflight", "prod", "--stack", "phase-4-dns-preparation")
    assert found.code == 1, found.out + found.err
    assert (
        "  STOP selector not the one SES holds Selector (stack parameter): the Sceptre config says "
        f"`selector: {config}` but SES signs with {NEW} in ap-northeast-1; the launch would point SSM's selector, "
        f"which phases 4, 5 and 7 read, back at {config}. Change that line in sceptre/config/prod/config.yaml to "
        f"`selector: {NEW}`, or accept it (`!byodkim_preflight {{accept: [Selector]}}`)"
    ) in found.out.splitlines()
    japanese = cli("preflight", "prod", "--stack", "phase-4-dns-preparation", "--lang", "ja")
    assert (
        f"  停止 SES のセレクタと不一致 Selector (stack parameter): Sceptre の設定は `selector: {config}` ですが、"
        f"SES は {NEW} in ap-northeast-1 で署名しています。"
    ) in japanese.out
