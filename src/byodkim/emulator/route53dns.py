"""Route 53 zones made live: a record change through the emulator reaches the real name server it was told about.

moto keeps hosted zones and their record sets but answers no DNS query, so a domain hosted in
Route 53 would never be live anywhere SES (or a receiver, or ``byodkim verify``) looks. Here each
``ChangeResourceRecordSets`` through the emulator is applied by moto and, in the same request,
sent as one RFC 2136 update to the name server among the emulator's DNS servers that is
authoritative for the zone (the sandbox's BIND, which takes updates from loopback).

- All or nothing, as Route 53 applies a batch: moto applies a batch change by change and stops
  at the first bad one (a DELETE of a record that is not there, a name outside the zone),
  leaving the ones before it applied. The zone's records are kept before moto runs and put
  back when it refuses, and nothing goes to the name server. When the name server refuses the
  update, moto's zone is put back too and the caller gets the error: applied nowhere.
- A zone none of the emulator's servers is authoritative for is Route 53's alone (no SOA with
  the AA bit from any of them): moto applies the change, the emulator's log says so.
- A value goes to the name server as Route 53 takes it, zone-file text: a TXT of several
  quoted strings (``"v=DKIM1; k=rsa; p=MIIB..." "...rest"``) stays several strings.
- Records a stack makes (``AWS::Route53::RecordSet``: phase 4's DKIM record, the MAIL FROM MX
  and SPF) reach the name server too when the stack creates, updates or deletes them
  (:func:`install`); a refusal there is logged, as the stack has already moved on.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from byodkim.emulator.lookup import server_of
from byodkim.emulator.settings import ACCOUNT
from byodkim.emulator.wire import Response, error_response

if TYPE_CHECKING:
    from byodkim.emulator.state import State
    from byodkim.emulator.wire import Call, WsgiApp

log = logging.getLogger(__name__)
_RRSET = re.compile(r"^/2013-04-01/hostedzone/(?P<zone>[^/]+)/rrset/?$")
_ONE_AT_A_TIME = threading.Lock()  # a change and its undo must not interleave with another change's


@dataclass(frozen=True)
class Change:
    """One change of a batch, as the name server gets it."""

    action: str  # CREATE | UPSERT | DELETE
    name: str  # absolute, with the root dot
    type: str
    ttl: int
    values: tuple[str, ...]  # zone-file text, as Route 53 takes ResourceRecord values


def handles(call: Call) -> bool:
    """Return whether ``call`` is a ChangeResourceRecordSets this module passes on to DNS."""
    return call.service == "route53" and call.method == "POST" and _RRSET.match(call.path) is not None


def change(app: WsgiApp, environ: dict[str, Any], call: Call, state: State) -> Response:
    """Apply the batch in moto and on the zone's name server, both or neither; return the answer to send."""
    zone_id = _RRSET.match(call.path)["zone"]  # type: ignore[index] # handles() matched it
    with _ONE_AT_A_TIME:
        zone = _zone(zone_id)
        if zone is None:  # moto answers NoSuchHostedZone in Route 53's words
            return _moto(app, environ)
        kept = copy.deepcopy((zone.rrsets, zone.rr_changes))
        answer = _moto(app, environ)
        if not 200 <= answer[0] < 300:  # noqa: PLR2004
            zone.rrsets, zone.rr_changes = kept
            return answer
        origin = zone.name.rstrip(".") + "."
        server = _authoritative(state.settings.dns_servers, origin)
        if server is None:
            log.warning(
                "Route 53 zone %s (%s): no name server the emulator was told about serves it; "
                "the change is kept in Route 53 only, nothing is live in DNS",
                origin,
                zone_id,
            )
            return answer
        try:
            _update(server, origin, parse_changes(call.body))
        except (OSError, ValueError, RuntimeError) as exc:  # dnspython's errors derive from these
            zone.rrsets, zone.rr_changes = kept
            log.warning("Route 53 zone %s: %s refused the update, nothing applied: %s", origin, server, exc)
            why = f"the zone's name server {server} refused the change, so nothing was applied: {exc}"
            return error_response("rest-xml", "InvalidChangeBatch", why, 400)
        log.info("Route 53 zone %s: %s now serves the change", origin, server)
        return answer


def install(state: State) -> None:
    """Make the records stacks create, update and delete in moto's Route 53 live on the zone's name server too."""
    from moto.route53.models import RecordSet

    create = RecordSet.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    remove = RecordSet.delete_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    delete = RecordSet.delete

    def created(cls: type, name: str, template: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        record = create(cls, name, template, *args, **kwargs)
        change = Change(
            "UPSERT", _absolute(record.name), str(record.type), int(record.ttl or 300), tuple(record.records)
        )
        _mirror(state, record.hosted_zone_id, record.hosted_zone_name, change)
        return record

    def removed(cls: type, name: str, template: Any, *args: Any) -> None:  # noqa: ANN401
        remove(cls, name, template, *args)
        props = template["Properties"]
        change = Change("DELETE", _absolute(name), str(props.get("Type")), 0, ())
        _mirror(state, props.get("HostedZoneId"), props.get("HostedZoneName"), change)

    def deleted(self: Any, account_id: str, region: str) -> None:  # noqa: ANN401
        delete(self, account_id, region)
        change = Change("DELETE", _absolute(self.name), str(self.type), 0, ())
        _mirror(state, self.hosted_zone_id, self.hosted_zone_name, change)

    RecordSet.create_from_cloudformation_json = classmethod(created)  # type: ignore[method-assign,assignment]
    RecordSet.delete_from_cloudformation_json = classmethod(removed)  # type: ignore[method-assign,assignment]
    RecordSet.delete = deleted  # type: ignore[method-assign]


def _mirror(state: State, zone_id: str | None, zone_name: str | None, change: Change) -> None:
    """Send a stack's record change to the zone's name server; log what could not be sent."""
    from moto.route53.models import route53_backends

    backend = route53_backends[ACCOUNT]["aws"]
    zone = backend.get_hosted_zone_by_name(zone_name) if zone_name else None
    zone = zone or (_zone(zone_id.split("/")[-1]) if zone_id else None)
    if zone is None:
        return
    origin = zone.name.rstrip(".") + "."
    server = _authoritative(state.settings.dns_servers, origin)
    if server is None:
        log.warning(
            "Route 53 zone %s: no name server the emulator was told about serves it; %s %s kept in Route 53 only",
            origin,
            change.action,
            change.name,
        )
        return
    try:
        _update(server, origin, [change])
    except (OSError, ValueError, RuntimeError) as exc:
        log.warning("Route 53 zone %s: %s refused a stack's %s %s: %s", origin, server, change.action, change.name, exc)


def _absolute(name: str) -> str:
    return name if name.endswith(".") else f"{name}."


def parse_changes(body: bytes) -> list[Change]:
    """Return the batch's changes from a ChangeResourceRecordSets request body."""
    import xml.etree.ElementTree as ET

    if b"<!DOCTYPE" in body.upper():
        raise ValueError("a DOCTYPE in a Route 53 request")  # never from boto3; entities are not expanded
    root = ET.fromstring(body)  # noqa: S314 - the emulator's own loopback clients, no DOCTYPE
    changes = []
    for item in root.iter():
        if _local(item.tag) != "Change":
            continue
        fields = {_local(e.tag): e for e in item.iter()}
        record = fields["ResourceRecordSet"]
        records = [e for e in record.iter() if _local(e.tag) == "ResourceRecord"]
        values = tuple((v.text or "") for e in records for v in e if _local(v.tag) == "Value")
        changes.append(
            Change(
                _text(item, "Action"),
                _absolute(_text(record, "Name")),
                _text(record, "Type"),
                int(_text(record, "TTL") or 300),
                values,
            )
        )
    return changes


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: Any, name: str) -> str:  # noqa: ANN401 - an ElementTree element
    found = next((e for e in element if _local(e.tag) == name), None)
    return (found.text or "").strip() if found is not None else ""


def _moto(app: WsgiApp, environ: dict[str, Any]) -> Response:
    """Return moto's complete answer, so it can be held until the name server has the change."""
    seen: list[Any] = []

    def start(status: str, headers: list[tuple[str, str]], *_rest: object) -> None:
        seen.extend([int(status.split(maxsplit=1)[0]), headers])

    body = b"".join(app(environ, start))
    headers = {k: v for k, v in seen[1] if k.lower() != "content-length"}  # respond() sets it
    return seen[0], headers, body


def _zone(zone_id: str) -> Any:  # noqa: ANN401 - moto's FakeZone
    from moto.route53.models import route53_backends

    try:
        return route53_backends[ACCOUNT]["aws"].get_hosted_zone(zone_id)
    except Exception:  # noqa: BLE001 - moto's NoSuchHostedZone; moto answers it itself
        return None


def _authoritative(servers: list[str], origin: str) -> str | None:
    """Return the first of ``servers`` that answers the zone's SOA with authority, else None."""
    import dns.exception
    import dns.flags
    import dns.rcode
    import dns.rdatatype

    from byodkim.dnscheck.servers import query

    for spec in servers:
        try:
            answer = query(server_of(spec), origin, "SOA", 1.0)
        except (dns.exception.DNSException, OSError, ValueError):
            continue
        soa = any(rrset.rdtype == dns.rdatatype.SOA for rrset in answer.answer)
        if answer.rcode() == dns.rcode.NOERROR and answer.flags & dns.flags.AA and soa:
            return spec
    return None


def _update(spec: str, origin: str, changes: list[Change]) -> None:
    """Send the batch as one RFC 2136 update (the server applies all of it or none)."""
    import dns.query
    import dns.rcode
    import dns.update

    message = dns.update.UpdateMessage(origin)
    for one in changes:
        # UPSERT and CREATE replace the record set; DELETE removes it (Route 53 checked its values).
        message.delete(one.name, one.type)
        if one.action != "DELETE":
            for value in one.values:
                message.add(one.name, one.ttl, one.type, value)
    server = server_of(spec)
    response = dns.query.tcp(message, server.address, timeout=5, port=server.port)
    if response.rcode() != dns.rcode.NOERROR:
        raise RuntimeError(f"RFC 2136 update answered {dns.rcode.to_text(response.rcode())}")
