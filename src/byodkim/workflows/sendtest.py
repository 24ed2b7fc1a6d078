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
    from byodkim.errors import ByodkimError

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
    try:
        return str(aws.client("sesv2", region).send_email(**request)["MessageId"])
    except Exception as exc:
        explained = _refusal(exc, region, sender, to)
        if explained is None:
            raise
        raise explained from None


def _refusal(exc: BaseException, region: str, sender: str, to: str) -> ByodkimError | None:
    """Explain SES's refusal of a test message with the fix, or return ``None`` for any other error.

    SES answers MessageRejected both for a sender not verified in the region and, in the sandbox,
    for a recipient not verified; its message names the identity that failed the check.
    """
    from byodkim.aws.errors import error_code
    from byodkim.errors import AwsError
    from byodkim.messages import say

    code = error_code(exc)
    if code == "MailFromDomainNotVerifiedException":
        return AwsError(
            say("ses.mail_from_unverified", region=region, sender=sender), say("ses.mail_from_unverified_hint")
        )
    if code != "MessageRejected":
        return None
    failed = str(getattr(exc, "response", {}).get("Error", {}).get("Message", "")).rpartition(":")[2]
    if to.lower() in failed.lower() and sender.lower() not in failed.lower():
        return AwsError(say("ses.rejected_recipient", region=region, recipient=to), say("ses.rejected_recipient_hint"))
    domain = sender.rpartition("@")[2]
    return AwsError(
        say("ses.rejected_sender", region=region, sender=sender, domain=domain), say("ses.rejected_sender_hint")
    )


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
