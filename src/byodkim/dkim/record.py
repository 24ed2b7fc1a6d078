"""The DKIM TXT record: its value, the 255-octet split, and the formats DNS tools load."""

from __future__ import annotations

import json
from dataclasses import dataclass

from byodkim.dkim.names import record_name
from byodkim.errors import InputError

TXT_STRING_LIMIT = 255  # octets in one DNS character-string (RFC 1035 3.3)
DEFAULT_TTL = 3600
FORMATS = ("value", "bind", "json", "route53")


@dataclass(frozen=True)
class DkimRecord:
    """``<selector>._domainkey.<domain> TXT "v=DKIM1; k=rsa; p=..."``."""

    domain: str
    selector: str
    public_key_b64: str
    ttl: int = DEFAULT_TTL

    @property
    def name(self) -> str:
        """Return the record name without the root dot."""
        return record_name(self.domain, self.selector)

    @property
    def value(self) -> str:
        """Return the whole TXT value, as a resolver joins it."""
        return f"v=DKIM1; k=rsa; p={self.public_key_b64}"

    @property
    def strings(self) -> list[str]:
        """Return the value as DNS character-strings of at most 255 octets."""
        return split_txt(self.value)

    def render(self, fmt: str) -> str:
        """Return the record in one of FORMATS."""
        if fmt == "value":
            return self.value
        if fmt == "bind":
            return self.zone_line()
        if fmt == "json":
            return json.dumps(
                {"name": self.name, "type": "TXT", "ttl": self.ttl, "strings": self.strings, "value": self.value},
                indent=2,
            )
        if fmt == "route53":
            return json.dumps(self.route53_change_batch(), indent=2)
        raise InputError(f"`{fmt}` is not a record format", f"use one of {', '.join(FORMATS)}")

    def zone_line(self) -> str:
        """Return a zone-file line with a fully qualified name, so no zone appends itself to it."""
        return f"{self.name}. {self.ttl} IN TXT {quote_strings(self.strings)}"

    def route53_change_batch(self, action: str = "UPSERT") -> dict[str, object]:
        """Return a ChangeBatch for ChangeResourceRecordSets carrying the same split value."""
        return {
            "Comment": f"DKIM key for {self.domain}, selector {self.selector} (byodkim)",
            "Changes": [
                {
                    "Action": action,
                    "ResourceRecordSet": {
                        "Name": f"{self.name}.",
                        "Type": "TXT",
                        "TTL": self.ttl,
                        "ResourceRecords": [{"Value": quote_strings(self.strings)}],
                    },
                }
            ],
        }


def split_txt(value: str, limit: int = TXT_STRING_LIMIT) -> list[str]:
    """Split a TXT value into character-strings of at most ``limit`` UTF-8 octets.

    Never splits inside a multi-byte character, so each piece decodes on its own.
    """
    if not value:
        return [""]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in value:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    pieces.append("".join(current))
    return pieces


def quote_strings(strings: list[str]) -> str:
    """Return ``"a" "b"``: the master-file form of several character-strings."""
    return " ".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in strings)


def unquote_txt(text: str) -> str:
    """Join quoted character-strings the way a resolver does; unquoted text passes through."""
    if '"' not in text:
        return text.strip()
    out: list[str] = []
    inside = False
    escaped = False
    for char in text:
        if inside:
            if escaped:
                out.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
            else:
                out.append(char)
        elif char == '"':
            inside = True
    return "".join(out)


def parse_tags(value: str) -> dict[str, str] | None:
    """Parse a DKIM tag-list (RFC 6376 3.2); ``None`` when it is malformed."""
    tags: dict[str, str] = {}
    for part in value.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            return None
        name, _, tag_value = part.partition("=")
        name = name.strip()
        if not name or name in tags:
            return None
        # Whitespace is allowed around and inside values (folding); p= must be read without it.
        tags[name] = "".join(tag_value.split()) if name == "p" else tag_value.strip()
    return tags
