"""The one source of next steps, in the states an operator meets, with the prefix the user ran."""

from __future__ import annotations

from byodkim.aws.ses import RegionStatus
from byodkim.deployment import STACKS, Deployment
from byodkim.workflows.nextstep import next_step
from byodkim.workflows.report import DnsView, Rollout, StackState
from byodkim.workflows.rollout_memo import phrase, render

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


def _rolled_back(*, cause: bool) -> Rollout:
    """Phase 2's update failed on a layer that does not exist and was rolled back (break-phase-2's state)."""
    from byodkim.workflows.report import way_out

    rollout = _rollout([_region("PENDING")], [DnsView("new-1", True, "2/2 servers publish the key")])
    phase2 = next(s for s in rollout.stacks if s.stack == "phase-2-dkim-system")
    phase2.status = "UPDATE_ROLLBACK_COMPLETE"
    if cause:
        phase2.failed_resource, phase2.failed_type = "DkimManagerFunction", "AWS::Lambda::Function"
        phase2.reason = "Layer version arn:aws:lambda:ap-northeast-1:123456789012:layer:dkim:99 does not exist"
    phase2.way_out = way_out(phase2, TARGET)
    return rollout


LAYER_WAY_OUT = "scripts/create-layer.sh prod aws-ses-migration && uv run sceptre --dir sceptre launch -y prod/phase-2-dkim-system.yaml"


def test_a_rolled_back_update_with_a_cause_makes_the_way_out_the_command() -> None:
    step = next_step(_rolled_back(cause=True))
    assert step.command_as("uv run byodkim") == LAYER_WAY_OUT  # what the Stacks section prints as its way out
    assert phrase(step.step, "en").startswith("The last update of phase-2-dkim-system was rolled back")
    assert step.then is not None  # the rollout's own step follows the relaunch
    assert step.then.command.endswith("--ses --wait")
    for lang, rolled, then in (("en", "The last update of", "Then: Wait for SES"), ("ja", "直近の更新は", "その後: ")):
        text = render(_rolled_back(cause=True), "text", lang, "uv run byodkim")
        paragraph = text.split("\n\n")[-1]
        assert f"{rolled}" in paragraph
        lines = paragraph.splitlines()
        dollars = [line for line in lines if line.startswith("  $ ")]
        assert dollars[0] == f"  $ {LAYER_WAY_OUT}", text  # the first command is the way out, not the next step
        assert dollars[1].startswith("  $ uv run byodkim verify --domain goo.ne.jp"), text
        assert any(line.startswith(f"  {then}") for line in lines), text
    as_json = render(_rolled_back(cause=True), "json", "en", "byodkim")
    assert f'"next_command": "{LAYER_WAY_OUT}"' in as_json


def test_a_rolled_back_stack_without_a_cause_stays_a_note() -> None:
    step = next_step(_rolled_back(cause=False))
    assert step.then is None
    assert step.command.endswith("--ses --wait")  # usable as it runs: the rollout goes on
    assert [n.key for n in step.notes] == ["rolled_back"]
