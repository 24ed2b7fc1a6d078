"""The README's main command, run as written: the whole rollout rehearsed to SUCCESS."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parents[1]


def _readme_command(after: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(after, 1)[1]
    match = re.search(r"```sh\n(.*?)\n```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_readme_main_command_reaches_success() -> None:
    command = _readme_command("Run the main job")
    assert command == "bash scripts/setup.sh && uv run byodkim sandbox"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, check=False, env=env, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "[ 9] SES reports SUCCESS: the phase-7 schedule ran the Lambda in its own process" in done.stderr
    assert re.search(r"sandbox rollout reached SUCCESS in \d+\.\d s", done.stderr)
    assert "  ap-northeast-1: EXTERNAL SUCCESS selector=gooid-21-pro-20250912-1 signing=on" in done.stdout
    assert "  1/1 servers publish the key at gooid-21-pro-20250912-1._domainkey.goo.ne.jp" in done.stdout
    # The end: no step for the sandbox it has stopped; what it checked and stopped, why DMARC is not met, what next.
    assert "rotate" not in done.stdout
    assert "checked: 11 stacks launched with Sceptre, the key registered with SES" in done.stderr
    assert 'DMARC "not met" above is expected: the sandbox\'s zone publishes no DMARC record' in done.stderr
    assert re.search(r"^stopped the AWS emulator at http://127\.0\.0\.1:\d+$", done.stderr, re.MULTILINE)
    assert re.search(r"^stopped the name server \(BIND\) at 127\.0\.0\.1:\d+$", done.stderr, re.MULTILINE)
    assert done.stderr.endswith(
        "next: a real rollout starts at docs/real-account.md (leave the sandbox's environment, a profile, "
        "the IAM policy, the first preflight)\n"
    )
    # The last step: a message through SES, judged by dkimpy as a receiver judges it.
    assert "[10] test message sent through SES verified as a receiver does: dkim=pass d=goo.ne.jp" in done.stderr
    assert "DMARC passes on DKIM: d=goo.ne.jp s=gooid-21-pro-20250912-1" in done.stdout
    assert "PRIVATE KEY" not in done.stdout + done.stderr


def test_readme_test_command_is_what_ci_runs() -> None:
    assert _readme_command("Run the tests") == "bash scripts/test.sh"
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_the_sandbox_with_a_custom_mail_from_passes_check_domain(cli: Cli) -> None:
    """Phase 3 sets mail.goo.ne.jp as MAIL FROM; the request carries its MX and SPF; SES and check-domain agree."""
    import boto3

    from byodkim.local.sandbox import SandboxOptions, rehearse, running

    options = SandboxOptions(mail_from_subdomain="mail")
    with running(options) as box:
        rehearse(box, options)
        request = (box.workdir / "dns-request.md").read_text(encoding="utf-8")
        assert "mail.goo.ne.jp. 3600 IN MX 10 feedback-smtp.ap-northeast-1.amazonses.com." in request
        assert 'mail.goo.ne.jp. 3600 IN TXT "v=spf1 include:amazonses.com ~all"' in request
        phase4 = (
            boto3.client("s3")
            .get_object(
                Bucket="aws-ses-migration-prod-dkim-certificates",
                Key="dns/goo.ne.jp/gooid-21-pro-20250912-1/request-ja.md",
            )["Body"]
            .read()
            .decode()
        )
        assert "mail.goo.ne.jp. 3600 IN MX 10 feedback-smtp.ap-northeast-1.amazonses.com." in phase4  # the Lambda's too
        attributes = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["MailFromAttributes"]
        assert (attributes["MailFromDomain"], attributes["MailFromDomainStatus"]) == ("mail.goo.ne.jp", "SUCCESS")
        assert box.dns is not None
        box.dns.update(
            "goo.ne.jp", add=[("_dmarc.goo.ne.jp", 300, "TXT", ['"v=DMARC1; p=none; rua=mailto:d@goo.ne.jp"'])]
        )
        checked = cli("check-domain", "--domain", "goo.ne.jp", "--nameserver", box.nameserver)
        assert checked.code == 0, checked.out + checked.err
        assert "DMARC for mail from SES passes (DKIM aligned: True; SPF aligned: True)" in checked.out
        assert (
            "SES ap-northeast-1: DKIM EXTERNAL SUCCESS; MAIL FROM mail.goo.ne.jp SUCCESS; configuration set "
            in checked.out
        )
        assert "  p=none: mail that fails DMARC is delivered; receivers only report it" in checked.out


def test_the_sandbox_with_a_second_region_takes_every_declared_domain_to_success(cli: Cli) -> None:
    """A nested Sceptre group adds us-west-2; three subdomains join goo.ne.jp under `domains:`."""
    import json

    import boto3

    from byodkim.local.sandbox import SandboxOptions, rehearse, running

    options = SandboxOptions(second_region="us-west-2", extra_domains=3)
    with running(options) as box:
        rehearse(box, options)
        names = ["goo.ne.jp", "svc01.goo.ne.jp", "svc02.goo.ne.jp", "svc03.goo.ne.jp"]
        assert [s.domain for s in box.deployment.domains] == names
        assert box.deployment.regions == ("ap-northeast-1", "us-west-2")
        stacks = boto3.client("cloudformation", region_name="us-west-2").list_stacks()["StackSummaries"]
        assert [s["StackName"] for s in stacks] == ["aws-ses-migration-prod-prod-us-west-2-phase-3-ses-byodkim"]
        tokyo = {s["StackName"] for s in boto3.client("cloudformation").list_stacks()["StackSummaries"]}
        assert "aws-ses-migration-prod-prod-phase-3-ses-byodkim" in tokyo  # prod's own names unchanged
        status = cli("status", "--all", "-o", "json")
        assert status.code == 0, status.out + status.err
        rows = [json.loads(line) for line in status.out.splitlines()][:-1]
        assert sorted((r["domain"], r["region"], r["action"]) for r in rows) == sorted(
            (name, region, "EXTERNAL SUCCESS") for name in names for region in ("ap-northeast-1", "us-west-2")
        )
        verified = cli("verify", "--all", "--ses")
        assert verified.code == 0, verified.out
        assert verified.out.splitlines()[-1].startswith("12 in ")  # 4 records, 8 domain-regions at SUCCESS
