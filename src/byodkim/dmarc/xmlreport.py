"""Read one aggregate report's XML as a stream: RFC 7489 (with or without a namespace) and RFC 9990.

Reports come from strangers, so a DOCTYPE is refused before parsing (no DTD, so no entities), and
the XML is read element by element: each ``<record>`` is turned into a ``Row`` and dropped from the tree,
so a report of a hundred thousand rows never sits in memory as XML.
Receivers write what they like within the schema: tags and results are compared without case
(``Pass``), missing optional parts read as empty, and only what a summary cannot do without
(the reporter, the report ID, the domain, the period, each row's count) is required.
"""

from __future__ import annotations

import functools
import re
from typing import IO, TYPE_CHECKING, cast
from xml.etree.ElementTree import ParseError

from byodkim.dmarc.model import AuthResult, Report, Row
from byodkim.dmarc.reasons import reason

if TYPE_CHECKING:
    from collections.abc import Iterator
    from xml.etree.ElementTree import Element, XMLPullParser

RFC9990_NAMESPACE = "urn:ietf:params:xml:ns:dmarc-2.0"
CHUNK = 64 * 1024
_ROOT = re.compile(rb"<([A-Za-z_][\w:.-]*)")


class UnreadableError(Exception):
    """A report that cannot be read: a reason key and its values; ``str()`` is the English line."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = {name: str(value) for name, value in values.items()}
        super().__init__(reason(key, "en", self.values))


@functools.lru_cache(maxsize=512)  # a report repeats the same few dozen tags thousands of times
def _local(tag: str) -> str:
    return tag.rpartition("}")[2].lower()


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Element | None, *path: str) -> str:
    for name in path:
        if element is None:
            return ""
        element = _child(element, name)
    return (element.text or "").strip() if element is not None else ""


def _required(element: Element, where: str, *path: str) -> str:
    value = _text(element, *path)
    if not value:
        raise UnreadableError("no_field", where=where, field="/".join(path))
    return value


def _integer(value: str, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise UnreadableError("not_a_number", field=what, value=value[:40]) from None
    if number < 0:
        raise UnreadableError("negative", field=what, value=number)
    return number


def _row(record: Element) -> Row:
    row = _child(record, "row")
    if row is None:
        raise UnreadableError("no_row")
    evaluated = _child(row, "policy_evaluated")
    identifiers = _child(record, "identifiers")
    auth = _child(record, "auth_results")
    dkim = tuple(
        AuthResult(_text(r, "domain").lower(), _text(r, "result").lower(), selector=_text(r, "selector"))
        for r in (_children(auth, "dkim") if auth is not None else [])
    )
    spf = tuple(
        AuthResult(_text(r, "domain").lower(), _text(r, "result").lower(), scope=_text(r, "scope").lower())
        for r in (_children(auth, "spf") if auth is not None else [])
    )
    return Row(
        source_ip=_text(row, "source_ip"),
        count=_integer(_required(row, "row", "count"), "count"),
        disposition=_text(evaluated, "disposition").lower() or "none",
        dkim_aligned=_text(evaluated, "dkim").lower() == "pass",
        spf_aligned=_text(evaluated, "spf").lower() == "pass",
        header_from=_text(identifiers, "header_from").lower(),
        envelope_from=_text(identifiers, "envelope_from").lower(),
        dkim=dkim,
        spf=spf,
    )


def _check_prolog(head: bytes) -> None:
    """Refuse a document type declaration, and any encoding whose bytes hide one (UTF-16, UTF-32).

    Without a DOCTYPE a document declares no entities, so neither entity expansion (the billion
    laughs) nor external entities can happen, and expat, which parses the rest, resolves nothing
    else. Only the prolog can hold a DOCTYPE: after the root element it is not well-formed.
    """
    if head.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\x00" in head[:4]:
        raise UnreadableError("not_utf8")
    at = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while at < len(head) and head[at] in b" \t\r\n":
            at += 1
        if head.startswith(b"<?", at):
            close = b"?>"
        elif head.startswith(b"<!--", at):
            close = b"-->"
        else:
            break
        end = head.find(close, at)
        if end < 0:
            raise UnreadableError("long_prolog", kib=CHUNK // 1024)
        at = end + len(close)
    if head.startswith(b"<!", at):
        raise UnreadableError("doctype")
    root = _ROOT.match(head, at)
    if root is not None and root.group(1).rpartition(b":")[2].lower() != b"feedback":
        raise UnreadableError("wrong_root", root=root.group(1).decode(errors="replace"))


def read_xml(stream: IO[bytes], file: str) -> Report:
    """Return the report in ``stream`` (XML bytes), naming it ``file``; raise ``UnreadableError`` if it is not one."""
    parts: dict[str, Element] = {}
    rows: list[Row] = []
    try:
        namespace = _walk(stream, parts, rows)
    except ParseError as exc:
        raise UnreadableError("malformed", **_where(exc)) from None
    except (OSError, EOFError) as exc:
        raise UnreadableError("unreadable", detail=exc) from None
    return _report(file, parts.get("report_metadata"), parts.get("policy_published"), rows, namespace)


def _walk(stream: IO[bytes], parts: dict[str, Element], rows: list[Row]) -> str:
    """Read the top-level elements into ``parts`` and each record into ``rows``; return the root's namespace.

    The C parser (expat through ElementTree's pull parser) is fed a chunk at a time; defusedxml's
    pure-Python parser was four times slower per report, and the prolog check above removes what
    it guards against.
    """
    from xml.etree.ElementTree import XMLPullParser

    head = stream.read(CHUNK)
    _check_prolog(head)
    # End events only: the root was checked in the prolog, and its end is the last event.
    parser: XMLPullParser[Element] = XMLPullParser(events=("end",))
    root: Element | None = None
    chunk = head
    while chunk:
        parser.feed(chunk)
        root = _events(parser, root, parts, rows)
        chunk = stream.read(CHUNK)
    parser.close()
    root = _events(parser, root, parts, rows)
    if root is None:
        raise UnreadableError("empty")
    if _local(root.tag) != "feedback":
        raise UnreadableError("wrong_root", root=_local(root.tag))
    return root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""


def _events(
    parser: XMLPullParser[Element], root: Element | None, parts: dict[str, Element], rows: list[Row]
) -> Element | None:
    for _, element in cast("Iterator[tuple[str, Element]]", parser.read_events()):  # only end events asked
        root = element  # the last one is the root
        name = _local(element.tag)
        if name == "record":
            rows.append(_row(element))
            element.clear()  # a read record is a Row now: its XML can go
        elif name in {"report_metadata", "policy_published"}:
            parts.setdefault(name, element)
    return root


def _where(exc: ParseError) -> dict[str, int]:
    line, column = getattr(exc, "position", (0, 0))
    return {"line": line, "column": column}


def _report(file: str, metadata: Element | None, policy: Element | None, rows: list[Row], namespace: str) -> Report:
    if metadata is None:
        raise UnreadableError("no_section", section="report_metadata")
    if policy is None:
        raise UnreadableError("no_section", section="policy_published")
    begin = _integer(_required(metadata, "report_metadata", "date_range", "begin"), "begin")
    end = _integer(_required(metadata, "report_metadata", "date_range", "end"), "end")
    if end < begin:
        raise UnreadableError("backwards", begin=begin, end=end)
    return Report(
        file=file,
        org_name=_required(metadata, "report_metadata", "org_name"),
        report_id=_required(metadata, "report_metadata", "report_id"),
        domain=_required(policy, "policy_published", "domain").lower().rstrip("."),
        begin=begin,
        end=end,
        policy=_text(policy, "p").lower() or "none",
        rows=tuple(rows),
        rfc9990=namespace == RFC9990_NAMESPACE,
    )
