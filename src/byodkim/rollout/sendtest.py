"""Send one test message through SES and keep what a receiver made of it for the rollout report.

The last step of a rollout is not SES saying SUCCESS but a message that passes DKIM, aligned
with its From domain, at a receiver. ``send`` hands one message to SES per region; the
verdict of :mod:`byodkim.dnscheck.mailcheck` on the copy is kept in SSM (``.../mail-check``:
a summary, never the message) so ``byodkim report`` can show it.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from byodkim.aws.ssm import read_parameter

if TYPE_CHECKING:
    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment
    from byodkim.dnscheck.mailcheck import MailVerdict

SUBJECT = "byodkim test message / DKIM テスト"


def send(aws: Aws, region: str, sender: str, to: str, configuration_set: str | None = None) -> str:
    """Send one plain-text test message through SES in ``region``; return SES's message ID."""
    request: dict[str, Any] = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": [to]},
        "Content": {
            "Simple": {
                "Subject": {"Data": SUBJECT, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": f"Sent by byodkim send-test at {time.strftime('%Y-%m-%d %H:%M:%S %Z')}.\n"}},
            }
        },
    }
    if configuration_set:
        request["ConfigurationSetName"] = configuration_set
    return str(aws.client("sesv2", region).send_email(**request)["MessageId"])


def remember(aws: Aws, region: str, target: Deployment, domain: str, verdict: MailVerdict, message_id: str) -> None:
    """Keep the verdict's summary where the report reads it."""
    found = verdict.aligned_pass
    summary = {
        "messageId": message_id,
        "region": region,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "ok": verdict.ok,
        "byodkim": verdict.byodkim,
        "aligned": {"d": found.domain, "s": found.selector} if found else None,
        "signatures": [{"d": s.domain, "s": s.selector, "pass": s.passed} for s in verdict.signatures],
    }
    aws.client("ssm", region).put_parameter(
        Name=target.parameter(domain, "mail-check"), Value=json.dumps(summary), Type="String", Overwrite=True
    )


def remembered(aws: Aws, region: str, target: Deployment, domain: str) -> dict[str, Any] | None:
    """Return the last test message's summary, or None when none was checked."""
    # A role that may not read it (the report's reader) sees no test message, not an error.
    raw = read_parameter(
        aws.client("ssm", region),
        target.parameter(domain, "mail-check"),
        absent=("ParameterNotFound", "AccessDeniedException"),
    )
    if raw is None:
        return None
    loaded = json.loads(raw)
    return loaded if isinstance(loaded, dict) else None
