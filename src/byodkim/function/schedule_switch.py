"""The scheduled rotation's second half: approval, the switch, SES's verdict, the old record's retirement.

Steps of :class:`byodkim.function.schedule_run.Run` (split off to keep each module readable). The
switch keeps rotate.py's invariant: SES is switched only while the new record is live on every
authoritative server, checked at the moment of the switch, and switched back if it goes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from byodkim.aws import secrets
from byodkim.aws.errors import error_code
from byodkim.aws.guards import live_check, read_statuses, ses_statuses
from byodkim.aws.ses import RECORD_WENT, Registration, register
from byodkim.deployment import secret_id
from byodkim.dkim.names import record_name
from byodkim.errors import ByodkimError
from byodkim.function import schedule_dns
from byodkim.function.schedule_state import IDLE, REQUESTED, SWITCHED, VERIFIED, day, iso
from byodkim.function.switch_back import switch_back, undo_unpublished
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.dnscheck.check import Report
    from byodkim.function.schedule_run import Run

TAG_RETIRED = "byodkim:retired"  # on an old key's secret once its record is removed (the secret is kept)


def live(run: Run) -> bool:
    """Approval, then the switch at the due date (or at once once approved, with manual approval)."""
    manual = run.policy.approval == "manual"
    if manual and not run.state.approved:
        return run.wait(say("schedule.awaiting_approval", domain=run.domain))
    old = run.age(run.state.old_selector)
    if not manual and old is not None and run.now < old.due:
        return run.wait(say("schedule.switch_on", selector=run.state.new_selector, due=day(old.due)))
    report = run.check()  # the record was live; it must be now, at the switch
    if not report.ok:
        stopped = run.stop_on_mistake(report)
        if stopped is not None:
            return stopped
        if run.dry_run:
            return run.would(say("schedule.would_wait_again", name=report.name))
        run.state.step, run.state.waiting_since = REQUESTED, iso(run.now)
        return run.save(say("schedule.went_before_switch", name=report.name, seen=report.summary()))
    if run.dry_run:
        return run.would(say("schedule.would_switch", selector=run.state.new_selector, regions=", ".join(run.regions)))
    return _switch(run)


def _switch(run: Run) -> bool:
    new, old = run.state.new_selector, run.state.old_selector
    key = secrets.read_checked_key(run.sm(), run.state.secret_id)
    if key is None or key.public.fingerprint != run.state.fingerprint:
        gone = say("schedule.secret_gone", secret=run.state.secret_id)
        raise ByodkimError(gone, say("schedule.secret_gone_hint", name=run.rotation.parameter(run.domain)))
    servers = run.rotation.servers
    results = register(
        Registration(run.domain, new, key, run.regions, require_live=True),
        run.aws,
        live_check(run.domain, new, key.public, servers),
    )
    if any(r.action in RECORD_WENT for r in results):
        back = undo_unpublished(run.domain, results, run.aws, servers, old=old, prefix=run.prefix)
        run.state.step, run.state.waiting_since = REQUESTED, iso(run.now)
        went = say(
            "schedule.went_at_switch", name=record_name(run.domain, new), back=back or say("rotate.still_previous")
        )
        run.save(went)
        run.notify(say("schedule.stopped_subject", domain=run.domain), went, dns_team=True)
        return run.wait(went)
    broken = next((r for r in results if not r.ok), None)
    if broken is not None:  # an AWS failure, not a state: the next tick tries again (registered regions stay)
        raise ByodkimError(
            say("schedule.switch_failed", region=broken.region, detail=broken.detail), say("schedule.next_tick")
        )
    run.aws.client("ssm", run.region).put_parameter(
        Name=run.config.deployment.parameter(run.domain, "selector"), Value=new, Type="String", Overwrite=True
    )
    run.state.step, run.state.switched_at = SWITCHED, iso(run.now)
    return run.save(say("schedule.switched", selector=new, regions=", ".join(run.regions), old=old))


def switched(run: Run) -> bool:
    """Wait for SUCCESS in every region; FAILED is registered again once live; a record gone: back to the old key."""
    statuses = ses_statuses(run.aws, run.domain, run.regions)
    if all(s == "SUCCESS" for s in statuses.values()):
        if run.dry_run:
            return run.would(say("schedule.would_verify", selector=run.state.new_selector))
        retire = run.policy.retire_at(run.now)
        run.state.step, run.state.verified_at, run.state.retire_at = VERIFIED, iso(run.now), iso(retire)
        return run.save(say("schedule.verified", selector=run.state.new_selector, retire=day(retire)))
    seen = ", ".join(f"{region} {status}" for region, status in statuses.items())
    report = run.check()
    if not report.ok:
        return _back_to_old(run, statuses, report)
    failed = tuple(r for r, status in statuses.items() if status == "FAILED")
    if failed and not run.dry_run:  # SES gave up (72 hours) though the record is live now: register again there
        key = secrets.read_checked_key(run.sm(), run.state.secret_id)
        if key is not None:
            again = register(
                Registration(run.domain, run.state.new_selector, key, failed, require_live=True),
                run.aws,
                live_check(run.domain, run.state.new_selector, key.public, run.rotation.servers),
            )
            run.result.done.append(say("schedule.registered_again", regions=", ".join(r.region for r in again if r.ok)))
    return run.wait(say("schedule.awaiting_ses", selector=run.state.new_selector, statuses=seen))


def verified(run: Run) -> bool:
    """After ``retire_after_days``, and only once the new key signs in every region: remove the old record.

    Until then each tick checks the new record: gone, SES goes back to the old key while its record is there.
    """
    old, new = run.state.old_selector, run.state.new_selector
    # The old record is still there: a new record gone in the window sends SES back to it, as while verifying.
    report = run.check()
    if not report.ok:
        return _back_to_old(run, ses_statuses(run.aws, run.domain, run.regions), report)
    retire = datetime.fromisoformat(run.state.retire_at)
    if run.now < retire:
        return run.wait(say("schedule.retire_on", name=record_name(run.domain, old), day=day(retire)))
    held = read_statuses(run.aws, run.domain, run.regions)
    still = [
        s.region
        for s in held
        if not (s.exists and s.origin == "EXTERNAL" and s.tokens[:1] == [new] and s.status == "SUCCESS")
    ]
    if still:  # never remove a record that may still sign
        return run.wait(say("schedule.old_may_sign", name=record_name(run.domain, old), regions=", ".join(still)))
    if run.dry_run:
        return run.would(say("schedule.would_retire", name=record_name(run.domain, old)))
    how = schedule_dns.remove_record(run.config, run.aws, run.region, run.domain, old)
    _tag_retired(run, secret_id(run.domain, old, run.prefix))
    run.state.retired.append({"selector": old, "at": iso(run.now), "via": str(how["via"])})
    run.state.step = IDLE
    line = "schedule.retired_route53" if how["via"] == schedule_dns.ROUTE53 else "schedule.retired"
    return run.save(say(line, name=record_name(run.domain, old)))


def _tag_retired(run: Run, where: str) -> None:
    try:
        run.sm().tag_resource(SecretId=where, Tags=[{"Key": TAG_RETIRED, "Value": day(run.now)}])
    except Exception as exc:
        if error_code(exc) != "ResourceNotFoundException":  # a key registered from a file only: nothing to tag
            raise


def _back_to_old(run: Run, statuses: dict[str, str], report: Report) -> bool:
    """SES holds the new key and its record went: back to the old key (rotate's rule), then wait for the record anew."""
    if run.dry_run:
        return run.would(say("schedule.would_switch_back", old=run.state.old_selector))
    signing = tuple(r for r, status in statuses.items() if status != "FAILED")
    back = (
        switch_back(
            run.domain, run.state.old_selector, signing, run.aws, run.rotation.servers, run.prefix, home=run.region
        )
        if signing
        else say("rotate.gave_up_failed")
    )
    run.aws.client("ssm", run.region).put_parameter(
        Name=run.config.deployment.parameter(run.domain, "selector"),
        Value=run.state.old_selector,
        Type="String",
        Overwrite=True,
    )
    run.state.step, run.state.waiting_since = REQUESTED, iso(run.now)
    run.state.verified_at = run.state.retire_at = run.state.switched_at = ""
    went = say("schedule.went_after_switch", name=report.name, seen=report.summary(), back=back)
    run.save(went)
    run.notify(say("schedule.stopped_subject", domain=run.domain), went, dns_team=True)
    return run.wait(went)
