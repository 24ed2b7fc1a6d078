"""Preflight's check of the config's ``selector:`` against the key SES holds (one truth for the selector)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from byodkim.rollout.report import selector_drift
from byodkim.rollout.stackchanges import Finding

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment
    from byodkim.rollout.stackchanges import StackPreview

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
