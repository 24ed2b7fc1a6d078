"""The one source of next steps, in the states an operator meets, with the prefix the user ran."""

from __future__ import annotations

from byodkim.aws.ses import RegionStatus
from byodkim.deployment import STACKS, Deployment
from byodkim.rollout.memo import phrase, render
from byodkim.rollout.nextstep import next_step
from byodkim.rollout.report import DnsView, Rollout, StackState

TARGET = Deployment(
    "aws-ses-migration", "prod", "aws-ses-migration-prod", "prod", "ap-northeast-1", "goo.ne.jp", "new-1"
)
SECRET_ID = "byodkim/dkim/goo.ne.jp/{s}"  # noqa: S105 - a Secrets Manager name, not a secret


def _rollout(regions: list[RegionStatus], dns: list[DnsView], selector: str | None = "new-1") -> Rollout:
    stacks = [StackState(s, TARGET.stack_name(s), "CREATE_COMPLETE") for s in STACKS]
    return Rollout(TARGET, "goo.ne.jp", selector, "now", stacks, None, regions, dns)


def _region(status: str | None, selector: str = "new-1", origin: str = "EXTERNAL") -> RegionStatus:
    if status is None:
        return RegionStatus("ap-northeast-1", exists=False)
    return RegionStatus("ap-northeast-1", True, origin, True, status, [selector], fingerprint="sha256:ab")


def test_next_steps_in_the_states_an_operator_meets() -> None:
    nothing = next_step(_rollout([_region(None)], [], selector=None))
    assert nothing.command_as("uv run byodkim") == (
        "uv run byodkim register --domain goo.ne.jp --selector SELECTOR --region ap-northeast-1"
    )
    pending = next_step(_rollout([_region("PENDING")], [DnsView("new-1", False, "0/2 servers publish the key")]))
    assert phrase(pending.step, "en").startswith("Ask the DNS team to publish the record")
    assert pending.command_as("byodkim") == (
        f"byodkim verify --domain goo.ne.jp --selector new-1 --secret-id {SECRET_ID.format(s='new-1')} --wait"
    )
    live = next_step(_rollout([_region("PENDING")], [DnsView("new-1", True, "2/2 servers publish the key")]))
    assert phrase(live.step, "en").startswith("Wait for SES to find the record")
    assert live.command_as("uv run byodkim").endswith("--ses --wait")
    done = next_step(_rollout([_region("SUCCESS")], [DnsView("new-1", True, "2/2 servers publish the key")]))
    assert phrase(done.step, "en").startswith("BYODKIM is active in every region.")
    assert done.command_as("uv run byodkim") == "uv run byodkim rotate --domain goo.ne.jp --new-selector NEW-SELECTOR"
    # After a selector change the steps follow the selector SES holds, not the old one.
    changed = next_step(
        _rollout([_region("PENDING", selector="new-2")], [DnsView("new-2", False, "0/2")], selector="new-2")
    )
    assert "--selector new-2" in changed.command
    assert "new-1" not in changed.command


def test_the_memo_prints_the_command_as_the_user_runs_byodkim() -> None:
    done = _rollout([_region("SUCCESS")], [DnsView("new-1", True, "2/2 servers publish the key")])
    assert "  $ uv run byodkim rotate --domain goo.ne.jp" in render(done, "text", "en", "uv run byodkim")
    assert "  $ byodkim rotate --domain goo.ne.jp" in render(done, "text", "en", "byodkim")
    assert '"next_command": "byodkim rotate' in render(done, "json", "en", "byodkim")
