"""Key rotation with no moment in which the domain lacks a published key matching SES's.

Order (SES documents none; this is the safe one): new key and selector, stored; DNS
request; wait until the new record is live on every authoritative server; switch SES;
wait for SUCCESS; keep the old record for days, then remove it by hand. Each finished
step is written to a state file (never key material), so an interrupted rotation resumes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from byodkim.aws import secrets
from byodkim.aws.errors import keyed
from byodkim.aws.guards import live_check, read_statuses, ses_statuses
from byodkim.aws.ses import RECORD_WENT, UNPUBLISHED, Registration, register
from byodkim.deployment import DKIM_WINDOW_SECONDS
from byodkim.dkim.names import record_name
from byodkim.dkim.record import DkimRecord
from byodkim.dkim.request import RequestFields, render_request
from byodkim.dnscheck.check import check
from byodkim.dnscheck.judge import Check
from byodkim.dnscheck.wait import Paced, Waited, wait
from byodkim.errors import ByodkimError, InputError
from byodkim.function.switch_back import SwitchStoppedError, switch_back, undo_unpublished
from byodkim.messages import render, say

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.aws.session import Aws
    from byodkim.dkim.keys import SigningKey
    from byodkim.dnscheck.servers import Server

STEPS = ("keyed", "requested", "published", "switched", "verified")
STATE_FILE = "rotation-{domain}.json"  # in the state folder; the scheduled rotation's guard reads it too


@dataclass
class RotationState:
    """What is done; the file's whole content."""

    domain: str
    old_selector: str
    new_selector: str
    regions: list[str]
    secret_id: str = ""
    fingerprint: str = ""
    request_file: str = ""
    done: list[str] = field(default_factory=list)
    old_record_until: str = ""

    def save(self, path: Path) -> None:
        """Write atomically, so a kill mid-write never leaves a broken state."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        partial.replace(path)


@dataclass(frozen=True)
class RotationRequest:
    """Inputs of a rotation."""

    domain: str
    new_selector: str
    regions: tuple[str, ...]
    servers: tuple[Server, ...] = ()
    state_dir: Path = Path(".byodkim")
    timeout: float = DKIM_WINDOW_SECONDS
    interval: float = 5.0
    until: str | None = None
    lang: str = "en"
    keep_old_days: int = 7
    kms_key_id: str | None = None
    readers: tuple[str, ...] = ()  # who the new secret's resource policy lets read it (register's rule)
    # Refuses (raises) while another rotation of the domain is under way: asked right before each step.
    guard: Callable[[str], None] | None = None

    @property
    def state_file(self) -> Path:
        """Return where this domain's rotation state lives."""
        return self.state_dir / STATE_FILE.format(domain=self.domain)


def plan(request: RotationRequest, aws: Aws) -> tuple[RotationState, str | None]:
    """Return where the rotation stands and the step a run would take next (None: finished); reads only."""
    state = _load_or_start(request, aws)
    if request.guard is not None:
        request.guard(request.domain)
    return state, next((step for step in STEPS if step not in state.done), None)


def rotate(
    request: RotationRequest,
    aws: Aws,
    progress: Callable[[str, str], None],
    notify: Callable[[str, str], None] | None = None,  # (subject, message): the operator's alert channel
) -> RotationState:
    """Run (or resume) a rotation up to ``request.until`` or to the end.

    ``notify`` is told when a switch of SES is stopped or undone because the record went away.
    """
    if request.until is not None and request.until not in STEPS:
        raise InputError(say("rotate.bad_step", step=request.until), say("rotate.use_steps", steps=", ".join(STEPS)))
    state = _load_or_start(request, aws)
    sm = aws.client("secretsmanager", request.regions[0])
    key: SigningKey | None = None
    for step in STEPS:
        if step in state.done:
            progress(step, say("rotate.already_done"))
        else:
            if request.guard is not None:  # at the moment of the act: the scheduled rotation may have begun meanwhile
                request.guard(request.domain)
            if key is None and step != "keyed":
                key = secrets.read_key(sm, state.secret_id)
                if key is None:
                    gone = say("rotate.secret_gone", secret=state.secret_id)
                    raise ByodkimError(gone, say("rotate.secret_gone_hint", path=str(request.state_file)))
            try:
                key = _STEP[step](request, aws, state, key)
            except SwitchStoppedError as exc:
                # SES is on the previous key again (or never left it): a re-run waits for the record anew.
                state.done = [done for done in state.done if done in ("keyed", "requested")]
                state.save(request.state_file)
                if notify is not None:
                    subject = say("rotate.stopped_subject", domain=request.domain, selector=request.new_selector)
                    notify(subject, keyed(exc))
                raise
            state.done.append(step)
            state.save(request.state_file)
            progress(step, say("rotate.done"))
        if step == request.until:
            break
    return state


def _load_or_start(request: RotationRequest, aws: Aws) -> RotationState:
    path = request.state_file
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            state = RotationState(**data)
        except (ValueError, TypeError) as exc:
            raise InputError(say("rotate.damaged", path=str(path), why=str(exc)), say("rotate.fix_or_delete")) from None
        if state.new_selector != request.new_selector or state.domain != request.domain:
            if state.done == list(STEPS):
                raise InputError(
                    say("rotate.finished", selector=state.new_selector), say("rotate.finished_hint", path=str(path))
                )
            raise InputError(
                say("rotate.unfinished", path=str(path), selector=state.new_selector),
                say("rotate.unfinished_hint", selector=state.new_selector),
            )
        # Finished, and the same command again (a Ctrl-C after the last step was saved, as the
        # interruption said to do): every step is already done, and it says so.
        return state
    current = read_statuses(aws, request.domain, (request.regions[0],))[0]  # an unreadable SES is an error, not a state
    if not current.exists or current.origin != "EXTERNAL" or not current.tokens:
        off = say("rotate.not_byodkim", domain=request.domain, region=request.regions[0])
        raise InputError(off, say("rotate.register_first"))
    if current.tokens[0] == request.new_selector:
        raise InputError(say("rotate.in_use", selector=request.new_selector), say("rotate.in_use_hint"))
    return RotationState(request.domain, current.tokens[0], request.new_selector, list(request.regions))


def _keyed(request: RotationRequest, aws: Aws, state: RotationState, _key: SigningKey | None) -> SigningKey:
    source = secrets.obtain_key(
        aws.client("secretsmanager", request.regions[0]),
        domain=request.domain,
        selector=request.new_selector,
        given=None,  # an existing secret for the new selector is reused: a resumed run keeps its key
        secret_id=None,
        kms_key_id=request.kms_key_id,
        dry_run=False,
        readers=request.readers,
    )
    state.secret_id, state.fingerprint = source.secret_id, source.key.public.fingerprint
    return source.key


def _requested(request: RotationRequest, _aws: Aws, state: RotationState, key: SigningKey | None) -> SigningKey | None:
    assert key is not None  # noqa: S101 - read by rotate()
    path = request.state_dir / f"dns-request-{request.domain}-{request.new_selector}.md"  # one per domain in a fleet
    record = DkimRecord(request.domain, request.new_selector, key.public.b64)
    note = render(say("rotate.keep_old", name=record_name(request.domain, state.old_selector)), request.lang)
    path.write_text(render_request(record, request.lang, RequestFields(deadline=note)), encoding="utf-8")
    state.request_file = str(path)
    return key


def _check(request: RotationRequest, key: SigningKey) -> Check:
    return Check(request.domain, request.new_selector, key.public, request.servers)


progress_log = logging.getLogger("byodkim.progress")


def _waiting(what: str, timeout: float) -> Callable[[Waited], None]:
    """Return a wait's progress, on a terminal or not: a line at the first poll, on a change, else every 30 s."""
    paced = Paced()

    def show(waited: Waited) -> None:
        where, seconds = waited.report.summary(), int(waited.elapsed)
        if waited.ses:
            statuses = ", ".join(f"{region} {status}" for region, status in waited.ses.statuses.items())
            where = say("rotate.where_ses", dns=where, statuses=statuses)
        if paced.due(where, waited.elapsed):
            progress_log.info(say("rotate.waiting", what=what, where=where, seconds=seconds, timeout=int(timeout)))

    return show


def _published(request: RotationRequest, _aws: Aws, _state: RotationState, key: SigningKey | None) -> SigningKey | None:
    assert key is not None  # noqa: S101
    what = say("rotate.record_live", name=record_name(request.domain, request.new_selector))
    wait(
        _check(request, key),
        timeout=request.timeout,
        interval=request.interval,
        progress=_waiting(what, request.timeout),
    )
    return key


def _switched(request: RotationRequest, aws: Aws, _state: RotationState, key: SigningKey | None) -> SigningKey | None:
    assert key is not None  # noqa: S101
    # The record was live; if it is not now, switching would break signing.
    _register_once_live(
        request,
        aws,
        key,
        request.regions,
        not_live=(say("rotate.no_longer_live"), say("rotate.ask_dns_team")),
        failing=say("rotate.switch_failed"),
    )
    return key


def _verified(request: RotationRequest, aws: Aws, state: RotationState, key: SigningKey | None) -> SigningKey | None:
    assert key is not None  # noqa: S101
    _restart_failed(request, aws, key)
    shown = _waiting(say("rotate.ses_to_verify", selector=request.new_selector), request.timeout)

    def watch(waited: Waited) -> None:
        shown(waited)
        if not waited.report.ok:
            # SES holds the new key and its record is gone: within this one check, back to the old key.
            switched = tuple(
                r for r, status in ses_statuses(aws, request.domain, request.regions).items() if status != "FAILED"
            )
            back = _switch_back(request, aws, switched) if switched else say("rotate.gave_up_failed")
            name = record_name(request.domain, request.new_selector)
            raise SwitchStoppedError(
                say("rotate.went_verifying", name=name, seen=waited.report.summary(), back=back),
                say("rotate.publish_again"),
            )

    waited = wait(
        _check(request, key),
        timeout=request.timeout,
        interval=request.interval,
        ses=lambda: ses_statuses(aws, request.domain, request.regions),
        progress=watch,
    )
    if waited.ses is None or not waited.ses.success:
        statuses = str(waited.ses.statuses) if waited.ses else say("rotate.no_answer")
        raise ByodkimError(say("rotate.not_verified", statuses=statuses), say("rotate.not_verified_hint"))
    state.old_record_until = (datetime.now(UTC) + timedelta(days=request.keep_old_days)).strftime("%Y-%m-%d")
    return key


def _restart_failed(request: RotationRequest, aws: Aws, key: SigningKey) -> None:
    """Where SES gave up on the new key (FAILED), check the record is live, then register it again."""
    failed = tuple(r for r, status in ses_statuses(aws, request.domain, request.regions).items() if status == "FAILED")
    if failed:
        _register_once_live(
            request,
            aws,
            key,
            failed,
            not_live=(say("rotate.gave_up_not_live", regions=", ".join(failed)), say("rotate.ask_publish")),
            failing=say("rotate.register_again_failed"),
        )


def _register_once_live(
    request: RotationRequest,
    aws: Aws,
    key: SigningKey,
    regions: tuple[str, ...],
    *,
    not_live: tuple[str, str],
    failing: str,
) -> None:
    """Register the new key in ``regions`` while its record is live on every authoritative server, else refuse.

    The record is checked before every attempt of the switch (throttled retries included) and
    after it; a region SES was switched in while the record went away is switched back.
    """
    live = check(_check(request, key))
    if not live.ok:
        raise ByodkimError(say("rotate.with_seen", what=not_live[0], seen=live.summary()), not_live[1])
    new = Registration(request.domain, request.new_selector, key, regions, require_live=True)
    results = register(new, aws, live_check(request.domain, request.new_selector, key.public, request.servers))
    went = next((r for r in results if r.action in RECORD_WENT), None)
    if went is not None:
        back = undo_unpublished(
            request.domain, results, aws, request.servers, old=_load_or_start(request, aws).old_selector
        )
        name = record_name(request.domain, request.new_selector)
        if went.action == UNPUBLISHED:
            what = say("rotate.went_switched", name=name, region=went.region, back=back)
        else:
            back = back or say("rotate.still_previous")
            what = say("rotate.went_before", name=name, region=went.region, detail=went.detail, back=back)
        raise SwitchStoppedError(what, say("rotate.publish_again"))
    broken = next((r for r in results if not r.ok), None)
    if broken is not None:
        failed_in = say("rotate.failing_in", failing=failing, region=broken.region, detail=broken.detail)
        raise ByodkimError(failed_in, say("rotate.run_again"))


def _switch_back(request: RotationRequest, aws: Aws, regions: tuple[str, ...]) -> str:
    """Register the previous key again where SES was switched to an unpublished one; return what happened."""
    state = _load_or_start(request, aws)
    return switch_back(request.domain, state.old_selector, regions, aws, request.servers, home=request.regions[0])


_STEP = dict(zip(STEPS, (_keyed, _requested, _published, _switched, _verified), strict=True))  # in STEPS' order
