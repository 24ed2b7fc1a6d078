"""What the local emulator's SES sent: the raw bytes a receiver would get, for send-test and the sandbox."""

from __future__ import annotations

import base64
import json
import os
import urllib.request


def sent_message(message_id: str, endpoint: str | None = None) -> bytes | None:
    """Return the raw message the emulator sent under ``message_id``; None when this is not the emulator."""
    endpoint = endpoint or os.environ.get("AWS_ENDPOINT_URL", "")
    if not endpoint.startswith("http://127.0.0.1:") and not endpoint.startswith("http://localhost:"):
        return None  # real SES: the copy is in the recipient's mailbox
    request = urllib.request.Request(  # noqa: S310 - loopback by the check above
        f"{endpoint}/_byodkim/ses/sent", data=b"{}", method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            sent = json.loads(answer.read()).get("sent", [])
    except OSError:
        return None
    found = next((item for item in sent if item.get("id") == message_id), None)
    return base64.b64decode(found["raw"]) if found else None


def published_records(endpoint: str) -> list[tuple[str, str]]:
    """Return the TXT records (name, value) the emulator's own signatures need served."""
    request = urllib.request.Request(  # noqa: S310 - the sandbox's loopback emulator
        f"{endpoint}/_byodkim/ses/dns-records", data=b"{}", method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return [(r["name"], r["value"]) for r in json.loads(answer.read()).get("records", [])]
