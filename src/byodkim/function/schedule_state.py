"""The scheduled rotation's state: one SSM parameter per domain, JSON, never key material.

``deployment.parameter(domain, "rotation")``. A tick reads it first and writes it after each
step it finished, so a tick that dies between two steps resumes at the step it did not save
(the step itself is written to find its own work first: see ``schedule.prepare``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC
from typing import TYPE_CHECKING, Any

from byodkim.aws.ssm import read_parameter
from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from datetime import datetime

    from mypy_boto3_ssm import SSMClient

# The steps, in order. idle: the running key signs and nothing is prepared; prepared: the next key
# is stored; requested: its record is asked for (or written in Route 53); live: found on every
# authoritative server; switched: SES holds the new key; verified: SUCCESS in every region;
# stopped: a mistake stopped it (``stop`` says which and the fix).
IDLE, PREPARED, REQUESTED, LIVE, SWITCHED, VERIFIED, STOPPED = (
    "idle",
    "prepared",
    "requested",
    "live",
    "switched",
    "verified",
    "stopped",
)
STEPS = (IDLE, PREPARED, REQUESTED, LIVE, SWITCHED, VERIFIED, STOPPED)


@dataclass
class ScheduleState:
    """One domain's rotation as recorded; dates are ISO 8601 UTC."""

    domain: str
    step: str = IDLE
    old_selector: str = ""  # the key SES signed with when this rotation began
    new_selector: str = ""
    regions: list[str] = field(default_factory=list)
    secret_id: str = ""
    fingerprint: str = ""  # the new key's public fingerprint (never the key)
    prepared_at: str = ""
    requested_at: str = ""
    request: dict[str, Any] = field(default_factory=dict)  # how it was asked: dns-team (objects, message) or route53
    waiting_since: str = ""  # since when the record is awaited
    notified_on: str = ""  # the day the last "still not published" notice went out (once a day past due)
    live_at: str = ""
    approved: dict[str, str] = field(default_factory=dict)  # {"by": ARN, "at": date} with approval: manual
    switched_at: str = ""
    verified_at: str = ""
    retire_at: str = ""
    retired: list[dict[str, str]] = field(default_factory=list)  # old selectors removed: selector, at, how
    selectors: list[str] = field(default_factory=list)  # every selector this domain's rotations used
    stop: dict[str, str] = field(default_factory=dict)  # {"step", "reason", "fix", "at"} while stopped

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready state."""
        return asdict(self)

    def begin(self, old: str, new: str, regions: list[str]) -> None:
        """Start a new rotation from ``old`` to ``new``, keeping only the history."""
        kept = {"domain": self.domain, "selectors": self.selectors, "retired": self.retired}
        fresh = ScheduleState(**kept)  # type: ignore[arg-type] # the three fields above, typed
        for item in fields(self):
            setattr(self, item.name, getattr(fresh, item.name))
        self.old_selector, self.new_selector, self.regions = old, new, regions
        for selector in (old, new):
            if selector and selector not in self.selectors:
                self.selectors.append(selector)


def load(client: SSMClient, name: str, domain: str) -> ScheduleState:
    """Return the recorded state, a fresh idle one when there is none; a damaged one is refused by name."""
    text = read_parameter(client, name)
    if text is None:
        return ScheduleState(domain)
    try:
        data = json.loads(text)
        known = {item.name for item in fields(ScheduleState)}
        state = ScheduleState(**{k: v for k, v in data.items() if k in known})
    except (ValueError, TypeError, AttributeError) as exc:
        raise InputError(say("schedule.damaged", name=name, why=str(exc)), say("schedule.damaged_hint")) from None
    if state.step not in STEPS:
        raise InputError(say("schedule.damaged", name=name, why=state.step), say("schedule.damaged_hint"))
    return state


def save(client: SSMClient, name: str, state: ScheduleState) -> None:
    """Write the state (one PutParameter: SSM keeps the previous versions)."""
    client.put_parameter(Name=name, Value=json.dumps(state.as_dict(), sort_keys=True), Type="String", Overwrite=True)


def iso(moment: datetime) -> str:
    """Return a moment as the state writes it (ISO 8601, UTC, to the second)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def day(moment: datetime) -> str:
    """Return a moment's UTC day, as lines and the state's day fields say it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d")
