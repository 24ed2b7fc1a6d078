"""The sandbox's end: what it checked, why DMARC is not met, and a report whose next step is not for it.

The rehearsal stops everything once its report is printed, so the report's own next step
(``rotate``, for a deployment that stays) would send a person to a sandbox that is gone; the
end lines give the next step of a real rollout instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.messages import Said, say

if TYPE_CHECKING:
    from byodkim.workflows.report import Rollout


def dmarc_fix(rollout: Rollout) -> str:
    """Return the DMARC record the report asks for (the sandbox's zone publishes none), or ""."""
    from byodkim.workflows.domaincheck import NOT_MET

    posture = rollout.posture
    found = [r for r in (posture.requirements if posture else []) if r.name.startswith("DMARC") and r.state == NOT_MET]
    return found[0].fix if found else ""


def without_next_step(text: str, lang: str) -> str:
    """Return the report without its "Next step" section."""
    from byodkim.messages import text_of

    cut = text.find(f"\n{text_of('memo.next', lang)}\n")
    return text if cut < 0 else text[:cut].rstrip() + "\n"


def checked(stacks: int, dmarc_record: str, seconds: str) -> list[Said]:
    """Return the lines after a successful rehearsal: its time, what was checked, and why DMARC is not met."""
    lines = [say("sandbox.reached_success", seconds=seconds), say("sandbox.end.checked", count=stacks)]
    if dmarc_record:
        lines.append(say("sandbox.end.dmarc", record=dmarc_record))
    return lines


def kept(rollout: Rollout, lang: str) -> tuple[int, str, str]:
    """Return what the sandbox's end says of the rollout: its stacks, DMARC's fix, the report without next step.

    The report's next step is dropped: by the time it is read the sandbox is stopped.
    """
    from byodkim.workflows.rollout_memo import render

    return len(rollout.stacks), dmarc_fix(rollout), without_next_step(render(rollout, "text", lang), lang)
