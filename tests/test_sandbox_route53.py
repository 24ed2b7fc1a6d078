"""`byodkim sandbox --route53`: the domain in a Route 53 zone of the emulator, the rehearsal with no DNS team.

The whole rehearsal runs (real BIND, the emulator, Sceptre with the project's configs, the phase-7
schedule in the function's own process); the record reaches BIND only through Route 53.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest

from byodkim.local import sandbox as rehearsal
from conftest import python_for, require_tool

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def box() -> Iterator[rehearsal.Sandbox]:
    require_tool("named", "apt-get install bind9")
    python_for("3.12")
    options = rehearsal.SandboxOptions(route53=True)
    with rehearsal.running(options) as sandbox:
        rehearsal.rehearse(sandbox, options)
        yield sandbox


def test_the_rehearsal_reaches_success_with_the_record_published_only_in_route53(box: rehearsal.Sandbox) -> None:
    assert box.verified
    zone = box.hosted_zone_id
    assert zone
    route53 = boto3.client("route53")
    assert route53.get_hosted_zone(Id=zone)["HostedZone"]["Name"] == "goo.ne.jp."
    name = f"{box.deployment.selector}._domainkey.goo.ne.jp."
    sets = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    assert [s["Type"] for s in sets if s["Name"] == name] == ["TXT"]
    # BIND serves it (the emulator sent the change there), which is where SES and the function read it.
    import dns.message
    import dns.query

    assert box.dns is not None
    host, port = box.dns.address
    answer = dns.query.udp(dns.message.make_query(name, "TXT"), host, port=port, timeout=3)
    assert [b"".join(r.strings)[:9] for rrset in answer.answer for r in rrset] == [b"v=DKIM1; "]


def test_the_stacks_gave_the_function_the_zone_and_its_route53_permissions(box: rehearsal.Sandbox) -> None:
    target = box.deployment
    function = boto3.client("lambda").get_function_configuration(FunctionName=target.function_name)
    variables = function["Environment"]["Variables"]
    assert variables["HOSTED_ZONE_ID"] == box.hosted_zone_id
    assert (variables["ROTATION_DAYS"], variables["ROTATION_APPROVAL"]) == ("180", "manual")  # prod's policy, as text
    role = f"{target.prefix}-dkim-manager-role"
    policy = boto3.client("iam").get_role_policy(RoleName=role, PolicyName="scheduled-rotation-route53")
    resources = [s["Resource"] for s in policy["PolicyDocument"]["Statement"]]
    assert f"arn:aws:route53:::hostedzone/{box.hosted_zone_id}" in resources
