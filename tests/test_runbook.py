"""docs/runbook.md typed by a person in one shell from a fresh clone, against the sandbox; the runbooks' shape.

The session's machinery is in runbook_session.py; docs/ja/runbook.md is typed by test_runbook_ja.py,
on another worker at the same time.
"""

from __future__ import annotations

import http.server
import re
import threading
from typing import TYPE_CHECKING, Any

import pytest

from runbook_session import (
    PHASE2,
    RECOVERY,
    ROOT,
    RUNBOOKS,
    SANDBOX_ONLY,
    WAY_OUT,
    Session,
    assert_phase_2_runs_the_published_layer,
    assert_written_at_the_root,
    blocks,
    commands,
    typed,
    typed_well,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from byodkim.emulator import Emulator
    from conftest import Cli


def test_the_two_runbooks_run_the_same_commands() -> None:
    english, japanese = blocks(RUNBOOKS["en"]), blocks(RUNBOOKS["ja"])
    assert [commands(b) for b in japanese] == [commands(b) for b in english]
    assert len(english) >= 14
    for path in RUNBOOKS.values():  # every step is a visible command: nothing only a test can play
        assert "<!--" not in path.read_text(encoding="utf-8"), path


def test_every_command_in_the_runbooks_is_in_a_tested_block() -> None:
    for path in RUNBOOKS.values():
        tested = "\n".join(blocks(path))
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("uv run ", "scripts/", "cd ", "sceptre ", "aws ")):
                assert line in tested, f"{path.name}: `{line}` is outside a tested sh block"


def test_sandbox_only_steps_are_labelled_as_such() -> None:
    for lang, path in RUNBOOKS.items():
        for block in blocks(path):
            played = [c for c in commands(block) if c.startswith("uv run byodkim sandbox ")]
            if played or block.startswith(SANDBOX_ONLY[lang]):
                assert block.startswith(SANDBOX_ONLY[lang]), f"{path.name}: unlabelled sandbox step {played}"
                assert played == commands(block), f"{path.name}: a sandbox-only block holds a real step: {block}"


def test_no_step_leaves_the_repository_root() -> None:
    """Sceptre runs with --dir sceptre everywhere an operator is told to run it, so nobody is left in sceptre/."""
    for path in RUNBOOKS.values():
        assert not [c for b in blocks(path) for c in commands(b) if re.search(r"(^|&& *)cd ", c)], path
    told = [*ROOT.joinpath("docs").rglob("*.md"), *ROOT.joinpath("src", "byodkim").rglob("*.py")]
    assert [str(p.relative_to(ROOT)) for p in told if "cd sceptre" in p.read_text(encoding="utf-8")] == []


# --- `byodkim sandbox break-phase-2` refuses anything but a running byodkim emulator ---------------


class _Plain(http.server.BaseHTTPRequestHandler):
    """A web server that is not the emulator: it knows no POST (501), as `python -m http.server`."""

    asked: list[str]

    def log_message(self, *_args: Any) -> None:
        pass


class _AnswersJson(_Plain):
    """One step closer: any POST gets 200 and a JSON object, but not the emulator's config."""

    def do_POST(self) -> None:
        self.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')


@pytest.fixture(params=[_Plain, _AnswersJson], ids=["plain-http", "json-everywhere"])
def not_the_emulator(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    asked: list[str] = []
    handler = type("Handler", (request.param,), {"asked": asked})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.usefixtures("no_credentials")
def test_break_phase_2_refuses_without_an_endpoint(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    done = cli("sandbox", "break-phase-2", "--lang", "en")
    assert (done.code, done.out) == (2, "")
    assert done.err == (
        "error: AWS_ENDPOINT_URL is not set: break-phase-2 only breaks a stack in a running sandbox, never in AWS; "
        "start `uv run byodkim sandbox --keep --from-start` and run the export lines it prints\n"
    )
    japanese = cli("sandbox", "break-phase-2", "--lang", "ja")
    assert japanese.code == 2
    assert "AWS_ENDPOINT_URL が設定されていません" in japanese.err


@pytest.mark.usefixtures("no_credentials")
def test_break_phase_2_refuses_an_endpoint_that_is_not_the_emulator(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, not_the_emulator: tuple[str, list[str]]
) -> None:
    endpoint, asked = not_the_emulator
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    done = cli("sandbox", "break-phase-2", "--lang", "en")
    assert (done.code, done.out) == (2, "")
    assert done.err.startswith(f"error: AWS_ENDPOINT_URL ({endpoint}) is not a byodkim emulator: ")
    assert asked in ([], ["/_byodkim/config"])  # it asked what the server is, and called nothing else


@pytest.mark.usefixtures("no_credentials")
def test_break_phase_2_refuses_a_port_nothing_answers_on(cli: Cli) -> None:
    done = cli("sandbox", "break-phase-2", "--lang", "en")  # no_credentials: http://127.0.0.1:9
    assert (done.code, done.out) == (2, "")
    # A stopped sandbox's environment: the line every command gives, with the unset line.
    assert done.err.startswith("error: AWS_ENDPOINT_URL is http://127.0.0.1:9, a local address where nothing answers: ")
    assert "unset AWS_ENDPOINT_URL" in done.err


def test_break_phase_2_on_an_emulator_without_the_stacks_changes_nothing(cli: Cli, emulator: Emulator) -> None:
    done = cli("sandbox", "break-phase-2", "--lang", "en")
    assert (done.code, done.out) == (2, "")
    assert done.err == (
        f"error: {PHASE2} is not deployed in the sandbox; "
        "launch the stacks first: uv run sceptre --dir sceptre launch -y prod\n"
    )
    operations = {c["operation"] for c in emulator.control("/_byodkim/calls")["calls"]}
    assert operations <= {"DescribeStacks"}, operations


# --- the English runbook, typed ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """docs/runbook.md typed in its own session against its own sandbox, once for the tests below."""
    yield from typed("en", tmp_path_factory)


def test_the_english_runbook_typed_in_one_shell(session: Session) -> None:
    session = typed_well(session)
    assert session.outputs["end"].strip() == str(session.clone)  # no step left the repository root
    everything = session.transcript
    assert "SES ap-northeast-1: SUCCESS" in everything
    assert "rotated goo.ne.jp from gooid-21-pro-20250912-1 to gooid-21-pro-20261201-1" in everything
    broken = session.output("uv run byodkim sandbox break-phase-2")
    assert f"{PHASE2}: the update to layer " in broken
    assert broken.rstrip().endswith("failed and was rolled back: UPDATE_ROLLBACK_COMPLETE")
    recovery = session.output(RECOVERY)
    assert "phase-2-dkim-system: UPDATE_ROLLBACK_COMPLETE" in recovery
    assert f"way out: {WAY_OUT}" in recovery
    assert_phase_2_runs_the_published_layer(session)
    assert_written_at_the_root(session)
    assert "Easy DKIM" in session.outputs[str(len(blocks(RUNBOOKS["en"])) - 1)]  # the rollback ran last


def test_report_shows_a_failed_update_in_english(session: Session) -> None:
    """The recovery section's report, after break-phase-2: the failed resource, CloudFormation's reason, the way out.

    Its Japanese half is test_runbook_ja.py's test_report_shows_a_failed_update_in_japanese.
    """
    english = typed_well(session).output(RECOVERY)
    assert (
        "  phase-2-dkim-system: UPDATE_ROLLBACK_COMPLETE\n    cause: DkimManagerFunction (AWS::Lambda::Function): "
        in english
    )
    assert f"    way out: {WAY_OUT}\n" in english
    assert "  The last update of phase-2-dkim-system was rolled back: it runs its previous configuration." in english
    reason = re.search(r"cause: DkimManagerFunction \(AWS::Lambda::Function\): (.*)", english)
    asked = re.search(r"the update to layer (\S+), a version that does not exist", session.transcript)
    assert reason is not None, english
    assert asked is not None
    assert asked.group(1) in reason.group(1)  # the cause names the layer break-phase-2 asked for
