"""The DKIM TXT record: its value, the 255-octet split, and the formats DNS tools load."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from byodkim.dkim.names import record_name
from byodkim.errors import InputError
from byodkim.messages import say

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


class TagListError(ValueError):
    """A DKIM tag-list that RFC 6376 section 3.2's grammar does not allow; ``reason`` says where."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# RFC 6376 3.2: tag-name = ALPHA *ALNUMPUNC; tval = 1*VALCHAR (%x21-3A / %x3C-7E), values
# separated by whitespace; FWS = [*WSP CRLF] 1*WSP around '=' and ';' and inside values.
# The grammar's tag-name is ALPHA *(ALPHA / DIGIT / "_"), but receivers (dkimpy: a letter first,
# then anything) accept names like ``x-note`` and ignore them as unknown tags: so does byodkim.
_TAG_NAME = re.compile(r"[A-Za-z][^\s=;]*")
_TAG_VALUE = re.compile(r"(?:[\x21-\x3a\x3c-\x7e]+(?:[ \t]+[\x21-\x3a\x3c-\x7e]+)*)?")
# A line break is folding when whitespace follows it (LF alone too: DNS tools drop the CR). A bare
# one is not FWS by the grammar, but receivers (dkimpy) read it as whitespace: so does byodkim.
_FOLD = re.compile(r"\r?\n")


def parse_tag_list(value: str) -> dict[str, str]:
    """Parse a DKIM tag-list by RFC 6376 section 3.2's grammar; the dict keeps the tags' order.

    Whitespace (folded or not) around ``=`` and ``;`` is dropped, runs inside a value are kept,
    and ``p=`` (base64string, which allows FWS anywhere) is returned without any. One trailing
    ``;`` is allowed. Raises :class:`TagListError` naming what the grammar refuses: a tag twice,
    a tag-spec without ``=``, a bad tag name, an empty tag-spec, a character no value may hold.
    """
    text = _FOLD.sub(" ", value)
    specs = text.split(";")
    if len(specs) > 1 and not specs[-1].strip(" \t"):
        specs.pop()  # the grammar's optional trailing ';'
    tags: dict[str, str] = {}
    for spec in specs:
        if not spec.strip(" \t"):
            raise TagListError(say("tags.empty"))
        if "=" not in spec:
            raise TagListError(say("tags.no_equals", text=_cut(spec.strip())))
        raw_name, _, raw_value = spec.partition("=")
        name, tag_value = raw_name.strip(" \t"), raw_value.strip(" \t")
        if not _TAG_NAME.fullmatch(name):
            raise TagListError(say("tags.bad_name", name=_cut(name)))
        if name in tags:
            raise TagListError(say("tags.twice", name=name))
        if not _TAG_VALUE.fullmatch(tag_value):
            raise TagListError(say("tags.bad_char", name=name))
        tags[name] = "".join(tag_value.split()) if name == "p" else tag_value
    return tags


def parse_tags(value: str) -> dict[str, str] | None:
    """Parse a DKIM tag-list (see :func:`parse_tag_list`); ``None`` when it is malformed."""
    try:
        return parse_tag_list(value)
    except TagListError:
        return None


def _cut(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width] + "..."
