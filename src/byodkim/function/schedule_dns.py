"""Where the scheduled rotation's records come and go: the DNS team (S3 + its topic) or a Route 53 zone.

The DNS team's request is phases 4 and 5's own (:class:`Manager`), with the running key's
record named as one to keep; its removal request, once the old key signs nowhere, goes the
same way. In a Route 53 zone (``hosted_zone_id``) the function writes the record itself, as
the same 255-octet strings the request shows, and sends no request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from byodkim.dkim.names import record_name
from byodkim.dkim.record import DkimRecord
from byodkim.function.phases import Manager, PhaseRequest
from byodkim.messages import render, say

if TYPE_CHECKING:
    from byodkim.aws.session import Aws
    from byodkim.function.config import ManagerConfig

ROUTE53, DNS_TEAM = "route53", "dns-team"


def request_record(
    config: ManagerConfig, aws: Aws, region: str, domain: str, selector: str, keep: str
) -> dict[str, Any]:
    """Ask for the new record (or UPSERT it in the zone); return how, JSON-ready. Asked twice: sent once."""
    manager = Manager(config, aws, region)
    if config.hosted_zone_id:
        record = DkimRecord(domain, selector, manager.key(domain, selector).public.b64)
        change = aws.client("route53", region).change_resource_record_sets(
            HostedZoneId=config.hosted_zone_id,
            ChangeBatch=record.route53_change_batch("UPSERT"),
        )
        return {"via": ROUTE53, "zone": config.hosted_zone_id, "change": change["ChangeInfo"]["Id"]}
    payload = PhaseRequest("phase_manager", "4", domain, selector)
    written = manager.prepare(payload, keep=keep)
    sent = manager.send_request(payload, keep=keep)  # once per selector and key (phase 5's log in SSM)
    return {"via": DNS_TEAM, "objects": written["objects"], "messageId": sent.get("messageId", "")}


def remove_record(config: ManagerConfig, aws: Aws, region: str, domain: str, selector: str) -> dict[str, Any]:
    """Remove the old record in the zone, or ask the DNS team to; return how, JSON-ready."""
    name = record_name(domain, selector)
    if config.hosted_zone_id:
        route53 = aws.client("route53", region)
        found = route53.list_resource_record_sets(
            HostedZoneId=config.hosted_zone_id, StartRecordName=f"{name}.", StartRecordType="TXT", MaxItems="1"
        )["ResourceRecordSets"]
        here = [r for r in found if r["Name"].rstrip(".").lower() == name.lower() and r["Type"] == "TXT"]
        if here:  # DELETE must name the record set exactly as it is: take it from the zone
            route53.change_resource_record_sets(
                HostedZoneId=config.hosted_zone_id,
                ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": here[0]}]},
            )
        return {"via": ROUTE53, "zone": config.hosted_zone_id, "deleted": bool(here)}
    bodies = {lang: render(say("schedule.remove_request", name=name, domain=domain), lang) for lang in ("ja", "en")}
    objects = []
    if config.bucket:
        s3 = aws.client("s3", region)
        for lang, body in bodies.items():
            key = f"dns/{domain}/{selector}/remove-{lang}.md"
            s3.put_object(Bucket=config.bucket, Key=key, Body=body.encode("utf-8"))
            objects.append(f"s3://{config.bucket}/{key}")
    message = ""
    if config.topic_arn:
        sent = aws.client("sns", region).publish(
            TopicArn=config.topic_arn,
            Subject=f"DKIM TXT record removal: {name}"[:100],
            Message=bodies["ja"] + "\n---\n\n" + bodies["en"],
        )
        message = sent["MessageId"]
    return {"via": DNS_TEAM, "objects": objects, "messageId": message}
