"""The dkim-manager handler with the team's payloads, against the emulator and a real BIND."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import zipfile
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.dkim import keyload, keys
from byodkim.dkim.record import DkimRecord
from conftest import Cli, publish_record, python_for

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer

SELECTOR = "gooid-21-pro-20250912-1"
PAYLOAD = {"action": "phase_manager", "domain": "goo.ne.jp", "environment": "prod", "projectName": "aws-ses-migration"}
BUCKET = "aws-ses-migration-prod-dkim-certificates"
RULE = "aws-ses-migration-prod-phase7-dkim-activation"


@pytest.fixture
def deployment(
    emulator: Emulator, goo_dns: LocalNameServer, monkeypatch: pytest.MonkeyPatch, cli: Cli, tmp_path: Path
) -> dict[str, Any]:
    """What phases 1-5 leave behind, made directly; the key registered by the CLI as the runbook does."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    topic = boto3.client("sns").create_topic(Name="aws-ses-migration-prod-dns-team")["TopicArn"]
    sqs = boto3.client("sqs")
    queue = sqs.create_queue(QueueName="dns-team-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns").subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
    )
    boto3.client("events").put_rule(Name=RULE, ScheduleExpression="rate(15 minutes)", State="ENABLED")
    boto3.client("ssm").put_parameter(
        Name="/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/selector", Value=SELECTOR, Type="String"
    )
    keys.write_key_files(tmp_path, SELECTOR, keys.generate())
    private = tmp_path / f"{SELECTOR}.private.pem"
    env = {
        "PROJECT_NAME": "aws-ses-migration",
        "ENVIRONMENT": "prod",
        "DOMAIN_NAME": "goo.ne.jp",
        "SECRET_PREFIX": "byodkim/dkim",
        "CERTIFICATES_BUCKET": BUCKET,
        "DNS_TOPIC_ARN": topic,
        "PHASE7_RULE_NAME": RULE,
        "NAMESERVERS": goo_dns.spec,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return {"private": private, "queue": queue, "env": env, "dns": goo_dns, "emulator": emulator}


def _handler() -> Callable[[object, object], dict[str, Any]]:
    from byodkim import lambda_handler

    handler: Callable[[object, object], dict[str, Any]] = importlib.reload(lambda_handler).handler
    return handler  # reloaded: CONFIG is read at import, as on Lambda


def _messages(queue: str) -> list[str]:
    got = boto3.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
    return [m["Body"] for m in got.get("Messages", [])]


def test_phases_4_5_7_end_to_end(deployment: dict[str, Any], cli: Cli) -> None:
    handler = _handler()
    no_key = handler({**PAYLOAD, "phase": "4"}, None)
    assert no_key == {
        "ok": False,
        "error": "no key in secret `byodkim/dkim/goo.ne.jp/gooid-21-pro-20250912-1`; run `byodkim register` (or keygen and register) first",
    }
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", deployment["private"]).code == 0
    )

    prepared = handler({**PAYLOAD, "phase": "4"}, None)
    assert prepared["ok"] is True
    record = DkimRecord("goo.ne.jp", SELECTOR, keyload.load_private_key(deployment["private"]).public.b64)
    assert prepared["record"] == {"name": record.name, "value": record.value, "strings": record.strings}
    prefix = f"s3://{BUCKET}/dns/goo.ne.jp/{SELECTOR}/"
    assert prepared["objects"] == [
        prefix + n for n in ("record.json", "zone.txt", "route53.json", "request-en.md", "request-ja.md")
    ]
    zone = (
        boto3.client("s3").get_object(Bucket=BUCKET, Key=f"dns/goo.ne.jp/{SELECTOR}/zone.txt")["Body"].read().decode()
    )
    assert zone == record.zone_line() + "\n"
    stored = boto3.client("ssm").get_parameter(Name="/byodkim/aws-ses-migration-prod/dkim/goo.ne.jp/record")[
        "Parameter"
    ]["Value"]
    assert stored == record.value

    sent = handler({**PAYLOAD, "phase": "5"}, None)
    assert sent["ok"] is True
    (request,) = _messages(deployment["queue"])
    assert request.startswith("# DNS レコード追加のお願い（goo.ne.jp の DKIM 公開鍵）")
    assert record.zone_line() in request
    again_5 = handler({**PAYLOAD, "phase": "5"}, None)  # a re-run of a finished step sends nothing new
    assert again_5["alreadySent"]
    assert again_5["messageId"] == sent["messageId"]
    assert _messages(deployment["queue"]) == []
    resent = handler({**PAYLOAD, "phase": "5", "resend": True}, None)
    assert resent["messageId"] != sent["messageId"]
    assert len(_messages(deployment["queue"])) == 1

    waiting = handler({**PAYLOAD, "phase": "7"}, None)
    assert (waiting["ok"], waiting["dnsOk"], waiting["ses"]) == (True, False, "PENDING")  # SES is read first
    assert waiting["dns"] == f"0/1 servers publish the key at {record.name}"

    publish_record(deployment["dns"], record.name, record.value)  # phase 6: the DNS team's work
    deployment["emulator"].control("/_byodkim/config", {"dns_servers": [deployment["dns"].spec]})
    done = handler({**PAYLOAD, "phase": "7"}, None)
    assert done["ok"] is True, done
    assert (done["dnsOk"], done["ses"], done["notified"], done["scheduleDisabled"]) == (
        True,
        "SUCCESS",
        "SUCCESS",
        RULE,
    )
    assert boto3.client("events").describe_rule(Name=RULE)["State"] == "DISABLED"
    (notice,) = _messages(deployment["queue"])
    assert json.loads(notice)["ses"] == "SUCCESS"
    again = handler({**PAYLOAD, "phase": "7"}, None)
    assert "notified" not in again  # the same verdict is not sent twice
    status = handler({"action": "status", "domain": "goo.ne.jp"}, None)
    assert status["ses"]["status"] == "SUCCESS"
    assert status["dns"] == f"1/1 servers publish the key at {record.name}"


BAD = [
    ("not a dict", 'the payload must be a JSON object; e.g. {"action": "status", "domain": "goo.ne.jp"}'),
    ({"action": "rotate_everything"}, "unknown action `rotate_everything`; use phase_manager, status, health or rotation"),
    ({"action": "status", "domains": "all"}, '"domains" is not a field of the "status" payload; nothing was done; its fields are "action", "environment", "projectName", "time", "domain", "selector" (docs/lambda.md); remove the others'),
    ({"action": "health", "domains": ["a.example"]}, '"domains": ["a.example"] is not understood; give "domains": "all" with "action": "health" or "rotation"'),
    ({**PAYLOAD, "phase": "6"}, "phase `6` is not one this function runs; phase 6 is the DNS team's own work; check it with phase 7"),
    ({**PAYLOAD, "phase": "9"}, "phase `9` is not one this function runs; use 4, 5 or 7"),
    ({**PAYLOAD, "phase": "7", "environment": "stg"}, "environment `stg` does not match this function's `prod`; invoke the right function"),
    # A library refusal names the payload field it is about, never a CLI flag.
    ({**PAYLOAD, "phase": "7", "domain": "sel._domainkey.goo.ne.jp"}, '"domain": `sel._domainkey.goo.ne.jp` is a DKIM record name, not a domain; give only the domain, e.g. goo.ne.jp'),
    ({**PAYLOAD, "phase": "4", "selector": "s1._domainkey.goo.ne.jp"}, '"selector": `s1._domainkey.goo.ne.jp` is a record name, not a selector; give only the first label, e.g. `s1`'),
    ({**PAYLOAD, "phase": "7", "domain": "goo..ne.jp"}, '"domain": `goo..ne.jp` has an empty label (two dots in a row); remove the extra dot'),
    # Deny by default: a field the action does not take is refused, not dropped (the dry run run for real).
    ({"action": "rotation", "dry_run": True}, '"dry_run" is not a field of the "rotation" payload; nothing was done; its fields are "action", "environment", "projectName", "time", "domain", "domains" (docs/lambda.md); remove the others'),
    ({**PAYLOAD, "phase": "7", "resend": True}, '"resend" is not a field of the "phase_manager" (phase 7) payload; nothing was done; its fields are "action", "environment", "projectName", "time", "phase", "domain", "selector", "reregister" (docs/lambda.md); remove the others'),
    ({"action": "status", "domain": ["goo.ne.jp"]}, '"domain": ["goo.ne.jp"] is a list, not a string; nothing was done; give "domain": "goo.ne.jp"'),
]  # fmt: skip


@pytest.mark.parametrize(("event", "error"), BAD)
def test_bad_payloads_get_a_json_error(deployment: dict[str, Any], event: object, error: str) -> None:
    assert _handler()(event, None) == {"ok": False, "error": error}


def test_a_dry_run_the_function_does_not_know_is_refused_before_any_call(deployment: dict[str, Any]) -> None:
    """The tester's case: `"dry_run": true` was dropped and the rotation run for real; now no AWS call is made."""
    emulator = deployment["emulator"]
    handler = _handler()
    since = len(emulator.control("/_byodkim/calls")["calls"])
    answer = handler({"action": "rotation", "dry_run": True, "time": "2026-03-11T09:00:00Z"}, None)
    assert answer["ok"] is False
    assert answer["error"].startswith('"dry_run" is not a field of the "rotation" payload; nothing was done')
    assert emulator.control("/_byodkim/calls")["calls"][since:] == []


def test_aws_errors_raise_so_lambda_counts_them(deployment: dict[str, Any]) -> None:
    # {"ok": false} would be a success to Lambda: its Errors metric and the alarm on it would never move.
    from byodkim.errors import AwsError

    deployment["emulator"].control(
        "/_byodkim/faults",
        {"faults": [{"service": "ssm", "kind": "error", "code": "AccessDeniedException", "count": -1}]},
    )
    with pytest.raises(AwsError) as raised:
        _handler()({**PAYLOAD, "phase": "4"}, None)
    assert str(raised.value) == (
        "AWS denied GetParameter (AccessDeniedException); grant the caller this action, or use a profile that has it"
    )


def test_a_handler_whose_dns_is_unreachable_raises(
    deployment: dict[str, Any], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from byodkim.errors import DnsUnreachableError
    from byodkim.local.dns import free_port

    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", deployment["private"]).code == 0
    )
    monkeypatch.setenv("NAMESERVERS", f"127.0.0.1:{free_port()}")  # nothing listens there
    with pytest.raises(DnsUnreachableError, match=r"^no authoritative server answered for goo\.ne\.jp: 0/1 servers"):
        _handler()({**PAYLOAD, "phase": "7"}, None)


def test_phase_7_on_a_failed_identity_notifies_before_any_reregistration(deployment: dict[str, Any], cli: Cli) -> None:
    emulator = deployment["emulator"]
    emulator.control("/_byodkim/config", {"dns_servers": [], "dkim_window": 1})
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", deployment["private"]).code == 0
    )
    # SES gives up: the record never appeared within the (shortened) window, run out on the emulator's clock.
    emulator.control("/_byodkim/clock", {"advance": 2})
    assert boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Status"] == "FAILED"
    registered_at = _key_time()

    failed = _handler()({**PAYLOAD, "phase": "7"}, None)
    assert (failed["ok"], failed["ses"], failed["notified"], failed["dns"]) == (True, "FAILED", "FAILED", None)
    assert failed["next"].startswith("publish the record (check it with `byodkim verify`), then invoke phase 7 with")
    (notice,) = _messages(deployment["queue"])
    # In SES's own word (VerificationInfo.ErrorType): the emulated SES had no name server to ask.
    assert json.loads(notice)["cause"] == (
        f"SES stopped looking for {SELECTOR}._domainkey.goo.ne.jp with this key: "
        "the domain's name servers did not answer SES (DNS_SERVER_ERROR)"
    )
    assert _key_time() == registered_at  # told first; nothing registered again
    # As `phase 7 --invoke` gets the answer, through JSON: the cause and the way out said in Japanese.
    from byodkim.cli.rollout_lines import keyed_answer, phase_lines
    from test_japanese_sweep import english_sentences

    shown = phase_lines(keyed_answer(json.loads(json.dumps(failed)), "ap-northeast-1", "/x/selector"), "ja")
    assert [s for line in shown for s in english_sentences(line)] == [], shown
    assert any(line.endswith("検証をやり直してください") for line in shown), shown
    assert any(f"SES はこの鍵での {SELECTOR}._domainkey.goo.ne.jp の確認をやめました" in line for line in shown), shown

    record = DkimRecord("goo.ne.jp", SELECTOR, keyload.load_private_key(deployment["private"]).public.b64)
    publish_record(deployment["dns"], record.name, record.value)
    emulator.control("/_byodkim/config", {"dns_servers": [deployment["dns"].spec], "dkim_window": 3600})
    again = _handler()({**PAYLOAD, "phase": "7", "reregister": True}, None)
    assert (again["dnsOk"], again["registration"], again["ses"]) == (True, "updated", "SUCCESS")
    assert _key_time() > registered_at


def _key_time() -> float:
    state = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    return float(state["LastKeyGenerationTimestamp"].timestamp())


def test_handler_runs_in_cpython_312_as_lambda_loads_it(deployment: dict[str, Any], cli: Cli, tmp_path: Path) -> None:
    """Only the stdlib, the built layer, the function code and boto3 on the path: what Lambda gives it."""
    from byodkim.artifacts import layer
    from byodkim.artifacts.package import build_code_zip

    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", deployment["private"]).code == 0
    )
    built = layer.build_layer(layer.BuildOptions(layer.runtime("python3.12"), "x86_64", out=tmp_path / "layer.zip"))
    code = build_code_zip(tmp_path / "code.zip")
    for archive, folder in ((built.path, "layer"), (code.path, "code")):
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(tmp_path / folder)
    with zipfile.ZipFile(code.path) as opened:
        names = opened.namelist()
    assert "byodkim/lambda_handler.py" in names
    assert not [n for n in names if n.startswith("byodkim/emulator/") or n.endswith(".pyc")]
    runtime_boto3 = tmp_path / "runtime"
    from byodkim.artifacts.layer import _uv

    subprocess.run(
        [_uv(), "pip", "install", "--quiet", "--target", str(runtime_boto3), "--python-version", "3.12", "--python-platform",
         "x86_64-manylinux_2_34", "--only-binary", ":all:", "boto3"],
        check=True, capture_output=True, env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
    )  # fmt: skip
    script = (
        "import json, sys; sys.path[:0] = sys.argv[1:4];"
        "from byodkim.lambda_handler import handler;"
        'print(json.dumps(handler({"action": "status", "domain": "goo.ne.jp"}, None)));'
        "import byodkim, cryptography, dns; print(byodkim.__file__, cryptography.__file__, dns.__file__)"
    )
    done = subprocess.run(
        [python_for("3.12"), "-I", "-S", "-c", script, str(tmp_path / "code"), str(tmp_path / "layer" / "python"), str(runtime_boto3)],
        capture_output=True, text=True, check=False, env={**os.environ},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer, where = done.stdout.splitlines()
    result = json.loads(answer)
    assert result["ok"] is True, result
    assert result["ses"]["origin"] == "EXTERNAL"
    assert where.split() == [
        str(tmp_path / "code" / "byodkim" / "__init__.py"),
        str(tmp_path / "layer" / "python" / "cryptography" / "__init__.py"),
        str(tmp_path / "layer" / "python" / "dns" / "__init__.py"),
    ]


class _Stack:
    """Enough of a Sceptre stack for a resolver: a name and a connection manager over boto3."""

    name = "prod/phase-4-dns-preparation"

    class connection_manager:  # noqa: N801 - the attribute name Sceptre uses
        @staticmethod
        def call(service: str, command: str, kwargs: dict[str, Any]) -> Any:
            client: Any = boto3.client(service)  # type: ignore[call-overload]
            return getattr(client, command)(**kwargs)


def test_dkim_record_resolver(deployment: dict[str, Any], cli: Cli) -> None:
    from byodkim.sceptre_plugins import DkimRecordResolver

    resolver = DkimRecordResolver(
        {"domain": "goo.ne.jp", "selector": SELECTOR, "secret_prefix": "byodkim/dkim"}, _Stack()
    )
    assert resolver.resolve() == ""  # no key yet: the Route 53 record waits
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", deployment["private"]).code == 0
    )
    resolver = DkimRecordResolver(
        {"domain": "goo.ne.jp", "selector": SELECTOR, "secret_prefix": "byodkim/dkim"}, _Stack()
    )
    emulator = deployment["emulator"]
    before = len(emulator.control("/_byodkim/calls")["calls"])
    value = resolver.resolve()
    record = DkimRecord("goo.ne.jp", SELECTOR, keyload.load_private_key(deployment["private"]).public.b64)
    assert value == '"' + '" "'.join(record.strings) + '"'
    assert "PRIVATE" not in value
    # Every launch resolves this: it must not read the key (the security stack alarms on GetSecretValue).
    calls = emulator.control("/_byodkim/calls")["calls"][before:]
    assert [c["operation"] for c in calls if c["service"] == "secretsmanager"] == ["DescribeSecret"]


def test_dkim_record_resolver_reads_a_secret_stored_before_the_description_carried_the_key(
    deployment: dict[str, Any],
) -> None:
    from byodkim.sceptre_plugins import DkimRecordResolver

    key = keyload.load_private_key(deployment["private"])
    boto3.client("secretsmanager").create_secret(
        Name=f"byodkim/dkim/goo.ne.jp/{SELECTOR}",
        SecretString=json.dumps({"privateKey": key.ses_private_key()}),
        Description="stored by an earlier byodkim",
    )
    value = DkimRecordResolver(
        {"domain": "goo.ne.jp", "selector": SELECTOR, "secret_prefix": "byodkim/dkim"}, _Stack()
    ).resolve()
    assert value == '"' + '" "'.join(DkimRecord("goo.ne.jp", SELECTOR, key.public.b64).strings) + '"'
