"""Read one aggregate report's XML as a stream: RFC 7489 (with or without a namespace) and RFC 9990.

Reports come from strangers, so the XML goes through defusedxml (no DTD, no entities) and is
read element by element: each ``<record>`` is turned into a ``Row`` and dropped from the tree,
so a report of a hundred thousand rows never sits in memory as XML.
Receivers write what they like within the schema: tags and results are compared without case
(``Pass``), missing optional parts read as empty, and only what a summary cannot do without
(the reporter, the report ID, the domain, the period, each row's count) is required.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from byodkim.dmarc.model import AuthResult, Report, Row

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

RFC9990_NAMESPACE = "urn:ietf:params:xml:ns:dmarc-2.0"


class UnreadableError(Exception):
    """A report that cannot be read; ``str()`` is the one line that says why."""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].lower()


def _child(element: Element, name: str) -> Element | None:
    return next((child for child in element if _local(child.tag) == name), None)


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
        raise UnreadableError(f"<{where}> has no <{'/'.join(path)}>")
    return value


def _integer(value: str, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise UnreadableError(f"<{what}> is not a whole number: `{value[:40]}`") from None
    if number < 0:
        raise UnreadableError(f"<{what}> is negative: {number}")
    return number


def _row(record: Element) -> Row:
    row = _child(record, "row")
    if row is None:
        raise UnreadableError("a <record> has no <row>")
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


def read_xml(stream: IO[bytes], file: str) -> Report:
    """Return the report in ``stream`` (XML bytes), naming it ``file``; raise ``UnreadableError`` if it is not one."""
    from defusedxml.common import DefusedXmlException

    parts: dict[str, Element] = {}
    rows: list[Row] = []
    try:
        namespace = _walk(stream, parts, rows)
    except ParseError as exc:
        raise UnreadableError(f"not well-formed XML ({_where(exc)})") from None
    except DefusedXmlException as exc:
        name = type(exc).__name__
        raise UnreadableError(f"refused XML: {name} (a report never needs a DTD or an entity)") from None
    except (OSError, EOFError) as exc:
        raise UnreadableError(f"cannot be read: {exc}") from None
    return _report(file, parts.get("report_metadata"), parts.get("policy_published"), rows, namespace)


def _walk(stream: IO[bytes], parts: dict[str, Element], rows: list[Row]) -> str:
    """Read the top-level elements into ``parts`` and each record into ``rows``; return the root's namespace."""
    from defusedxml.ElementTree import iterparse

    depth = 0
    root: Element | None = None
    for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            depth += 1
            if root is None:
                root = element
                if _local(element.tag) != "feedback":
                    raise UnreadableError(f"not a DMARC aggregate report: the root is <{_local(element.tag)}>")
            continue
        depth -= 1
        if depth != 1 or root is None:
            continue
        name = _local(element.tag)
        if name == "record":
            rows.append(_row(element))
            root.remove(element)  # a read record is a Row now: its XML can go
        else:
            parts.setdefault(name, element)
    if root is None:
        raise UnreadableError("empty")
    return root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""


def _where(exc: ParseError) -> str:
    line, column = getattr(exc, "position", (0, 0))
    return f"line {line}, column {column}"


def _report(file: str, metadata: Element | None, policy: Element | None, rows: list[Row], namespace: str) -> Report:
    if metadata is None:
        raise UnreadableError("no <report_metadata>")
    if policy is None:
        raise UnreadableError("no <policy_published>")
    begin = _integer(_required(metadata, "report_metadata", "date_range", "begin"), "begin")
    end = _integer(_required(metadata, "report_metadata", "date_range", "end"), "end")
    if end < begin:
        raise UnreadableError(f"the period ends before it begins ({begin} > {end})")
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
