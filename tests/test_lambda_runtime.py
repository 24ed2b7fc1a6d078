"""The emulator runs Lambda, EventBridge schedules and CloudWatch alarms as AWS does.

The handler below reports what it sees from inside: interpreter version, importable modules,
environment, whether its code is writable, whether an IPv6 address has a route, and whether
boto3 reaches the emulator. Lambda's own metrics and the function's log group are read back.
The clock runs 60 times faster here: a rate(1 minute) rule fires every second, and a
60-second alarm period passes in one. Where a test counts firings or alarm windows it holds the
clock still and moves it on itself (``/_byodkim/clock``), so what it counts does not depend on
how busy the machine is.
"""

from __future__ import annotations

import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.emulator import Emulator
from conftest import missing, python_for, zip_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from mypy_boto3_cloudwatch.type_defs import DimensionTypeDef

SPEED = 60.0

HANDLER = """
import errno, importlib.util, json, os, socket, sys, time

def handler(event, context):
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    time.sleep(event.get("sleep", 0))
    seen = {"version": list(sys.version_info[:2]), "event": event}
    seen["importable"] = {m: importlib.util.find_spec(m) is not None for m in ("boto3", "moto", "byodkim", "pytest")}
    seen["env"] = {k: os.environ.get(k) for k in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
                                                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "GREETING")}
    try:
        open(os.path.join(os.environ["LAMBDA_TASK_ROOT"], "written"), "w").close()
        seen["code_writable"] = True
    except OSError:
        seen["code_writable"] = False
    probe = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        probe.connect(("2001:db8::53", 53))
        probe.send(b"x")
        seen["ipv6"] = "routed"
    except OSError as exc:
        seen["ipv6"] = errno.errorcode.get(exc.errno, str(exc.errno))
    import boto3
    seen["functions"] = [f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]]
    seen["remaining_ms"] = context.get_remaining_time_in_millis()
    print("hello from the function")
    return seen
"""


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    python_for("3.12")  # the runtime's interpreter must be on this machine
    with Emulator(region="ap-northeast-1", clock_speed=SPEED) as started:
        env = started.environment()
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        yield started
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _function(name: str) -> None:
    iam = boto3.client("iam")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName=f"/aws/lambda/{name}")
    boto3.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="probe.handler",
        Code={"ZipFile": zip_of({"probe.py": HANDLER})},
        Timeout=30,
        MemorySize=256,
        Environment={"Variables": {"GREETING": "konnichiwa"}},
    )


def _metric(name: str, metric: str) -> list[float]:
    stats = boto3.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=metric,
        Dimensions=[{"Name": "FunctionName", "Value": name}],
        StartTime=datetime.now(UTC) - timedelta(minutes=10),
        EndTime=datetime.now(UTC) + timedelta(hours=2),
        Period=60,
        Statistics=["Sum"],
    )
    return [point["Sum"] for point in stats["Datapoints"]]


def test_the_handler_runs_in_its_runtime_under_lambdas_conditions(emulator: Emulator) -> None:
    _function("probe-ok")
    answer = boto3.client("lambda").invoke(FunctionName="probe-ok", Payload=json.dumps({"hello": "world"}))
    assert "FunctionError" not in answer, answer["Payload"].read()
    seen: dict[str, Any] = json.loads(answer["Payload"].read())
    assert seen["version"] == [3, 12]
    assert seen["event"] == {"hello": "world"}
    # Only the stdlib, the code, the layers and the runtime's boto3: nothing of the emulator's environment.
    assert seen["importable"] == {"boto3": True, "moto": False, "byodkim": False, "pytest": False}
    assert seen["env"] == {
        "AWS_REGION": "ap-northeast-1",
        "AWS_DEFAULT_REGION": "ap-northeast-1",
        "AWS_LAMBDA_FUNCTION_NAME": "probe-ok",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "GREETING": "konnichiwa",
    }
    assert seen["code_writable"] is False
    assert "probe-ok" in seen["functions"]
    assert 0 < seen["remaining_ms"] <= 30_000
    network = emulator.control("/_byodkim/config")["lambda_network"]
    if os.environ.get("CI") == "true" and network != "isolated":
        missing("CI runs functions in their own network namespace (root, unshare, ip)")
    if network == "isolated":
        assert seen["ipv6"] == "ENETUNREACH"  # as a Lambda outside a VPC: no IPv6 route
    assert _metric("probe-ok", "Invocations") == [1.0]
    assert _metric("probe-ok", "Errors") == [0.0]
    events = boto3.client("logs").filter_log_events(logGroupName="/aws/lambda/probe-ok")["events"]
    messages = [e["message"] for e in events]
    assert messages[0].startswith("START RequestId: ")
    assert "hello from the function" in messages
    assert messages[-1].startswith("REPORT RequestId: ")


def test_an_error_is_lambdas_function_error_and_counts_in_errors(emulator: Emulator) -> None:
    _function("probe-fail")
    answer = boto3.client("lambda").invoke(FunctionName="probe-fail", Payload=json.dumps({"fail": True}))
    assert answer["FunctionError"] == "Unhandled"
    error = json.loads(answer["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("RuntimeError", "asked to fail")
    assert _metric("probe-fail", "Errors") == [1.0]


def test_an_unknown_function_is_lambdas_not_found(emulator: Emulator) -> None:
    with pytest.raises(boto3.client("lambda").exceptions.ResourceNotFoundException):
        boto3.client("lambda").invoke(FunctionName="no-such-function", Payload=b"{}")


@pytest.fixture
def held(emulator: Emulator) -> Iterator[Callable[[float], None]]:
    """Hold the emulator's clock still; the test moves it on by emulated seconds (runs fired are waited for)."""
    emulator.control("/_byodkim/clock", {"pause": True})

    def advance(seconds: float) -> None:
        emulator.control("/_byodkim/clock", {"advance": seconds})

    try:
        yield advance
    finally:
        emulator.control("/_byodkim/clock", {"resume": True})


def _until(what: Callable[[], Any], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    return what()


def test_a_scheduled_rule_fires_its_function_with_its_input_until_disabled(
    emulator: Emulator, held: Callable[[float], None]
) -> None:
    _function("probe-scheduled")
    arn = boto3.client("lambda").get_function(FunctionName="probe-scheduled")["Configuration"]["FunctionArn"]
    events = boto3.client("events")
    events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)", State="ENABLED")
    events.put_targets(Rule="every-minute", Targets=[{"Id": "t", "Arn": arn, "Input": '{"from": "schedule"}'}])

    def runs() -> list[dict[str, Any]]:
        found = emulator.control("/_byodkim/invocations")["invocations"]
        return [run for run in found if run["function"] == "probe-scheduled"]

    held(60)  # the first firing is one period after the rule is seen; each step waits for its run
    held(60)
    assert len(runs()) == 2
    assert all(run["result"]["event"] == {"from": "schedule"} for run in runs())
    assert {run["source"] for run in runs()} == {"events:every-minute"}
    events.disable_rule(Name="every-minute")
    for _ in range(3):  # three periods add nothing
        held(60)
    assert len(runs()) == 2


def test_a_rule_does_not_start_its_function_again_while_the_last_run_is_going(emulator: Emulator) -> None:
    """EventBridge's target is busy for 2.5 s of a 1 s period: the firings in between start nothing."""
    _function("probe-slow")
    arn = boto3.client("lambda").get_function(FunctionName="probe-slow")["Configuration"]["FunctionArn"]
    events = boto3.client("events")
    events.put_rule(Name="slow", ScheduleExpression="rate(1 minute)", State="ENABLED")  # a period is 1 s here
    events.put_targets(Rule="slow", Targets=[{"Id": "t", "Arn": arn, "Input": '{"sleep": 2.5}'}])

    def fired() -> list[dict[str, Any]]:
        return [f for f in emulator.control("/_byodkim/schedules")["fired"] if f["rule"] == "slow"]

    def runs() -> list[dict[str, Any]]:
        return [r for r in emulator.control("/_byodkim/invocations")["invocations"] if r["function"] == "probe-slow"]

    assert _until(lambda: any(not f["started"] for f in fired()), 15), fired()
    events.disable_rule(Name="slow")
    emulator.control("/_byodkim/clock", {"pause": True})  # returns once no firing is under way; none can follow
    try:
        started = sum(1 for f in fired() if f["started"])
        assert emulator.control("/_byodkim/idle", {"timeout": 60})["idle"]
        assert len(runs()) == started  # each started once, one at a time
    finally:
        emulator.control("/_byodkim/clock", {"resume": True})


def test_an_alarm_treating_missing_data_as_breaching_tells_sqs_through_sns(
    emulator: Emulator, held: Callable[[float], None]
) -> None:
    sns, sqs, cloudwatch = boto3.client("sns"), boto3.client("sqs"), boto3.client("cloudwatch")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="alerts-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    dims: list[DimensionTypeDef] = [
        {"Name": "Domain", "Value": "goo.ne.jp"},
        {"Name": "Region", "Value": "ap-northeast-1"},
    ]
    cloudwatch.put_metric_alarm(
        AlarmName="dkim", Namespace="BYODKIM", MetricName="DkimVerified", Dimensions=dims, Statistic="Minimum",
        Period=60, EvaluationPeriods=2, DatapointsToAlarm=2, Threshold=1, ComparisonOperator="LessThanThreshold",
        TreatMissingData="breaching", AlarmActions=[topic], OKActions=[topic],
    )  # fmt: skip

    def state() -> str:
        return str(cloudwatch.describe_alarms(AlarmNames=["dkim"])["MetricAlarms"][0]["StateValue"])

    assert state() in ("INSUFFICIENT_DATA", "OK")
    # Healthy values every emulated half minute: OK. Another dimension set is another metric.
    for _ in range(6):
        cloudwatch.put_metric_data(
            Namespace="BYODKIM", MetricData=[{"MetricName": "DkimVerified", "Value": 1.0, "Dimensions": dims}]
        )
        cloudwatch.put_metric_data(
            Namespace="BYODKIM", MetricData=[{"MetricName": "DkimVerified", "Value": 0.0, "Dimensions": dims[:1]}]
        )
        held(30)
    assert state() == "OK"
    # The checker goes silent. CloudWatch looks further back than EvaluationPeriods (its evaluation
    # range) and judges the last real datapoints while any are in it, filling in as few missing
    # periods as breaching as it needs: OK until the range holds no data at all, then ALARM, and
    # the alarm tells the topic's queue (CloudWatch User Guide, "How alarm state is evaluated when data is missing").
    from byodkim.emulator.alarms import EXTRA_PERIODS

    for _ in range(2 + EXTRA_PERIODS - 1):
        held(60)
        assert state() == "OK"
    held(60)
    assert state() == "ALARM"
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    bodies = [json.loads(json.loads(m["Body"])["Message"]) for m in messages]
    alarm = next(b for b in bodies if b["NewStateValue"] == "ALARM")
    assert alarm["AlarmName"] == "dkim"
    assert alarm["Trigger"]["TreatMissingData"] == "breaching"
    assert alarm["Trigger"]["Dimensions"] == [
        {"value": "goo.ne.jp", "name": "Domain"},
        {"value": "ap-northeast-1", "name": "Region"},
    ]
    # NewStateReason is CloudWatch's free text: the emulator's wording proves nothing about AWS's.


def test_a_held_clock_stands_still_moves_by_steps_and_maps_what_happened_meanwhile() -> None:
    from byodkim.emulator.clock import Clock

    clock = Clock(speed=SPEED)
    held = clock.pause()
    during = time.time()  # a datapoint moto stamps while the clock is held
    time.sleep(0.05)
    assert clock.now() == held
    assert clock.advance(30) == held + 30
    assert clock.now() == held + 30
    assert clock.emulated(during) == held  # it keeps the time the clock stood at, after a step too
    assert clock.paused
    clock.resume()
    assert not clock.paused
    time.sleep(0.05)
    assert clock.now() > held + 30 + 0.05 * SPEED * 0.5  # running again at its speed, from where it stood


def test_a_restarted_clock_is_back_on_its_start_line_and_keeps_what_happened_meanwhile() -> None:
    """The emulator's reset restarts the clock: a test's pauses and days of advance do not leak into the next."""
    from byodkim.emulator.clock import Clock

    clock = Clock(speed=SPEED)
    clock.pause()
    far = clock.advance(40 * 86400)
    during = time.time()
    now = clock.restart()
    assert not clock.paused
    assert abs(now - (clock.origin + (time.time() - clock.origin) * SPEED)) < 1.0  # the start line, not 40 days on
    assert clock.emulated(during) == far  # a datapoint stamped while it stood keeps its time


def _made(name: str, module: str, source: str, *, timeout: int) -> Any:
    """Create function ``name`` (handler ``module.handler``, its role and log group); return a Lambda client."""
    role = boto3.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("logs").create_log_group(logGroupName=f"/aws/lambda/{name}")
    lam = boto3.client("lambda")
    lam.create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler=f"{module}.handler",
        Code={"ZipFile": zip_of({f"{module}.py": source})}, Timeout=timeout,
    )  # fmt: skip
    return lam


SLOW_IMPORT = """
import time
time.sleep(2.5)  # a module that is slow to import: the cold start's init, not the handler's time


def handler(event, context):
    if event.get("hang"):
        time.sleep(30)
    return {"remaining_ms": context.get_remaining_time_in_millis()}
"""


def test_the_timeout_counts_from_the_handler_and_the_import_is_init_duration(emulator: Emulator) -> None:
    """As Lambda reports a cold start: a 2.5 s import under a 2 s timeout runs; a handler past it is timed out."""
    name = "probe-cold"
    lam = _made(name, "slow", SLOW_IMPORT, timeout=2)
    ran = lam.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in ran
    assert json.loads(ran["Payload"].read())["remaining_ms"] > 1500  # the import did not spend the handler's time
    hung = lam.invoke(FunctionName=name, Payload=json.dumps({"hang": True}))
    assert hung["FunctionError"] == "Unhandled"
    assert json.loads(hung["Payload"].read()) == {
        "errorMessage": "Task timed out after 2.00 seconds",
        "errorType": "Sandbox.Timedout",
    }
    again = lam.invoke(FunctionName=name, Payload=b"{}")  # the timed-out environment was reset: a cold start
    assert "FunctionError" not in again
    runs = [r for r in emulator.control("/_byodkim/invocations")["invocations"] if r["function"] == name]
    # The second run was warm (no init); the third followed a timeout, after which Lambda starts over.
    assert [r["cold"] for r in runs] == [True, False, True]
    assert [r["init_ms"] >= 2500 for r in runs] == [True, False, True]
    assert runs[0]["duration_ms"] < 500
    assert 2000 <= runs[1]["duration_ms"] < 2500
    assert runs[0]["log_stream"] == runs[1]["log_stream"] != runs[2]["log_stream"]  # one stream per environment
    events = boto3.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    reports = [e["message"] for e in events if e["message"].startswith("REPORT")]
    assert len(reports) == 3
    inits = [
        bool(re.search(r"\tDuration: [\d.]+ ms\tMemory Size: 128 MB\tInit Duration: [\d.]+ ms$", r)) for r in reports
    ]
    assert sorted(inits) == [False, True, True]  # Lambda writes Init Duration on a cold start's REPORT only
    assert all(re.search(r"\tDuration: [\d.]+ ms\tMemory Size: 128 MB", r) for r in reports)


COUNTER = """
import os, time

COUNT = 0  # module state: lives as long as the execution environment


def handler(event, context):
    global COUNT
    COUNT += 1
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    time.sleep(event.get("sleep", 0))
    return {"count": COUNT, "pid": os.getpid(), "request": context.aws_request_id}
"""


def test_an_environment_is_reused_keeping_module_state_until_its_configuration_changes(emulator: Emulator) -> None:
    """As Lambda reuses an execution environment: a handler's exception keeps it; a new configuration does not."""
    name = "probe-warm"
    lam = _made(name, "counter", COUNTER, timeout=10)

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        answer = lam.invoke(FunctionName=name, Payload=json.dumps(event))
        found: dict[str, Any] = json.loads(answer["Payload"].read())
        return {**found, "failed": "FunctionError" in answer}

    first, second = invoke({}), invoke({})
    assert (first["count"], second["count"]) == (1, 2)
    assert first["pid"] == second["pid"]
    assert first["request"] != second["request"]  # each invocation its own context
    assert invoke({"fail": True})["failed"]
    assert invoke({})["count"] == 4  # an exception is that invocation's error only: the environment goes on
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"NEW": "1"}})
    fresh = invoke({})
    assert fresh["count"] == 1  # a new configuration: a new environment
    assert fresh["pid"] != first["pid"]
    with ThreadPoolExecutor(2) as pool:  # two at once: a second environment, each with its own state
        both = list(pool.map(invoke, [{"sleep": 1.5}, {"sleep": 1.5}]))
    assert len({run["pid"] for run in both}) == 2
    runs = [r for r in emulator.control("/_byodkim/invocations")["invocations"] if r["function"] == name]
    assert [r["cold"] for r in runs[:6]] == [True, False, False, False, True, False]
    assert sum(r["cold"] for r in runs[6:]) == 1
    emulator.control("/_byodkim/reset")  # the emulator's reset: no module state outlives it
    after = [r for r in emulator.control("/_byodkim/invocations")["invocations"] if r["function"] == name]
    assert after == []
    assert invoke({})["count"] == 1
