"""byodkim register, status and rollback against the emulator over HTTP, with a real BIND."""

from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING

import boto3
import pytest

from byodkim.display import display_width
from byodkim.dkim import keyload, keys
from byodkim.dkim.record import DkimRecord
from byodkim.local.dns import LocalNameServer, zone_text
from conftest import Cli, OpenSSLKeys, publish_easy_dkim, publish_record, remove_record

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator

REGIONS = ("--region", "ap-northeast-1", "--region", "us-east-1")


def _identities(emulator: Emulator) -> list[dict[str, object]]:
    found: list[dict[str, object]] = emulator.control("/_byodkim/ses/identities")["identities"]
    return found


def _dkim_calls(emulator: Emulator) -> list[str]:
    dkim = {"CreateEmailIdentity", "PutEmailIdentityDkimSigningAttributes"}
    return [c["operation"] for c in emulator.control("/_byodkim/calls")["calls"] if c["operation"] in dkim]


@pytest.mark.parametrize("form", ["pkcs1.pem", "pkcs8.pem", "pkcs1.der", "pkcs8.der", "body8.b64", "utf16-bom.pem"])
def test_ses_receives_pkcs1_whatever_form_openssl_wrote(
    cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys, form: str
) -> None:
    result = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys[form])
    assert result.code == 0, result.err
    (identity,) = _identities(emulator)
    assert identity["key_format"] == "PKCS#1"
    assert identity["key_sha256"] == hashlib.sha256(openssl_keys.pkcs1_der_b64.encode()).hexdigest()
    assert (identity["origin"], identity["selector"], identity["status"]) == ("EXTERNAL", "s1", "PENDING")


def test_new_key_is_stored_in_secrets_manager_and_reused(cli: Cli, emulator: Emulator) -> None:
    kms_key = boto3.client("kms").create_key(Description="phase-1 stand-in")["KeyMetadata"]["KeyId"]
    first = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--kms-key-id", kms_key)
    assert first.code == 0, first.err
    assert first.out.startswith("new key sha256:")
    assert ": stored byodkim/dkim/goo.ne.jp/s1 (ap-northeast-1)\n" in first.out
    secrets = boto3.client("secretsmanager")
    described = secrets.describe_secret(SecretId="byodkim/dkim/goo.ne.jp/s1")
    tags = {t["Key"]: t["Value"] for t in described["Tags"]}
    body = json.loads(secrets.get_secret_value(SecretId="byodkim/dkim/goo.ne.jp/s1")["SecretString"])
    key = keyload.from_ses_form(body["privateKey"])
    assert tags == {
        "byodkim:domain": "goo.ne.jp",
        "byodkim:selector": "s1",
        "byodkim:fingerprint": key.public.fingerprint,
    }
    assert body["fingerprint"] == key.public.fingerprint
    assert described["KmsKeyId"] == kms_key
    again = cli("register", "--domain", "goo.ne.jp", "--selector", "s1")
    assert again.out.startswith(f"key {key.public.fingerprint}: read from secret byodkim/dkim/goo.ne.jp/s1")
    assert "ap-northeast-1: already registered (DKIM PENDING)" in again.out


@pytest.mark.parametrize("layout", ["keys/s1.private.pem", "keys/goo.ne.jp/s1.private.pem"])
def test_a_keygen_file_no_option_names_is_not_replaced_by_a_new_key(
    cli: Cli, emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """The report's `register` line has no --key-file; typed beside keygen's file it must not make another key."""
    monkeypatch.chdir(tmp_path)
    made = keys.generate()
    folder = (tmp_path / layout).parent
    keys.write_key_files(folder, "s1", made)
    kms_key = boto3.client("kms").create_key(Description="phase-1 stand-in")["KeyMetadata"]["KeyId"]
    refused = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--kms-key-id", kms_key)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        f"error: no key was named and `{layout}` holds a key for s1: register would make a new key instead, "
        f"and the record made from `{layout}` would never match what SES signs with; "
        f"give --key-file {layout} to register that key\n"
    )
    secrets = boto3.client("secretsmanager")
    assert secrets.list_secrets()["SecretList"] == []  # nothing stored
    # One step off: once that key is stored, the same line reads it from the secret (a second region, a re-run).
    stored = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", layout, "--kms-key-id", kms_key)
    assert stored.code == 0, stored.err
    again = cli("register", "--domain", "goo.ne.jp", "--selector", "s1")
    assert again.code == 0, again.err
    assert again.out.startswith(f"key {made.public.fingerprint}: read from secret byodkim/dkim/goo.ne.jp/s1")


def test_rerun_sends_no_dkim_call(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    assert (
        cli(
            "register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"], *REGIONS
        ).code
        == 0
    )
    assert _dkim_calls(emulator) == ["CreateEmailIdentity", "CreateEmailIdentity"]
    calls_before = len(emulator.control("/_byodkim/calls")["calls"])
    result = cli(
        "register",
        "--domain",
        "goo.ne.jp",
        "--selector",
        "s1",
        "--key-file",
        openssl_keys["pkcs1.pem"],
        *REGIONS,
        "--output",
        "json",
    )
    assert result.code == 0
    data = json.loads(result.out)
    assert [r["action"] for r in data["regions"]] == ["already registered", "already registered"]
    later = emulator.control("/_byodkim/calls")["calls"][calls_before:]
    assert [c["operation"] for c in later if c["service"] == "ses"] == ["GetEmailIdentity", "GetEmailIdentity"]


def test_dry_run_changes_nothing(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    result = cli(
        "register",
        "--domain",
        "goo.ne.jp",
        "--selector",
        "s1",
        "--key-file",
        openssl_keys["pkcs8.pem"],
        *REGIONS,
        "--dry-run",
    )
    assert result.code == 0, result.err
    assert ": would store byodkim/dkim/goo.ne.jp/s1 (ap-northeast-1)" in result.out
    assert (
        "ap-northeast-1: would create\n  would call CreateEmailIdentity(EmailIdentity=goo.ne.jp, DkimSigningAttributes=<selector s1, key>"
        in result.out
    )
    assert _identities(emulator) == []
    assert boto3.client("secretsmanager").list_secrets()["SecretList"] == []
    assert openssl_keys.pkcs1_der_b64[:60] not in result.out


@pytest.mark.usefixtures("short_backoff")
def test_one_region_failing_then_rerun_converges(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    emulator.control(
        "/_byodkim/faults", {"faults": [{"service": "ses", "region": "us-east-1", "kind": "5xx", "count": -1}]}
    )
    args = ("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"], *REGIONS)
    first = cli(*args)
    assert first.code == 1
    assert "ap-northeast-1: created (DKIM PENDING)\n" in first.out
    assert (
        "us-east-1: failed: GetEmailIdentity failed: InternalFailure: injected by the byodkim emulator (5xx)\n"
        in first.out
    )
    emulator.control("/_byodkim/faults", {"faults": []})
    second = cli(*args)
    assert second.code == 0, second.out
    assert "ap-northeast-1: already registered (DKIM PENDING)\nus-east-1: created (DKIM PENDING)\n" in second.out


@pytest.mark.usefixtures("short_backoff")
def test_throttling_and_5xx_are_retried(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    faults = [
        {"service": "ses", "operation": "CreateEmailIdentity", "kind": "throttle", "count": 2},
        {"service": "secretsmanager", "operation": "CreateSecret", "kind": "5xx", "count": 1},
    ]
    emulator.control("/_byodkim/faults", {"faults": faults})
    result = cli("register", "--domain", "goo.ne.jp", "--selector", "s1")
    assert result.code == 0, result.err
    calls = [c["operation"] for c in emulator.control("/_byodkim/calls")["calls"]]
    assert calls.count("CreateEmailIdentity") == 3
    assert calls.count("CreateSecret") == 2


def test_status_pending_to_success_from_a_real_dns_server(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs8.pem"]).code == 0
    )
    pending = json.loads(cli("status", "--domain", "goo.ne.jp", "--output", "json", "--no-dns").out)["regions"][0]
    assert (pending["status"], pending["origin"], pending["tokens"], pending["verified_for_sending"]) == (
        "PENDING",
        "EXTERNAL",
        ["s1"],
        False,
    )
    record = DkimRecord("goo.ne.jp", "s1", keyload.load_public_key(openssl_keys["public.pem"]).b64)
    publish_record(goo_dns, record.name, record.value)
    text = cli("status", "--domain", "goo.ne.jp", "--nameserver", goo_dns.spec)
    lines = text.out.splitlines()
    assert lines[0].split() == ["REGION", "ORIGIN", "STATUS", "SIGNING", "SELECTOR", "SENDING", "KEY", "SINCE"]
    assert lines[1].split()[:6] == ["ap-northeast-1", "EXTERNAL", "SUCCESS", "on", "s1", "verified"]
    assert lines[0].index("STATUS") == lines[1].index("SUCCESS")  # columns line up
    assert lines[2] == "dns: 1/1 servers publish the key at s1._domainkey.goo.ne.jp"
    assert lines[3].startswith(f"  {goo_dns.spec}: ok key sha256:")
    ja = cli("status", "--domain", "goo.ne.jp", "--nameserver", goo_dns.spec, "--lang", "ja").out.splitlines()
    assert ja[0].split() == ["リージョン", "鍵の出所", "状態", "署名", "セレクタ", "送信", "鍵の作成日時"]
    assert display_width(ja[0][: ja[0].index("状態")]) == ja[1].index("SUCCESS")  # aligned by display width
    assert ja[2] == "DNS: s1._domainkey.goo.ne.jp の鍵を公開している権威サーバー: 1/1 台"
    assert ja[3].startswith(f"  {goo_dns.spec}: 一致 鍵 sha256:")
    remove_record(goo_dns, record.name)
    assert (
        json.loads(cli("status", "--domain", "goo.ne.jp", "--output", "json", "--no-dns").out)["regions"][0]["status"]
        == "TEMPORARY_FAILURE"
    )


def test_status_pending_to_failed_with_a_wrong_record(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec], "dkim_window": 1.0})
    # Held: the window passes when the test moves the clock on, however slow the machine.
    emulator.control("/_byodkim/clock", {"pause": True})
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]).code == 0
    )
    wrong = DkimRecord("goo.ne.jp", "s1", keys.generate(1024).public.b64)
    publish_record(goo_dns, wrong.name, wrong.value)
    assert (
        json.loads(cli("status", "--domain", "goo.ne.jp", "--output", "json", "--no-dns").out)["regions"][0]["status"]
        == "PENDING"
    )
    emulator.control("/_byodkim/clock", {"advance": 1.2})
    assert (
        json.loads(cli("status", "--domain", "goo.ne.jp", "--output", "json", "--no-dns").out)["regions"][0]["status"]
        == "FAILED"
    )


def test_pkcs8_sent_directly_is_accepted_and_never_verifies(
    emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    ses = boto3.client("sesv2")
    pkcs8_body = (openssl_keys["body8.b64"]).read_text().strip()
    ses.create_email_identity(
        EmailIdentity="goo.ne.jp",
        DkimSigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": pkcs8_body},
    )
    record = DkimRecord("goo.ne.jp", "s1", keyload.load_public_key(openssl_keys["public.pem"]).b64)
    publish_record(goo_dns, record.name, record.value)
    assert ses.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Status"] == "PENDING"
    assert _identities(emulator)[0]["key_format"] == "PKCS#8"


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("-----BEGIN RSA PRIVATE KEY-----", "domainSigningPrivateKey"),
        ("A" * 20481, "domainSigningPrivateKey"),
        ("MIIB\nAAAA", "domainSigningPrivateKey"),
    ],
)
def test_keys_ses_refuses_get_ses_error_shape(emulator: Emulator, key: str, field: str) -> None:
    from botocore.exceptions import ClientError

    ses = boto3.client("sesv2")
    ses.create_email_identity(EmailIdentity="goo.ne.jp")
    with pytest.raises(ClientError) as caught:
        ses.put_email_identity_dkim_signing_attributes(
            EmailIdentity="goo.ne.jp",
            SigningAttributesOrigin="EXTERNAL",
            SigningAttributes={"DomainSigningSelector": "s1", "DomainSigningPrivateKey": key},
        )
    assert caught.value.response["Error"]["Code"] == "BadRequestException"
    assert field in caught.value.response["Error"]["Message"]


def _easy_dkim_signing(emulator: Emulator, goo_dns: LocalNameServer) -> None:
    """An identity on Easy DKIM whose CNAMEs are published, so SES reports SUCCESS: it is signing."""
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    ses = boto3.client("sesv2")
    tokens = ses.create_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Tokens"]
    publish_easy_dkim(goo_dns, "goo.ne.jp", tokens)
    assert ses.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Status"] == "SUCCESS"


def test_easy_dkim_guard(cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys) -> None:
    _easy_dkim_signing(emulator, goo_dns)
    args = (
        "register",
        "--domain",
        "goo.ne.jp",
        "--selector",
        "s1",
        "--key-file",
        openssl_keys["pkcs1.pem"],
        "--nameserver",
        goo_dns.spec,
    )
    refused = cli(*args)
    assert refused.code == 1
    assert refused.out.splitlines()[1] == (
        "ap-northeast-1: refused (DKIM SUCCESS): the identity signs with Easy DKIM now; switching before the new record is live "
        "on every authoritative server sends mail unsigned by the domain while SES is PENDING (0/1 servers publish the key "
        "at s1._domainkey.goo.ne.jp). To go on, publish the record, check it with `byodkim verify`, then run again, "
        "or pass --force"
    )
    assert _dkim_calls(emulator) == ["CreateEmailIdentity"]  # only the test's own Easy DKIM setup
    record = DkimRecord("goo.ne.jp", "s1", keyload.load_public_key(openssl_keys["public.pem"]).b64)
    publish_record(goo_dns, record.name, record.value)
    allowed = cli(*args)
    assert allowed.code == 0, allowed.out
    assert "ap-northeast-1: updated (DKIM PENDING)" in allowed.out


def test_easy_dkim_guard_force(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, openssl_keys: OpenSSLKeys
) -> None:
    _easy_dkim_signing(emulator, goo_dns)
    forced = cli(
        "register",
        "--domain",
        "goo.ne.jp",
        "--selector",
        "s1",
        "--key-file",
        openssl_keys["pkcs1.pem"],
        "--force",
        "--nameserver",
        "127.0.0.1:9",
    )
    assert forced.code == 0, forced.out
    assert _identities(emulator)[0]["origin"] == "EXTERNAL"


def test_private_key_appears_nowhere_at_debug(
    cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys, tmp_path: Path
) -> None:
    result = cli(
        "--debug",
        "register",
        "--domain",
        "goo.ne.jp",
        "--selector",
        "s1",
        "--key-file",
        openssl_keys["pkcs8.pem"],
        *REGIONS,
    )
    again = cli("--debug", "register", "--domain", "goo.ne.jp", "--selector", "s1", *REGIONS)  # reads the secret back
    assert result.code == 0
    assert again.code == 0
    captured = result.out + result.err + again.out + again.err
    # One line per AWS call, as an operator reads them; not botocore's hook chatter.
    assert "DEBUG byodkim.aws.calls: sesv2 CreateEmailIdentity ap-northeast-1 -> HTTP 200 (" in captured
    assert "DEBUG byodkim.aws.calls: secretsmanager GetSecretValue ap-northeast-1 -> HTTP 200 (" in captured
    assert "DEBUG botocore" not in captured
    calls = [line for line in captured.splitlines() if "byodkim.aws.calls" in line]
    assert len(calls) >= 4
    forms = [
        openssl_keys.pkcs1_der_b64,
        (openssl_keys["body8.b64"]).read_text().strip(),
        (openssl_keys["body.b64"]).read_text().strip(),
    ]
    for form in forms:
        for start in range(0, len(form) - 40, 40):
            assert form[start : start + 40] not in captured
    assert "PRIVATE KEY" not in captured


def test_rollback(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"]).code == 0
    )
    refused = cli("rollback", "--domain", "goo.ne.jp")
    assert (refused.code, refused.err) == (
        2,
        "error: rollback changes how mail is signed and needs confirmation; run it in a terminal or add -y/--yes\n",
    )
    regions = ("--region", "ap-northeast-1", "--region", "eu-west-1")
    planned = cli("rollback", "--domain", "goo.ne.jp", "--dry-run", *regions)
    assert planned.out.splitlines() == [
        "ap-northeast-1: would switch to Easy DKIM (DKIM now PENDING)",
        "eu-west-1: no identity: nothing (DKIM now NO IDENTITY)",
    ]
    assert (
        boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["SigningAttributesOrigin"]
        == "EXTERNAL"
    )  # the dry run changed nothing
    done = cli("rollback", "--domain", "goo.ne.jp", "-y", *regions)
    assert done.code == 0
    assert done.out.splitlines()[:2] == [
        "ap-northeast-1: rolled back to Easy DKIM (DKIM PENDING)",
        "eu-west-1: no identity",
    ]
    state = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")
    assert state["DkimAttributes"]["SigningAttributesOrigin"] == "AWS_SES"
    assert "byodkim:fingerprint" not in {t["Key"] for t in state["Tags"]}


def test_access_denied_names_the_action(cli: Cli, emulator: Emulator) -> None:
    emulator.control(
        "/_byodkim/faults",
        {
            "faults": [
                {
                    "service": "secretsmanager",
                    "kind": "error",
                    "code": "AccessDeniedException",
                    "status": 400,
                    "count": -1,
                }
            ]
        },
    )
    result = cli("register", "--domain", "goo.ne.jp", "--selector", "s1")
    assert (result.code, result.err) == (
        1,
        "error: AWS denied GetSecretValue (AccessDeniedException); grant the caller this action, or use a profile that has it\n",
    )


def test_access_denied_in_one_region_is_reported_per_region(
    cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys
) -> None:
    emulator.control(
        "/_byodkim/faults",
        {
            "faults": [
                {"service": "ses", "region": "us-east-1", "kind": "error", "code": "AccessDeniedException", "count": -1}
            ]
        },
    )
    result = cli(
        "register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"], *REGIONS
    )
    assert result.code == 1
    assert (
        "us-east-1: failed: AWS denied GetEmailIdentity (AccessDeniedException); grant the caller this action"
        in result.out
    )


@pytest.mark.usefixtures("no_credentials")
def test_missing_credentials(cli: Cli) -> None:
    result = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--region", "ap-northeast-1")
    assert (result.code, result.err) == (
        1,
        "error: no AWS credentials found; set AWS_PROFILE, run `aws configure`, or `aws sso login`\n",
    )


def test_unknown_region_and_profile(cli: Cli, emulator: Emulator) -> None:
    result = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--region", "ap-northeast-9")
    assert (result.code, result.err) == (
        2,
        (
            "error: Invalid value for '--region': `ap-northeast-9` is not an AWS region; use a region name such as "
            "ap-northeast-1 (Tokyo) (see 'byodkim register --help')\n"
        ),
    )
    result = cli("status", "--domain", "goo.ne.jp", "--region", "Tokyo")
    assert (result.code, result.err) == (
        2,
        (
            "error: Invalid value for '--region': `Tokyo` is not an AWS region; use a region name such as "
            "ap-northeast-1 (Tokyo) (see 'byodkim status --help')\n"
        ),
    )
    result = cli("status", "--domain", "goo.ne.jp", "--profile", "nobody")
    assert (result.code, result.err) == (2, "error: AWS profile `nobody` does not exist; check ~/.aws/config\n")


def test_unreachable_endpoint(
    cli: Cli, emulator: Emulator, monkeypatch: pytest.MonkeyPatch, short_backoff: None
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    # An endpoint that answered the dead-port probe and then went away (an emulator stopping mid-command);
    # one that never answers is refused before any call (tests/test_sandbox_env.py).
    monkeypatch.setattr("byodkim.aws.endpoint.answers", lambda _host, _port: True)
    result = cli("status", "--domain", "goo.ne.jp", "--no-dns")
    assert result.code == 1
    assert (
        result.out
        == "ap-northeast-1: error: cannot reach http://127.0.0.1:9/v2/email/identities/goo.ne.jp; check the network, the region, and AWS_ENDPOINT_URL if set\n"
    )


def test_bad_key_is_refused_before_any_aws_call(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    result = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["rsa4096.pem"])
    assert result.code == 2
    assert "is a 4096-bit RSA key" in result.err
    assert emulator.control("/_byodkim/calls")["calls"] == []


def test_secret_with_a_different_key_is_refused(cli: Cli, emulator: Emulator, openssl_keys: OpenSSLKeys) -> None:
    assert cli("register", "--domain", "goo.ne.jp", "--selector", "s1").code == 0
    result = cli("register", "--domain", "goo.ne.jp", "--selector", "s1", "--key-file", openssl_keys["pkcs1.pem"])
    assert result.code == 2
    assert result.err.startswith("error: secret `byodkim/dkim/goo.ne.jp/s1` already holds a different key (sha256:")
    assert result.err.endswith(
        "use a new --selector for a new key (see `byodkim rotate`), or --secret-id to use the stored one\n"
    )


def test_killed_between_key_storage_and_registration_converges(emulator: Emulator, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    # SES throttles every create, so the process sits in botocore's retries after storing the key; kill it there.
    emulator.control(
        "/_byodkim/faults",
        {"faults": [{"service": "ses", "operation": "CreateEmailIdentity", "kind": "throttle", "count": -1}]},
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "byodkim", "register", "--domain", "goo.ne.jp", "--selector", "s1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        operations = [c["operation"] for c in emulator.control("/_byodkim/calls")["calls"]]
        if "CreateSecret" in operations and "CreateEmailIdentity" in operations:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)
    assert _identities(emulator) == []  # never registered
    stored = json.loads(
        boto3.client("secretsmanager").get_secret_value(SecretId="byodkim/dkim/goo.ne.jp/s1")["SecretString"]
    )
    emulator.control("/_byodkim/faults", {"faults": []})
    from byodkim.cli import run

    assert run(["register", "--domain", "goo.ne.jp", "--selector", "s1"]) == 0  # the re-run converges
    (identity,) = _identities(emulator)
    assert (
        identity["key_sha256"] == hashlib.sha256(stored["privateKey"].encode()).hexdigest()
    )  # nothing lost: the stored key


def test_a_new_secret_is_encrypted_with_the_phase_1_secrets_key_else_its_older_key(
    cli: Cli, emulator: Emulator
) -> None:
    del emulator
    kms = boto3.client("kms")
    secrets = boto3.client("secretsmanager")
    secrets_key = kms.describe_key(KeyId="alias/aws-ses-migration-prod-dkim-secrets")["KeyMetadata"]
    older = kms.create_key(Description="phase 1, first release")["KeyMetadata"]
    kms.create_alias(AliasName="alias/aws-ses-migration-prod-dkim", TargetKeyId=older["KeyId"])
    first = cli("register", "--domain", "goo.ne.jp", "--selector", "s1")
    assert first.code == 0, first.err
    assert secrets.describe_secret(SecretId="byodkim/dkim/goo.ne.jp/s1")["KmsKeyId"] == secrets_key["Arn"]
    # A phase 1 launched before the secrets key existed: its one key, never the AWS-managed one.
    kms.delete_alias(AliasName="alias/aws-ses-migration-prod-dkim-secrets")
    second = cli("register", "--domain", "goo.ne.jp", "--selector", "s2")
    assert second.code == 0, second.err
    assert secrets.describe_secret(SecretId="byodkim/dkim/goo.ne.jp/s2")["KmsKeyId"] == older["Arn"]


def test_switching_away_from_an_external_key_that_signs_needs_the_new_record_live(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    old, new = keys.generate(), keys.generate()
    for name, key in (("old", old), ("new", new)):
        keys.write_key_files(tmp_path / name, name, key)
    publish_record(goo_dns, "old._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", "old", old.public.b64).value)
    first = cli("register", "--domain", "goo.ne.jp", "--selector", "old", "--key-file", tmp_path / "old" / "old.private.pem",
                "--nameserver", goo_dns.spec)  # fmt: skip
    assert first.code == 0, first.out
    assert "SUCCESS" in cli("status", "--domain", "goo.ne.jp").out
    args = ("register", "--domain", "goo.ne.jp", "--selector", "new", "--key-file", tmp_path / "new" / "new.private.pem",
            "--nameserver", goo_dns.spec)  # fmt: skip
    refused = cli(*args)
    assert refused.code == 1
    assert "refused (DKIM SUCCESS): the identity signs with selector old now;" in refused.out
    assert "change keys with `byodkim rotate`, which waits for the record" in refused.out
    assert _identities(emulator)[0]["selector"] == "old"  # nothing changed
    assert cli(*args, "--force").code == 0
    assert _identities(emulator)[0]["selector"] == "new"
    # Back to the old key: its record is live, so the switch is allowed without --force.
    back = cli("register", "--domain", "goo.ne.jp", "--selector", "old", "--key-file", tmp_path / "old" / "old.private.pem",
               "--nameserver", goo_dns.spec)  # fmt: skip
    assert back.code == 0, back.out


@pytest.mark.usefixtures("no_credentials")
def test_verify_ses_without_credentials_names_them(cli: Cli, openssl_keys: OpenSSLKeys) -> None:
    record = DkimRecord("goo.ne.jp", "s1", keyload.load_public_key(openssl_keys["public.pem"]).b64)
    with LocalNameServer({"goo.ne.jp": zone_text("goo.ne.jp", 1, [record.zone_line()])}) as named:
        result = cli("verify", "--domain", "goo.ne.jp", "--selector", "s1", "--public-key-file", openssl_keys["public.pem"],
                     "--nameserver", named.spec, "--ses", "--region", "ap-northeast-1")  # fmt: skip
    assert result.code == 1
    assert result.err == "error: no AWS credentials found; set AWS_PROFILE, run `aws configure`, or `aws sso login`\n"
    assert "NO IDENTITY" not in result.out + result.err
