"""The test modules' assert-rewritten code, made once a run by the xdist controller, read by every worker.

pytest rewrites the asserts of every test module it imports, and caches the result in
``__pycache__`` only where it may write bytecode. Where ``PYTHONDONTWRITEBYTECODE`` is set (this
machine, CI images) it writes nothing, so each of the four workers parsed and rewrote all 80-odd
modules again at collection: about 1.2 s of CPU a worker, 2,750 asserts each time. pytest still
reads a cached rewrite when one is there (its own comment: "even if we're in a read-only
directory"). So the controller, which collects nothing itself, writes them once, in a thread that
runs while the workers start, in the order they import the modules; a worker that gets to a module
first rewrites it itself, as before. A cached rewrite is pytest's own format, checked against the
source's hash when read: an edited test is rewritten again, never run stale.

Speed only, through pytest's internals (a pytest without them: nothing is written). The setup
script writes the environment's bytecode despite the same setting, for the same reason.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest


def for_the_workers(config: pytest.Config) -> threading.Thread | None:
    """In the xdist controller, start writing every test module's rewrite; return the thread (``None``: not here)."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return None
    try:
        from _pytest.assertion import rewrite
    except ImportError:
        return None
    needed = (
        "assertstate_key",
        "get_cache_dir",
        "PYC_TAIL",
        "_read_pyc",
        "_rewrite_test",
        "try_makedirs",
        "_write_pyc",
    )
    if config.getoption("assertmode", "rewrite") != "rewrite" or not all(hasattr(rewrite, n) for n in needed):
        return None
    here = Path(__file__).parent
    modules = [here / "conftest.py", *sorted(here.glob("test_*.py"))]
    thread = threading.Thread(target=_write, args=(config, modules), name="rewrite-once", daemon=True)
    thread.start()
    return thread


def _write(config: pytest.Config, modules: list[Path]) -> None:
    from _pytest.assertion import rewrite as pytest_rewrite

    state = config.stash[pytest_rewrite.assertstate_key]
    for module in modules:
        cache = pytest_rewrite.get_cache_dir(module)
        pyc = cache / (module.name[:-3] + pytest_rewrite.PYC_TAIL)
        try:
            if pytest_rewrite._read_pyc(module, pyc) is not None:  # written by an earlier run
                continue
            source_hash, code = pytest_rewrite._rewrite_test(module, config)
            if not pytest_rewrite.try_makedirs(cache):
                return
            pytest_rewrite._write_pyc(state, code, source_hash, pyc)
        except Exception:  # noqa: BLE001, S112 - speed only: a module not written is rewritten by each worker
            continue
