"""Activating the DMARC reports' receipt rule set: one active set per account and region, never replaced silently.

CloudFormation makes the rule set but cannot activate it, and SES keeps one active rule set per
account and region: activating ours switches off every rule of whatever set was active (another
team's inbound mail, a helpdesk). So activation is its own step, and it refuses when another set is
active unless the caller names exactly that set as the one that may stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from byodkim.errors import ByodkimError, InputError
from byodkim.messages import Said, say


@dataclass(frozen=True)
class Activation:
    """What activation found and did."""

    region: str
    rule_set: str
    before: str | None  # the set active before; None: none was
    changed: bool
    dry_run: bool = False

    def line(self) -> Said:
        """Return the outcome as a catalogue line."""
        before = self.before or say("receiving.none")
        if not self.changed:
            return say("receiving.already", rule_set=self.rule_set, region=self.region)
        key = "receiving.would" if self.dry_run else "receiving.activated"
        return say(key, rule_set=self.rule_set, region=self.region, before=before)


def active_rule_set(ses: Any, region: str) -> str | None:  # noqa: ANN401 - SES v1 client (no stubs installed)
    """Return the name of the active receipt rule set in the client's region, or None."""
    del region
    found = ses.describe_active_receipt_rule_set().get("Metadata") or {}
    return str(found["Name"]) if found.get("Name") else None


def activate(
    ses: Any,  # noqa: ANN401 - SES v1 client
    region: str,
    rule_set: str,
    *,
    replace: str | None = None,
    dry_run: bool = False,
) -> Activation:
    """Make ``rule_set`` the active set; refuse when another is active and ``replace`` does not name it."""
    try:
        ses.describe_receipt_rule_set(RuleSetName=rule_set)
    except Exception as exc:
        from byodkim.aws.errors import error_code

        if error_code(exc) != "RuleSetDoesNotExist":
            raise
        raise ByodkimError(
            say("receiving.no_rule_set", rule_set=rule_set, region=region), say("receiving.no_rule_set_hint")
        ) from None
    before = active_rule_set(ses, region)
    if before == rule_set:
        return Activation(region, rule_set, before, changed=False, dry_run=dry_run)
    if before is not None and replace != before:
        if replace:
            raise InputError(
                say("receiving.wrong_replace", named=replace, active=before, region=region),
                say("receiving.wrong_replace_hint", active=before),
            )
        raise ByodkimError(
            say("receiving.other_active", active=before, rule_set=rule_set, region=region),
            say("receiving.other_active_hint", active=before),
        )
    if not dry_run:
        ses.set_active_receipt_rule_set(RuleSetName=rule_set)
    return Activation(region, rule_set, before, changed=True, dry_run=dry_run)
