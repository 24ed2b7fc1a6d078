"""docs/ja/runbook.md typed by a person in one shell from a fresh clone, under LANG=ja_JP.UTF-8, against the sandbox.

A file of its own (the machinery is runbook_session.py's): with `--dist loadfile` it runs on
another worker while test_runbook.py types the English runbook.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from byodkim.cli.catalogue import text
from byodkim.messages import say
from runbook_session import (
    KEYGEN,
    MEMO,
    PHASE2,
    PUBLISH,
    RECOVERY,
    SEND_TEST,
    VERIFY,
    WAY_OUT,
    Session,
    assert_phase_2_runs_the_published_layer,
    assert_written_at_the_root,
    ja_pieces,
    typed,
    typed_well,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """docs/ja/runbook.md typed in its own session against its own sandbox, once for the tests below."""
    yield from typed("ja", tmp_path_factory)


def test_the_japanese_runbook_typed_in_one_shell(session: Session) -> None:
    session = typed_well(session)
    assert session.outputs["end"].strip() == str(session.clone)
    broken = session.output("uv run byodkim sandbox break-phase-2")
    arn = re.search(r"arn:aws:lambda:\S+:layer:\S+:\d+", broken)
    assert arn is not None, broken
    said = say("breakage.done", stack=PHASE2, arn=arn.group(0), status="UPDATE_ROLLBACK_COMPLETE")
    assert text(said, "ja") in broken
    recovery = session.output(RECOVERY)
    assert "phase-2-dkim-system: UPDATE_ROLLBACK_COMPLETE" in recovery
    assert f"復旧手順: {WAY_OUT}" in recovery
    assert_phase_2_runs_the_published_layer(session)
    assert_written_at_the_root(session)
    # One Japanese line per phase that speaks Japanese today, as the catalogue writes it.
    record = "gooid-21-pro-20250912-1._domainkey.goo.ne.jp"
    expected = {
        "uv run byodkim report --env prod": ja_pieces("BYODKIM 移行状況: goo.ne.jp (prod)"),
        KEYGEN: ja_pieces("keygen.private", path="keys/gooid-21-pro-20250912-1.private.pem", bits=2048),
        PUBLISH: ja_pieces("sandbox.published", name=record, fingerprint=...),
        VERIFY: ja_pieces("dns.summary", name=record, good=1, total=1),
        "uv run byodkim phase 7 --domain goo.ne.jp": ja_pieces("dns.summary", name=record, good=1, total=1),
        SEND_TEST: ja_pieces("mail.pass", d="goo.ne.jp", s="gooid-21-pro-20250912-1", f="goo.ne.jp"),
        MEMO: ja_pieces("report.wrote", path="rollout-status.md"),
    }
    for command, pieces in expected.items():
        printed = session.output(command)
        for piece in pieces:
            assert piece in printed, f"`{command}` did not say, in Japanese: {piece}\n{printed}"


def test_report_shows_a_failed_update_in_japanese(session: Session) -> None:
    """The recovery section's report in Japanese, after break-phase-2: the failed resource, the way out.

    Its English half (with the cause naming the layer asked for) is test_runbook.py's.
    """
    japanese = typed_well(session).output(RECOVERY)
    assert "    原因: DkimManagerFunction (AWS::Lambda::Function): " in japanese
    assert f"    復旧手順: {WAY_OUT}\n" in japanese
    assert "  phase-2-dkim-system の直近の更新はロールバックされ、以前の設定で動いています。" in japanese
