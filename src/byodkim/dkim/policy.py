"""The rotation policy: how long a key signs, when the next one is prepared, how long the old record stays.

M3AAWG's DKIM key rotation practice: a new key and a new selector every six months for most
senders (quarterly for large ones), the old record kept until mail signed with it has been
delivered, then removed. The deployment states its policy in the Sceptre config (read with
the deployment, so a wrong value stops ``byodkim`` and ``sceptre launch`` alike), and the
phase-2 stack hands the same values to the dkim-manager function as its environment.

Below the deployment (beside ``dkim/names``): pure values and dates, no AWS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from byodkim.dkim.names import validate_selector
from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

APPROVALS = ("auto", "manual")  # auto: the function switches SES itself; manual: a person runs rotate --approve
DEFAULT_SCHEME = "byodkim-{date}-{n}"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_DATE_FORMAT = "%Y%m%d"
# Config key -> (field, the function's environment variable). One table, so the Sceptre config,
# the phase-2 template and the function read the same names.
KEYS = {
    "rotation_days": ("rotation_days", "ROTATION_DAYS"),
    "rotation_lead_days": ("lead_days", "ROTATION_LEAD_DAYS"),
    "retire_after_days": ("retire_after_days", "RETIRE_AFTER_DAYS"),
    "rotation_grace_days": ("grace_days", "ROTATION_GRACE_DAYS"),
    "selector_scheme": ("selector_scheme", "SELECTOR_SCHEME"),
    "rotation_approval": ("approval", "ROTATION_APPROVAL"),
}


@dataclass(frozen=True)
class RotationPolicy:
    """When keys change, and how the next selector is named."""

    rotation_days: int = 180  # a key signs this long (M3AAWG: six months)
    lead_days: int = 14  # the next key is made and requested this many days before it is due
    retire_after_days: int = 7  # the old record stays this long after the switch, then is removed
    grace_days: int = 14  # the key-age alarm fires at rotation_days + grace_days
    selector_scheme: str = DEFAULT_SCHEME  # {date} = YYYYMMDD of the new key, {n} = 1, 2, ... that day
    approval: str = "auto"

    def __post_init__(self) -> None:
        """Refuse a policy that could not work, naming the setting (deny by default)."""
        for name in ("rotation_days", "lead_days", "retire_after_days", "grace_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise _refused(name, str(value), say("policy.whole_days"))
        if self.rotation_days < 1 or self.retire_after_days < 1:
            name = "rotation_days" if self.rotation_days < 1 else "retire_after_days"
            raise _refused(name, str(getattr(self, name)), say("policy.at_least_one_day"))
        if self.lead_days >= self.rotation_days:
            raise _refused("lead_days", str(self.lead_days), say("policy.lead_shorter", days=self.rotation_days))
        if self.rotation_days < self.shortest_rotation:
            # A key's age counts from the day it was made, lead_days before the switch: it signs
            # rotation_days - lead_days, and its successor is prepared lead_days before that ends.
            # Shorter, the next preparation would fall before the old record's retirement
            # (switch + retire_after_days), and the tick, which waits for it, would leave the DNS
            # team less than lead_days to publish.
            raise InputError(
                say(
                    "policy.cannot_hold",
                    days=self.rotation_days,
                    lead=self.lead_days,
                    retire=self.retire_after_days,
                ),
                say("policy.cannot_hold_hint", shortest=self.shortest_rotation),
            )
        if self.approval not in APPROVALS:
            raise _refused("approval", self.approval, say("policy.use_values", values=", ".join(APPROVALS)))
        names = _PLACEHOLDER.findall(self.selector_scheme)
        if sorted(names) != ["date", "n"]:
            raise _refused("selector_scheme", self.selector_scheme, say("policy.scheme_placeholders"))
        try:
            validate_selector(self.selector_for(date(2099, 12, 31), 99))
        except InputError as exc:
            raise _refused("selector_scheme", self.selector_scheme, str(exc)) from None

    @property
    def shortest_rotation(self) -> int:
        """Return the fewest ``rotation_days`` that hold with this lead and retirement: 2 x lead + retire."""
        return 2 * self.lead_days + self.retire_after_days

    @property
    def alarm_days(self) -> int:
        """Return the key age at which the alarm fires."""
        return self.rotation_days + self.grace_days

    def selector_for(self, day: date, n: int) -> str:
        """Return the scheme's selector for a key made on ``day``, the ``n``-th that day."""
        return self.selector_scheme.replace("{date}", day.strftime(_DATE_FORMAT)).replace("{n}", str(n))

    def next_selector(self, day: date, taken: Collection[str]) -> str:
        """Return the first selector of ``day`` that is not in ``taken`` (the current and older selectors)."""
        n = 1
        while self.selector_for(day, n) in taken:
            n += 1
        return self.selector_for(day, n)

    def made_on(self, selector: str) -> date | None:
        """Return the day in a selector named by the scheme (``gooid-21-pro-20250912-1``: 2025-09-12), else None."""
        pattern = re.escape(self.selector_scheme).replace(r"\{date\}", r"(?P<date>\d{8})").replace(r"\{n\}", r"\d+")
        found = re.fullmatch(pattern, selector)
        if found is None:
            return None
        try:
            return datetime.strptime(found["date"], _DATE_FORMAT).replace(tzinfo=UTC).date()
        except ValueError:
            return None

    def due(self, made: datetime) -> datetime:
        """Return when a key made at ``made`` should stop signing."""
        return made + timedelta(days=self.rotation_days)

    def prepare_from(self, made: datetime) -> datetime:
        """Return when the next key is made and requested, ``lead_days`` before the current one is due."""
        return self.due(made) - timedelta(days=self.lead_days)

    def retire_at(self, switched: datetime) -> datetime:
        """Return when the old record may be removed after the switch."""
        return switched + timedelta(days=self.retire_after_days)

    def as_environment(self) -> dict[str, str]:
        """Return the function's environment variables for this policy."""
        return {env: str(getattr(self, name)) for name, env in KEYS.values()}

    @classmethod
    def from_config(cls, values: Mapping[str, object]) -> RotationPolicy:
        """Read the policy from the Sceptre config's values; an absent or empty key keeps its default."""
        return cls._read({key: values.get(key) for key in KEYS})

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> RotationPolicy:
        """Read the policy from the function's environment (the phase-2 stack sets it from the same config)."""
        return cls._read({key: env.get(variable) for key, (_, variable) in KEYS.items()})

    @classmethod
    def _read(cls, given: Mapping[str, object]) -> RotationPolicy:
        kinds = {f.name: f.type for f in fields(cls)}
        read: dict[str, object] = {}
        for key, raw in given.items():
            if raw is None or raw == "":
                continue
            name = KEYS[key][0]
            if kinds[name] == "int":
                text = str(raw).strip()
                # ASCII digits only: str.isdigit() also takes '⁷', which int() then refuses.
                if isinstance(raw, bool) or not (text.isascii() and text.isdigit()):
                    raise _refused(name, str(raw), say("policy.whole_days"))
                read[name] = int(text)
            else:
                read[name] = str(raw).strip()
        return cls(**read)  # type: ignore[arg-type] # the types were checked field by field above


def _refused(name: str, value: str, why: str) -> InputError:
    key = next(config for config, (field_name, _) in KEYS.items() if field_name == name)
    return InputError(say("policy.refused", key=key, value=value), why)


def days_old(made: datetime, now: datetime) -> float:
    """Return a key's age in days (the key-age metric's value)."""
    return (now - made).total_seconds() / 86400
