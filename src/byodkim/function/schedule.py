"""The scheduled rotation: one tick moves one domain's rotation as far as it can go *now*.

Called by the dkim-manager function on its schedule (``{"action": "rotation"}``) and by
``byodkim rotate --auto`` from a laptop: the same code, ``now`` given by the caller. The steps
(docs/rotation.md): due? -> prepare (a new 2048-bit key, stored once) -> request (the DNS
team, or UPSERT in Route 53) -> published? (every authoritative server; a mistake stops it) ->
approval (``rotation_approval: manual``) -> switch (at the due date; rotate.py's live guard
and switch-back) -> SUCCESS in every region -> retire the old record after
``retire_after_days`` -> idle. Each step is saved in SSM when done (``schedule_state``), each
notifies, and a step done twice does nothing new.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from byodkim.dnscheck.check import check
from byodkim.dnscheck.judge import Check
from byodkim.errors import InputError
from byodkim.function import schedule_switch

# Rotation and Tick re-exported: the doors (the function, the CLI) and the tests take them from here.
from byodkim.function.schedule_run import Rotation as Rotation  # noqa: PLC0414
from byodkim.function.schedule_run import Run
from byodkim.function.schedule_run import Tick as Tick  # noqa: PLC0414
from byodkim.function.schedule_state import (
    IDLE,
    LIVE,
    PREPARED,
    REQUESTED,
    STOPPED,
    SWITCHED,
    VERIFIED,
    ScheduleState,
    iso,
    load,
    save,
)
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Callable


def tick(rotation: Rotation, domain: str, regions: tuple[str, ...], now: datetime, *, dry_run: bool = False) -> Tick:
    """Advance ``domain``'s rotation as far as it can go at ``now``; with ``dry_run``, say the next change only."""
    state = load(rotation.aws.client("ssm", rotation.region), rotation.parameter(domain), domain)
    run = Run(rotation, domain, regions, now.astimezone(UTC), dry_run, Tick(domain, state, dry_run=dry_run))
    steps: dict[str, Callable[[], bool]] = {
        IDLE: run.idle,
        PREPARED: run.prepared,
        REQUESTED: run.requested,
        LIVE: functools.partial(schedule_switch.live, run),
        SWITCHED: functools.partial(schedule_switch.switched, run),
        VERIFIED: functools.partial(schedule_switch.verified, run),
        STOPPED: run.stopped,
    }
    for _ in range(len(steps) + 1):  # each step at most once a tick: retired -> idle waits at "not yet"
        if rotation.guard is not None:  # before each step, at the moment of its act
            rotation.guard(domain)
        if not steps[state.step]():
            break
    return run.result


def approve(
    rotation: Rotation,
    domain: str,
    now: datetime,
    who: str,
    *,
    dry_run: bool = False,
    confirm: Callable[[str], None] | None = None,
) -> ScheduleState:
    """Record a person's approval of the switch (who, when); also resumes a rotation a mistake stopped.

    Refused when nothing is prepared, or when the new record is not live on every authoritative server.
    ``confirm`` (given the new selector) is asked once both are checked, before anything is written.
    """
    ssm = rotation.aws.client("ssm", rotation.region)
    state = load(ssm, rotation.parameter(domain), domain)
    if state.step in (IDLE, PREPARED) or not state.new_selector:
        raise InputError(say("schedule.nothing_to_approve", domain=domain), say("schedule.run_auto_first"))
    if state.step in (SWITCHED, VERIFIED):
        raise InputError(say("schedule.already_switched", selector=state.new_selector), say("schedule.nothing_to_do"))
    run = Run(rotation, domain, tuple(state.regions), now.astimezone(UTC), dry_run, Tick(domain, state))
    report = check(Check(domain, state.new_selector, run.public(), rotation.servers))
    if not report.ok:
        raise InputError(
            say("schedule.approve_not_live", name=report.name, seen=report.summary()), say("schedule.approve_hint")
        )
    if rotation.guard is not None:
        rotation.guard(domain)
    if dry_run:
        return state
    if confirm is not None:
        confirm(state.new_selector)
    state.approved = {"by": who, "at": iso(now)}
    if state.step in (REQUESTED, STOPPED):  # found live just now; a stop is cleared by the person who fixed it
        state.step, state.live_at, state.stop = LIVE, iso(now), {}
    save(ssm, rotation.parameter(domain), state)
    run.notify(
        say("schedule.approved_subject", domain=domain), say("schedule.approved", who=who, selector=state.new_selector)
    )
    return state
