"""The time a laptop's ``byodkim rotate --auto`` ticks at: the real clock, or the emulator's.

In a sandbox the function ticks at the emulator's accelerated clock (the scheduled event's
``time``); a tick from the laptop must agree with it, or it would find nothing due that the
function already did. Only an endpoint that answers as byodkim's emulator is asked (as
``local/breakage.py`` asks); any other endpoint, or none (real AWS), is the real clock.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from byodkim.emulator import CONTROL
from byodkim.local.breakage import ENDPOINT_ENV, answers_as_emulator

if TYPE_CHECKING:
    from collections.abc import Mapping


def now(environ: Mapping[str, str]) -> datetime:
    """Return the emulator's time when ``AWS_ENDPOINT_URL`` is byodkim's emulator, else the real time (UTC)."""
    endpoint = environ.get(ENDPOINT_ENV, "").strip().rstrip("/")
    if not endpoint.startswith(("http://", "https://")) or not answers_as_emulator(endpoint):
        return datetime.now(UTC)
    # timeout 0: read the clock without waiting for the runs a due schedule starts
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        f"{endpoint}{CONTROL}/clock",
        data=b'{"timeout": 0}',
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        seconds = float(json.loads(answer.read())["now"])
    return datetime.fromtimestamp(seconds, UTC)
