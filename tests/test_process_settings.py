"""Process-wide settings belong to byodkim's own entry points, never to an import of the library.

Each case runs a fresh interpreter: the collector's thresholds (`gc_policy`) and dnspython's DNS
over HTTPS switch (`dnscheck.servers.without_dns_over_https`) as a process that only imports
byodkim sees them, and as the command, the emulator and the test workers set them.
"""

from __future__ import annotations

import json
import subprocess
import sys

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
    """`byodkim` itself: main() sets the collector and the switch, then runs the command (here, a DNS query)."""
    code = (
        "import gc, sys, runpy\n"
        "sys.argv = ['byodkim', 'check-domain', '--domain', 'goo.ne.jp', '--nameserver', '127.0.0.1:9']\n"
        "try:\n    runpy.run_module('byodkim', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "import dns._features\nprint(gc.get_threshold(), dns._features.have('doh'), 'httpx2' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "(100000, 50, 100) False False", done.stdout + done.stderr


def test_the_suite_runs_its_slowest_files_first_and_rewrites_only_its_own_modules(pytestconfig: pytest.Config) -> None:
    """The test process's own settings (pyproject's addopts): what keeps the README's test command in its time.

    xdist's default re-sorts files by their number of tests and would undo conftest's slowest-first
    order; autoloaded plugins have their whole distribution's asserts rewritten in every worker.
    """
    from pathlib import Path

    from conftest import _SLOWEST_FIRST

    assert pytestconfig.getoption("loadscopereorder") is False
    assert pytestconfig.getoption("disable_plugin_autoload") is True
    assert pytestconfig.pluginmanager.has_plugin("xdist")
    assert pytestconfig.pluginmanager.has_plugin("hypothesispytest")
    hook = pytestconfig.pluginmanager.rewrite_hook
    assert not [name for name in getattr(hook, "_must_rewrite", ()) if name.split(".")[0] in ("hypothesis", "anyio")]
    here = Path(__file__).parent
    assert [name for name in _SLOWEST_FIRST if not (here / name).is_file()] == []
    assert len(set(_SLOWEST_FIRST)) == len(_SLOWEST_FIRST)
