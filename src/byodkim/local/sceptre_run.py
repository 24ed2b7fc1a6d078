"""Run Sceptre's own CLI against the local emulator with a short stack-status poll.

Sceptre sleeps a fixed 4 s after every status poll, even when the first poll already says
COMPLETE. The emulator applies a stack before it answers, so against it each stack costs
4 s of waiting and nothing else: the sandbox's launch was 35 s, most of it sleep. This
runner changes only that interval (to 0.05 s: a poll is two cheap calls; 0.25 s cost the
sandbox's launch 1.2 s); everything else is Sceptre's own CLI, config
and resolvers. It is used by the sandbox only: against real AWS, run `sceptre` itself.

    python -m byodkim.local.sceptre_run launch -y prod
"""

from __future__ import annotations

import time
import types
from typing import Any

POLL_SECONDS = 0.05


def main() -> None:
    """Run ``sceptre`` with the shorter poll."""
    from byodkim import gc_policy

    gc_policy.for_a_tool()  # before Sceptre's imports and its boto3 sessions
    from byodkim.aws.session import models_read_once

    models_read_once()  # Sceptre's sessions and the preflight's: each model read once, parsed once on this machine
    _entry_points_read_once()
    from sceptre.cli import cli
    from sceptre.plan import actions

    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, POLL_SECONDS))

    # A stand-in for the `time` module inside sceptre.plan.actions only: its sleep is shorter.
    patched = types.ModuleType("time")
    patched.__dict__.update(time.__dict__)
    patched.sleep = sleep  # type: ignore[attr-defined]
    actions.time = patched
    cli(prog_name="sceptre")  # click's standalone mode: always ends in SystemExit


def _entry_points_read_once() -> None:
    """Read the installed packages' entry points once for the launch, not once per stack.

    Sceptre looks its template handler up by entry point for every stack it reads (a stack's
    Template keeps its own registry), and ``importlib.metadata.entry_points`` reads every installed
    distribution's ``entry_points.txt`` each time: 22 times a launch of the eleven stacks, 4 % of
    the runner's CPU. What is installed does not change while Sceptre runs.
    """
    import importlib.metadata

    read = importlib.metadata.entry_points
    every: list[Any] = []  # all of them, as importlib read them the first time it was asked

    def entry_points(**params: Any) -> Any:  # noqa: ANN401 - importlib's own overloads
        if not every:
            every.append(read())
        return every[0].select(**params) if params else every[0]

    importlib.metadata.entry_points = entry_points  # Sceptre imports it by name at each call


if __name__ == "__main__":
    from byodkim import gc_policy

    gc_policy.end_program(main, globals())  # the end without the interpreter's teardown
