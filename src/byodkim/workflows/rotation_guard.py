"""One rotation of a domain at a time: a hand rotation and the scheduled one refuse each other.

Both move SES's selector and ask the DNS team for records; run side by side, one switches
SES to a key the other's retirement then removes. Each door checks the other's record right
before each step it takes (not only when it starts), and refuses, changing nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from byodkim.aws.ssm import read_parameter
from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.aws.session import Aws

# The only scheduled step a hand rotation may start from: the running key signs, nothing prepared.
# Deny by default: any other step, known or not, and a state that cannot be read, refuse.
_AT_REST = "idle"


def scheduled_step(aws: Aws, region: str, name: str) -> str | None:
    """Return the scheduled rotation's step when one is under way (or unreadable); None when at rest or absent."""
    text = read_parameter(aws.client("ssm", region), name)
    if text is None:
        return None
    try:
        step = json.loads(text).get("step")
    except (ValueError, AttributeError):
        step = None
    if step == _AT_REST:
        return None
    return step if isinstance(step, str) and step else str(say("guard.unreadable"))


def refuse_if_scheduled(aws: Aws, region: str, name: str, domain: str) -> None:
    """Refuse a hand rotation of ``domain`` while its scheduled rotation (SSM ``name``) is under way."""
    step = scheduled_step(aws, region, name)
    if step is not None:
        raise InputError(
            say("guard.scheduled_under_way", domain=domain, step=step, name=name),
            say("guard.scheduled_hint", domain=domain),
        )


def refuse_if_by_hand(state_dir: Path, domain: str) -> None:
    """Refuse the scheduled rotation of ``domain`` while a hand rotation's state file says it is unfinished."""
    from byodkim.workflows.rotate import STATE_FILE, STEPS

    path = state_dir / STATE_FILE.format(domain=domain)
    if not path.exists():
        return
    selector = "?"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        selector = str(data.get("new_selector") or "?")
        finished = list(data.get("done", [])) == list(STEPS)
    except (OSError, ValueError, AttributeError, TypeError):
        finished = False  # a file that cannot be read is not a finished rotation
    if not finished:
        raise InputError(
            say("guard.hand_under_way", domain=domain, selector=selector, path=str(path)),
            say("guard.hand_hint", domain=domain, selector=selector),
        )
