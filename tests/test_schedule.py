"""The scheduled rotation tick by tick, the clock given as ``now``: the emulator as a server, a real BIND."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.aws import secrets as secretstore
from byodkim.aws.session import Aws
from byodkim.deployment import Deployment
from byodkim.dkim import keys
from byodkim.dkim.policy import RotationPolicy
from byodkim.dkim.record import DkimRecord
from byodkim.dnscheck import check as verify
from byodkim.dnscheck import judge
from byodkim.dnscheck.servers import parse_servers
from byodkim.errors import InputError
from byodkim.function import schedule
from byodkim.function.config import ManagerConfig
from conftest import Cli, publish_record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer

OLD = "gooid-21-pro-20250912-1"  # made 2025-09-12: under 180/14/7, prepared from 2026-02-25, due 2026-03-11
NEW = "gooid-21-pro-20260225-1"
POLICY = RotationPolicy(180, 14, 7, 14, "gooid-21-pro-{date}-{n}", "auto")
BUCKET = "aws-ses-migration-prod-dkim-certificates"
STATE = "/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/rotation"
REGIONS = ("ap-northeast-1", "us-east-1")


def at(day: str, hour: int = 9) -> datetime:
    """Return 09:00 UTC (or ``hour``) on ``day``."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _inbox(topic: str) -> str:
    sqs = boto3.client("sqs")
    queue = sqs.create_queue(QueueName=topic.rsplit(":", 1)[1] + "-inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns").subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    return queue


def read_inbox(queue: str) -> list[str]:
    """Return (and consume) what a topic's subscriber received so far."""
    got: list[str] = []
    while True:
        answer = boto3.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
        messages = answer.get("Messages", [])
        if not messages:
            return got
        for message in messages:
            got.append(message["Body"])
            boto3.client("sqs").delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def world(emulator: Emulator, goo_dns: LocalNameServer, cli: Cli, tmp_path: Path) -> dict[str, Any]:
    """goo.ne.jp on its own key OLD in two regions, phase 4/5's bucket and topics, a Rotation for ticks."""
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    key = keys.generate()
    keys.write_key_files(tmp_path, OLD, key)
    publish_record(goo_dns, f"{OLD}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", OLD, key.public.b64).value)
    registered = cli(
        "register", "--domain", "goo.ne.jp", "--selector", OLD, "--key-file", tmp_path / f"{OLD}.private.pem",
        "--region", REGIONS[0], "--region", REGIONS[1],
    )  # fmt: skip
    assert registered.code == 0, registered.err
    boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    dns_topic = boto3.client("sns").create_topic(Name="aws-ses-migration-prod-dns-team")["TopicArn"]
    alert_topic = boto3.client("sns").create_topic(Name="aws-ses-migration-prod-alerts")["TopicArn"]
    config = ManagerConfig(
        deployment=Deployment.from_names("aws-ses-migration", "prod"),
        domain="goo.ne.jp",
        bucket=BUCKET,
        topic_arn=dns_topic,
        alert_topic_arn=alert_topic,
        nameservers=(goo_dns.spec,),
        rotation=POLICY,
    )
    rotation = schedule.Rotation(config, Aws(), REGIONS[0], parse_servers([goo_dns.spec]))
    return {
        "rotation": rotation,
        "dns": goo_dns,
        "dns_team": _inbox(dns_topic),
        "alerts": _inbox(alert_topic),
        "emulator": emulator,
    }


def tick(world: dict[str, Any], when: datetime, **options: Any) -> schedule.Tick:
    """Run one tick for goo.ne.jp in both regions."""
    return schedule.tick(world["rotation"], "goo.ne.jp", REGIONS, when, **options)


def state() -> dict[str, Any]:
    """Return the rotation's state as kept in SSM."""
    return dict(json.loads(boto3.client("ssm").get_parameter(Name=STATE)["Parameter"]["Value"]))


def new_public(selector: str = NEW) -> keys.PublicKey:
    """Return the public half of the key the tick stored for ``selector``."""
    stored = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{selector}")
    assert stored is not None
    return stored.public


def publish_new(dns: LocalNameServer, value: str | list[str] | None = None, selector: str = NEW) -> None:
    """Play the DNS team: publish the requested record (or ``value``)."""
    record = DkimRecord("goo.ne.jp", selector, new_public(selector).b64)
    publish_record(dns, record.name, record.value if value is None else value)


def signing(emulator: Emulator, dns: LocalNameServer) -> set[str]:
    """Return the selectors SES signs with; each one's record is live and holds the registered key (the invariant)."""
    selectors = set()
    for active in emulator.control("/_byodkim/ses/identities")["identities"]:
        selector = str(active["selector"])
        stored = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{selector}")
        assert stored is not None
        assert hashlib.sha256(stored.ses_private_key().encode()).hexdigest() == active["key_sha256"]
        servers = tuple(parse_servers([dns.spec]))
        report = verify.check(judge.Check("goo.ne.jp", selector, stored.public, servers))
        assert report.ok, f"SES signs with {selector}, whose record is not live: {report.summary()}"
        selectors.add(selector)
    return selectors


def test_a_full_rotation_tick_by_tick(world: dict[str, Any]) -> None:  # noqa: PLR0915 - one rotation, tick by tick
    emulator, dns = world["emulator"], world["dns"]
    early = tick(world, at("2026-02-24"))
    assert (early.state.step, early.done) == ("idle", [])
    assert early.waits == f"{OLD} signs; the next key is prepared from 2026-02-25, due 2026-03-11"
    with pytest.raises(Exception, match="ParameterNotFound"):
        state()  # too early: nothing written
    looked = tick(world, at("2026-02-25"), dry_run=True)
    assert looked.waits == f"would prepare key {NEW} (due 2026-03-11)"
    with pytest.raises(Exception, match="ParameterNotFound"):
        state()  # the dry run wrote nothing
    lead = tick(world, at("2026-02-25"))
    assert [line.key for line in lead.done] == ["schedule.prepared", "schedule.requested"]
    assert lead.waits is not None
    assert lead.waits.startswith(f"waiting for {NEW}._domainkey.goo.ne.jp since 2026-02-25: 0/1")
    kept = state()
    assert (kept["step"], kept["old_selector"], kept["new_selector"]) == ("requested", OLD, NEW)
    assert "PRIVATE" not in json.dumps(kept)
    assert kept["fingerprint"] == new_public().fingerprint
    phase_1 = boto3.client("kms").describe_key(KeyId="alias/aws-ses-migration-prod-dkim-secrets")["KeyMetadata"]
    stored = boto3.client("secretsmanager").describe_secret(SecretId=f"byodkim/dkim/goo.ne.jp/{NEW}")
    assert stored["KmsKeyId"] in (phase_1["Arn"], phase_1["KeyId"])  # encrypted with phase 1's key
    (request,) = read_inbox(world["dns_team"])
    assert f"{NEW}._domainkey.goo.ne.jp" in request
    assert f"Keep {OLD}._domainkey.goo.ne.jp as it is." in request
    assert new_public().b64[:200] in request.replace('"', "").replace(" ", "").replace("\n", "")
    objects = boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix=f"dns/goo.ne.jp/{NEW}/")["Contents"]
    assert {o["Key"].rsplit("/", 1)[1] for o in objects} >= {"request-en.md", "request-ja.md", "zone.txt"}
    assert len(read_inbox(world["alerts"])) == 2  # prepared, requested
    assert signing(emulator, dns) == {OLD}

    waiting = tick(world, at("2026-03-01"))  # not published yet: waits, says since when
    assert (waiting.state.step, waiting.done) == ("requested", [])
    assert read_inbox(world["dns_team"]) == []  # the request went once
    publish_new(dns)
    live = tick(world, at("2026-03-10", 23))  # published, an hour before the due day: live, no switch yet
    assert [line.key for line in live.done] == ["schedule.live"]
    assert live.waits == f"the record is live; SES switches to {NEW} on 2026-03-11"
    assert signing(emulator, dns) == {OLD}  # before the due date, SES keeps the old key

    assert tick(world, at("2026-03-10", 23)).done == []
    due = tick(world, at("2026-03-11", 0))
    assert [line.key for line in due.done] == ["schedule.switched", "schedule.verified"]
    assert signing(emulator, dns) == {NEW}
    selector = boto3.client("ssm").get_parameter(Name="/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/selector")
    assert selector["Parameter"]["Value"] == NEW
    assert due.waits == f"{OLD}._domainkey.goo.ne.jp stays until 2026-03-18"

    kept_old = tick(world, at("2026-03-17", 23))  # an hour before the window ends
    assert (kept_old.done, kept_old.state.step) == ([], "verified")
    read_inbox(world["dns_team"])
    retired = tick(world, at("2026-03-18", 0))
    assert [line.key for line in retired.done] == ["schedule.retired"]
    (removal,) = read_inbox(world["dns_team"])
    assert f"`{OLD}._domainkey.goo.ne.jp`" in removal
    tags = boto3.client("secretsmanager").describe_secret(SecretId=f"byodkim/dkim/goo.ne.jp/{OLD}")["Tags"]
    assert {"Key": "byodkim:retired", "Value": "2026-03-18"} in tags  # the old key's secret is kept, tagged
    # Idle until the next due date: the new key was made 2026-02-25, due 2026-08-24, prepared from 2026-08-10.
    assert retired.waits == f"{NEW} signs; the next key is prepared from 2026-08-10, due 2026-08-24"
    idle = tick(world, at("2026-04-01"))
    assert (idle.done, idle.state.step) == ([], "idle")
    assert state()["retired"] == [{"selector": OLD, "at": "2026-03-18T00:00:00+00:00", "via": "dns-team"}]


def test_a_repeated_tick_does_nothing_new_and_a_crash_before_saving_makes_no_second_key(
    world: dict[str, Any],
) -> None:
    # A tick that stored the key and died before saving the state: the key is there, the state is not.
    crashed = keys.generate()
    secretstore.store_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{NEW}", crashed, "goo.ne.jp", NEW)
    resumed = tick(world, at("2026-02-26"))
    assert [line.key for line in resumed.done] == ["schedule.prepared", "schedule.requested"]
    assert (resumed.state.new_selector, resumed.state.fingerprint) == (NEW, crashed.public.fingerprint)
    names = [s["Name"] for s in boto3.client("secretsmanager").list_secrets()["SecretList"]]
    assert sorted(names) == [f"byodkim/dkim/goo.ne.jp/{OLD}", f"byodkim/dkim/goo.ne.jp/{NEW}"]  # no second key
    read_inbox(world["alerts"])
    assert len(read_inbox(world["dns_team"])) == 1
    before = state()
    again = tick(world, at("2026-02-26"))  # the same tick again: nothing new, nothing sent
    assert (again.done, state()) == ([], before)
    assert (read_inbox(world["dns_team"]), read_inbox(world["alerts"])) == ([], [])


def test_manual_approval_waits_for_a_person_then_switches_at_once(world: dict[str, Any]) -> None:
    rotation = world["rotation"]
    world["rotation"] = replace(rotation, config=replace(rotation.config, rotation=replace(POLICY, approval="manual")))
    with pytest.raises(InputError, match=re.escape("no rotation of goo.ne.jp is prepared")):
        schedule.approve(world["rotation"], "goo.ne.jp", at("2026-02-25"), "arn:aws:iam::123456789012:user/ops")
    tick(world, at("2026-02-25"))
    with pytest.raises(
        InputError, match=re.escape(f"{NEW}._domainkey.goo.ne.jp is not live on every authoritative server")
    ):
        schedule.approve(world["rotation"], "goo.ne.jp", at("2026-02-26"), "arn:aws:iam::123456789012:user/ops")
    publish_new(world["dns"])
    waiting = tick(world, at("2026-03-20"))  # past due: still waits for a person
    assert (
        waiting.waits
        == "the record is live; the switch waits for approval: byodkim rotate --approve --domain goo.ne.jp"
    )
    assert signing(world["emulator"], world["dns"]) == {OLD}
    approved = schedule.approve(world["rotation"], "goo.ne.jp", at("2026-03-01"), "arn:aws:iam::123456789012:user/ops")
    assert approved.approved == {"by": "arn:aws:iam::123456789012:user/ops", "at": "2026-03-01T09:00:00+00:00"}
    early = tick(world, at("2026-03-01"))  # approved before the due date: switches at once
    assert [line.key for line in early.done] == ["schedule.switched", "schedule.verified"]
    assert signing(world["emulator"], world["dns"]) == {NEW}


LEGAL: dict[str, Callable[[str], str | list[str]]] = {
    "split elsewhere": lambda v: [v[i : i + 100] for i in range(0, len(v), 100)],
    "no v=": lambda v: v.removeprefix("v=DKIM1; "),
    "spaces and an unknown tag": lambda v: v.replace("; ", " ;  ").replace("k=rsa", "k=rsa; n=rotated by byodkim"),
}


@pytest.mark.parametrize("spelling", list(LEGAL))
def test_a_record_spelled_another_legal_way_is_live(world: dict[str, Any], spelling: str) -> None:
    tick(world, at("2026-02-25"))
    value = DkimRecord("goo.ne.jp", NEW, new_public().b64).value
    spelled = LEGAL[spelling](value)
    if isinstance(spelled, list):  # several strings in one TXT record, cut at other places
        world["dns"].update(
            "goo.ne.jp",
            delete=[f"{NEW}._domainkey.goo.ne.jp"],
            add=[(f"{NEW}._domainkey.goo.ne.jp", 60, "TXT", [" ".join(f'"{part}"' for part in spelled)])],
        )
    else:
        publish_new(world["dns"], spelled)
    live = tick(world, at("2026-03-11"))
    assert [line.key for line in live.done] == ["schedule.live", "schedule.switched", "schedule.verified"]


def _private_in_p(value: str) -> str:
    other = keys.generate()
    return value.split("p=", maxsplit=1)[0] + "p=" + other.ses_private_key()


MISTAKES: dict[str, tuple[Callable[[str], str], str]] = {
    "another key": (
        lambda _: DkimRecord("goo.ne.jp", NEW, keys.generate().public.b64).value,
        "another key is published",
    ),
    "a private key": (_private_in_p, "private"),
    "cut at 255": (lambda v: v[:255], "cut"),
    "revoked": (lambda v: v.split("p=")[0] + "p=", "revoked"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_mistake_in_dns_stops_the_rotation_with_the_fix_and_a_person_resumes_it(
    world: dict[str, Any], mistake: str
) -> None:
    tick(world, at("2026-02-25"))
    read_inbox(world["dns_team"])
    read_inbox(world["alerts"])
    spell, said = MISTAKES[mistake]
    publish_new(world["dns"], spell(DkimRecord("goo.ne.jp", NEW, new_public().b64).value))
    stopped = tick(world, at("2026-03-11"))
    assert stopped.stopped
    assert stopped.waits is not None
    assert said in stopped.waits.lower()
    assert "resume with `byodkim rotate --approve --domain goo.ne.jp`" in stopped.waits
    kept = state()
    assert (kept["step"], kept["stop"]["step"]) == ("stopped", "requested")
    assert re.search(r"[A-Za-z0-9+/]{100,}", json.dumps(kept)) is None  # no key material, public or private
    (to_dns_team,) = read_inbox(world["dns_team"])
    assert "rotation stopped" not in to_dns_team  # the subject; the body says the cause and the fix
    assert f"{NEW}._domainkey.goo.ne.jp" in to_dns_team
    assert len(read_inbox(world["alerts"])) == 1
    assert signing(world["emulator"], world["dns"]) == {OLD}
    # Fixed by the DNS team: the rotation stays stopped until a person resumes it.
    publish_new(world["dns"])
    assert tick(world, at("2026-03-12")).stopped
    schedule.approve(world["rotation"], "goo.ne.jp", at("2026-03-12"), "arn:aws:iam::123456789012:user/ops")
    resumed = tick(world, at("2026-03-12"))
    assert [line.key for line in resumed.done] == ["schedule.switched", "schedule.verified"]


def test_an_upper_case_tag_name_is_not_the_record_receivers_read(world: dict[str, Any]) -> None:
    """RFC 6376 3.2: tag names are case-sensitive. ``P=`` is an unknown tag: a DKIM1 record without p=, which
    receivers (dkimpy) reject, so the rotation stops with the fix rather than wait for a record that never works.
    """
    tick(world, at("2026-02-25"))
    publish_new(world["dns"], DkimRecord("goo.ne.jp", NEW, new_public().b64).value.replace("p=", "P="))
    stops = tick(world, at("2026-03-11"))
    assert (stops.state.step, stops.state.stop["step"]) == ("stopped", "requested")
    assert signing(world["emulator"], world["dns"]) == {OLD}


def _function_env(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, policy: RotationPolicy = POLICY) -> None:
    """Set what the phase-2 stack gives the function, the rotation policy included."""
    config = world["rotation"].config
    env = {
        "PROJECT_NAME": "aws-ses-migration",
        "ENVIRONMENT": "prod",
        "DOMAIN_NAME": "goo.ne.jp",
        "SECRET_PREFIX": "byodkim/dkim",
        "CERTIFICATES_BUCKET": BUCKET,
        "DNS_TOPIC_ARN": config.topic_arn,
        "ALERT_TOPIC_ARN": config.alert_topic_arn,
        "NAMESERVERS": world["dns"].spec,
        "SES_REGIONS": ",".join(REGIONS),
        **policy.as_environment(),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def _handler() -> Callable[[object, object], dict[str, Any]]:
    import importlib

    from byodkim import lambda_handler

    handler: Callable[[object, object], dict[str, Any]] = importlib.reload(lambda_handler).handler
    return handler  # reloaded: the configuration is read once per container, as on Lambda


def test_the_functions_rotation_action_ticks_at_the_scheduled_events_time(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _function_env(world, monkeypatch)
    handler = _handler()
    refused = {
        '"time": `yesterday` is not an ISO 8601 time; give the scheduled event\'s time, e.g. "2026-03-11T09:00:00Z", '
        "or leave it out (the clock)": {"action": "rotation", "domain": "goo.ne.jp", "time": "yesterday"},
        '"domains": "some" is not understood; give "domains": "all" with "action": "health" or "rotation"': {
            "action": "rotation",
            "domains": "some",
        },
    }
    for error, payload in refused.items():
        assert handler(payload, None) == {"ok": False, "error": error}
    with pytest.raises(Exception, match="ParameterNotFound"):
        state()  # a refused payload changed nothing
    early = handler({"action": "rotation", "time": "2026-02-24T09:00:00Z"}, None)  # every declared domain
    assert early["ok"] is True
    (domain,) = early["domains"]
    assert (domain["domain"], domain["step"], domain["done"]) == ("goo.ne.jp", "idle", [])
    lead = handler({"action": "rotation", "time": "2026-02-25T09:00:00Z"}, None)
    assert lead["domains"][0]["step"] == "requested"
    assert len(read_inbox(world["dns_team"])) == 1
    # Made by the function: stored once, readable only by the function's role and its caller.
    policy = boto3.client("secretsmanager").get_resource_policy(SecretId=f"byodkim/dkim/goo.ne.jp/{NEW}")
    (deny,) = json.loads(policy["ResourcePolicy"])["Statement"]
    assert (
        "arn:aws:iam::123456789012:role/aws-ses-migration-prod-dkim-manager-role"
        in (deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"])
    )
    publish_new(world["dns"])
    due = handler({"action": "rotation", "domain": "goo.ne.jp", "time": "2026-03-11T09:00:00Z"}, None)
    assert due["domains"][0]["step"] == "verified"
    assert signing(world["emulator"], world["dns"]) == {NEW}


def _today_selector() -> str:
    return "gooid-21-pro-" + datetime.now(UTC).strftime("%Y%m%d") + "-1"  # the emulator's clock runs at real speed


def test_rotate_auto_and_approve_from_a_laptop_in_english_and_japanese(world: dict[str, Any], cli: Cli) -> None:
    """Under prod's policy (config.yaml: manual approval); the key made 2025-09-12 is overdue by the real clock."""
    target = ("--domain", "goo.ne.jp", "--region", REGIONS[0], "--region", REGIONS[1])
    args = ("rotate", "--auto", *target, "--nameserver", world["dns"].spec)
    mixed = cli(*args, "--new-selector", "sel2")
    assert (mixed.code, mixed.out) == (2, "")
    assert mixed.err == (
        "error: byodkim rotate --auto and --approve take no --until, no --new-selector, and not each other; "
        "the policy in the Sceptre config names the next selector (selector_scheme): see docs/rotation.md\n"
    )
    many = cli("rotate", "--approve", "--all", "-y")
    assert (many.code, many.err) == (
        2,
        "error: byodkim rotate --approve approves one domain at a time; give one --domain\n",
    )
    bare = cli("rotate", "--domain", "goo.ne.jp")  # neither --new-selector nor --auto
    assert bare.code == 2
    assert bare.err.startswith("error: byodkim rotate needs --new-selector, or byodkim rotate --auto")
    new = _today_selector()
    planned = cli(*args, "--dry-run")
    assert (planned.code, planned.out) == (0, f"goo.ne.jp: would prepare key {new} (due 2026-03-11)\n")
    every = cli("rotate", "--auto", "--all", "--dry-run", "--nameserver", world["dns"].spec)  # the declared domains
    # --all: the same line, then the fleet's count (a domain it cannot rotate would be counted there).
    assert (every.code, every.out) == (0, planned.out + "domains ticked: 1 of 1; refused or failed: 0\n")
    with pytest.raises(Exception, match="ParameterNotFound"):
        state()
    ran = cli(*args)
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert (
        lines[0]
        == f"goo.ne.jp: key {new} made and stored in byodkim/dkim/goo.ne.jp/{new} (the current key is due 2026-03-11)"
    )
    assert lines[1].startswith(f"goo.ne.jp: the DNS team was asked for {new}._domainkey.goo.ne.jp")
    assert lines[2].startswith(f"goo.ne.jp: waits: waiting for {new}._domainkey.goo.ne.jp since ")
    late = [m for m in read_inbox(world["dns_team"]) if "has been awaited since" in m]
    assert len(late) == 1  # past due: the DNS team is reminded, once a day
    again = cli(*args, "--lang", "ja")
    assert again.code == 0
    assert again.out.startswith("goo.ne.jp: 待機中: ")
    assert f"から {new}._domainkey.goo.ne.jp の公開を待っています" in again.out
    assert [m for m in read_inbox(world["dns_team"]) if "has been awaited since" in m] == []
    publish_new(world["dns"], selector=new)
    waiting = cli(*args, "--lang", "ja")
    assert waiting.out.splitlines()[-1] == (
        "goo.ne.jp: 待機中: レコードは公開済みです。切り替えは承認待ちです: byodkim rotate --approve --domain goo.ne.jp"
    )
    approve = ("rotate", "--approve", *target, "--nameserver", world["dns"].spec)
    unasked = cli(*approve)  # no terminal to ask at, and no -y
    assert (unasked.code, signing(world["emulator"], world["dns"])) == (2, {OLD})
    looked = cli(*approve, "--dry-run")
    assert looked.out == f"would approve the switch of goo.ne.jp to {new} (its record is live)\n"
    approved = cli(*approve, "-y", "--lang", "ja")
    assert approved.code == 0, approved.err
    first, *rest = approved.out.splitlines()
    assert first.startswith(f"goo.ne.jp の {new} への切り替えを承認しました (arn:aws:")
    assert rest[0] == f"goo.ne.jp: {', '.join(REGIONS)} の SES を {OLD} から {new} に切り替えました"
    assert signing(world["emulator"], world["dns"]) == {new}
    assert state()["approved"]["by"].startswith("arn:aws:")


def test_in_a_route53_zone_the_tick_writes_and_removes_the_records_itself(world: dict[str, Any]) -> None:
    route53 = boto3.client("route53")
    zone = route53.create_hosted_zone(Name="goo.ne.jp", CallerReference="schedule-test")["HostedZone"]["Id"]
    old = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{OLD}")
    assert old is not None
    route53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch=DkimRecord("goo.ne.jp", OLD, old.public.b64).route53_change_batch("UPSERT"),
    )
    rotation = world["rotation"]
    world["rotation"] = replace(rotation, config=replace(rotation.config, hosted_zone_id=zone))

    def txt(selector: str) -> list[str]:
        sets = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
        name = f"{selector}._domainkey.goo.ne.jp."
        return [r["ResourceRecords"][0]["Value"] for r in sets if r["Name"] == name and r["Type"] == "TXT"]

    lead = tick(world, at("2026-02-25"))
    # The emulator makes the zone live on the authoritative server (BIND) as Route 53 would, so the
    # same tick finds the record on every server.
    assert [line.key for line in lead.done] == ["schedule.prepared", "schedule.upserted", "schedule.live"]
    assert read_inbox(world["dns_team"]) == []  # no request: the zone is ours
    (value,) = txt(NEW)
    strings = re.findall(r'"([^"]*)"', value)
    assert len(strings) > 1
    assert all(len(s) <= 255 for s in strings)
    assert "".join(strings) == DkimRecord("goo.ne.jp", NEW, new_public().b64).value
    due = tick(world, at("2026-03-11"))
    assert [line.key for line in due.done] == ["schedule.switched", "schedule.verified"]
    retired = tick(world, at("2026-03-18"))
    assert [line.key for line in retired.done] == ["schedule.retired_route53"]
    assert (txt(OLD), len(txt(NEW))) == ([], 1)
    assert read_inbox(world["dns_team"]) == []


def test_a_request_to_the_dns_team_moves_to_route53_once_the_zone_is_configured(world: dict[str, Any]) -> None:
    """Asked of the DNS team, then `hosted_zone_id` set: the next tick writes it in the zone and says so."""
    lead = tick(world, at("2026-02-25"))
    assert [line.key for line in lead.done] == ["schedule.prepared", "schedule.requested"]
    assert state()["request"]["via"] == "dns-team"
    read_inbox(world["dns_team"])
    route53 = boto3.client("route53")
    zone = route53.create_hosted_zone(Name="goo.ne.jp", CallerReference="moved-test")["HostedZone"]["Id"]
    old = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{OLD}")
    assert old is not None
    route53.change_resource_record_sets(  # the zone now serves goo.ne.jp: the running key's record moved with it
        HostedZoneId=zone,
        ChangeBatch=DkimRecord("goo.ne.jp", OLD, old.public.b64).route53_change_batch("UPSERT"),
    )
    rotation = world["rotation"]
    world["rotation"] = replace(rotation, config=replace(rotation.config, hosted_zone_id=zone))

    def written() -> int:
        sets = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
        return sum(r["Name"] == f"{NEW}._domainkey.goo.ne.jp." and r["Type"] == "TXT" for r in sets)

    planned = tick(world, at("2026-02-26"), dry_run=True)
    assert planned.waits == (
        f"would write {NEW}._domainkey.goo.ne.jp in the Route 53 zone {zone} "
        "(it was asked of the DNS team before the zone was configured)"
    )
    assert (state()["request"]["via"], written()) == ("dns-team", 0)  # a dry run changes nothing
    moved = tick(world, at("2026-02-26"))
    assert [line.key for line in moved.done][:1] == ["schedule.moved_to_route53"]
    assert moved.done[0] == (
        f"{NEW}._domainkey.goo.ne.jp was asked of the DNS team on 2026-02-25; the Route 53 zone {zone} is "
        "configured now, so it was written there instead (the DNS team's request is no longer needed); "
        f"{OLD}._domainkey.goo.ne.jp stays"
    )
    assert (state()["request"]["via"], written()) == ("route53", 1)
    (told,) = read_inbox(world["dns_team"])  # the DNS team hears its request is moot
    assert "no longer needed" in told
    again = tick(world, at("2026-02-27"))  # one step on: written once, never again
    assert "schedule.moved_to_route53" not in [line.key for line in again.done]
    assert read_inbox(world["dns_team"]) == []


def test_the_old_record_stays_while_any_region_may_still_sign_with_the_old_key(world: dict[str, Any]) -> None:
    from byodkim.aws.ses import Registration, register

    tick(world, at("2026-02-25"))
    publish_new(world["dns"])
    tick(world, at("2026-03-11"))
    # Someone puts us-east-1 back on the old key after the switch (its record is still live).
    old = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{OLD}")
    assert old is not None
    (back,) = register(Registration("goo.ne.jp", OLD, old, ("us-east-1",), force=True), Aws())
    assert back.ok, back.detail
    read_inbox(world["dns_team"])
    kept = tick(world, at("2026-03-18"))
    assert (kept.done, kept.state.step) == ([], "verified")
    assert kept.waits == f"{OLD}._domainkey.goo.ne.jp stays: SES may still sign with the old key in us-east-1"
    assert read_inbox(world["dns_team"]) == []  # no removal asked


def test_a_new_record_gone_in_the_retirement_window_sends_ses_back_to_the_old_key(world: dict[str, Any]) -> None:
    emulator, dns = world["emulator"], world["dns"]
    tick(world, at("2026-02-25"))
    publish_new(dns)
    assert tick(world, at("2026-03-11")).state.step == "verified"
    assert signing(emulator, dns) == {NEW}
    read_inbox(world["dns_team"])
    dns.update("goo.ne.jp", delete=[f"{NEW}._domainkey.goo.ne.jp"])  # the DNS team removes the wrong record
    back = tick(world, at("2026-03-12"))
    assert [line.key for line in back.done] == ["schedule.went_after_switch"]
    assert back.state.step == "requested"
    assert signing(emulator, dns) == {OLD}  # the invariant: SES signs only with a key whose record is live
    selector = boto3.client("ssm").get_parameter(Name="/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/selector")
    assert selector["Parameter"]["Value"] == OLD
    (told,) = read_inbox(world["dns_team"])
    assert f"{NEW}._domainkey.goo.ne.jp" in told
    publish_new(dns)  # published again: the rotation goes on, the switch at once (past due)
    again = tick(world, at("2026-03-13"))
    assert [line.key for line in again.done] == ["schedule.live", "schedule.switched", "schedule.verified"]
    assert signing(emulator, dns) == {NEW}


def test_a_notice_that_cannot_be_sent_leaves_the_step_done(world: dict[str, Any]) -> None:
    rotation = world["rotation"]
    gone = "arn:aws:sns:ap-northeast-1:123456789012:no-such-topic"
    world["rotation"] = replace(rotation, config=replace(rotation.config, alert_topic_arn=gone))
    lead = tick(world, at("2026-02-25"))
    assert [line.key for line in lead.done] == ["schedule.prepared", "schedule.requested"]
    assert state()["step"] == "requested"


def test_a_scheduled_rule_hands_its_time_on_with_the_rotation_payload(emulator: Emulator) -> None:
    """The rule's InputTransformer (EventBridge's, and the emulator's on its clock): the function ticks at ``time``."""
    from byodkim.function.phases import parse_event

    topic = boto3.client("sns").create_topic(Name="rotation-schedule-probe")["TopicArn"]
    inbox = _inbox(topic)
    events = boto3.client("events")
    events.put_rule(Name="rotation-probe", ScheduleExpression="rate(1 minute)", State="ENABLED")
    transformer = {"InputPathsMap": {"time": "$.time"}, "InputTemplate": '{"action": "rotation", "time": "<time>"}'}
    target: Any = {"Id": "1", "Arn": topic, "InputTransformer": transformer}
    events.put_targets(Rule="rotation-probe", Targets=[target])
    before = emulator.control("/_byodkim/clock", {"pause": True})["now"]
    emulator.control("/_byodkim/clock", {"advance": 61})
    # The topic also hears the emulator's CloudTrail events (PutTargets); the rule's firing is the rest.
    (event,) = [e for e in map(json.loads, read_inbox(inbox)) if e.get("detail-type") != "AWS API Call via CloudTrail"]
    assert set(event) == {"action", "time"}
    config = ManagerConfig(Deployment.from_names("aws-ses-migration", "prod"), "goo.ne.jp")
    request = parse_event(event, config)
    assert request.action == "rotation"
    assert request.every  # no domain: every declared one
    assert request.now is not None
    assert before < request.now.timestamp() <= before + 62  # the emulator's clock, not the machine's


def test_the_schedules_every_domain_tick_skips_a_domain_not_yet_on_byodkim_and_a_named_one_is_refused(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A declared domain still on its way (no identity yet) must not make the daily tick fail and page."""
    _function_env(world, monkeypatch)
    handler = _handler()
    for region in REGIONS:
        boto3.client("sesv2", region_name=region).delete_email_identity(EmailIdentity="goo.ne.jp")
    daily = handler({"action": "rotation", "time": "2026-02-25T09:00:00Z"}, None)
    assert daily["ok"] is True, daily
    (skipped,) = daily["domains"]
    assert skipped["domain"] == "goo.ne.jp"
    assert skipped["skipped"].startswith("goo.ne.jp has no SES identity in ap-northeast-1")
    named = handler({"action": "rotation", "domain": "goo.ne.jp", "time": "2026-02-25T09:00:00Z"}, None)
    assert named["ok"] is False
    assert named["error"].startswith("goo.ne.jp has no SES identity in ap-northeast-1")
    with pytest.raises(Exception, match="ParameterNotFound"):
        state()  # nothing was started for it
