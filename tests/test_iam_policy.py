"""The IAM policies `byodkim iam-policy` prints are valid IAM (cfn-lint's policy and action rules) and scoped."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Cli


@pytest.mark.parametrize("role", ["operator", "deployer", "boundary"])
def test_the_policy_is_valid_iam_and_names_only_the_deployments_resources(cli: Cli, tmp_path: Path, role: str) -> None:
    import cfnlint.api  # type: ignore[import-untyped]

    result = cli("iam-policy", "--role", role, "--account", "123456789012")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": document}}},
    }
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    matches = cfnlint.api.lint_all(path.read_text(encoding="utf-8"))
    assert [f"{m.rule.id} {m.message}" for m in matches if m.rule.id[0] in "EW"] == []  # errors and warnings
    for statement in document["Statement"]:
        if statement["Effect"] == "Deny":
            continue  # a Deny may be broad; it only takes away
        for resource in statement["Resource"]:
            # Every resource is this deployment's (or "*" only where the action cannot be scoped).
            assert (
                resource == "*"
                or "aws-ses-migration-prod" in resource
                or "goo.ne.jp" in resource
                or "key/*" in resource
                # The boundary caps the dkim-manager, whose health check reads every declared domain.
                or (role == "boundary" and (":identity/*" in resource or ":secret:byodkim/dkim/" in resource))
            ), (statement["Sid"], resource)
        wildcard = [a for a in statement["Action"] if a.endswith(":*") or a == "*"]
        assert wildcard == []


def test_a_bad_account_is_one_line(cli: Cli) -> None:
    result = cli("iam-policy", "--role", "operator", "--account", "12345")
    assert (result.code, result.err) == (
        2,
        "error: `12345` is not an AWS account ID; give the 12-digit ID, or leave --account out\n",
    )


def test_the_boundary_lets_the_rotation_publish_only_in_the_configured_zone() -> None:
    import dataclasses
    from pathlib import Path

    from byodkim import deployment
    from byodkim.aws.iampolicy import policy

    prod = deployment.read(Path(__file__).resolve().parents[1] / "sceptre")
    assert prod.hosted_zone_id == ""  # prod's config keeps it empty: the DNS team serves goo.ne.jp

    def route53(target: deployment.Deployment) -> list[str]:
        document = policy("boundary", target, "goo.ne.jp", "ap-northeast-1", "123456789012")
        return [r for s in document["Statement"] for r in s["Resource"] if ":route53:" in r]

    assert route53(prod) == []
    zoned = dataclasses.replace(prod, hosted_zone_id="Z0123456789ABC")
    assert route53(zoned) == ["arn:aws:route53:::hostedzone/Z0123456789ABC", "arn:aws:route53:::change/*"]
