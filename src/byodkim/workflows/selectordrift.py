"""Preflight's check of the config's ``selector:`` against the key SES holds (one truth for the selector)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from byodkim.aws.ses import status
from byodkim.workflows.stackchanges import Finding

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment
    from byodkim.workflows.stackchanges import StackPreview

SELECTOR_STACK = "phase-4-dns-preparation"  # its Selector parameter (the config's line) sets SSM's selector


def with_selector_drift(
    deployment: Deployment,
    stacks: list[Any],
    previews: list[StackPreview],
    aws: Aws,
    region: str,
    accepted: Callable[[Any], tuple[str, ...]],
) -> list[StackPreview]:
    """Add a finding to phase 4's preview when the config's ``selector:`` is not the one SES holds.

    The launch would point SSM's selector, which phase 7 registers, back at the old key (after a
    rotation, SES switched back to it): deny by default, until the line is changed or accepted.
    """
    name = deployment.stack_config(SELECTOR_STACK).removesuffix(".yaml")
    stack = next((s for s in stacks if s.name == name), None)
    drift = selector_drift(deployment, aws, region) if stack is not None else None
    if drift is None:
        return previews
    finding = Finding(
        name,
        "Selector",
        "stack parameter",
        "selector-drift",
        drift.file,
        "selector-drift",
        drift.line,
        drift.config,
        accepted="Selector" in accepted(stack),
        properties=(f"{drift.held} in {', '.join(drift.regions)}",),
    )
    return [replace(p, findings=[*p.findings, finding]) if p.stack == name else p for p in previews]


@dataclass(frozen=True)
class SelectorDrift:
    """The Sceptre config's ``selector:`` is not the one SES holds (after rotate, or register of a new selector)."""

    config: str  # what the config says
    held: str  # what SES signs with
    regions: tuple[str, ...]  # where SES holds ``held``
    file: str  # the config file that holds the line

    @property
    def line(self) -> str:
        """Return the line the file should say."""
        return f"selector: {self.held}"


def selector_drift(deployment: Deployment, aws: Aws, region: str) -> SelectorDrift | None:
    """Return how the config's ``selector:`` differs from the one SES holds for its domain, ``None`` if it does not.

    SES is the truth once it holds a key byodkim registered (tagged with its fingerprint: after
    rotate, or register of a new selector). A key registered by hand (the running deployment's
    test key) is not: the config's selector is then the one to register next. A region SES
    cannot be read in proves nothing either way and is left out.
    """
    if not deployment.domain or not deployment.selector:
        return None
    spec = deployment.declared(deployment.domain)
    regions = spec.regions if spec is not None and spec.regions else (deployment.region or region,)
    found = status(deployment.domain, regions, aws)
    held = [(r.tokens[0], r.region) for r in found if r.origin == "EXTERNAL" and r.tokens and r.fingerprint]
    other = sorted({selector for selector, _ in held if selector != deployment.selector})
    if not other:
        return None
    where = tuple(r for selector, r in held if selector == other[0])
    return SelectorDrift(deployment.selector, other[0], where, f"sceptre/config/{deployment.group}/config.yaml")
