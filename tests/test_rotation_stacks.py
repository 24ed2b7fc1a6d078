"""Rotation in the stacks: what phase 2 gives the function, what phase 8 schedules, as the templates say it.

The templates are read as data (cfn-lint proves them against the resource schemas); the rules'
payloads are fired by the emulator's scheduler, as EventBridge fires them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

from byodkim.aws.cfntemplate import load
from byodkim.dkim.policy import KEYS, RotationPolicy
from byodkim.emulator.schedules import rate_refused, rate_seconds, transformed

if TYPE_CHECKING:
    from byodkim.emulator import Emulator

ROOT = Path(__file__).resolve().parents[1] / "sceptre"


def _template(name: str) -> dict[str, object]:
    return load((ROOT / "templates" / f"{name}.yaml").read_text(encoding="utf-8"))


def test_phase_2_gives_the_function_every_policy_variable_from_the_config() -> None:
    template = _template("phase-2-dkim-system")
    function = template["Resources"]["DkimManagerFunction"]["Properties"]  # type: ignore[index]
    variables = function["Environment"]["Variables"]
    wanted = {*RotationPolicy().as_environment(), "HOSTED_ZONE_ID"}
    assert wanted <= variables.keys()
    stack = (ROOT / "config" / "prod" / "phase-2-dkim-system.yaml").read_text(encoding="utf-8")
    for key, (_field, variable) in KEYS.items():
        parameter = variables[variable]["Ref"]
        # Each parameter is passed from the config key of the same name (config.yaml's policy).
        assert f"  {parameter}: !byodkim_rotation {key}" in stack, (key, parameter)
        # Text, as every environment variable is: a Number's !Ref reaches moto's function as an int.
        assert template["Parameters"][parameter]["Type"] == "String"  # type: ignore[index]
    assert '  HostedZoneId: "{{ hosted_zone_id }}"' in stack


def test_route53_permissions_exist_only_with_a_zone_and_only_for_dkim_txt_records() -> None:
    resources = _template("phase-2-dkim-system")["Resources"]
    route53 = resources["Route53Permissions"]  # type: ignore[index]
    assert route53["Condition"] == "InRoute53"
    statements = route53["Properties"]["PolicyDocument"]["Statement"]
    change = next(s for s in statements if s["Action"] == "route53:ChangeResourceRecordSets")
    assert change["Condition"]["ForAllValues:StringEquals"] == {"route53:ChangeResourceRecordSetsRecordTypes": "TXT"}
    rotation = resources["RotationPermissions"]["Properties"]["PolicyDocument"]["Statement"]  # type: ignore[index]
    actions = {a for s in rotation for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert not any("Delete" in a or a.endswith("*") for a in actions), actions  # old keys are kept


@pytest.mark.parametrize("hours", ["1", "2", "3", "4", "6", "8", "12", "24"])
def test_every_rotation_check_hours_allowed_is_a_rate_eventbridge_accepts(hours: str) -> None:
    template = _template("phase-8-monitoring-system")
    assert hours in template["Parameters"]["RotationCheckHours"]["AllowedValues"]  # type: ignore[index]
    schedule = template["Mappings"]["RotationCheck"][hours]["Schedule"]  # type: ignore[index]
    assert not rate_refused(schedule)
    assert rate_seconds(schedule) == int(hours) * 3600


def test_the_rules_payloads_carry_the_events_time() -> None:
    resources = _template("phase-8-monitoring-system")["Resources"]
    event = {"time": "2026-12-05T03:00:00Z", "detail": {}}
    for rule, action in (("HealthCheckRule", "health"), ("RotationRule", "rotation")):
        (target,) = resources[rule]["Properties"]["Targets"]  # type: ignore[index]
        transformer = dict(target["InputTransformer"])
        sub = transformer["InputTemplate"]["Fn::Sub"]
        text = sub[0] if isinstance(sub, list) else sub  # !Sub [template, {names}] or !Sub template
        transformer["InputTemplate"] = re.sub(r"\$\{(\w+)\}", r"1" if isinstance(sub, list) else r"\1", text)
        payload = json.loads(transformed(transformer, event))
        assert (payload["action"], payload["time"]) == (action, "2026-12-05T03:00:00Z")


def test_the_emulator_fires_an_input_transformer_with_its_clocks_time(emulator: Emulator) -> None:
    sns, sqs, events = boto3.client("sns"), boto3.client("sqs"), boto3.client("events")
    topic = sns.create_topic(Name="fired")["TopicArn"]
    queue = sqs.create_queue(QueueName="fired")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    emulator.control("/_byodkim/clock", {"pause": True})
    events.put_rule(Name="rotation", ScheduleExpression="rate(1 day)", State="ENABLED")
    template = '{"action":"rotation","time":<time>,"note":"at <time>"}'
    events.put_targets(
        Rule="rotation",
        Targets=[
            {
                "Id": "t",
                "Arn": topic,
                "InputTransformer": {"InputPathsMap": {"time": "$.time"}, "InputTemplate": template},
            }
        ],
    )
    emulator.control("/_byodkim/clock", {"advance": 0})  # the rule is seen now: it fires a day from now
    at = emulator.control("/_byodkim/clock", {"advance": 86400})["now"]
    bodies = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]]
    # The emulator's CloudTrail also hands this schedule-only rule its API calls' events (a rule without a
    # pattern matches all in moto; EventBridge sends them none): only the firing is looked at here.
    (payload,) = [b for b in bodies if "action" in b]
    from datetime import UTC, datetime

    fired = datetime.fromisoformat(payload["time"])
    assert payload["action"] == "rotation"
    assert payload["note"] == f"at {payload['time']}"  # inside a string: the bare text
    assert abs(fired.timestamp() - at) <= 60  # the emulated minute it fired at
    assert abs(fired.timestamp() - datetime.now(UTC).timestamp()) > 80000  # a day ahead of the host


def _resolved(name: str, stack: str = "prod/phase-8-monitoring-system") -> str:
    from types import SimpleNamespace

    from byodkim.sceptre_plugins import RotationResolver

    return str(RotationResolver(name, SimpleNamespace(name=stack)).resolve())


def test_the_stacks_read_the_policy_as_byodkim_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Quoted numbers and an empty value mean for the stacks what they mean for byodkim (one reader).

    Jinja's ``{{ rotation_days + rotation_grace_days }}`` of two quoted numbers was ``18014``.
    """
    import shutil

    from byodkim.errors import InputError

    assert _resolved("alarm_days") == "194"  # prod's 180 + 14
    assert _resolved("selector_scheme") == "gooid-21-pro-{date}-{n}"
    copy = tmp_path / "sceptre"
    shutil.copytree(ROOT, copy)
    config = copy / "config" / "prod" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("rotation_days: 180", 'rotation_days: "180"').replace(
        "rotation_grace_days: 14", 'rotation_grace_days: "14"'
    )
    text = text.replace("rotation_approval: manual", "rotation_approval:")
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BYODKIM_SCEPTRE_DIR", str(copy))
    assert _resolved("alarm_days") == "194"
    assert _resolved("rotation_approval") == "auto"  # empty: the default, as byodkim reads it
    with pytest.raises(Exception, match="takes one of"):
        _resolved("rotation_weeks")
    config.write_text(text.replace('rotation_days: "180"', 'rotation_days: "⁷"'), encoding="utf-8")
    with pytest.raises(InputError, match="rotation_days"):
        _resolved("alarm_days")
