"""What the key's age watch, the rotation's schedule and the sandbox's Route 53 zone say (issue 28, in the stacks)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # The Lambda's payload: the scheduled event's time (phase 8's rules pass it).
    "event.bad_time": (
        '"time": {value} is not a time',
        '"time": {value} は時刻ではありません',
    ),
    "event.time_hint": (
        'give it as EventBridge does, e.g. "2026-12-05T03:00:00Z", or leave it out for the function\'s clock',
        'EventBridge と同じ形 (例: "2026-12-05T03:00:00Z") で指定するか、省いて関数の時計を使ってください',
    ),
}
