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
from byodkim.rollout import schedule
from byodkim.rollout.manager_config import ManagerConfig
from conftest import Cli, publish_record

if TYPE_CHECKING:
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
    live = tick(world, at("2026-03-02"))
    assert [line.key for line in live.done] == ["schedule.live"]
    assert live.waits == f"the record is live; SES switches to {NEW} on 2026-03-11"
    assert signing(emulator, dns) == {OLD}  # before the due date, SES keeps the old key

    due = tick(world, at("2026-03-11"))
    assert [line.key for line in due.done] == ["schedule.switched", "schedule.verified"]
    assert signing(emulator, dns) == {NEW}
    selector = boto3.client("ssm").get_parameter(Name="/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/selector")
    assert selector["Parameter"]["Value"] == NEW
    assert due.waits == f"{OLD}._domainkey.goo.ne.jp stays until 2026-03-18"

    kept_old = tick(world, at("2026-03-17"))
    assert (kept_old.done, kept_old.state.step) == ([], "verified")
    read_inbox(world["dns_team"])
    retired = tick(world, at("2026-03-18"))
    assert [line.key for line in retired.done] == ["schedule.retired"]
    (removal,) = read_inbox(world["dns_team"])
    assert f"`{OLD}._domainkey.goo.ne.jp`" in removal
    tags = boto3.client("secretsmanager").describe_secret(SecretId=f"byodkim/dkim/goo.ne.jp/{OLD}")["Tags"]
    assert {"Key": "byodkim:retired", "Value": "2026-03-18"} in tags  # the old key's secret is kept, tagged
    # Idle until the next due date: the new key was made 2026-02-25, due 2026-08-24, prepared from 2026-08-10.
    assert retired.waits == f"{NEW} signs; the next key is prepared from 2026-08-10, due 2026-08-24"
    idle = tick(world, at("2026-04-01"))
    assert (idle.done, idle.state.step) == ([], "idle")
    assert state()["retired"] == [{"selector": OLD, "at": "2026-03-18T09:00:00+00:00", "via": "dns-team"}]


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


LEGAL = {
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


MISTAKES = {
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
