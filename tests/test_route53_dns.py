"""Route 53 in the emulator: a hosted zone's changes are live on the real name server it was told about.

The emulator (a server process) and a real BIND serving goo.ne.jp; boto3's Route 53 client makes
the changes, dnspython asks BIND what it serves. One step off each: a DELETE, a TXT of several
strings, a zone BIND does not serve, a batch with one bad change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer

NAME = "sel1._domainkey.goo.ne.jp"
# A 2048-bit key's record is longer than one TXT string (255 octets): Route 53 takes it as two.
LONG = "v=DKIM1; k=rsa; p=" + "A" * 300
VALUE = f'"{LONG[:255]}" "{LONG[255:]}"'


@pytest.fixture
def route53(emulator: Emulator, goo_dns: LocalNameServer) -> Any:
    emulator.control("/_byodkim/config", {"dns_servers": [goo_dns.spec]})
    return boto3.client("route53")


def _zone(client: Any, name: str) -> str:
    return str(client.create_hosted_zone(Name=name, CallerReference=name)["HostedZone"]["Id"]).split("/")[-1]


def _served(server: LocalNameServer, name: str, rdtype: str = "TXT") -> list[list[bytes]]:
    """Return what BIND answers at ``name``: each TXT record's strings."""
    import dns.message
    import dns.query

    host, port = server.address
    answer = dns.query.udp(dns.message.make_query(f"{name}.", rdtype), host, port=port, timeout=3)
    return [list(r.strings) for rrset in answer.answer for r in rrset]


def _change(client: Any, zone: str, *changes: tuple[str, str, str]) -> None:
    client.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": action,
                    "ResourceRecordSet": {"Name": name, "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": v}]},
                }
                for action, name, v in changes
            ]
        },
    )


def _route53_names(client: Any, zone: str) -> set[str]:
    sets = client.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return {s["Name"] for s in sets if s["Type"] == "TXT"}


def test_an_upsert_of_a_txt_of_two_strings_is_served_as_two_strings_and_a_delete_removes_it(
    route53: Any, goo_dns: LocalNameServer
) -> None:
    zone = _zone(route53, "goo.ne.jp")
    _change(route53, zone, ("UPSERT", NAME, VALUE))
    assert _served(goo_dns, NAME) == [[LONG[:255].encode(), LONG[255:].encode()]]

    _change(route53, zone, ("UPSERT", NAME, '"v=DKIM1; k=rsa; p=B"'))  # replaced, not added beside
    assert _served(goo_dns, NAME) == [[b"v=DKIM1; k=rsa; p=B"]]

    _change(route53, zone, ("DELETE", NAME, '"v=DKIM1; k=rsa; p=B"'))
    assert _served(goo_dns, NAME) == []
    assert _route53_names(route53, zone) == set()


def test_a_batch_with_a_bad_change_is_applied_nowhere(route53: Any, goo_dns: LocalNameServer) -> None:
    zone = _zone(route53, "goo.ne.jp")
    # The second change names a record outside the zone: moto refuses it after applying the first.
    with pytest.raises(ClientError) as refused:
        _change(route53, zone, ("UPSERT", NAME, VALUE), ("UPSERT", "sel1._domainkey.example.org", '"x"'))
    assert refused.value.response["Error"]["Code"] == "InvalidChangeBatch"
    assert _route53_names(route53, zone) == set()
    assert _served(goo_dns, NAME) == []

    # A DELETE of a record that is not there: refused before anything, in both.
    with pytest.raises(ClientError):
        _change(route53, zone, ("UPSERT", NAME, VALUE), ("DELETE", "old._domainkey.goo.ne.jp", '"gone"'))
    assert _route53_names(route53, zone) == set()
    assert _served(goo_dns, NAME) == []


def test_a_zone_the_name_server_does_not_serve_stays_in_route53_and_the_log_says_so(
    route53: Any, goo_dns: LocalNameServer, emulator: Emulator
) -> None:
    zone = _zone(route53, "example.org")
    _change(route53, zone, ("UPSERT", "s._domainkey.example.org", '"v=DKIM1; p=C"'))
    assert _route53_names(route53, zone) == {"s._domainkey.example.org."}
    assert emulator.log_path is not None
    log = emulator.log_path.read_text(encoding="utf-8")
    assert f"Route 53 zone example.org. ({zone}): no name server the emulator was told about serves it" in log
    assert _served(goo_dns, "s._domainkey.goo.ne.jp") == []


def test_a_record_a_stack_makes_is_served_and_goes_with_the_stack(route53: Any, goo_dns: LocalNameServer) -> None:
    import json

    zone = _zone(route53, "goo.ne.jp")
    record = {
        "Type": "AWS::Route53::RecordSet",
        "Properties": {
            "HostedZoneId": zone,
            "Name": f"{NAME}.",
            "Type": "TXT",
            "TTL": "3600",
            "ResourceRecords": [VALUE],
        },
    }
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="phase-4-like", TemplateBody=json.dumps({"Resources": {"DkimRecord": record}}))
    assert cfn.describe_stacks(StackName="phase-4-like")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert _served(goo_dns, NAME) == [[LONG[:255].encode(), LONG[255:].encode()]]

    cfn.delete_stack(StackName="phase-4-like")
    assert _served(goo_dns, NAME) == []
