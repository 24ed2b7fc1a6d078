"""The one source of next steps: from a rollout's state, what to do and the command that does it.

Returned as a message key with its values, so the same step reads right in English and
Japanese, and nothing is mutated on the way. The wording is the catalogue's (``memo.KEY``,
:mod:`byodkim.messages.memo`): this module decides, it never phrases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.deployment import sceptre_command, secret_id
from byodkim.workflows.report import FAILED, NOT_DEPLOYED
from byodkim.workflows.units import Outcome

if TYPE_CHECKING:
    from byodkim.workflows.report import Rollout


@dataclass(frozen=True)
class Phrase:
    """A message key (``memo.KEY`` in the catalogue) and the values it is formatted with."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NextStep:
    """What to do next, the command, and notes worth reading first."""

    step: Phrase
    command: str = ""
    notes: tuple[Phrase, ...] = ()
    then: NextStep | None = None  # the rollout's own step, once this way out of a stack is run

    def command_as(self, prefix: str) -> str:
        """Return the command as the user runs byodkim (``uv run byodkim`` or ``byodkim``)."""
        if self.command.startswith("byodkim "):
            return prefix + self.command.removeprefix("byodkim")
        return self.command


def next_step(rollout: Rollout) -> NextStep:
    """Return the first thing that is not done, and the command for it."""
    # UPDATE_ROLLBACK_COMPLETE is usable (the previous configuration runs) and stays until
    # the next real update, so it never blocks the rollout's own step. With a cause shown (a
    # failed update, e.g. phase 2 given a layer that does not exist), the paragraph asks for
    # the relaunch, so its command is the stack's way out and the rollout's step follows it.
    rolled_back = [s for s in rollout.stacks if s.status == "UPDATE_ROLLBACK_COMPLETE"]
    caused = [s for s in rolled_back if s.failed_resource and s.way_out]
    said = Phrase("rolled_back", {"stacks": ", ".join(s.stack for s in rolled_back)})
    step = _rollout_step(rollout, () if caused or not rolled_back else (said,))
    if not caused or step.step.key == "fix":
        return step if not caused else NextStep(step.step, step.command, (said, *step.notes))
    return NextStep(said, caused[0].way_out or "", step.notes, then=NextStep(step.step, step.command))


def _rollout_step(rollout: Rollout, notes: tuple[Phrase, ...]) -> NextStep:
    domain, sel = rollout.domain, rollout.selector or "SELECTOR"
    regions = rollout.regions
    notes += _config_selector(rollout)
    broken = [s for s in rollout.stacks if s.status in FAILED and s.status != "UPDATE_ROLLBACK_COMPLETE"]
    if broken:
        fix = Phrase("fix", {"stack": broken[0].stack, "status": broken[0].status})
        return NextStep(fix, broken[0].way_out or "", notes)
    missing = [s.stack for s in rollout.stacks if s.status == NOT_DEPLOYED]
    if missing:
        command = sceptre_command("launch", rollout.deployment.group)
        return NextStep(Phrase("launch", {"stacks": ", ".join(missing)}), command, notes)
    unregistered = [r.region for r in regions if not r.exists or r.origin != "EXTERNAL"]
    if unregistered:
        flags = " ".join(f"--region {r}" for r in unregistered)
        command = f"byodkim register --domain {domain} --selector {sel} {flags}"
        return NextStep(Phrase("register", {"regions": ", ".join(unregistered)}), command, notes)
    foreign = [r for r in regions if r.origin == "EXTERNAL" and not r.fingerprint]
    if foreign:
        # Registered by hand (the running deployment's test key): byodkim cannot vouch for it.
        production = rollout.deployment.selector or sel
        command = f"byodkim register --domain {domain} --selector {production} --key-file keys/{production}.private.pem"
        tokens = ", ".join(sorted({t for r in foreign for t in r.tokens})) or "-"
        regions_text = ", ".join(r.region for r in foreign)
        return NextStep(Phrase("foreign_key", {"selector": tokens, "regions": regions_text}), command, notes)
    secret = secret_id(domain, sel, rollout.deployment.secret_prefix)
    if not rollout.dns or not all(view.ok for view in rollout.dns):
        command = f"byodkim verify --domain {domain} --selector {sel} --secret-id {secret} --wait"
        return NextStep(Phrase("dns_next"), command, notes)
    statuses = {r.status for r in regions}
    if "FAILED" in statuses:
        return NextStep(Phrase("failed"), f"byodkim register --domain {domain} --selector {sel}", notes)
    if statuses != {"SUCCESS"}:
        command = f"byodkim verify --domain {domain} --selector {sel} --secret-id {secret} --ses --wait"
        return NextStep(Phrase("wait"), command, notes)
    return NextStep(Phrase("done"), f"byodkim rotate --domain {domain} --new-selector NEW-SELECTOR", notes)


def _config_selector(rollout: Rollout) -> tuple[Phrase, ...]:
    """Note a config `selector:` that is not the one SES holds (after rotate or register --selector NEW)."""
    config = rollout.deployment.selector
    if not config or rollout.domain != rollout.deployment.domain:
        return ()  # the config's selector is its own domain's
    held = [(r.tokens[0], r.region) for r in rollout.regions if r.origin == "EXTERNAL" and r.tokens]
    other = sorted({selector for selector, _ in held if selector != config})
    if not other:
        return ()
    regions = ", ".join(region for selector, region in held if selector == other[0])
    where = f"sceptre/config/{rollout.deployment.group}/config.yaml"
    return (Phrase("config_selector", {"config": config, "ses": other[0], "regions": regions, "file": where}),)


# A fleet line's stage and next step, as codes (the CLI shows them as words in the reader's language).
_STAGES = {
    "register": ("not registered", "register"),
    "foreign_key": ("foreign key", "register the production key"),
    "dns_next": ("waiting for DNS", "dns-request to the DNS team, then verify"),
    "failed": ("FAILED", "verify, then register"),
    "wait": ("PENDING", "byodkim verify --ses --wait"),
    "done": ("SUCCESS", "nothing; the health check watches it"),
}
_GAVE_UP = {"FAILED", "TEMPORARY_FAILURE"}


def stage(rollout: Rollout) -> Outcome:
    """Return a domain's fleet line: the stage :func:`next_step` decides, its next step, the record and the key."""
    data: dict[str, Any] = {
        "selector": rollout.selector,
        "ses": {r.region: (f"{r.origin} {r.status}" if r.exists else "no identity") for r in rollout.regions},
        "dns": _records(rollout),
        "keys": [key.as_dict() for key in rollout.keys],
    }
    broken = next((r for r in rollout.regions if r.error), None)
    if broken is not None:  # an unreadable region is the unit's failure, never a state
        from byodkim.messages import say

        detail = say("ses.unreadable", region=broken.region, error=broken.error)
        return Outcome(rollout.domain, None, ok=False, action="failed", detail=detail)
    key = next_step(rollout).step.key
    gave_up = sorted({str(r.status) for r in rollout.regions if r.origin == "EXTERNAL"} & _GAVE_UP)
    step: str  # a code, or a keyed line when the step has values of its own
    if key == "register" and rollout.unkept:
        from byodkim.messages import say

        action, step = "no key", say("fleet.next.register_into", secret=rollout.unkept)
    elif gave_up and key in ("dns_next", "failed", "wait"):  # SES gave up: that comes before the record
        action, step = "/".join(gave_up), "verify, then register"
    else:
        action, step = _STAGES.get(key, (key, ""))
    ok = action != "failed" and not action.startswith(("FAILED", "TEMPORARY"))
    return Outcome(rollout.domain, None, ok=ok, action=action, detail=data["dns"] or "", data=data, next=step)


def _records(rollout: Rollout) -> str | None:
    """Return the record's summary (each selector's, mid-rotation), still keyed for the reader's language."""
    if len(rollout.dns) > 1:
        from byodkim.messages import say

        return say("report.records", views=[view.summary for view in rollout.dns])
    return rollout.dns[0].summary if rollout.dns else None
