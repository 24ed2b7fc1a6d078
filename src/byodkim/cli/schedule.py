"""rotate --auto and --approve: the laptop's door onto the scheduled rotation (function/schedule.py).

The same ticks as the function's, at the real clock (the emulator's in a sandbox); the
deployment, its topics and its policy from the Sceptre config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from byodkim.cli import rollout_lines
from byodkim.cli.options import aws_regions, echo_json, secret_readers

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from byodkim.aws.session import Aws
    from byodkim.cli.fleet import Targets
    from byodkim.deployment import DomainSpec
    from byodkim.function.schedule import Rotation


def refuse_mixed(new_selector: str | None, *, auto: bool, approve: bool, until: str | None) -> None:
    """Refuse the laptop's rotation options with the scheduled rotation's, and a rotate with neither."""
    from byodkim.errors import InputError
    from byodkim.messages import say

    if not (auto or approve):
        raise InputError(say("schedule.cli_need_selector"), say("schedule.cli_need_selector_hint"))
    if new_selector is not None or (auto and approve) or until is not None:
        raise InputError(say("schedule.cli_alone"), say("schedule.cli_alone_hint"))


def hand_guard(aws: Aws, region: str) -> Callable[[str], None] | None:
    """Return the hand rotation's check that the domain's scheduled rotation is at rest (None: no Sceptre config)."""
    from byodkim import deployment
    from byodkim.workflows.rotation_guard import refuse_if_scheduled

    folder = deployment.find_sceptre_dir()
    if folder is None:  # no deployment here, so no scheduled rotation's state to find
        return None
    target = deployment.read(folder)
    return lambda domain: refuse_if_scheduled(aws, region, target.parameter(domain, "rotation"), domain)


def _rotation(
    targets: Targets, kms_key_id: str | None, state_dir: Path, *, dry_run: bool
) -> tuple[Rotation, list[DomainSpec]]:
    """Return where the scheduled rotation's ticks run from this laptop, and the domains chosen."""
    import functools
    from dataclasses import replace

    from byodkim import deployment
    from byodkim.function.config import ManagerConfig
    from byodkim.function.schedule import Rotation
    from byodkim.workflows.rotation_guard import refuse_if_by_hand

    specs = targets.specs(None, need_selector=False)
    aws, chosen = aws_regions(targets.profile, targets.regions or specs[0].regions, targets.ses_rate)
    target, home = deployment.resolve(None, None), chosen[0]
    config = ManagerConfig.for_deployment(target, specs[0].domain, home, aws.account(home))
    readers = () if dry_run else secret_readers(aws, home)
    guard = functools.partial(refuse_if_by_hand, state_dir)  # this laptop's hand rotations
    rotation = Rotation(config, aws, home, targets.nameservers, kms_key_id, readers, guard)
    return rotation, [replace(s, regions=targets.regions or s.regions or chosen) for s in specs]


def auto(
    targets: Targets, *, kms_key_id: str | None, state_dir: Path, yes: bool, dry_run: bool, output: str, lang: str
) -> int:
    """Run one tick of the scheduled rotation per domain, at the real clock (the emulator's in a sandbox).

    A domain the scheduled rotation cannot rotate (not declared, no identity, Easy DKIM) is refused,
    never a wait that exits 0. One domain: its refusal is the command's (exit 2). Many: that unit
    fails, the others go on, the summary counts it, exit 1.
    """
    import os

    from byodkim import deployment
    from byodkim.cli.catalogue import text
    from byodkim.errors import ByodkimError, InputError
    from byodkim.function.schedule import Tick, tick
    from byodkim.local import clock
    from byodkim.messages import say

    del yes  # a tick changes only what the policy says is due: nothing to confirm
    rotation, specs = _rotation(targets, kms_key_id, state_dir, dry_run=dry_run)
    now = clock.now(os.environ)
    target = deployment.resolve(None, None)
    done: list[Tick | tuple[str, ByodkimError]] = []
    for spec in specs:
        try:
            if target.declared(spec.domain) is None:  # the function's schedule never ticks it
                raise InputError(
                    say("schedule.not_declared", domain=spec.domain),
                    say("schedule.not_declared_hint", domain=spec.domain),
                )
            done.append(tick(rotation, spec.domain, spec.regions, now, dry_run=dry_run))
        except ByodkimError as exc:
            if not targets.many:
                raise
            done.append((spec.domain, exc))
    ticks = [d for d in done if isinstance(d, Tick)]
    failed = len(done) - len(ticks)
    if output == "json":
        answers = [
            d.as_dict() if isinstance(d, Tick) else {"domain": d[0], "ok": False, "error": str(d[1])} for d in done
        ]
        summary = {"units": len(done), "ticked": len(ticks), "failed": failed}
        echo_json(
            {
                "now": now.isoformat(timespec="seconds"),
                "domains": answers,
                **({"summary": summary} if targets.many else {}),
            }
        )
    else:
        for d in done:
            if isinstance(d, Tick):
                rollout_lines.print_tick(d, lang)
            else:
                domain, error = d
                refused = (
                    say("error.with_hint", message=error.message, hint=error.hint) if error.hint else error.message
                )
                line = say("schedule.cli_unit_failed", mark=say("fleet.mark.fail"), domain=domain, line=refused)
                click.echo(text(line, lang))
        if targets.many:
            click.echo(text(say("schedule.cli_summary", units=len(done), ticked=len(ticks), failed=failed), lang))
    return 1 if failed or any(t.stopped for t in ticks) else 0


def approve(
    targets: Targets, *, kms_key_id: str | None, state_dir: Path, yes: bool, dry_run: bool, output: str, lang: str
) -> int:
    """Approve the prepared switch of one domain (who and when recorded), then run its tick at once."""
    import os
    import sys

    from byodkim.cli.catalogue import text
    from byodkim.errors import ByodkimError, InputError
    from byodkim.function import schedule
    from byodkim.local import clock
    from byodkim.messages import say

    if targets.many or not targets.domains:
        raise InputError(say("schedule.cli_approve_one"), say("schedule.cli_approve_one_hint"))
    rotation, (spec,) = _rotation(targets, kms_key_id, state_dir, dry_run=dry_run)
    now = clock.now(os.environ)
    who = str(rotation.aws.client("sts", rotation.region).get_caller_identity()["Arn"])

    def confirm(selector: str) -> None:
        # Asked once the library found something to approve: "nothing prepared" is the first answer.
        if yes or dry_run:
            return
        if not sys.stdin.isatty():
            raise InputError(say("schedule.cli_confirm_needed"), say("rollback.confirm_needed_hint", yes="-y/--yes"))
        prompt = say("schedule.cli_prompt", domain=spec.domain, selector=selector)
        if not click.confirm(text(prompt, lang), err=True):
            # A "no" is an answer, not an interruption: said as such, exit 1, nothing written.
            refused = say("guard.not_approved", domain=spec.domain, selector=selector)
            raise ByodkimError(refused, say("guard.not_approved_hint", domain=spec.domain))

    state = schedule.approve(rotation, spec.domain, now, who, dry_run=dry_run, confirm=confirm)
    if dry_run:
        click.echo(text(say("schedule.cli_would_approve", domain=spec.domain, selector=state.new_selector), lang))
        return 0
    approved = say("schedule.cli_approved", domain=spec.domain, selector=state.new_selector, who=who)
    click.echo(text(approved, lang), err=output == "json")  # stdout holds the JSON alone
    done = schedule.tick(rotation, spec.domain, spec.regions, now)
    if output == "json":
        echo_json({"now": now.isoformat(timespec="seconds"), "approved": state.approved, "domains": [done.as_dict()]})
    else:
        rollout_lines.print_tick(done, lang)
    return 1 if done.stopped else 0
