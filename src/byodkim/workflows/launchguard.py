"""The launch guard behind the ``byodkim_preflight`` hook: stop ``sceptre launch`` before it loses anything.

The group is previewed once, before the first stack changes; a stack whose preview had to wait
for its dependencies' outputs is previewed again when the launch reaches it. Each preview gives
one line per stack (a catalogue line: the hook renders it in the operator's language), and
findings nobody accepted stop the launch.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from byodkim.errors import ByodkimError
from byodkim.messages import Said, say
from byodkim.workflows.preflight import preview

if TYPE_CHECKING:
    from byodkim.workflows.stackchanges import Finding, Preflight, StackPreview

_LOCK = threading.Lock()
_GUARDED: dict[tuple[str, str], Preflight] = {}
# What each note says in a stack's line; any other is a stack with changes and no finding.
_CLEAR = {"create": "hook.create", "no-changes": "hook.no_changes", "busy": "hook.busy", "deferred": "hook.deferred"}


@dataclass(frozen=True)
class Guarded:
    """What the guard found for one hook: a line per stack it previewed, and the stop, if any."""

    lines: list[Said] = field(default_factory=list)
    stop: ByodkimError | None = None


def guard(stack: Any) -> Guarded:  # noqa: ANN401 - sceptre's Stack
    """Preview what the launch of ``stack`` would do (the whole group on the first call of a launch).

    Every stack's hook asks, but the group is previewed once, before the first stack changes,
    so a launch that would lose a bucket in phase 1 does not update base first.
    """
    from byodkim import deployment
    from byodkim.aws.session import Aws

    # The project Sceptre is launching (its --dir, or the folder it runs in), not one found from
    # here: `sceptre --dir other launch` must be previewed as other's config says.
    project = (getattr(stack, "stack_group_config", None) or {}).get("project_path")
    folder = Path(project) if project else deployment.find_sceptre_dir()
    if folder is None:
        raise ByodkimError("the byodkim preflight hook needs the Sceptre project folder", "run sceptre from it")
    group = str(stack.name).split("/", 1)[0]
    lines: list[Said] = []
    with _LOCK:
        result = _GUARDED.get((str(folder), group))
        if result is None:
            target = deployment.read(folder, group)
            result = preview(target, folder, Aws(getattr(stack, "profile", None), stack.region or target.region))
            _GUARDED[(str(folder), group)] = result
            lines = [stack_line(p) for p in result.stacks]
    mine = next((p for p in result.stacks if p.stack == stack.name), None)
    unchanged = say("hook.nothing_changed")
    if not result.blocking and mine is not None and mine.note == "deferred":
        # Its dependencies have been launched by now, so what launch sends to it is known. Previewed
        # on a stack of its own: Sceptre keeps resolved parameters on the Stack object, and the
        # launch's own must be resolved for real, after this preview.
        target = deployment.read(folder, group)
        fresh = preview(target, folder, Aws(getattr(stack, "profile", None), stack.region or target.region),
                        (str(stack.name).split("/", 1)[-1],))  # fmt: skip
        result, unchanged = fresh, say("hook.stack_unchanged", stack=stack.name)
        lines += [stack_line(p) for p in fresh.stacks]
    if not result.blocking:
        return Guarded(lines)
    first = result.blocking[0]
    said = say("hook.stop", count=len(result.blocking), kind=_kind(first), logical_id=first.logical_id,
               stack=first.stack, unchanged=unchanged)  # fmt: skip
    return Guarded(lines, ByodkimError(said, say("hook.stop_hint", group=group)))


def stack_line(found: StackPreview) -> Said:
    """Return one stack's line: clear (and why), or its findings by kind and logical ID."""
    stopping = [f for f in found.findings if not f.accepted]
    accepted = [say("hook.accepted", kind=_kind(f), logical_id=f.logical_id) for f in found.findings if f.accepted]
    if stopping:
        named = [say("hook.finding", kind=_kind(f), logical_id=f.logical_id) for f in stopping]
        return say("hook.findings", stack=found.stack, count=len(stopping), findings=_listed([*named, *accepted]))
    what = say(_CLEAR[found.note]) if found.note in _CLEAR else say("hook.changes", count=len(found.changes))
    if accepted:
        named = [say("hook.finding", kind=_kind(f), logical_id=f.logical_id) for f in found.findings]
        what = say("hook.with_accepted", what=what, accepted=_listed(named))
    return say("hook.clear", stack=found.stack, what=what)


def _kind(finding: Finding) -> Said:
    return say(f"hook.kind.{finding.kind}")


def _listed(items: list[Said]) -> Said:
    """Return the items as one catalogue line, comma-separated in each language."""
    listed = items[-1]
    for item in reversed(items[:-1]):
        listed = say("hook.and", first=item, rest=listed)
    return listed
