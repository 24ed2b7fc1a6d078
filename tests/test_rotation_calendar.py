"""Issue 28's proof: two automatic rotations of goo.ne.jp in the sandbox, on a stepped clock.

One sandbox (the deployment's own stacks, the dkim-manager function in the emulator's runtime,
BIND for goo.ne.jp) with a small policy stated in the sandbox's copy of the Sceptre config:
a key signs 3 days, the next one is made 1 day before, the old record goes 1 day after the
switch, the key-age alarm fires at 4 days, approval auto. (3 days is the shortest that holds:
2 x lead + retirement, dkim/policy.py.) The emulator's clock is held and
moved on an hour at a time; what fires is phase 8's rotation rule and health check, running
the function. Nothing here calls the rotation: the test plays the DNS team only, as asked, with
`byodkim sandbox dns publish|remove` (the first rotation's record at a seeded random delay, the
second's too late: past the alarm's threshold), and sends a test mail after each switch.

The invariant is the fault campaign's own checker (benchmarks/faults.py ``unsigned_intervals``
over the emulator's timeline of what SES signs with, against the DNS team's log): 0 seconds of
SES holding a selector whose record is not published.

Then goo.ne.jp moves into a Route 53 zone (phase 2 launched again with ``hosted_zone_id``) and
rotates a third time with no one playing anything: the function writes and deletes its records.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from conftest import fault_campaign

if TYPE_CHECKING:
    from collections.abc import Iterator

    from byodkim.local.sandbox import Sandbox

SEED = 28
HOUR = 3600.0
STEP_HOURS = 3  # the clock moves on this much at a time (a minute at a time inside, firing what is due)
# Phase 8 checks health at most hourly; each run is a process here (about 2 s on 2 busy cores), so the
# calendar's health check runs every 12 hours instead: the key-age alarm (hourly period, missing data
# ignored) keeps its state between two runs, as it would between two of prod's.
HEALTH_EVERY = "rate(12 hours)"
WATCH_DAYS = 5  # the Route 53 calendar's keys are all made within these days
POLL = 0.05  # seconds between two looks at the name server, where the function (not the test) writes the zone
DOMAIN = "goo.ne.jp"
SCHEME = "gooid-21-pro-{date}-{n}"
# The sandbox's calendar: days, so two rotations and a late one pass in about a week of emulated time.
POLICY: dict[str, str | int] = {
    "rotation_days": 3,
    "rotation_lead_days": 1,
    "retire_after_days": 1,
    "rotation_grace_days": 1,
    "selector_scheme": SCHEME,
    "rotation_approval": "auto",
    "rotation_check_hours": "12",
}
ALARM_DAYS = 4  # rotation_days + rotation_grace_days
MAX_DAYS = 12  # a calendar that has not finished by then is stuck: the test says where


@dataclass
class Calendar:
    """What happened, on the emulated clock: the evidence every test below reads."""

    box: Sandbox
    start: float = 0.0  # real time the calendar began (the timeline's and the DNS log's clock)
    end: float = 0.0
    seconds: float = 0.0  # real seconds the calendar took
    events: list[tuple[datetime, str]] = field(default_factory=list)
    rotations: list[dict[str, Any]] = field(default_factory=list)  # one per rotation: selectors and dates
    alarm: list[tuple[datetime, str]] = field(default_factory=list)  # the key-age alarm's states, as they changed
    mails: dict[str, tuple[int, str]] = field(default_factory=dict)  # new selector -> send-test's exit and output
    removals: list[tuple[datetime, str, str | None, str]] = field(default_factory=list)  # (when, old, SES, status)
    dns_team_subjects: list[str] = field(default_factory=list)
    unsigned: list[float] = field(default_factory=list)
    dns: Any = None  # faults.Dns: when each record was published and removed


def _control(box: Sandbox, path: str, payload: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
    """POST to one of the sandbox emulator's control endpoints; return its JSON answer."""
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - the sandbox's loopback endpoint
        f"{box.environment['AWS_ENDPOINT_URL']}{path}",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        answer: dict[str, Any] = json.loads(response.read().decode())
    return answer


def _clock(box: Sandbox, payload: dict[str, Any]) -> dict[str, Any]:
    """Pause or advance the emulator's clock, waiting for the runs each minute started (up to 120 s each)."""
    return _control(box, "/_byodkim/clock", {**payload, "timeout": 120}, timeout=600)


def _now(box: Sandbox) -> datetime:
    return datetime.fromtimestamp(_clock(box, {})["now"], UTC)


def _health_every(box: Sandbox, expression: str) -> None:
    """Set how often phase 8's health-check rule fires (its target and input stay phase 8's)."""
    events = boto3.client("events")
    name = f"{box.deployment.prefix}-dkim-health"
    rule = events.describe_rule(Name=name)
    events.put_rule(Name=name, ScheduleExpression=expression, State="ENABLED", Description=rule.get("Description", ""))


def _state(box: Sandbox) -> dict[str, Any]:
    name = box.deployment.parameter(DOMAIN, "rotation")
    try:
        value = boto3.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    except boto3.client("ssm").exceptions.ParameterNotFound:
        return {}
    state: dict[str, Any] = json.loads(value)
    return state


def _queue(topic: str, name: str) -> str:
    """Subscribe a queue to ``topic``; return its URL (what the DNS team reads)."""
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic_arn = boto3.client("sns").create_topic(Name=topic)["TopicArn"]
    boto3.client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    return url


def _subjects(url: str) -> list[str]:
    sqs = boto3.client("sqs")
    found: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]).get("Subject", ""))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _ses() -> tuple[str | None, str]:
    """Return the selector SES signs goo.ne.jp with (BYODKIM's one token) and its status."""
    dkim = boto3.client("sesv2").get_email_identity(EmailIdentity=DOMAIN)["DkimAttributes"]
    tokens = dkim.get("Tokens") or []
    return (tokens[0] if tokens else None), str(dkim.get("Status", ""))


class DnsTeam:
    """The DNS team, played with `byodkim sandbox dns publish|remove` (the runbook's command), logged for the checker."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.dns = calendar.dns

    def publish(self, selector: str, secret_id: str) -> None:
        code, said = fault_campaign().cli("sandbox", "dns", "publish", "--selector", selector, "--secret-id", secret_id)
        assert code == 0, said
        with self.dns.lock:  # logged after BIND answers, as the campaign's DNS team logs it
            self.dns.log.append((time.time(), selector, True))

    def remove(self, selector: str) -> None:
        with self.dns.lock:  # logged before the update: a gap measured is never too short
            self.dns.log.append((time.time(), selector, False))
        code, said = fault_campaign().cli("sandbox", "dns", "remove", "--selector", selector)
        assert code == 0, said


def _run_calendar(calendar: Calendar, rotations: int, *, route53: bool) -> None:  # noqa: C901, PLR0915
    """Move the clock STEP_HOURS at a time until ``rotations`` more rotations retired their old record."""
    box = calendar.box
    rng = random.Random(SEED + len(calendar.rotations))  # noqa: S311 - a seeded calendar, not a secret
    team = DnsTeam(calendar)
    dns_url = _queue(box.deployment.dns_topic_name, f"dns-team-{len(calendar.rotations)}")
    alarm_name = f"{box.deployment.prefix}-dkim-key-age"
    cloudwatch = boto3.client("cloudwatch")
    target = len(calendar.rotations) + rotations
    current: dict[str, Any] = {}
    published_at: datetime | None = None
    deadline = _now(box) + timedelta(days=MAX_DAYS)
    seen_in_log = len(calendar.dns.log)
    while True:
        now = datetime.fromtimestamp(_clock(box, {"advance": STEP_HOURS * HOUR})["now"], UTC)
        assert now < deadline, f"the calendar is stuck at {now:%Y-%m-%d %H:%M}: {calendar.events[-3:]}"
        state = _state(box)
        alarm = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"][0]["StateValue"]
        if not calendar.alarm or calendar.alarm[-1][1] != alarm:
            calendar.alarm.append((now, alarm))
            calendar.events.append((now, f"key-age alarm {alarm}"))
        new = str(state.get("new_selector", ""))
        if new and current.get("new") != new and state.get("step") not in ("idle", ""):
            current = {"old": state["old_selector"], "new": new, "via": "route53" if route53 else "dns-team"}
            calendar.rotations.append(current)
            calendar.events.append((now, f"{state['step']}: {current['old']} -> {new}"))
            late = len(calendar.rotations) % 2 == 0  # the second of each pair: the DNS team past the alarm
            made = datetime.strptime(new.rsplit("-", 2)[1], "%Y%m%d").replace(tzinfo=UTC)
            old_made = datetime.strptime(current["old"].rsplit("-", 2)[1], "%Y%m%d").replace(tzinfo=UTC)
            delay = timedelta(hours=rng.uniform(1, 12))
            # Too late: past the alarm's threshold by more than the health check's 12 hours, so it sees it.
            published_at = (old_made + timedelta(days=ALARM_DAYS, hours=12) if late else now) + delay
            current["publish_at"] = published_at
            current["late"] = late
            current["made"] = made
            current["old_made"] = old_made
            current["requested"] = now
        for subject in _subjects(dns_url):
            calendar.dns_team_subjects.append(subject)
            calendar.events.append((now, f"DNS team receives: {subject}"))
            removal = re.fullmatch(r"DKIM TXT record removal: (\S+)\._domainkey\.goo\.ne\.jp", subject)
            if removal:  # played when asked, once SES signs with the new key
                signs, status = _ses()
                calendar.removals.append((now, removal[1], signs, status))
                team.remove(removal[1])
                calendar.events.append((now, f"DNS team removes {removal[1]}"))
        for _, selector, up in calendar.dns.log[seen_in_log:] if route53 else ():  # what the watcher saw
            calendar.events.append((now, f"the zone {'serves' if up else 'no longer serves'} {selector}"))
        seen_in_log = len(calendar.dns.log)
        if current and not route53 and published_at is not None and now >= published_at and "published" not in current:
            team.publish(current["new"], str(state["secret_id"]))
            current["published"] = now
            waited = (now - current["requested"]).total_seconds() / HOUR
            calendar.events.append((now, f"DNS team publishes {current['new']}, {waited:.0f} h after the request"))
        if current and state.get("switched_at") and "switched" not in current and state.get("step") != "requested":
            current["switched"] = now
            calendar.events.append((now, f"SES switched to {current['new']} ({state['step']})"))
        if current and state.get("step") in ("verified", "idle") and current["new"] not in calendar.mails:
            calendar.mails[current["new"]] = fault_campaign().cli(
                "send-test",
                "--domain",
                DOMAIN,
                "--from",
                f"dkim-check@{DOMAIN}",
                "--to",
                f"postmaster@{DOMAIN}",
                "--selector",
                current["new"],
            )
            calendar.events.append((now, f"test mail with {current['new']}: exit {calendar.mails[current['new']][0]}"))
        retired = [r.get("selector") for r in state.get("retired", [])]
        for rotation in calendar.rotations:  # the tick that retires one may begin the next
            if rotation["old"] in retired and "retired" not in rotation:
                rotation["retired"] = now
                calendar.events.append((now, f"{rotation['old']} retired"))
        if len(calendar.rotations) >= target and all("retired" in r for r in calendar.rotations[:target]):
            return


def _observe(calendar: Calendar, selectors: list[str]) -> None:
    """Log, for the checker, each selector's record appearing on or leaving the name server since the last look."""
    import dns.resolver

    from byodkim.dnscheck.servers import parse_server

    server = parse_server(calendar.box.nameserver)[0]
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = [server.address], server.port
    for selector in filter(None, selectors):
        try:
            resolver.resolve(f"{selector}._domainkey.{DOMAIN}", "TXT")
            up = True
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            up = False
        if calendar.dns.published(selector, time.time()) != up:
            calendar.dns.log.append((time.time(), selector, up))


@contextlib.contextmanager
def _watching(calendar: Calendar) -> Iterator[None]:
    """Look at the name server every POLL seconds while the calendar runs (the function writes the zone, not us)."""
    stop = threading.Event()
    # Every selector the scheme can name in the calendar's days: a new one is watched before the function writes it.
    today = datetime.now(UTC)
    days = [today + timedelta(days=n) for n in range(WATCH_DAYS)]
    names = [SCHEME.format(date=f"{day:%Y%m%d}", n=1) for day in days]

    def watch() -> None:
        while not stop.wait(POLL):
            _observe(calendar, names)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _finish(result: Calendar, started: float) -> None:
    """Check the invariant over the calendar with the campaign's checker, and print the calendar."""
    result.end = time.time()
    timeline = _control(result.box, "/_byodkim/ses/timeline", {})["timeline"]
    mine = [e for e in timeline if e["name"] == DOMAIN]
    held = [e for e in mine if e["time"] < result.start][-1:] + [e for e in mine if e["time"] >= result.start]
    result.unsigned = fault_campaign().unsigned_intervals(held, result.dns, result.start, result.end)
    result.seconds = time.monotonic() - started
    print(f"\nseed {SEED}; calendar took {result.seconds:.1f} s")  # noqa: T201 - the proof's figures
    for when, what in result.events:
        print(f"  {when:%Y-%m-%d %H:%M} {what}")  # noqa: T201
    print(f"violations: {len(result.unsigned)} (worst {max(result.unsigned, default=0.0):.1f} s)")  # noqa: T201


@pytest.fixture(scope="module")
def route53_calendar() -> Iterator[Calendar]:
    """goo.ne.jp hosted in a Route 53 zone (the emulator's, made live on BIND): one rotation, no one playing anything."""
    from byodkim.local.sandbox import SandboxOptions, rehearse, running

    today = datetime.now(UTC).strftime("%Y%m%d")
    options = SandboxOptions(config={**POLICY, "selector": SCHEME.format(date=today, n=1)}, route53=True)
    started = time.monotonic()
    with running(options) as box:
        rehearse(box, options)  # step 7 writes the running key's record in the zone (sandbox --route53)
        assert box.hosted_zone_id
        first = str(box.deployment.selector)
        _clock(box, {"pause": True})
        _health_every(box, HEALTH_EVERY)
        result = Calendar(box, start=time.time())
        result.dns = fault_campaign().Dns(box.dns)
        result.dns.log.append((result.start, first, True))
        with _watching(result):
            _run_calendar(result, 1, route53=True)
        _finish(result, started)
        yield result


@pytest.fixture(scope="module")
def calendar() -> Iterator[Calendar]:
    """Run the whole calendar once; each test reads what it needs from it."""
    from byodkim.local.sandbox import SandboxOptions, rehearse, running

    today = datetime.now(UTC).strftime("%Y%m%d")
    # The running key named for today under the scheme: its age starts at 0, as a fresh rollout's does.
    config = {**POLICY, "selector": SCHEME.format(date=today, n=1)}
    options = SandboxOptions(config=config)
    started = time.monotonic()
    with running(options) as box:
        rehearse(box, options)
        _clock(box, {"pause": True})
        _health_every(box, HEALTH_EVERY)
        result = Calendar(box, start=time.time())
        result.dns = fault_campaign().Dns(box.dns)
        result.dns.log.append((result.start, str(box.deployment.selector), True))  # rehearse published it
        _run_calendar(result, 2, route53=False)
        _finish(result, started)
        yield result


def test_two_rotations_happen_on_the_schedule(calendar: Calendar) -> None:
    first, second = calendar.rotations[:2]
    assert first["new"] == second["old"]
    assert all(r["new"].startswith("gooid-21-pro-") for r in (first, second))
    assert all("switched" in r and "retired" in r for r in (first, second))


def test_the_dns_team_on_time_then_too_late(calendar: Calendar) -> None:
    """The first record at a seeded delay before the due date; the second after the alarm's threshold."""
    first, second = calendar.rotations[:2]
    due = first["old_made"] + timedelta(days=3)  # rotation_days
    assert not first["late"]
    assert first["published"] < due <= first["switched"]  # auto approval: switched at the due date, not before
    assert second["late"]
    threshold = second["old_made"] + timedelta(days=ALARM_DAYS)
    assert second["published"] > threshold  # published too late
    assert second["switched"] >= second["published"]  # the switch waited for the record


def test_the_key_age_alarm_fires_while_the_switch_waits_then_clears(calendar: Calendar) -> None:
    second = calendar.rotations[1]
    states = [(when, state) for when, state in calendar.alarm if state in ("ALARM", "OK")]
    fired = [when for when, state in states if state == "ALARM"]
    assert fired, calendar.alarm
    # While the DNS team had not published yet: each step reads the alarm before it plays the DNS team, so
    # an alarm seen at the step the record went up fired before it (both carry that step's time).
    assert fired[0] <= second["published"]
    cleared = [when for when, state in states if state == "OK" and when > fired[0]]
    assert cleared, calendar.alarm
    assert cleared[0] >= second["switched"]  # cleared only once SES signs with the new key
    assert [state for _, state in calendar.alarm][-1] == "OK"


def test_a_test_mail_after_each_switch_passes_with_the_new_selector(calendar: Calendar) -> None:
    for rotation in calendar.rotations[:2]:
        code, said = calendar.mails[rotation["new"]]
        assert code == 0, said
        assert f"s={rotation['new']}" in said, said


def test_the_old_record_is_removed_when_asked_after_the_retirement_window(calendar: Calendar) -> None:
    removed = {old: (when, signs, status) for when, old, signs, status in calendar.removals}
    for rotation in calendar.rotations[:2]:
        when, signs, status = removed[rotation["old"]]
        assert when >= rotation["switched"] + timedelta(days=1)  # retire_after_days
        assert (signs, status) == (rotation["new"], "SUCCESS")  # never before SES signs with the new key
    assert any(s.startswith("DKIM TXT record request: ") for s in calendar.dns_team_subjects)


def test_ses_never_signs_with_a_key_whose_record_is_not_published(calendar: Calendar) -> None:
    """The fault campaign's invariant over the whole calendar: 0 seconds, 0 violations."""
    assert calendar.unsigned == []
    published = [selector for _, selector, up in calendar.dns.log if up]
    assert len(published) == 3  # the first key's record and the two the DNS team published


def test_a_domain_in_route_53_rotates_with_no_one_involved(route53_calendar: Calendar) -> None:
    """The function writes the new record in the zone, switches, and deletes the old one; the DNS team hears nothing."""
    (rotation,) = route53_calendar.rotations[:1]
    assert "switched" in rotation
    assert "retired" in rotation
    assert route53_calendar.dns_team_subjects == []
    code, said = route53_calendar.mails[rotation["new"]]
    assert code == 0, said
    assert f"s={rotation['new']}" in said
    seen = [(selector, up) for _, selector, up in route53_calendar.dns.log]
    assert (rotation["new"], True) in seen  # the zone served the new record (written by the function)
    assert [up for selector, up in seen if selector == rotation["old"]][-1] is False  # the function deleted it
    # Seen from outside, a record shows up to one look late: only a longer interval is a violation.
    assert [gap for gap in route53_calendar.unsigned if gap > 2 * POLL] == []
