"""The preflight rendered for people (English or Japanese) or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.workflows.preflight import Finding, Preflight, StackPreview


def _text(lang: str) -> Callable[..., str]:
    """Return the preflight's texts in ``lang``: ``t("route:import", logical=...)`` reads ``preflight.route.import``."""
    from byodkim.messages import text_of

    def t(key: str, **values: object) -> str:
        return text_of("preflight." + key.replace(":", ".", 1), lang).format(**values)

    return t


def render(preflight: Preflight, output: str, lang: str) -> str:
    """Return the preflight as text or JSON."""
    if output == "json":
        data = {
            "group": preflight.group,
            "stacks": [asdict(s) for s in preflight.stacks],
            "blocking": len(preflight.blocking),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    t = _text(lang)
    lines = [t("title", group=preflight.group), ""]
    for stack in preflight.stacks:
        lines += _stack(stack, t, preflight.group)
    blocking = len(preflight.blocking)
    summary = t("summary_stop", count=blocking) if blocking else t("summary_ok", group=preflight.group)
    return "\n".join([*lines, summary]) + "\n"


def _stack(stack: StackPreview, t: Callable[..., str], group: str) -> list[str]:
    from byodkim.display import pad
    from byodkim.messages import catalogue

    short = stack.stack.removeprefix(f"{group}/")
    lines = [t("stack", stack=short, name=stack.name, status=stack.status)]
    if stack.note:
        skip = f" {' '.join(stack.skip)}" if stack.skip else " -"
        lines.append("  " + t(f"note:{stack.note}", name=stack.name, skip=skip, config=f"{stack.stack}.yaml"))
    for change in stack.changes:
        where = change.physical_id or change.name or ""
        held = ""
        if change.in_use is not None:
            held = "  " + t("in_use", holder=change.in_use or t("outside"))
        props = f" [{', '.join(change.properties)}]" if change.properties else ""
        known = f"preflight.action.{change.action}" in catalogue()  # an action with no word of its own: as it is
        action = pad(t(f"action:{change.action}") if known else change.action, 11)
        lines.append(f"  {action} {change.logical_id} {change.resource_type} {where}{props}{held}".rstrip())
    lines += ["  " + _finding(f, t) for f in stack.findings]
    lines.append("")
    return lines


def _finding(finding: Finding, t: Callable[..., str]) -> str:
    kind = t(f"kind:{finding.kind}")
    if finding.accepted:
        return t("accepted", kind=kind, logical=finding.logical_id, type=finding.resource_type)
    key = "route:import-rename" if finding.route == "import" and finding.other else f"route:{finding.route}"
    route = t(
        key,
        logical=finding.logical_id,
        command=finding.command,
        other=finding.other,
        stack=finding.stack.split("/", 1)[-1],
        properties=", ".join(finding.properties) or "-",
        physical=finding.physical_id or "",
    )
    if finding.holds:
        route += t("holds", holds=", ".join(finding.holds))
    return t("finding", kind=kind, logical=finding.logical_id, type=finding.resource_type, route=route)
