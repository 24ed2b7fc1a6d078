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
# The same key in the other shapes it takes on its way through logs: a PEM body wrapped at 64
# columns (newlines real, or escaped as \n in JSON), URL-encoded (%2B %2F %3D, as in a query
# string or a form body), and base64url (- and _, as in a JWK or a URL).
_WRAPPED = re.compile(r"(?:[A-Za-z0-9+/=]{16,}(?:\s|\\[rn])+){3,}[A-Za-z0-9+/=]*")
# One pattern over every alphabet at once (base64, base64url, URL-encoded): matched one after
# another, the first would cut a run into pieces too short for the next to see.
_ANY_ALPHABET = re.compile(r"(?:[A-Za-z0-9+/_-]|%2[BbFf]|%3[Dd]){100,}(?:={0,2}|(?:%3[Dd]){0,2})")
REDACTED = "[REDACTED]"


def redact(text: str) -> str:
    """Remove private keys from ``text``: PEM, long base64 runs, wrapped, URL-encoded and base64url."""
    text = _PEM.sub(REDACTED, text)
    text = _WRAPPED.sub(_long_enough, text)
    text = _ANY_ALPHABET.sub(_mixed, text)
    return _BASE64_RUN.sub(REDACTED, text)


def _long_enough(match: re.Match[str]) -> str:
    """Redact wrapped text only when its base64 adds up to key length (short lines of words do not)."""
    body = re.sub(r"\s|\\[rn]", "", match.group())
    return REDACTED if len(body) >= 100 else match.group()  # noqa: PLR2004 - the same floor as one run


def _mixed(match: re.Match[str]) -> str:
    """Redact a run of key text, not a long name: key text mixes upper case, lower case and digits."""
    run = match.group()
    mixed = any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run)
    return REDACTED if mixed else run


# The language progress lines are shown in: the door sets it once per run (the CLI from --lang or
# the locale); a line the library logs as a catalogue line (a ``Said``) is rendered in it.
language = "en"


class RedactingFormatter(logging.Formatter):
    """Format, then redact: the only formatter byodkim installs."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the redacted line, a catalogue line in :data:`language`."""
        from byodkim.messages import Said, render

        if isinstance(record.msg, Said) and not record.args:
            record.msg = render(record.msg, language)
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
