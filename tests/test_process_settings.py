"""Process-wide settings belong to byodkim's own entry points, never to an import of the library.

Each case runs a fresh interpreter: the collector's thresholds (`gc_policy`) and dnspython's DNS
over HTTPS switch (`dnscheck.servers.without_dns_over_https`) as a process that only imports
byodkim sees them, and as the command, the emulator and the test workers set them.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import gc, json, sys
{setup}
import dns._features, dns.query
print(json.dumps({{"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count() > 0,
                   "doh": dns._features.have("doh"), "httpx": "httpx2" in sys.modules or "httpx" in sys.modules}}))
"""


def _probe(setup: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(setup=setup)], capture_output=True, text=True, check=True, timeout=60
    )
    found: dict[str, object] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize(
    "module",
    ["byodkim.sceptre_plugins", "byodkim.lambda_handler", "byodkim.cli", "byodkim.emulator", "byodkim.dnscheck.check"],
)
def test_importing_byodkim_changes_no_process_setting(module: str) -> None:
    default = _probe("")
    assert _probe(f"import {module}") == default
    assert default["threshold"] == [700, 10, 10]


def test_the_entry_points_settings_are_what_gc_policy_and_the_dns_switch_say() -> None:
    from byodkim import gc_policy

    found = _probe(
        "from byodkim import gc_policy\n"
        "from byodkim.dnscheck.servers import without_dns_over_https\n"
        "gc_policy.for_a_tool(); gc_policy.settle(); without_dns_over_https()"
    )
    assert found == {"threshold": list(gc_policy.THRESHOLDS), "frozen": True, "doh": False, "httpx": False}


def test_the_command_sets_them_before_its_work() -> None:
    """`byodkim` itself: main() sets the collector and the switch, then runs the command (here, a DNS query).

    Run by another program (runpy, as a wrapper or a profiler would): main() ends in SystemExit and
    that program goes on; only the program itself ends without the interpreter's teardown.
    """
    code = (
        "import gc, sys, runpy\n"
        "sys.argv = ['byodkim', 'check-domain', '--domain', 'goo.ne.jp', '--nameserver', '127.0.0.1:9']\n"
        "try:\n    runpy.run_module('byodkim', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "import dns._features\nprint(gc.get_threshold(), dns._features.have('doh'), 'httpx2' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "(100000, 50, 100) False False", done.stdout + done.stderr


# Seen from inside a process at its end: an atexit function (run either way) and a module-level object whose
# finalizer runs only in the interpreter's teardown.
_WITNESS = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("atexit\\n"))
class _Teardown:
    def __del__(self):
        sys.stderr.write("teardown\\n")
witness = _Teardown()
"""


@pytest.mark.parametrize(
    ("how", "torn_down"),
    [
        (["-m", "byodkim"], False),  # the program: its end without the teardown
        (["-m", "byodkim.local.sceptre_run"], False),
        (["-c", "import runpy; runpy.run_module('byodkim', run_name='__main__')"], True),  # run by another one
    ],
)
def test_the_program_ends_after_atexit_without_the_teardown_and_a_caller_keeps_its_own(
    tmp_path: Path, how: list[str], torn_down: bool
) -> None:
    (tmp_path / "sitecustomize.py").write_text(_WITNESS)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, *how, "--version"], capture_output=True, text=True, check=False, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "atexit\n" in done.stderr
    assert ("teardown\n" in done.stderr) is torn_down, done.stderr


def test_a_profiler_around_the_program_still_writes_its_profile(tmp_path: Path) -> None:
    """One step off: a profiler runs the program and writes after it; the console script's file too."""
    script = Path(sys.executable).parent / "byodkim"  # the console script, as `python -m cProfile SCRIPT` runs it
    for name, target in (
        ("m", ["-m", "byodkim"]),
        ("runner", ["-m", "byodkim.local.sceptre_run"]),
        ("script", [str(script)]),
    ):
        out = tmp_path / f"{name}.prof"
        done = subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(out), *target, "--version"],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 0, name


# A tool's end (gc_policy.leave): what sys.exit would do, seen from outside the process.
LEAVE = """
import atexit, sys, threading, time
from byodkim import gc_policy
atexit.register(lambda: print("atexit ran"))
sys.stdout.write("buffered, no newline")  # still in the stream's buffer when leave() is called
{setup}
gc_policy.leave({code})
print("never")
"""


def _leave(code: str, setup: str = "", *, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    script = LEAVE.format(code=code, setup=setup)
    buffered = {
        k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"
    }  # a CI image's setting, not a terminal's
    return subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        env=buffered,
    )


@pytest.mark.parametrize(("code", "status"), [("0", 0), ("None", 0), ("3", 3), ("-1", 255), ("256", 0)])
def test_leave_ends_with_the_status_sys_exit_gives_after_atexit_and_the_last_flush(code: str, status: int) -> None:
    done = _leave(code)
    assert done.returncode == status
    assert done.stdout == "buffered, no newlineatexit ran\n"
    assert done.stderr == ""


def test_leave_with_a_message_is_pythons_own_exit() -> None:
    done = _leave("'stopped: a reason'")
    assert (done.returncode, done.stdout, done.stderr) == (1, "buffered, no newlineatexit ran\n", "stopped: a reason\n")


def test_leave_waits_for_a_thread_that_would_hold_the_exit_up() -> None:
    """One step off the plain case: a worker still writing when the command returns finishes first, as with sys.exit."""
    worker = "threading.Thread(target=lambda: (time.sleep(0.5), print('worker done'))).start()"
    done = _leave("4", worker)
    assert done.returncode == 4
    assert done.stdout.endswith("worker done\natexit ran\n"), done.stdout


def test_leave_with_a_reader_gone_is_120_as_python_says() -> None:
    """A closed stdout (``| head`` that has read enough): the last flush fails, so a 0 becomes 120, a 3 stays 3."""
    for code, status in (("0", 120), ("3", 3)):
        reader, writer = os.pipe()
        os.close(reader)
        try:
            done = _leave(code, stdout=writer)
        finally:
            os.close(writer)
        assert done.returncode == status


def test_the_suite_runs_its_slowest_files_first_and_rewrites_only_its_own_modules(pytestconfig: pytest.Config) -> None:
    """The test process's own settings (pyproject's addopts): what keeps the README's test command in its time.

    xdist's default re-sorts files by their number of tests and would undo conftest's slowest-first
    order; autoloaded plugins have their whole distribution's asserts rewritten in every worker.
    """
    from conftest import _SLOWEST_FIRST, _WAITING

    assert pytestconfig.getoption("loadscopereorder") is False
    assert pytestconfig.getoption("disable_plugin_autoload") is True
    assert pytestconfig.pluginmanager.has_plugin("xdist")
    assert pytestconfig.pluginmanager.has_plugin("hypothesispytest")
    hook = pytestconfig.pluginmanager.rewrite_hook
    assert not [name for name in getattr(hook, "_must_rewrite", ()) if name.split(".")[0] in ("hypothesis", "anyio")]
    here = Path(__file__).parent
    assert [name for name in _SLOWEST_FIRST if not (here / name).is_file()] == []
    assert len(set(_SLOWEST_FIRST)) == len(_SLOWEST_FIRST)
    # The files that mostly wait go out one at a time: five or more places apart, so the workers of
    # scripts/test.sh (four here, five on a machine with three cores) never hold two from the start.
    places = sorted(_SLOWEST_FIRST.index(name) for name in _WAITING)
    assert all(later - earlier >= 5 for earlier, later in itertools.pairwise(places)), places


def test_the_workers_find_the_test_modules_rewritten_once(pytestconfig: pytest.Config) -> None:
    """tests/rewritten.py: the controller wrote this module's assert rewrite, in pytest's format, for the workers.

    Fails when a pytest upgrade moves the internals it uses: the suite would still pass, a second slower.
    """
    from _pytest.assertion.rewrite import PYC_TAIL, _read_pyc, get_cache_dir

    if not hasattr(pytestconfig, "workerinput"):
        pytest.skip("the xdist controller writes them for its workers; this run has none")
    module = Path(__file__)
    assert _read_pyc(module, get_cache_dir(module) / (module.name[:-3] + PYC_TAIL)) is not None
