"""byodkim rotate: stopped after every step and resumed, the DNS/SES invariant checked each time."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import boto3

from byodkim.aws import secrets as secretstore
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from byodkim.dnscheck import check as verify
from byodkim.dnscheck import judge
from byodkim.dnscheck import servers as servers_mod
from conftest import Cli, default_sigint, publish_record

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer

OLD, NEW = "gooid-21-pro-20250912-1", "gooid-21-pro-20261201-1"


def _start_on_byodkim(cli: Cli, emulator: Emulator, dns: LocalNameServer, tmp_path: Path) -> None:
    emulator.control("/_byodkim/config", {"dns_servers": [dns.spec]})
    key = keys.generate()
    keys.write_key_files(tmp_path, OLD, key)
    publish_record(dns, f"{OLD}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", OLD, key.public.b64).value)
    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", OLD, "--key-file", tmp_path / f"{OLD}.private.pem").code
        == 0
    )
    assert boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Status"] == "SUCCESS"


def _assert_invariant(emulator: Emulator, dns: LocalNameServer) -> str:
    """The key SES signs with is published, and matches, on every authoritative server."""
    (active,) = emulator.control("/_byodkim/ses/identities")["identities"]
    selector = str(active["selector"])
    stored = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{selector}")
    assert stored is not None
    assert hashlib.sha256(stored.ses_private_key().encode()).hexdigest() == active["key_sha256"]
    report = verify.check(judge.Check("goo.ne.jp", selector, stored.public, tuple(servers_mod.parse_server(dns.spec))))
    assert report.ok, f"SES signs with {selector}, whose record is not live: {report.summary()}"
    return selector


def _publish_new(dns: LocalNameServer) -> None:
    stored = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{NEW}")
    assert stored is not None
    publish_record(dns, f"{NEW}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", NEW, stored.public.b64).value)


def test_rotation_stopped_after_every_step_and_resumed(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _start_on_byodkim(cli, emulator, goo_dns, tmp_path)
    state_dir = tmp_path / "state"
    args = (
        "rotate",
        "--domain",
        "goo.ne.jp",
        "--new-selector",
        NEW,
        "--nameserver",
        goo_dns.spec,
        "--state-dir",
        state_dir,
        "--interval",
        "0.1",
    )
    expected_active = {"keyed": OLD, "requested": OLD, "published": OLD, "switched": NEW, "verified": NEW}
    planned = cli(*args, "--dry-run")
    assert planned.out.splitlines() == [
        f"rotation of goo.ne.jp from {OLD} to {NEW}: done nothing yet",
        "a run would do next: keyed: new key generated and stored in Secrets Manager",
    ]
    assert not (state_dir / "rotation-goo.ne.jp.json").exists()  # the dry run wrote nothing
    for step in ("keyed", "requested", "published", "switched", "verified"):
        if step == "switched":
            ahead = json.loads(cli(*args, "--dry-run", "-o", "json").out)
            assert (ahead["dry_run"], ahead["next"], ahead["done"][-1]) == (True, "switched", "published")
            assert _assert_invariant(emulator, goo_dns) == OLD  # nothing switched by the dry run
        if step == "published":
            _publish_new(goo_dns)  # the DNS team, between "requested" and "published"
        result = cli(*args, "--until", step, "--timeout", "20s")
        assert result.code == 0, result.err
        state = json.loads((state_dir / "rotation-goo.ne.jp.json").read_text())
        assert state["done"][-1] == step
        assert "PRIVATE" not in json.dumps(state)
        assert _assert_invariant(emulator, goo_dns) == expected_active[step]
    assert result.out.startswith(
        f"rotated goo.ne.jp from {OLD} to {NEW}. Keep the old record {OLD}._domainkey.goo.ne.jp until 20"
    )
    assert "already done" in result.err
    request = (state_dir / f"dns-request-goo.ne.jp-{NEW}.md").read_text()
    assert f"{NEW}._domainkey.goo.ne.jp" in request
    # The new key's secret denies every reader but its holders, as register's does.
    policy = boto3.client("secretsmanager").get_resource_policy(SecretId=f"byodkim/dkim/goo.ne.jp/{NEW}")
    (deny,) = json.loads(policy["ResourcePolicy"])["Statement"]
    assert (deny["Effect"], deny["Principal"]) == ("Deny", "*")
    assert boto3.client("sts").get_caller_identity()["Arn"] in deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
    again = cli(*args)  # the same command again (a Ctrl-C after the last step was saved): done, nothing new
    assert (again.code, again.out) == (0, result.out)
    assert [line.partition(":")[0] for line in again.err.splitlines()] == list(expected_active)
    assert all(line.endswith("(already done)") for line in again.err.splitlines())
    following = cli(*(a if a != NEW else "gooid-21-pro-20270101-1" for a in args))  # the next, with the old file
    assert (following.code, following.err) == (
        2,
        f"error: the rotation to `{NEW}` is finished; delete {state_dir / 'rotation-goo.ne.jp.json'} before the next rotation\n",
    )


def test_rotation_recovers_when_ses_gave_up(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _start_on_byodkim(cli, emulator, goo_dns, tmp_path)
    args: tuple[str, ...] = ("rotate", "--domain", "goo.ne.jp", "--new-selector", NEW, "--nameserver", goo_dns.spec)
    args += ("--state-dir", str(tmp_path / "state"), "--interval", "0.1", "--timeout", "20s")
    assert cli(*args, "--until", "requested").code == 0
    _publish_new(goo_dns)
    assert cli(*args, "--until", "switched").code == 0
    # The record vanishes after the switch and SES gives up on the new key (a shortened window).
    goo_dns.update("goo.ne.jp", delete=[f"{NEW}._domainkey.goo.ne.jp"])
    emulator.control("/_byodkim/config", {"dkim_window": 1})
    sesv2 = boto3.client("sesv2")
    # rotate read SES back after the switch (SUCCESS then): the record's loss is a TEMPORARY_FAILURE
    # first, and FAILED one window later.
    assert sesv2.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Status"] == "TEMPORARY_FAILURE"
    emulator.control("/_byodkim/clock", {"advance": 2})  # one window on, on the clock SES's window runs on
    assert sesv2.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["Status"] == "FAILED"
    failed_at = sesv2.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]["LastKeyGenerationTimestamp"]

    not_yet = cli(*args)
    assert not_yet.code == 1
    assert "SES gave up in ap-northeast-1 and the new record is not live (0/1 servers publish the key at" in not_yet.err

    _publish_new(goo_dns)
    emulator.control("/_byodkim/config", {"dkim_window": 3600})
    resumed = cli(*args)
    assert resumed.code == 0, resumed.err
    assert resumed.out.startswith(f"rotated goo.ne.jp from {OLD} to {NEW}.")
    state = sesv2.get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    assert (state["Status"], state["Tokens"]) == ("SUCCESS", [NEW])
    assert state["LastKeyGenerationTimestamp"] > failed_at  # registered again
    assert _assert_invariant(emulator, goo_dns) == NEW


def test_rotation_killed_while_waiting_for_dns_resumes(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _start_on_byodkim(cli, emulator, goo_dns, tmp_path)
    state_dir = tmp_path / "state"
    args = [
        sys.executable,
        "-m",
        "byodkim",
        "rotate",
        "--domain",
        "goo.ne.jp",
        "--new-selector",
        NEW,
        "--state-dir",
        str(state_dir),
    ]
    args += ["--nameserver", goo_dns.spec, "--interval", "0.1", "--timeout", "60s"]
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        preexec_fn=default_sigint,  # noqa: PLW1509 - only resets a signal, before exec
    )
    deadline = time.monotonic() + 30
    state_file = state_dir / "rotation-goo.ne.jp.json"
    while time.monotonic() < deadline and not (state_file.exists() and "requested" in state_file.read_text()):
        time.sleep(0.1)
    time.sleep(0.5)  # now polling DNS for a record nobody has published
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode != 0
    assert json.loads(state_file.read_text())["done"] == ["keyed", "requested"]
    assert _assert_invariant(emulator, goo_dns) == OLD
    fingerprint = json.loads(state_file.read_text())["fingerprint"]
    _publish_new(goo_dns)
    resumed = cli(
        "rotate",
        "--domain",
        "goo.ne.jp",
        "--new-selector",
        NEW,
        "--state-dir",
        state_dir,
        "--nameserver",
        goo_dns.spec,
        "--interval",
        "0.1",
    )
    assert resumed.code == 0, resumed.err
    assert "keyed: new key generated and stored in Secrets Manager (already done)" in resumed.err
    assert _assert_invariant(emulator, goo_dns) == NEW
    stored = secretstore.read_key(boto3.client("secretsmanager"), f"byodkim/dkim/goo.ne.jp/{NEW}")
    assert stored is not None
    assert stored.public.fingerprint == fingerprint  # the resumed run kept the key it had stored


def test_rotation_refusals(cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path) -> None:
    result = cli("rotate", "--domain", "goo.ne.jp", "--new-selector", NEW, "--state-dir", tmp_path)
    assert (result.code, result.err) == (
        2,
        "error: goo.ne.jp is not on BYODKIM in ap-northeast-1; register a key first (byodkim register)\n",
    )
    _start_on_byodkim(cli, emulator, goo_dns, tmp_path)
    same = cli("rotate", "--domain", "goo.ne.jp", "--new-selector", OLD, "--state-dir", tmp_path)
    assert (same.code, same.err) == (
        2,
        f"error: `{OLD}` is the selector in use; choose a new selector, e.g. with tomorrow's date\n",
    )
    assert (
        cli("rotate", "--domain", "goo.ne.jp", "--new-selector", NEW, "--state-dir", tmp_path, "--until", "keyed").code
        == 0
    )
    other = cli("rotate", "--domain", "goo.ne.jp", "--new-selector", "other-1", "--state-dir", tmp_path)
    assert other.code == 2
    assert other.err.startswith(
        f"error: `{tmp_path / 'rotation-goo.ne.jp.json'}` holds an unfinished rotation to `{NEW}`; finish it with --new-selector {NEW}"
    )
