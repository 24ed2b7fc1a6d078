"""What the key's age watch, the rotation's schedule and the sandbox's Route 53 zone say (issue 28, in the stacks)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # The Lambda's payload: the scheduled event's time (phase 8's rules pass it).
}
