"""The signing key's age as report and status show it: the values, the JSON fields, the keyed line.

The age and dates are :mod:`keyage`'s under the deployment's policy; this module only reads
them for the selectors SES signs with and says them, in every door's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from byodkim.deployment import secret_id
from byodkim.function.keyage import key_age
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from byodkim.aws.ses import RegionStatus
    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment
    from byodkim.function.keyage import KeyAge
    from byodkim.messages import Said


@dataclass(frozen=True)
class KeyView:
    """A selector SES signs with, and its key's age under the policy (``age`` None: its day is unknown)."""

    selector: str
    age: KeyAge | None
    secret: str  # the secret whose creation date would have told the day
    scheme: str  # the policy's selector_scheme, which would have told it too

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON fields (None where the age is unknown)."""
        age = self.age
        return {
            "selector": self.selector,
            "known": age is not None,
            "made": _day(age.made) if age else None,
            "age_days": int(age.days) if age else None,
            "due": _day(age.due) if age else None,
            "prepare_from": _day(age.prepare_from) if age else None,
            "overdue": age.overdue if age else None,
        }

    def said(self) -> Said:
        """Return the line a person reads: the age, the due date, when the next key is prepared (or: unknown)."""
        age = self.age
        if age is None:
            return say("keyage.unknown", selector=self.selector, scheme=self.scheme, secret=self.secret)
        return say(
            "keyage.overdue" if age.overdue else "keyage.line",
            selector=self.selector,
            days=int(age.days),
            made=_day(age.made),
            due=_day(age.due),
            prepare=_day(age.prepare_from),
        )

    def short(self) -> Said:
        """Return the selector and the key's age in a few words, for a line per unit (status --all)."""
        age = self.age
        if age is None:
            return say("keyage.fleet_unknown", selector=self.selector)
        key = "keyage.fleet_overdue" if age.overdue else "keyage.fleet"
        return say(key, selector=self.selector, days=int(age.days), due=_day(age.due))


def signing_selectors(found: Iterable[RegionStatus]) -> list[str]:
    """Return the selectors SES holds as the domain's own key (EXTERNAL), in region order, once each."""
    return list(dict.fromkeys(r.tokens[0] for r in found if r.exists and r.origin == "EXTERNAL" and r.tokens))


def key_views(
    deployment: Deployment, aws: Aws, region: str, domain: str, selectors: Iterable[str], now: datetime
) -> list[KeyView]:
    """Return each selector's key age under the deployment's policy (its secret read in ``region`` only when needed)."""
    policy, prefix = deployment.rotation, deployment.secret_prefix
    client = aws.client("secretsmanager", region)
    return [
        KeyView(
            selector,
            key_age(policy, client, domain, selector, prefix, now),
            secret_id(domain, selector, prefix),
            policy.selector_scheme,
        )
        for selector in selectors
    ]


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")
