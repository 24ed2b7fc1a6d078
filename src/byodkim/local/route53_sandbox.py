"""The sandbox's domain in Route 53 (``byodkim sandbox --route53``): a hosted zone in the emulator, no DNS team.

The emulator makes each change of the zone live on the sandbox's BIND (``emulator/route53dns``),
so SES, ``byodkim verify`` and the function's checks find the records where they look.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.dkim.record import DkimRecord


def hosted_zone(domain: str, server: str, progress: Callable[[str, float], None]) -> str:
    """Create the domain's hosted zone in the emulator's Route 53; return its id (``Z...``, no ``/hostedzone/``)."""
    import boto3

    made = boto3.client("route53").create_hosted_zone(Name=domain, CallerReference=f"byodkim-sandbox-{domain}")
    zone = str(made["HostedZone"]["Id"]).rsplit("/", maxsplit=1)[-1]
    progress(say("sandbox.step.route53", zone=zone, domain=domain, server=server), 0.0)
    return zone


def publish(zone: str, record: DkimRecord, mail_from: str, region: str) -> None:
    """UPSERT what the DNS request asks for (the DKIM TXT, MAIL FROM's MX and SPF) in one batch, in Route 53."""
    import boto3

    from byodkim.dkim.record import quote_strings
    from byodkim.dkim.request import mail_from_records

    records = [(record.name, 3600, "TXT", quote_strings(record.strings))]
    for line in mail_from_records(f"{mail_from}.{record.domain}", region) if mail_from else []:
        name, ttl, _cls, rdtype, value = line.split(maxsplit=4)
        records.append((name, int(ttl), rdtype, value))
    changes: list[Any] = [
        {
            "Action": "UPSERT",
            "ResourceRecordSet": {"Name": name, "Type": rdtype, "TTL": ttl, "ResourceRecords": [{"Value": value}]},
        }
        for name, ttl, rdtype, value in records
    ]
    boto3.client("route53").change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
