"""What rotate and phase print: a rotation's plan, end and notices, and a phase's answer as labelled lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from byodkim.cli import fleet

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from byodkim.aws.session import Aws
    from byodkim.function.schedule import Tick
    from byodkim.workflows.rotate import RotationState


def print_plan(state: RotationState, step: str | None, lang: str) -> None:
    """Print where a rotation stands and what a run would do next."""
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    done = ", ".join(text(say("rotate.code", step=step), lang) for step in state.done) or say("rotate.nothing_yet")
    said = say("rotate.plan", domain=state.domain, old=state.old_selector, new=state.new_selector, done=done)
    click.echo(text(said, lang))
    then = say("rotate.next_step", step=step, label=say(f"rotate.step.{step}")) if step else say("rotate.nothing_left")
    click.echo(text(then, lang))


def print_tick(done: Tick, lang: str) -> None:
    """Print one tick of the scheduled rotation: a line per step done, then what it waits for (or why it stopped)."""
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    for line in done.done:
        click.echo(text(say("schedule.cli_did", domain=done.domain, line=line), lang))
    if done.waits is not None:
        key = "schedule.cli_stopped" if done.stopped else "schedule.cli_did" if done.dry_run else "schedule.cli_waits"
        line = done.waits
        if done.stopped and line.key == "schedule.stopped":  # "STOPPED" says it once: the cause and the fix follow
            line = say("guard.stopped_line", **line.values)
        click.echo(text(say(key, domain=done.domain, line=line), lang))


def print_rotated(state: RotationState, state_file: Path, lang: str) -> None:
    """Print how a rotation run ended: the request to send, the old record to keep, or where it stopped."""
    from byodkim.cli.catalogue import text
    from byodkim.dkim.names import record_name
    from byodkim.messages import say

    if "requested" in state.done and "published" not in state.done:
        click.echo(text(say("rotate.send_request", path=state.request_file), lang))
    if "verified" in state.done:
        said = say(
            "rotate.rotated", domain=state.domain, old=state.old_selector, new=state.new_selector,
            name=record_name(state.domain, state.old_selector), until=state.old_record_until,
        )  # fmt: skip
        click.echo(text(said, lang))
    else:
        click.echo(text(say("rotate.stopped_after", step=state.done[-1], path=str(state_file)), lang))


def alert(aws: Aws, region: str, lang: str = "en") -> Callable[[str, str], None]:
    """Return how rotate notifies: a line on stderr, and the deployment's alert topic (phase 8) when it exists.

    The topic gets the English line (its readers are the team's mail and chat, in the deployment's language).
    """
    from byodkim.cli.catalogue import text
    from byodkim.messages import say

    def notify(subject: str, message: str) -> None:
        click.echo(text(say("rotate.notice", subject=subject, message=message), lang), err=True)
        target = fleet.declared()
        if target is None:
            return
        try:
            topic = target.alert_topic_arn(region, aws.account(region))
            aws.client("sns", region).publish(TopicArn=topic, Subject=subject[:100], Message=message)
        except Exception as exc:  # noqa: BLE001 - the line above is the notice; the topic is a copy
            from byodkim.aws.errors import keyed, translate

            translated = translate(exc)
            why = keyed(translated) if translated is not None else str(exc)
            click.echo(text(say("rotate.notice_not_sent", why=why), lang), err=True)
        else:
            click.echo(text(say("rotate.notice_sent", topic=topic), lang), err=True)

    return notify


def phase_lines(result: Mapping[str, object], lang: str) -> list[str]:
    """Return a phase's answer as lines: each field labelled in ``lang``, a record or list below its label.

    English labels are the answer's own field names (``selectorFrom``), as the runbook and -o json
    name them; a sentence the phase said is shown in ``lang`` from its key.
    """
    from byodkim.cli.catalogue import text
    from byodkim.messages import catalogue, say

    def label(name: str) -> str:
        key = f"phase.field.{name}"
        return text(say(key), lang) if key in catalogue() else name

    def scalar(value: object) -> str:
        if value is None or isinstance(value, bool):
            return text(say({None: "phase.none", True: "phase.true", False: "phase.false"}[value]), lang)
        return text(value, lang)

    lines = []
    for name, value in result.items():
        if name == "selectorSource":
            continue  # said by selectorFrom; a field for -o json and for keyed_answer
        if isinstance(value, dict):
            lines.append(text(say("phase.line", label=label(name), value=""), lang).rstrip())
            lines += [text(say("phase.item", label=label(k), value=_joined(v, scalar)), lang) for k, v in value.items()]
        elif isinstance(value, list):
            lines.append(text(say("phase.line", label=label(name), value=""), lang).rstrip())
            lines += [f"  {scalar(item)}" for item in value]
        elif name == "registration" and isinstance(value, str):  # a registration's outcome: the fleet's words
            from byodkim.cli.fleet import coded

            lines.append(text(say("phase.line", label=label(name), value=coded("fleet.action.", value)), lang))
        else:
            lines.append(text(say("phase.line", label=label(name), value=scalar(value)), lang))
    return lines


def _joined(value: object, scalar: Callable[[object], str]) -> str:
    """Return a nested value on one line: a list's items joined by spaces (a record's strings as DNS quotes them)."""
    if isinstance(value, list):
        return " ".join(f'"{item}"' if isinstance(item, str) else scalar(item) for item in value)
    return scalar(value)


def keyed_answer(result: Mapping[str, object], region: str, parameter: str) -> dict[str, object]:
    """Return a deployed function's answer with the sentences it said keyed again, from the fields beside them.

    JSON keeps a sentence's English only; which selector was used (``selectorSource``) and when the
    request went (``alreadySent``) are fields, and the function's other sentences carry their
    catalogue keys and values in ``messages``, so each line can be said in any language.
    """
    from byodkim.messages import said_again, say

    keyed = dict(result)
    source = result.get("selectorSource")
    if source == "payload":
        keyed["selectorFrom"] = say("phase.from_payload")
    elif source == "ses":
        keyed["selectorFrom"] = say("phase.from_ses", region=region)
    elif source == "ssm":
        keyed["selectorFrom"] = say("phase.from_ssm", name=parameter)
    if result.get("alreadySent") and "note" in result:
        keyed["note"] = say("phase.already_sent", at=result["alreadySent"])
    # Every other sentence (selectorNote, phase 7's cause and next, ...) carries its key and values
    # in "messages"; one this version cannot say stays the English the function wrote.
    carried = keyed.pop("messages", None)
    for name, line in carried.items() if isinstance(carried, dict) else ():
        said = said_again(line)
        if said is not None and name in keyed:
            keyed[name] = said
    return keyed
