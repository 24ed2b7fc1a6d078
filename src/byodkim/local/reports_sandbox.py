"""The sandbox with DMARC reporting on: a receiver's report arrives, is stored, read and measured.

Run after the rollout reached SUCCESS (``byodkim sandbox --dmarc-reports``), as a team would turn it
on: phase 8 relaunched with ``dmarc_reports_address``, the rule set activated (deny by default,
``aws/receiving``), then one aggregate report for the day's mail mailed to the address through
the emulated SES's inbound endpoint. The bucket's notification runs the deployed function, which
sends ``BYODKIM/DmarcDkimAligned``; the memo gains the DMARC evidence read back from the bucket.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment

Step = Callable[[str, float], None]  # (what finished, seconds it took), as the sandbox reports steps

ADDRESS_LOCAL = "dmarc"  # the rua address is dmarc@reports.DOMAIN: the same organisation, so no external record
REPORTER = "receiver.example"
MESSAGES = 12  # the day's messages the report counts


def address(domain: str) -> str:
    """Return the rua address the sandbox receives reports at."""
    return f"{ADDRESS_LOCAL}@reports.{domain}"


def show(
    target: Deployment,
    environment: dict[str, str],
    relaunch: Callable[[], None],
    aws: Aws,
    region: str,
    progress: Step,
    lang: str,
) -> str:
    """Turn reporting on in the running sandbox, mail one report to it; return the memo's DMARC section."""
    from byodkim.aws.receiving import activate
    from byodkim.messages import render

    domain, selector = str(target.domain), str(target.selector)
    rua = address(domain)
    environment["BYODKIM_DMARC_REPORTS_ADDRESS"] = rua  # read by the Sceptre config (dmarc_reports_address)
    _step(progress, f"phase 8 relaunched with dmarc_reports_address {rua} (rule set, bucket, alarm)", relaunch)
    start = time.monotonic()
    done = activate(aws.client("ses", region), region, target.dmarc_rule_set)  # refuses to replace another set
    progress(render(done.line(), lang), time.monotonic() - start)
    report = report_xml(domain, selector, datetime.now(UTC))
    arrived = _step(
        progress,
        f"a receiver's DMARC report mailed to {rua}: SES stored it, its notification ran the function",
        lambda: _deliver(region, rua, report),
    )
    value = _metric(aws, region, domain)
    stored = f"s3://{arrived['bucket']}/{arrived['key']}"
    progress(
        f"the function read {arrived['org']} report {arrived['report_id']} ({stored}) "
        f"and sent BYODKIM/DmarcDkimAligned {domain} = {value:g}%",
        0.0,
    )
    return "\n" + _evidence(aws, region, stored, domain, selector, lang)


def _step(progress: Step, what: str, work: Callable[[], Any]) -> Any:  # noqa: ANN401
    start = time.monotonic()
    result = work()
    progress(what, time.monotonic() - start)
    return result


def report_xml(domain: str, selector: str, day: datetime) -> bytes:
    """Return one RFC 7489 aggregate report of the day's mail: signed with the selector, aligned, passing."""
    begin = int(day.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata>
    <org_name>{REPORTER}</org_name>
    <email>noreply-dmarc@{REPORTER}</email>
    <report_id>sandbox-{begin}</report_id>
    <date_range><begin>{begin}</begin><end>{begin + 86399}</end></date_range>
  </report_metadata>
  <policy_published><domain>{domain}</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><pct>100</pct></policy_published>
  <record>
    <row>
      <source_ip>198.51.100.25</source_ip>
      <count>{MESSAGES}</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated>
    </row>
    <identifiers><header_from>{domain}</header_from><envelope_from>amazonses.com</envelope_from></identifiers>
    <auth_results>
      <dkim><domain>{domain}</domain><selector>{selector}</selector><result>pass</result></dkim>
      <dkim><domain>amazonses.com</domain><selector>ses</selector><result>pass</result></dkim>
      <spf><domain>amazonses.com</domain><scope>mfrom</scope><result>pass</result></spf>
    </auth_results>
  </record>
</feedback>
""".encode()


def report_mail(rua: str, report: bytes, name: str) -> str:
    """Return the report as a receiver mails it: a short text and the XML attached as gzip."""
    message = EmailMessage()
    message["From"] = f"noreply-dmarc@{REPORTER}"
    message["To"] = rua
    message["Subject"] = f"Report domain: {rua.rpartition('@')[2]} Submitter: {REPORTER} Report-ID: <{name}>"
    message.set_content("This is an aggregate report from receiver.example.")
    message.add_attachment(gzip.compress(report), maintype="application", subtype="gzip", filename=f"{name}.xml.gz")
    return message.as_string()


def _control(path: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local emulator's control endpoint
        os.environ["AWS_ENDPOINT_URL"] + path, data=json.dumps(payload).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=180) as answer:  # noqa: S310 - the same
        found: dict[str, Any] = json.loads(answer.read())
        return found


def _deliver(region: str, rua: str, report: bytes) -> dict[str, str]:
    """Mail the report to the inbound endpoint; wait for the function; return what it read."""
    from byodkim.errors import ByodkimError

    name = f"{REPORTER}!sandbox"
    answer = _control(
        "/_byodkim/ses/inbound", {"region": region, "recipients": [rua], "message": report_mail(rua, report, name)}
    )
    stored = [a for a in answer.get("actions", []) if a.get("stored")]
    if not stored:
        raise ByodkimError(f"the emulated SES did not store the report: {answer}", "see emulator.log")
    _control("/_byodkim/idle", {"timeout": 120})
    key = stored[0]["key"]
    for run in reversed(_control("/_byodkim/invocations", {})["invocations"]):
        result = run.get("result") or {}
        reports = (
            [r for r in result.get("reports", []) if r.get("file", "").endswith(key)]
            if isinstance(result, dict)
            else []
        )
        if run.get("source") == "S3" and reports:
            return {
                "bucket": stored[0]["bucket"],
                "key": key,
                "org": reports[0]["org_name"],
                "report_id": reports[0]["report_id"],
            }
    raise ByodkimError(f"the function did not read s3://{stored[0]['bucket']}/{key}", "see emulator.log")


def _metric(aws: Aws, region: str, domain: str) -> float:
    from byodkim.deployment import METRIC_NAMESPACE
    from byodkim.dmarc.arrival import RATE

    data = aws.client("cloudwatch", region).get_metric_statistics(
        Namespace=METRIC_NAMESPACE,
        MetricName=RATE,
        Dimensions=[{"Name": "Domain", "Value": domain}],
        StartTime=datetime(2000, 1, 1, tzinfo=UTC),
        EndTime=datetime(2100, 1, 1, tzinfo=UTC),
        Period=86400 * 365 * 100,
        Statistics=["Minimum"],
    )["Datapoints"]
    return min(float(d.get("Minimum", 0.0)) for d in data) if data else float("nan")


def _evidence(aws: Aws, region: str, path: str, domain: str, selector: str, lang: str) -> str:
    """Return the memo's DMARC section from what is stored in the bucket (as `report --dmarc-reports` shows it)."""
    from byodkim.dmarc import evidence
    from byodkim.dmarc.sources import s3_reader
    from byodkim.dmarc.tally import Request

    s3 = s3_reader(aws.client("s3", region))
    summary, errors = evidence.gather([path], Request(domain=domain, selectors=(selector,)), s3)
    return evidence.section(summary, errors, "text", lang)
