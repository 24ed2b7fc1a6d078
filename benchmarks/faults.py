"""The fault campaign: rotate, register and phase 7 against the emulator and a real BIND, under seeded faults.

Each run starts from goo.ne.jp signing with OLD (record published), then switches it to NEW,
by ``byodkim rotate``, by ``byodkim register`` over the signing identity (either in one region
or in two, one after the other), or by the dkim-manager's phase 7 (run in this process as its
schedule runs it, each run a new attempt), while faults drawn from the run's seed happen:

- SES answers throttles, 5xx and connection resets to random SES calls (the emulator's faults),
  and may hold the switch's Put for a while (a slow SES) while the record goes meanwhile;
- the DNS team publishes the new record late (up to 2 s after the command starts), and may
  remove it at a random moment of the first attempt (it publishes it again after that attempt);
- Ctrl-C at a random moment of the first attempt (for phase 7: the function's timeout).

The DNS team puts a removed record back ``REPUBLISH_AFTER`` seconds after the notice, so a
command that exits leaving SES (in any region) on the removed record shows as a violation.

The command is run again after every non-zero exit (as the operator does, with the command
the error names) until it completes, at most ``ATTEMPTS`` times. The emulator's timeline of
what SES signs with, set against the harness's own log of when the record was published, gives
the unsigned intervals: SES holding a selector whose record is not published.

Invariants over every run: no unsigned interval longer than ``CHECK_PERIOD``; every attempt
exits 0 or non-zero naming how to go on (the resume command); the run completes.

Commands run in this process (``byodkim.cli.run``), Ctrl-C as ``KeyboardInterrupt`` in the
main thread, and the SES backoff is scaled by ``BACKOFF_SCALE`` (budgets are unchanged) so
200 runs take minutes. Run:
uv run python benchmarks/faults.py [--runs 200] [--seed 1]
"""

from __future__ import annotations

import _thread
import argparse
import contextlib
import io
import random
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from byodkim.aws import pacing
from byodkim.aws import secrets as secretstore
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord, quote_strings, split_txt

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer

DOMAIN = "goo.ne.jp"
OLD, NEW = "old-1", "new-1"
REGION = "ap-northeast-1"
TWO_REGIONS = (REGION, "us-west-2")  # switched in this order; the record may go between them
ATTEMPTS = 6
CHECK_PERIOD = 2.0  # seconds: rotate's DNS polls are at most 1.5 s apart here (--interval 0.1, --timeout 3s)
REPUBLISH_AFTER = 2.5  # seconds from a notice to the record published again: more than one check period
BACKOFF_SCALE = 0.1
RESUME_HINTS = ("run the same command", "run rotate again", "then run again", "run it again", "phase 7 again")
SES_OPERATIONS = ("GetEmailIdentity", "PutEmailIdentityDkimSigningAttributes", "CreateEmailIdentity", "TagResource")


@dataclass
class Plan:
    """What happens in one run, drawn from its seed."""

    seed: int
    command: str  # rotate | register | phase7 (the dkim-manager's phase 7, run as its schedule does)
    faults: list[dict[str, Any]]
    publish_after: float  # seconds after the first attempt starts
    remove_at: float | None  # seconds into the first attempt
    interrupt_at: float | None  # seconds into the first attempt (for phase 7: the function's timeout)
    regions: tuple[str, ...] = (REGION,)  # where SES is switched (rotate and register: one or two)

    @classmethod
    def draw(cls, seed: int) -> Plan:
        """Return the run of ``seed``: the same faults every time."""
        draw = random.Random(seed)  # noqa: S311 - a fault plan, not a secret
        faults: list[dict[str, Any]] = []
        for _ in range(draw.randint(1, 4)):
            kind = draw.choice(("throttle", "throttle", "5xx", "reset"))
            operation = draw.choice(SES_OPERATIONS)
            count = draw.randint(1, 5) if kind == "throttle" else draw.randint(1, 3)
            fault = {"service": "ses", "operation": operation, "kind": kind, "count": count}
            faults.append({**fault, "status": 500} if kind == "5xx" else fault)
        if draw.random() < 0.3:  # noqa: PLR2004 - a slow SES: the switch lands 1 s after its last check
            operation = "PutEmailIdentityDkimSigningAttributes"
            faults.append({"service": "ses", "operation": operation, "kind": "delay", "seconds": 1.0, "count": 1})
        command = draw.choice(("rotate", "register"))
        publish_after = draw.uniform(0, 2.0)
        remove_at = draw.uniform(0, 4.0) if draw.random() < 0.5 else None  # noqa: PLR2004
        interrupt_at = draw.uniform(0, 4.0) if draw.random() < 0.3 else None  # noqa: PLR2004
        # Drawn after the rest, so the runs of the first campaign keep their faults.
        if draw.random() < 0.2:  # noqa: PLR2004 - the dkim-manager's phase 7 makes the switch
            command = "phase7"
        regions = TWO_REGIONS if command != "phase7" and draw.random() < 0.3 else (REGION,)  # noqa: PLR2004
        return cls(seed, command, faults, publish_after, remove_at, interrupt_at, regions)

    @property
    def injected(self) -> int:
        """Return the faults this run injects: SES answers, plus the DNS team's removal and a Ctrl-C."""
        return (
            sum(int(f["count"]) for f in self.faults) + (self.remove_at is not None) + (self.interrupt_at is not None)
        )


@dataclass
class Outcome:
    """What one run did."""

    plan: Plan
    completed: bool = False
    attempts: list[tuple[int, str]] = field(default_factory=list)  # (exit code, stderr's last line)
    worst_unsigned: float = 0.0
    problems: list[str] = field(default_factory=list)


class Dns:
    """The DNS team: publishes and removes the new record on a real BIND, logging when."""

    def __init__(self, server: LocalNameServer) -> None:
        self.server = server
        self.log: list[tuple[float, str, bool]] = []  # (time, selector, published)
        self.lock = threading.Lock()

    def publish(self, selector: str, public_b64: str) -> None:
        """Publish ``selector``'s record; logged after BIND answers with it."""
        name = f"{selector}._domainkey.{DOMAIN}"
        value = quote_strings(split_txt(DkimRecord(DOMAIN, selector, public_b64).value))
        with self.lock:
            self.server.update(DOMAIN, delete=[name], add=[(name, 60, "TXT", [value])])
            self.log.append((time.time(), selector, True))

    def remove(self, selector: str) -> None:
        """Remove ``selector``'s record; logged before the update, so the gap measured is never too short."""
        with self.lock:
            self.log.append((time.time(), selector, False))
            self.server.update(DOMAIN, delete=[f"{selector}._domainkey.{DOMAIN}"])

    def published(self, selector: str, at: float) -> bool:
        """Return whether ``selector``'s record was published at ``at``."""
        state = False
        for when, name, up in self.log:
            if name == selector and when <= at:
                state = up
        return state


def cli(*args: str) -> tuple[int, str]:
    """Run one byodkim command in this process; return its exit code, and stdout then stderr."""
    from byodkim.cli import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue() + err.getvalue()  # register's refusal is its region line, on stdout


class Window:
    """Actions on timers that run only while an attempt runs (never after it has returned)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = False

    @contextlib.contextmanager
    def open(self, *timed: tuple[float | None, Callable[[], None]]) -> Iterator[None]:
        """Start the timers, run the block, and close the window before the timers are cancelled."""
        timers = []
        for seconds, action in timed:
            if seconds is not None:
                timers.append(threading.Timer(seconds, self._guarded(action)))
                timers[-1].daemon = True
        with self.lock:
            self.active = True
        for timer in timers:
            timer.start()
        try:
            yield
        finally:
            with self.lock:
                self.active = False
            for timer in timers:
                timer.cancel()

    def _guarded(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with self.lock:
                if self.active:
                    action()

        return run


def unsigned_intervals(timeline: list[dict[str, Any]], dns: Dns, start: float, end: float) -> list[float]:
    """Return how long, each time, SES held a selector whose record was not published, within [start, end]."""
    moments = sorted({start, end, *(e["time"] for e in timeline), *(t for t, _, _ in dns.log)})
    moments = [m for m in moments if start <= m <= end]
    intervals, since = [], None
    for moment in moments:
        held = [e["selector"] for e in timeline if e["time"] <= moment]
        selector = held[-1] if held else None
        bad = selector is not None and not dns.published(selector, moment)
        if bad and since is None:
            since = moment
        elif not bad and since is not None:
            intervals.append(moment - since)
            since = None
    if since is not None:
        intervals.append(end - since)
    return intervals


class DnsTeam:
    """The DNS team of one run: publishes the new record late, may remove it, publishes it again when told."""

    def __init__(self, dns: Dns, given: str | None) -> None:
        self.dns, self.given = dns, given
        self.published = threading.Event()
        self.removed = False

    def new_public(self) -> str | None:
        """Return the new key's public half: the operator's (register), or the one rotate stored."""
        if self.given is not None:
            return self.given
        key = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/{DOMAIN}/{NEW}")
        return key.public.b64 if key is not None else None

    def publish_after(self, seconds: float) -> None:
        """Publish the new record ``seconds`` from now, once its key exists (rotate stores it first), on a thread."""

        def late() -> None:
            time.sleep(seconds)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                public = self.new_public()
                if public is not None:
                    self.dns.publish(NEW, public)
                    self.published.set()
                    return
                time.sleep(0.05)

        threading.Thread(target=late, daemon=True).start()

    def remove(self) -> None:
        """Remove the new record, if it is out yet (the mistake of the run)."""
        if self.published.is_set():
            self.dns.remove(NEW)
            self.removed = True

    def after_notice(self) -> None:
        """Publish the record again if it was removed (the notice told them); wait for the late publication.

        People take a while: the record comes back ``REPUBLISH_AFTER`` seconds after the notice, longer
        than one check period, so a command that exits leaving SES on the removed record is seen.
        """
        self.published.wait(10)
        public = self.new_public()
        if self.removed and public is not None:
            time.sleep(REPUBLISH_AFTER)
            self.dns.publish(NEW, public)
            self.removed = False


def _phase_1_key() -> None:
    """What a launched phase 1 has: the DKIM secrets' key by its alias (register refuses without it)."""
    import boto3

    kms = boto3.client("kms", region_name="ap-northeast-1")
    key = kms.create_key(Description="phase-1 secrets key stand-in")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/aws-ses-migration-prod-dkim-secrets", TargetKeyId=key)


def set_up(plan: Plan, emulator: Emulator, dns: Dns, folder: Path) -> tuple[list[str], str | None]:
    """Start from OLD signing, its record published; return the run's command and the new key's public half."""
    emulator.reset()
    emulator.control("/_byodkim/config", {"dns_servers": [dns.server.spec], "dkim_window": 3600})
    _phase_1_key()
    dns.remove(NEW)
    old = keys.generate(1024)
    keys.write_key_files(folder, OLD, old)
    dns.publish(OLD, old.public.b64)
    pem = str(folder / f"{OLD}.private.pem")
    where = [arg for region in plan.regions for arg in ("--region", region)]
    code, said = cli(
        "register", "--domain", DOMAIN, "--selector", OLD, "--key-file", pem, "--nameserver", dns.server.spec, *where
    )
    if code != 0:
        raise RuntimeError(f"set-up register failed: {said.strip()}")
    if plan.command == "rotate":
        args = ["rotate", "--domain", DOMAIN, "--new-selector", NEW, "--state-dir", str(folder / "state"), *where]
        return [*args, "--interval", "0.1", "--timeout", "3s", "--nameserver", dns.server.spec], None
    new = keys.generate(1024)
    if plan.command == "phase7":
        # What phases 3-5 leave: the new key stored, SSM's selector naming it; SES still on OLD.
        secretstore.store_key(boto3.client("secretsmanager"), f"byodkim/dkim/{DOMAIN}/{NEW}", new, DOMAIN, NEW)
        boto3.client("ssm").put_parameter(Name=SELECTOR_PARAMETER, Value=NEW, Type="String", Overwrite=True)
        return [], new.public.b64
    keys.write_key_files(folder, NEW, new)
    args = ["register", "--domain", DOMAIN, "--selector", NEW, "--key-file", str(folder / f"{NEW}.private.pem")]
    return [*args, "--nameserver", dns.server.spec, *where], new.public.b64


SELECTOR_PARAMETER = f"/byodkim/aws-ses-migration-prod/dkim/{DOMAIN}/selector"


def phase_7(dns: Dns) -> tuple[int, str]:
    """Invoke the dkim-manager's phase 7 in this process, as its schedule does; return an exit code and what it said.

    0 once SES holds the new key (registered); 1 for a run that found the record not live yet
    (the schedule runs it again); 2 for a failure (raised: Lambda counts it, the schedule runs it again).
    """
    from byodkim.aws.session import Aws
    from byodkim.function.phases import Manager, ManagerConfig, PhaseRequest

    env = {"PROJECT_NAME": "aws-ses-migration", "ENVIRONMENT": "prod", "DOMAIN_NAME": DOMAIN}
    config = ManagerConfig.from_environment({**env, "NAMESERVERS": dns.server.spec})
    try:
        result = Manager(config, Aws(), REGION).run(PhaseRequest("phase_manager", "7", DOMAIN, None))
    except Exception as exc:  # noqa: BLE001 - a raised failure is the function's answer; the schedule retries
        return 2, f"error: {exc} (the schedule runs phase 7 again)\n"
    if result.get("registration"):
        return 0, f"phase 7: {result['registration']} (SES {result['ses']})\n"
    return 1, f"phase 7: the record is not live yet ({result['dns']}); run it again on the schedule\n"


def attempt(
    args: list[str], window: Window, *timed: tuple[float | None, Callable[[], None]], dns: Dns | None = None
) -> tuple[int, str]:
    """Run the command (no ``args``: phase 7) once, with the timed events (removal, Ctrl-C) inside it."""
    try:
        with window.open(*timed):
            return cli(*args) if args else phase_7(dns) if dns is not None else (2, "error: no DNS\n")
    except KeyboardInterrupt:  # Ctrl-C outside click's handling (between two steps): as the shell sees it
        return 130, "error: interrupted; run the same command to resume\n"


def one_run(plan: Plan, emulator: Emulator, dns: Dns, folder: Path) -> Outcome:
    """Run one plan from a fresh start; return what happened."""
    outcome = Outcome(plan)
    args, given = set_up(plan, emulator, dns, folder)
    team = DnsTeam(dns, given)
    emulator.control("/_byodkim/faults", {"faults": plan.faults})
    start = time.time()
    team.publish_after(plan.publish_after)
    window = Window()
    for number in range(1, ATTEMPTS + 1):
        timed = [(plan.remove_at, team.remove), (plan.interrupt_at, _thread.interrupt_main)] if number == 1 else []
        code, said = attempt(args, window, *timed, dns=dns)
        last = said.strip().splitlines()[-1] if said.strip() else ""
        outcome.attempts.append((code, last))
        if code == 0:
            outcome.completed = True
            break
        if not any(hint in said for hint in RESUME_HINTS):
            outcome.problems.append(f"attempt {number} exited {code} without a way to resume: {last}")
        team.after_notice()
    end = time.time()
    if not outcome.completed:
        outcome.problems.append(f"not completed after {ATTEMPTS} attempts: {outcome.attempts[-1][1]}")
    timeline = emulator.control("/_byodkim/ses/timeline")["timeline"]
    for region in plan.regions:  # each region's SES on its own: one left on a removed record is a violation
        mine = [e for e in timeline if e.get("region", REGION) == region]
        held = [e for e in mine if e["time"] < start][-1:] + [e for e in mine if e["time"] >= start]
        worst = max(unsigned_intervals(held, dns, start, end), default=0.0)
        outcome.worst_unsigned = max(outcome.worst_unsigned, worst)
    if outcome.worst_unsigned > CHECK_PERIOD:
        outcome.problems.append(f"SES held a selector with no record for {outcome.worst_unsigned:.2f} s")
    return outcome


def campaign(seeds: Iterable[int], emulator: Emulator, server: LocalNameServer) -> list[Outcome]:
    """Run every seed's plan; return the outcomes."""
    scaled = ("BACKOFF_BASE", "BACKOFF_CAP", "SERVER_BACKOFF_CAP")
    kept = {name: getattr(pacing, name) for name in scaled}
    for name, value in kept.items():
        setattr(pacing, name, value * BACKOFF_SCALE)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            dns = Dns(server)
            return [one_run(Plan.draw(seed), emulator, dns, Path(scratch) / str(seed)) for seed in seeds]
    finally:
        for name, value in kept.items():
            setattr(pacing, name, value)


def main() -> None:
    """Run the campaign and print its figures."""
    import os

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer, zone_text

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    with (
        LocalNameServer({DOMAIN: zone_text(DOMAIN, 2026120401)}) as server,
        Emulator(dns_servers=[server.spec]) as emulator,
    ):
        os.environ.update(emulator.environment())
        started = time.monotonic()
        outcomes = campaign(range(options.seed, options.seed + options.runs), emulator, server)
        took = time.monotonic() - started
    violations = [(o.plan.seed, p) for o in outcomes for p in o.problems]
    print(f"runs: {len(outcomes)} (rotate {sum(o.plan.command == 'rotate' for o in outcomes)}, "
          f"register {sum(o.plan.command == 'register' for o in outcomes)}, "
          f"phase 7 {sum(o.plan.command == 'phase7' for o in outcomes)}; "
          f"two regions {sum(len(o.plan.regions) > 1 for o in outcomes)}) in {took:.0f} s")  # fmt: skip
    print(f"faults injected: {sum(o.plan.injected for o in outcomes)} "
          f"(record removed in {sum(o.plan.remove_at is not None for o in outcomes)} runs, "
          f"Ctrl-C in {sum(o.plan.interrupt_at is not None for o in outcomes)})")  # fmt: skip
    print(f"attempts: {sum(len(o.attempts) for o in outcomes)}; completed: {sum(o.completed for o in outcomes)}")
    print(f"violations: {len(violations)}")
    for seed, problem in violations:
        print(f"  seed {seed}: {problem}")
    worst = max(outcomes, key=lambda o: o.worst_unsigned, default=None)
    print(f"worst unsigned interval: {worst.worst_unsigned if worst else 0.0:.2f} s "
          f"(bound: one check period, {CHECK_PERIOD:.1f} s)"
          + (f"; seed {worst.plan.seed}, {worst.plan.command} in {len(worst.plan.regions)} region(s)"
             if worst else ""))  # fmt: skip


if __name__ == "__main__":
    main()
