"""Logging for ``--debug``: one line per AWS call and byodkim's own steps, key material cut out.

``--debug`` shows what an operator needs (service, operation, region, HTTP status, time of
each AWS call, from ``byodkim.aws.calls``), not botocore's hook chatter; botocore's own debug
log (request bodies with ``DomainSigningPrivateKey``) stays off. Every record still passes
through one redacting formatter before it is written anywhere.
"""

from __future__ import annotations

import logging
import re
import sys

# Key material is long unbroken base64 (a 1024-bit PKCS#1 key is ~816 characters);
# ARNs, request ids and hex fingerprints never reach 100 characters of this alphabet.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{100,}={0,2}")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL)
REDACTED = "[REDACTED]"


def redact(text: str) -> str:
    """Remove PEM private keys and long base64 runs from ``text``."""
    return _BASE64_RUN.sub(REDACTED, _PEM.sub(REDACTED, text))


class RedactingFormatter(logging.Formatter):
    """Format, then redact: the only formatter byodkim installs."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the redacted line."""
        return redact(super().format(record))


def configure(*, debug: bool) -> None:
    """Send byodkim's (and with ``debug`` botocore's) logs to stderr through the redactor."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_byodkim", False):
            root.removeHandler(existing)
    handler._byodkim = True  # type: ignore[attr-defined]  # noqa: SLF001 - mark ours for reconfiguration
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("byodkim").setLevel(logging.DEBUG if debug else logging.WARNING)
    for name in ("botocore", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # Progress an operator must see without --debug (SES throttling and retries, long waits): the
    # bare line, on stderr, whether or not it is a terminal; the library decides how often.
    progress = logging.getLogger("byodkim.progress")
    for existing in list(progress.handlers):
        progress.removeHandler(existing)
    shown = logging.StreamHandler(sys.stderr)
    shown.setFormatter(RedactingFormatter("%(message)s"))
    progress.addHandler(shown)
    progress.setLevel(logging.INFO)
    progress.propagate = False
