"""The garbage collector's settings for byodkim's own processes: the CLI, the emulator, the Sceptre runner.

Called by those entry points only, never on import: a library must not change the collector of
the process that loads it (Sceptre with our plugins, the Lambda runtime, a user's script).

Why: CPython's default thresholds (700, 10, 10) run a young collection every 700 net allocations
and a full one every 70,000. boto3's clients, botocore's service models and moto's backends are
millions of long-lived objects, and every full collection walks all of them again, to free
nothing. Importing the emulator spent about a fifth of its CPU in the collector. With these
thresholds (mypy sets its own the same way, for the same reason) a sandbox run took 5.56 s of CPU
instead of 6.55 s, and the test suite a tenth less (docs/performance.md). Cycles are still
collected: a young collection every 100,000 allocations frees what a request or a command left.
"""

from __future__ import annotations

import gc

THRESHOLDS = (100_000, 50, 100)


def for_a_tool() -> None:
    """Collect less often: a process that builds a large heap of long-lived objects and then works."""
    gc.set_threshold(*THRESHOLDS)


def settle() -> None:
    """Leave what is alive now out of every later collection: call after start-up imports.

    ``gc.freeze`` moves every object tracked now to a permanent generation the collector no
    longer walks (the modules, classes and service models a server keeps for its whole life).
    What is made afterwards, each request's objects, is collected as before.
    """
    gc.freeze()
