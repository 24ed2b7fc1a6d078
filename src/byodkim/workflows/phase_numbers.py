"""Which rollout phases the dkim-manager function runs, and what runs the others.

The rollout has phases 1 to 8 (docs/runbook.md); the function runs 4, 5 and 7. A person who
types another number is told what does that phase instead of being shown the choices.
"""

from __future__ import annotations

from byodkim.errors import InputError
from byodkim.messages import say

LAMBDA_PHASES = ("4", "5", "7")
_STACKS = ("1", "2", "8")  # phases that are stacks and nothing else


def lambda_phase(number: str) -> str:
    """Return ``number`` when the function runs that phase; refuse naming what runs any other."""
    number = number.strip()
    if number in LAMBDA_PHASES:
        return number
    if number == "6":
        raise InputError(say("phase.dns_team"))
    if number == "3":
        raise InputError(say("phase.key"))
    if number in _STACKS:
        raise InputError(say("phase.stack", number=number))
    raise InputError(say("phase.unknown", number=number))
