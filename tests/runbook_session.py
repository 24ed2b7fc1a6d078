"""The runbooks typed by a person: one shell session from a fresh clone, against its own sandbox.

A person starts `uv run byodkim sandbox --keep --from-start` in one terminal, pastes the
`export` lines it prints into a shell at the root of their clone, and types every sh block
of the runbook in order in that same shell: the working directory and the variables carry
over from one block to the next. `typed` does exactly that for one runbook; tests/test_runbook.py
types docs/runbook.md and tests/test_runbook_ja.py docs/ja/runbook.md under LANG=ja_JP.UTF-8.
Two files, not one: with `--dist loadfile` each goes to its own worker, so the two sessions
(over a minute each) run side by side instead of one after the other on one worker.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from byodkim.cli.catalogue import text
from byodkim.messages import say
from conftest import require_tool

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNBOOKS = {"en": ROOT / "docs" / "runbook.md", "ja": ROOT / "docs" / "ja" / "runbook.md"}
LOCALES = {"en": "C.UTF-8", "ja": "ja_JP.UTF-8"}
# The first line of every block only the sandbox needs (it plays the DNS team or a failed update).
SANDBOX_ONLY = {"en": "# in the sandbox only: ", "ja": "# サンドボックスでのみ: "}
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)
PHASE2 = "aws-ses-migration-prod-prod-phase-2-dkim-system"
WAY_OUT = "scripts/create-layer.sh prod aws-ses-migration && uv run sceptre --dir sceptre launch -y prod/phase-2-dkim-system.yaml"
RECOVERY = (
    "uv run byodkim preflight --env prod --stack phase-2-dkim-system"  # the block with the report after the break
)
KEYGEN = "uv run byodkim keygen --selector gooid-21-pro-20250912-1 --domain goo.ne.jp --key-dir keys"
PUBLISH = (
    "uv run byodkim sandbox dns publish --selector gooid-21-pro-20250912-1"
    " --public-key-file keys/gooid-21-pro-20250912-1.public.pem"
)
VERIFY = (
    "uv run byodkim verify --domain goo.ne.jp --selector gooid-21-pro-20250912-1"
    " --public-key-file keys/gooid-21-pro-20250912-1.public.pem --wait --timeout 30m"
)
SEND_TEST = (
    "uv run byodkim send-test --domain goo.ne.jp --from dkim-check@goo.ne.jp --to postmaster@goo.ne.jp"
    " --selector gooid-21-pro-20250912-1"
)
MEMO = "uv run byodkim report --env prod --lang ja --output markdown --out rollout-status.md"
MARK = "@@runbook-block@@ "  # printed by the session between blocks, to tell their output apart
SESSION_SECONDS = 900  # a whole runbook takes 1-3 minutes, more on a loaded machine


def blocks(path: Path) -> list[str]:
    """Return the runbook's sh blocks, in order."""
    return [m.group(2) for m in BLOCK.finditer(path.read_text(encoding="utf-8")) if m.group(1) == "sh"]


def commands(block: str) -> list[str]:
    """Return a block's command lines (its comments are in the runbook's language)."""
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


@dataclass
class Session:
    """One person's shell session through one runbook."""

    lang: str
    clone: Path
    shims: Path
    sandbox: subprocess.Popen[str] | None = None
    exports: list[str] = field(default_factory=list)
    code: int | None = None
    outputs: dict[str, str] = field(default_factory=dict)  # block index (or "end") -> what it printed
    transcript: str = ""
    phase_2: tuple[str, str, list[str]] = ("", "", [])  # at the end: stack status, its layer, the function's layers

    @property
    def environment(self) -> dict[str, str]:
        """Return what the export lines set."""
        pairs = (shlex.split(line.removeprefix("export "))[0].partition("=") for line in self.exports)
        return {name: value for name, _, value in pairs}

    def output(self, command: str) -> str:
        """Return what the block holding ``command`` printed."""
        found = [i for i, b in enumerate(blocks(RUNBOOKS[self.lang])) if command in commands(b)]
        assert found, f"no block runs `{command}`"
        return self.outputs[str(found[0])]

    def failure(self) -> str:
        """Say which block failed and what it printed."""
        last = list(self.outputs)[-1] if self.outputs else "exports"
        body = blocks(RUNBOOKS[self.lang])[int(last)] if last.isdigit() else ""
        return f"{self.lang} runbook stopped in block {last}:\n{body}\n--- output\n{self.transcript[-4000:]}"


def _shims(folder: Path) -> Path:
    """`uv run X` runs X from this test's environment (nothing synced again); `sceptre` polls the emulator fast."""
    folder.mkdir()
    real_uv = shutil.which("uv") or "uv"
    (folder / "uv").write_text(
        f'#!/usr/bin/env bash\nif [ "$1" = run ]; then shift; exec "$@"; fi\nexec {real_uv} "$@"\n'
    )
    # Sceptre's own CLI with the emulator's short status poll (byodkim.local.sceptre_run): the
    # runbook's lines are typed as written; only the 4 s sleep between polls is shorter.
    (folder / "sceptre").write_text(f'#!/usr/bin/env bash\nexec {sys.executable} -m byodkim.local.sceptre_run "$@"\n')
    for shim in folder.iterdir():
        shim.chmod(0o755)
    return folder


def _fresh_clone(into: Path) -> Path:
    """Clone the repository; carry over its uncommitted edits so the runbooks being written are the ones run."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(into)], check=True, capture_output=True)
    changed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "--modified", "--others", "--exclude-standard"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    for name in changed:
        source, target = ROOT / name, into / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        else:
            target.unlink(missing_ok=True)
    return into


def _operator_environment(lang: str, shims: Path) -> dict[str, str]:
    """A fresh shell: no AWS settings and nothing a sandbox exports, the runbook's locale."""
    dropped = ("AWS_", "BYODKIM_NAMESERVERS", "BYODKIM_SES_RATE", "BYODKIM_SCEPTRE_DIR", "LC_", "LANG")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    path = os.pathsep.join((str(shims), str(Path(sys.executable).parent), os.environ["PATH"]))
    return {**environment, "LANG": LOCALES[lang], "PATH": path}


def _read_exports(process: subprocess.Popen[str]) -> list[str]:
    """Return the `export` lines the sandbox prints, as a person copies them; keep draining its output."""
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()

    def drain(stream: Any) -> None:
        with stream:  # closed here, at the end of the sandbox's output
            for line in stream:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, args=(process.stdout,), daemon=True).start()
    exports: list[str] = []
    deadline = time.monotonic() + 300
    while True:
        try:  # once the exports started, a second of quiet means they are all printed
            line = lines.get(timeout=1.0 if exports else max(deadline - time.monotonic(), 0.1))
        except queue.Empty:
            return exports
        if line is None:
            return exports
        if line.startswith("export "):
            exports.append(line.strip())
        elif exports and line.strip() and not line.startswith(("#", "unset ")):
            return exports


def _script(exports: list[str], runbook: list[str]) -> str:
    parts = ["set -e -o pipefail", *exports]
    for index, block in enumerate(runbook):
        parts += [f"printf '\\n{MARK}%s %s\\n' {index} \"$(date +%s.%N)\"", block]
    parts += [f"printf '\\n{MARK}end %s\\n' \"$(date +%s.%N)\"", 'printf "%s\\n" "$PWD"']
    return "\n".join(parts) + "\n"


def _type(lang: str, folder: Path, shims: Path, started: list[subprocess.Popen[str]]) -> Session:
    """Clone, start the sandbox in one terminal, type the whole runbook in one shell of another, stop the sandbox.

    The sandbox stops as soon as the runbook is typed: its schedules fire a function every 3 s,
    and an idle sandbox left running would slow down the files the worker runs next.
    """
    session = Session(lang, _fresh_clone(folder / "byodkim"), shims)
    environment = _operator_environment(lang, shims)
    with (folder / "sandbox.err").open("w") as errors:
        session.sandbox = subprocess.Popen(
            [str(shims / "uv"), "run", "byodkim", "sandbox", "--keep", "--from-start"],
            cwd=session.clone, env=environment, stdout=subprocess.PIPE, stderr=errors, text=True,
        )  # fmt: skip
    started.append(session.sandbox)
    try:
        _type_into(session, folder, environment)
    finally:
        _stop([session.sandbox])
    return session


def _type_into(session: Session, folder: Path, environment: dict[str, str]) -> None:
    assert session.sandbox is not None
    lang = session.lang
    session.exports = _read_exports(session.sandbox)
    if not session.exports:
        session.transcript = f"the sandbox did not start:\n{(folder / 'sandbox.err').read_text()}"
        return
    (folder / "session.sh").write_text(_script(session.exports, blocks(RUNBOOKS[lang])), encoding="utf-8")
    shell = subprocess.Popen(
        ["bash", "--noprofile", "--norc", str(folder / "session.sh")],
        cwd=session.clone, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        printed, _ = shell.communicate(timeout=SESSION_SECONDS)
    except subprocess.TimeoutExpired:  # e.g. a `verify --wait` for a record nobody published: stop all it started
        os.killpg(shell.pid, signal.SIGTERM)
        printed, _ = shell.communicate()
        printed += f"\n(stopped after {SESSION_SECONDS} s)\n"
    session.code, session.transcript = shell.returncode, printed
    (folder / "session.log").write_text(printed, encoding="utf-8")  # to read after a run
    for chunk in printed.split(f"\n{MARK}")[1:]:
        heading, _, printed = chunk.partition("\n")
        session.outputs[heading.split()[0]] = printed  # the heading also says when the block started
    if session.code == 0:
        stack = _aws(session, "cloudformation").describe_stacks(StackName=PHASE2)["Stacks"][0]
        layer = next(p["ParameterValue"] for p in stack["Parameters"] if p["ParameterKey"] == "LayerVersionArn")
        function = _aws(session, "lambda").get_function(FunctionName="aws-ses-migration-prod-dkim-manager")
        session.phase_2 = (stack["StackStatus"], layer, [x["Arn"] for x in function["Configuration"]["Layers"]])


def _stop(processes: list[subprocess.Popen[str]]) -> None:
    """End the sandboxes (all at once: each stops its own servers); kill what does not stop.

    SIGTERM, not Ctrl-C's SIGINT: a test run started in the background inherits SIGINT ignored,
    and the sandbox turns SIGTERM into the same orderly exit.
    """
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def typed(lang: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """Type one runbook in its own session against its own sandbox; yield the session, then stop what it started."""
    require_tool("named", "apt-get install bind9")
    require_tool("git", "apt-get install git")
    shims = _shims(tmp_path_factory.mktemp("operator") / "bin")
    started: list[subprocess.Popen[str]] = []
    try:
        yield _type(lang, tmp_path_factory.mktemp(lang), shims, started)
    finally:
        _stop(started)


def typed_well(session: Session) -> Session:
    """Return the session once it is known to have run every block."""
    assert session.code == 0, session.failure()
    return session


def _aws(session: Session, service: str) -> Any:
    env = session.environment
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=env.get("AWS_SESSION_TOKEN"),
    )


def ja_pieces(key: str, **values: object) -> list[str]:
    """Return the Japanese line the CLI prints for ``key`` (a plain line as it is), in pieces around each ``...``."""
    if not values:
        return [key]
    line = text(say(key, **{k: "\0" if v is ... else v for k, v in values.items()}), "ja")
    return [piece for piece in line.split("\0") if piece]


def assert_phase_2_runs_the_published_layer(session: Session) -> None:
    """After recovery the stack and the function use the real layer, not the broken update's."""
    status, layer, function_layers = session.phase_2
    assert status in ("UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE")  # the latter when the fix is a no-op
    assert layer.endswith(":layer:aws-ses-migration-prod-cryptography:1")
    assert function_layers == [layer]


def assert_written_at_the_root(session: Session) -> None:
    """Keys, the DNS request and the memo land at the repository root, where the next step looks for them."""
    assert (session.clone / "keys" / "gooid-21-pro-20250912-1.private.pem").is_file()
    assert (session.clone / "dns-request.md").is_file()
    memo = (session.clone / "rollout-status.md").read_text(encoding="utf-8")
    assert memo.startswith("# BYODKIM 移行状況: goo.ne.jp (prod)")
    assert not (session.clone / "sceptre" / "keys").exists()
