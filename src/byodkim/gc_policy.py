"""The garbage collector's settings for byodkim's own processes (the CLI, the emulator, the Sceptre runner); their end.

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

import atexit
import gc
import os
import sys
import threading
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from collections.abc import Callable

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


def end_program(entry: Callable[[], object], module_globals: dict[str, object] | None = None) -> NoReturn:
    """Run a program's entry point (a command's ``main``, which ends in ``SystemExit``), then :func:`leave`.

    For the program itself only: ``main`` stays a function an in-process caller can run and catch
    the ``SystemExit`` of. A console script is the program. A module run as ``__main__`` gives its
    ``module_globals``: it is the program under ``python -m``, but not when another program runs it
    with ``runpy.run_module(..., run_name="__main__")``, which leaves that program's module in
    ``sys.modules["__main__"]``; there ``entry``'s ``SystemExit`` goes to its caller, whose process
    goes on.
    """
    program = sys.modules.get("__main__")
    if module_globals is not None and (program is None or vars(program) is not module_globals):
        entry()
        sys.exit(0)
    try:
        entry()
    except SystemExit as done:
        leave(done.code)
    leave(0)


def leave(code: int | str | None) -> NoReturn:
    """End a tool's process as ``sys.exit(code)`` would, without the interpreter's teardown.

    At exit Python runs the ``atexit`` functions (logging's last flush, the clean-up of temporary
    folders not yet removed) and flushes the standard streams, then frees every module and object
    one by one, with a last full collection: 0.08 s of CPU for a process that made one boto3 client,
    0.10-0.15 s for one that also imported Sceptre. The operating system frees a process's memory at
    once, so this does the first two and ends the process. Python's own way instead when something
    would hold the exit up or wants to act after the program: another thread still running, a
    profiler or tracer (``python -m cProfile``, a debugger, coverage: they write after the program
    returns), or a status ``sys.exit`` would not end with a number. As Python does, a stream that
    cannot be flushed (a reader gone) makes a 0 into 120.
    """
    main = threading.main_thread()
    waited_for = [t for t in threading.enumerate() if t is not main and not t.daemon and t.is_alive()]
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    if waited_for or watched or not (code is None or isinstance(code, int)) or threading.current_thread() is not main:
        sys.exit(code)
    status = code or 0
    atexit._run_exitfuncs()  # noqa: SLF001 - the interpreter's own exit step, the one public-enough way
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status & 0xFF)  # as the C exit() Python ends with: -1 is 255
