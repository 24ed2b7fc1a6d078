"""The layout holds: every module imports, no import cycle, arrows only point down, the CLI starts light.

Imports are read from the source with ``ast``, function-level imports and ``if TYPE_CHECKING:``
blocks included: a lazy import cannot hide a cycle, and neither can a type-only one (a type two
modules both need belongs to a third, lower module).
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "byodkim"

# Lowest first. A module may import its own folder and anything ranked lower; never higher,
# never a sibling of the same rank. One line of docs/architecture.md per unit.
LAYERS = [
    "byodkim",  # the package itself: __version__
    "byodkim.gc_policy",  # the collector's settings the entry points set at start
    "byodkim.errors",
    "byodkim.display",
    "byodkim.messages",  # the catalogue: keyed texts in English and Japanese, below everything that speaks
    "byodkim.redacted_logs",
    "byodkim.dkim.names",  # the vocabulary (domain, selector) the deployment's declarations are checked by
    "byodkim.dkim.policy",  # the rotation policy (days, selector scheme), read with the deployment
    "byodkim.deployment",
    "byodkim.dkim",
    "byodkim.dnscheck",
    "byodkim.aws",
    "byodkim.dmarc",
    "byodkim.artifacts",
    "byodkim.function",  # what runs in the dkim-manager Lambda: the handler's closure, and its code zip
    "byodkim.workflows",  # the operator's workflows, run from a laptop, the Sceptre hook or the sandbox
    "byodkim.emulator",
    "byodkim.local",
    "byodkim.lambda_handler",
    "byodkim.sceptre_plugins",
    "byodkim.cli",
    "byodkim.__main__",
]
# The three doors are equal in rank: none may import another.
SAME_RANK = {"byodkim.lambda_handler", "byodkim.sceptre_plugins", "byodkim.cli"}
HEAVY = ("boto3", "botocore", "cryptography", "dns", "moto", "rich", "yaml", "sceptre")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Return the byodkim modules ``path`` imports, at run time or for type checking."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "byodkim")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "byodkim":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _graph() -> dict[str, set[str]]:
    """Return each module's byodkim imports: a copy, so a test may change it (one step off) and the next not see it."""
    return {module: set(targets) for module, targets in _parsed_graph().items()}


@functools.cache
def _parsed_graph() -> dict[str, set[str]]:
    """Parse every module once per process: nine tests read the graph, and each parse of the package is 0.4 s."""
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    graph = {_module_name(f): _imports(f, modules) - {_module_name(f)} for f in files}
    unknown = {target for targets in graph.values() for target in targets} - modules
    assert not unknown, f"imports of modules that do not exist: {sorted(unknown)}"
    return graph


def _unit(module: str) -> str:
    return max((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), key=len)


def test_every_module_belongs_to_a_layer() -> None:
    assert all(_unit(module) for module in _graph())


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target) :], target]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_arrows_only_point_down() -> None:
    rank = {layer: index for index, layer in enumerate(LAYERS)}
    for layer in SAME_RANK:
        rank[layer] = min(rank[other] for other in SAME_RANK)
    upward = []
    for module, targets in _graph().items():
        source = _unit(module)
        for target in targets:
            destination = _unit(target)
            if destination != source and rank[destination] >= rank[source]:
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_the_checker_sees_a_cycle_and_an_upward_arrow(tmp_path: Path) -> None:
    # The checks above must be able to fail: the walker finds a function-level import and a
    # TYPE_CHECKING one.
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from byodkim.cli import run\n"
        "def f():\n    from byodkim.cli import options\n",
        encoding="utf-8",
    )
    assert _imports(source, {"byodkim.cli", "byodkim.cli.options"}) == {"byodkim.cli", "byodkim.cli.options"}


def _closure(graph: dict[str, set[str]], root: str) -> set[str]:
    """Return every module ``root`` can import, directly or not, and the packages holding them."""
    found: set[str] = set()
    todo = [root]
    while todo:
        module = todo.pop()
        if module not in found:
            found.add(module)
            todo.extend(graph[module])
    return found | {module.rsplit(".", depth)[0] for module in found for depth in range(1, module.count(".") + 1)}


def _function_needs(graph: dict[str, set[str]]) -> set[str]:
    """Return the modules the dkim-manager function can import: the handler's, and the catalogue's tables."""
    from byodkim.messages import TABLES  # imported by name, unseen by the graph

    return _closure(graph, "byodkim.lambda_handler") | {f"byodkim.messages.{table}" for table in TABLES}


def _zipped_modules(tmp_path: Path) -> set[str]:
    from byodkim.artifacts.package import build_code_zip

    with zipfile.ZipFile(build_code_zip(tmp_path / "code.zip").path) as opened:
        names = opened.namelist()
    assert all(name.startswith("byodkim/") and name.endswith(".py") for name in names), names
    return {_module_name(PACKAGE.parent / name) for name in names}


def test_the_code_zip_holds_exactly_what_the_handler_imports(tmp_path: Path) -> None:
    # Both ways: a module the function imports but the zip lacks fails in Lambda at import;
    # a module shipped but never imported (an operator's workflow) runs nowhere, yet ships with
    # the function's role. Fix artifacts/package.py's _SHIPPED, not this test.
    graph = _graph()
    needed, zipped = _function_needs(graph), _zipped_modules(tmp_path)
    assert sorted(needed - zipped) == [], "imported by the handler, left out of the code zip"
    assert sorted(zipped - needed) == [], "in the code zip, never imported by the handler"


def test_the_zip_check_sees_a_module_the_handler_starts_to_import(tmp_path: Path) -> None:
    # One step off: the function's phases importing an operator's workflow must fail the check above.
    graph = _graph()
    graph["byodkim.function.phases"] = graph["byodkim.function.phases"] | {"byodkim.workflows.report"}
    assert _function_needs(graph) - _zipped_modules(tmp_path) >= {"byodkim.workflows", "byodkim.workflows.report"}


def test_no_operator_workflow_is_in_the_function_package() -> None:
    # function/ is what ships: everything in it runs in the Lambda, so nothing in it is there for a person.
    needed = _function_needs(_graph())
    assert sorted(m for m in _graph() if m.startswith("byodkim.function") and m not in needed) == []


def test_the_architecture_doc_names_every_module() -> None:
    # docs/architecture.md is how a newcomer finds a module: each is named there, in backticks, by
    # its folder (`function/`), its path (`dkim/names.py`, `aws/ses.register`) or its name in its
    # folder's row (`phases`).
    doc = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = {span.removesuffix(".py").split(".")[0] for span in re.findall(r"`([^`\n]+)`", doc)}
    missing = []
    for module in sorted(_graph()):
        parts = module.split(".")[1:]
        if not parts:
            continue
        if (PACKAGE.joinpath(*parts) / "__init__.py").exists():
            names = {"/".join(parts) + "/"}
        else:
            names = {"/".join(parts), parts[-1]}
        if not names & named:
            missing.append(module)
    assert missing == [], missing


def test_every_module_imports() -> None:
    names = sorted(_graph())
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    done = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_cli_starts_without_heavy_imports() -> None:
    code = (
        "import sys\n"
        "from byodkim.cli import run\n"
        "code = run(['--help'])\n"
        "for name in ('keygen', 'register', 'verify', 'report', 'build-layer', 'sandbox'):\n"
        "    run([name, '--help'])\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_about_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 420
