"""A report arriving in the reports bucket (an S3 event): read it and send each domain's metric.

The dkim-manager Lambda's ``dmarc`` path. SES receiving stores each message sent to the ``rua``
address as an object; S3 tells the function, which reads the reports attached and sends, per
domain: of the messages carrying a DKIM signature aligned with From (the domain's own key), the
share the receiver passed on aligned DKIM (``BYODKIM/DmarcDkimAligned``, percent, dimension
``Domain``; the same value again with no dimension, whose daily minimum is the worst domain's,
for one alarm over the fleet), and how many they were (``BYODKIM/DmarcMessages``). For mail
sent through SES, DMARC rests on DKIM alone: an alarm on the first metric sees a failing
selector at a receiver the day its report arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from byodkim.deployment import METRIC_NAMESPACE
from byodkim.dmarc.model import FileError, Report
from byodkim.dmarc.sources import read_paths
from byodkim.dmarc.summary import aligned, report_entry

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_cloudwatch.type_defs import DimensionTypeDef, MetricDatumTypeDef
    from mypy_boto3_s3 import S3Client

RATE = "DmarcDkimAligned"
MESSAGES = "DmarcMessages"


def objects(event: dict[str, Any]) -> list[tuple[str, str]]:
    """Return ``(bucket, key)`` per record; S3 sends keys URL-encoded, spaces as ``+``."""
    return [(r["s3"]["bucket"]["name"], unquote_plus(r["s3"]["object"]["key"])) for r in event["Records"]]


def on_arrival(event: dict[str, Any], s3: S3Client, cloudwatch: CloudWatchClient) -> dict[str, Any]:
    """Read the reports in the objects the event names; send the metrics; return what was read."""
    stored = objects(event)

    def fetch(bucket: str, key: str) -> Iterator[tuple[str, bytes]]:
        yield key, s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    reports: list[Report] = []
    errors: list[FileError] = []
    for bucket, key in stored:
        for found in read_paths([f"s3://{bucket}/{key}"], fetch):
            if isinstance(found, FileError):
                errors.append(found)
            else:
                reports.append(found)
    data: list[MetricDatumTypeDef] = []
    for domain in sorted({r.domain for r in reports}):
        rows = [row for r in reports if r.domain == domain for row in r.rows]
        # Only mail carrying the domain's own signature: a source passing on SPF alone, unsigned,
        # says nothing about the key; the selector failing at a receiver does.
        signed = [row for row in rows if any(aligned(d.domain, row.header_from or domain) for d in row.dkim)]
        messages = sum(row.count for row in signed)
        passed = sum(row.count for row in signed if row.dkim_aligned)
        if messages:
            dimensions: list[DimensionTypeDef] = [{"Name": "Domain", "Value": domain}]
            rate = 100.0 * passed / messages
            data.append({"MetricName": RATE, "Dimensions": dimensions, "Value": rate, "Unit": "Percent"})
            # And with no dimension: its minimum is the worst domain's, for one alarm over the fleet
            # (CloudWatch does not aggregate across dimensions; a template cannot alarm per domain).
            data.append({"MetricName": RATE, "Value": rate, "Unit": "Percent"})
            data.append({"MetricName": MESSAGES, "Dimensions": dimensions, "Value": messages, "Unit": "Count"})
    if data:
        cloudwatch.put_metric_data(Namespace=METRIC_NAMESPACE, MetricData=data)
    return {
        "action": "dmarc",
        "reports": [report_entry(r) for r in reports],
        "errors": [{"file": e.file, "error": e.error} for e in errors],
    }
