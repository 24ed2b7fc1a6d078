"""Judge one name server's answer the way a receiving mail server reads the record.

The usual publishing mistakes are named with their fix: the doubled name, quotes pasted
into ``p=``, a key cut at 255 octets, ``v=`` not first, a stale second record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from byodkim.dkim.names import record_name
from byodkim.dnscheck.servers import Server, query
from byodkim.messages import Said, say

if TYPE_CHECKING:
    import dns.message

    from byodkim.dkim.keys import PublicKey, SigningKey

OK, ABSENT, DIFFERENT, MALFORMED, REVOKED = "ok", "absent", "different key", "malformed", "revoked"
PRIVATE = "private key published"  # the worst publishing mistake: the key is compromised
_CLAIMS_DKIM = re.compile(r"\s*v\s*=\s*DKIM1")
_HAS_P = re.compile(r"(?:^|;)\s*p\s*=")
_RAW_P = re.compile(r"(?:^|;)[ \t\r\n]*p[ \t\r\n]*=([^;]*)")
_PEM = re.compile(r"-----BEGIN([A-Z0-9]+)-----(.*?)(?:-----END\1-----|$)")


@dataclass
class ServerAnswer:
    """What one server said, judged."""

    server: str
    outcome: str
    serial: int | None = None
    detail: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    host: str = ""  # the name server this address belongs to ("" when given as an address)
    hops: list[str] = field(default_factory=list)  # a CNAME followed: where each step was answered
    receiver: str = ""  # dkimpy's verdict on a message signed with the key ("" when no private key was given)

    @property
    def ok(self) -> bool:
        """Return whether this address answered with the right key."""
        return self.outcome == OK


def _txt_values(answer: dns.message.Message) -> tuple[list[tuple[str, list[bytes]]], str | None]:
    import dns.rdatatype

    values: list[tuple[str, list[bytes]]] = []
    cname = None
    for rrset in answer.answer:
        if rrset.rdtype == dns.rdatatype.CNAME:
            cname = next(iter(rrset)).target.to_text()
        elif rrset.rdtype == dns.rdatatype.TXT:
            values += [(b"".join(r.strings).decode("utf-8", "replace"), list(r.strings)) for r in rrset]
    return values, cname


def judge(answer: dns.message.Message, server: Server, request: Check, name: str) -> ServerAnswer:
    """Return one server's verdict on the record at ``name`` in ``answer``."""
    values, cname = _txt_values(answer)
    warnings: list[str] = []
    hops: list[str] = []
    if cname and not values:
        from byodkim.dnscheck.follow import follow

        followed = follow(cname, server, request.timeout, request.discovery_port)
        values = [(b"".join(t).decode("utf-8", "replace"), t) for t in followed.texts]
        hops = followed.hops
        if not values and followed.problem:
            return ServerAnswer(
                server.label,
                ERROR,
                detail=say("dns.cname_silent", name=name, target=cname.rstrip("."), problem=followed.problem),
                warnings=warnings,
                hops=hops,
            )
    if cname:
        warnings.append(
            say("dns.cname_hops", name=name, target=cname.rstrip("."), hops="; ".join(hops))
            if hops
            else say("dns.cname", name=name, target=cname.rstrip("."))
        )
    result = _judge_values(values, server, request, name, warnings)
    result.hops = hops
    if result.outcome in (DIFFERENT, MALFORMED, PRIVATE, REVOKED, AMBIGUOUS) and not cname:
        _wildcard(result, server, request, values)
    return result


def _judge_values(
    values: list[tuple[str, list[bytes]]], server: Server, request: Check, name: str, warnings: list[str]
) -> ServerAnswer:
    if not values:
        return _absent(server, request, name, warnings)
    keys_found = _dkim_records(values, warnings)
    if isinstance(keys_found, str):
        return ServerAnswer(server.label, MALFORMED, detail=keys_found, warnings=warnings)
    if not keys_found:
        return ServerAnswer(server.label, ABSENT, detail=say("dns.not_dkim"), warnings=warnings)
    verdicts = [_judge_key(text, strings, tags, request.expected, warnings) for text, strings, tags in keys_found]
    if len(verdicts) > 1:
        good = sum(v[0] == OK for v in verdicts)
        if good and good < len(verdicts):
            return ServerAnswer(
                server.label,
                AMBIGUOUS,
                detail=say("dns.ambiguous", count=len(verdicts), good=good),
                warnings=warnings,
            )
        if good:
            warnings.append(say("dns.identical", count=len(verdicts)))
    outcome, detail = next((v for v in verdicts if v[0] == OK), verdicts[0])
    return ServerAnswer(server.label, outcome, detail=detail, warnings=warnings)


def _dkim_records(
    values: list[tuple[str, list[bytes]]], warnings: list[str]
) -> list[tuple[str, list[bytes], dict[str, str]]] | str:
    """Return the TXT values that are DKIM key records, or why one that claims to be is malformed."""
    from byodkim.dkim.record import TagListError, parse_tag_list

    found = []
    for text, strings in values:
        try:
            tags: dict[str, str] | None = parse_tag_list(text)
            why = ""
        except TagListError as exc:
            tags, why = None, exc.reason
        if tags is None or "p" not in tags:
            if _CLAIMS_DKIM.match(text) or (tags is None and _HAS_P.search(text)):
                return say("dns.not_tag_list", why=why or say("tags.no_p"), text=text[:60])
            warnings.append(say("dns.not_a_key", text=text[:40]))
            continue
        found.append((text, strings, tags))
    return found


def _is_base64_of_pem(p_value: str) -> bool:
    import base64
    import binascii

    try:
        return base64.b64decode(p_value[:24] + "=" * (-len(p_value[:24]) % 4)).startswith(b"-----BEGIN")
    except (binascii.Error, ValueError):
        return False


def _pem_in_p(p_value: str, expected: PublicKey | str) -> tuple[str, str]:
    """Name a PEM file pasted into ``p=``, as is or base64-encoded whole: receivers read only the base64 body."""
    import base64
    import binascii

    encoded = "-----BEGIN" not in p_value
    text = p_value
    if encoded:
        try:
            text = "".join(base64.b64decode(p_value + "=" * (-len(p_value) % 4)).decode("ascii", "replace").split())
        except (binascii.Error, ValueError):
            text = ""
    found = _PEM.search(text)
    label = found.group(1) if found else "PUBLICKEY"
    body = found.group(2) if found else ""
    form = say("dns.pem_encoded" if encoded else "dns.pem_armour")
    if "PRIVATE" in label:
        return PRIVATE, say("dns.pem_private", form=form)
    full = None if isinstance(expected, str) else expected.b64
    if full is not None and body != full:
        body = full  # the body is another key or damaged: the one to publish is the registered key's
    shown = f"{body[:24]}...{body[-8:]}" if len(body) > 40 else body  # noqa: PLR2004
    return MALFORMED, say("dns.pem_in_p", form=form, shown=shown or "<the public key body>")


WILDCARD_PROBE = "byodkim-wildcard-probe"  # a selector nobody publishes: an answer for it is a wildcard's


def _wildcard(result: ServerAnswer, server: Server, request: Check, values: list[tuple[str, list[bytes]]]) -> None:
    """Say so when the answer comes from a ``*._domainkey`` wildcard: there is no selector record to fix."""
    import dns.exception

    probe = f"{record_name(request.domain, WILDCARD_PROBE)}."
    try:
        found, _cname = _txt_values(query(server, probe, "TXT", request.timeout))
    except (dns.exception.DNSException, OSError):
        return
    if not found or sorted(t for t, _ in found) != sorted(t for t, _ in values):
        return
    what = say(_WILDCARD_HOLDS[result.outcome]) if result.outcome in _WILDCARD_HOLDS else result.outcome
    name = record_name(request.domain, request.selector)
    result.detail = say("dns.wildcard", name=name, wildcard=record_name(request.domain, "*"), what=what)


_WILDCARD_HOLDS = {
    DIFFERENT: "dns.wildcard_another",
    PRIVATE: "dns.wildcard_private",
    MALFORMED: "dns.wildcard_malformed",
    REVOKED: "dns.wildcard_revoked",
}


def _absent(server: Server, request: Check, name: str, warnings: list[str]) -> ServerAnswer:
    import dns.exception

    doubled = f"{name}.{request.domain}"
    try:
        values, _ = _txt_values(query(server, f"{doubled}.", "TXT", request.timeout))
    except (dns.exception.DNSException, OSError):
        values = []
    if values:
        return ServerAnswer(
            server.label,
            ABSENT,
            detail=say("dns.doubled", doubled=doubled, host=f"{request.selector}._domainkey"),
            warnings=warnings,
        )
    return ServerAnswer(server.label, ABSENT, detail=say("dns.no_txt"), warnings=warnings)


def _judge_key(
    text: str, strings: list[bytes], tags: dict[str, str], expected: PublicKey | str, warnings: list[str]
) -> tuple[str, str]:
    problem = _tag_problem(tags, warnings)
    if problem:
        return MALFORMED, problem
    if any(len(s) > 255 for s in strings):  # noqa: PLR2004 - cannot come from DNS, but a checker must not trust that
        warnings.append(say("dns.long_string"))
    if tags.get("k") == ED25519 and tags.get("p"):
        return _ed25519_verdict(tags["p"])
    return _key_verdict(text, tags.get("p", ""), expected, warnings)


def _tag_problem(tags: dict[str, str], warnings: list[str]) -> str | None:
    if "v" in tags and next(iter(tags)) != "v":
        return say("dns.v_first")
    if tags.get("v", "DKIM1") != "DKIM1":
        return say("dns.v_version", value=tags["v"])
    if tags.get("k", "rsa") not in KEY_TYPES:
        return say("dns.k_unknown", value=tags["k"])
    if "h" in tags and "sha256" not in [h.strip() for h in tags["h"].split(":")]:
        return say("dns.h_no_sha256", value=tags["h"])
    flags = [f.strip() for f in tags.get("t", "").split(":")]
    if "y" in flags:
        warnings.append(say("dns.test_mode"))
    if "s" in flags:
        warnings.append(say("dns.strict"))
    return None


def _key_verdict(text: str, p_value: str, expected: PublicKey | str, warnings: list[str]) -> tuple[str, str]:
    from byodkim.dkim.keyload import public_from_b64
    from byodkim.errors import KeyFileError, PrivateKeyPublishedError

    found_p = _RAW_P.search(text)
    raw_p = found_p.group(1) if found_p else ""
    if not p_value:
        return REVOKED, say("dns.revoked")
    if '"' in raw_p or "\\" in raw_p:
        return MALFORMED, say("dns.quotes")
    if "-----BEGIN" in p_value or _is_base64_of_pem(p_value):
        return _pem_in_p(p_value, expected)
    if raw_p.strip() != p_value:
        warnings.append(say("dns.whitespace"))
    full = None if isinstance(expected, str) else expected.b64
    if full is not None and p_value != full and full.startswith(p_value):
        return MALFORMED, say("dns.cut_short", have=len(p_value), want=len(full))
    try:
        published = public_from_b64(p_value, "p=")
    except PrivateKeyPublishedError as exc:
        return PRIVATE, say("dns.private", what=_predicate(exc.message), hint=exc.hint or "")
    except KeyFileError as exc:
        cut = len(p_value) < 216  # noqa: PLR2004 - a 1024-bit key's p= length
        return MALFORMED, say("dns.unusable_cut" if cut else "dns.unusable", reason=_predicate(exc.message))
    if published.bits < 2048:  # noqa: PLR2004 - RFC 8301's SHOULD
        warnings.append(say("dns.short_key", bits=published.bits))
    if published.fingerprint != fingerprint_of(expected):
        return DIFFERENT, say("dns.another_key", fingerprint=published.fingerprint)
    return OK, say("dns.matches", fingerprint=published.fingerprint[:23])


def _predicate(message: str) -> object:
    """Return what a key refusal says of ``p=`` without naming it again (``is not base64``)."""
    return message.values.get("what", message) if isinstance(message, Said) else message.removeprefix("p= ")


ED25519 = "ed25519"
KEY_TYPES = ("rsa", ED25519)  # RFC 6376's rsa and RFC 8463's ed25519: what receivers verify today
ED25519_BYTES = 32  # RFC 8463 section 4.2: p= is the base64 of the raw 32-byte public key


def _ed25519_verdict(p_value: str) -> tuple[str, str]:
    """Judge a ``k=ed25519`` record: valid for receivers, but never the registered key (SES signs with RSA)."""
    import base64
    import binascii
    import hashlib

    try:
        raw = base64.b64decode("".join(p_value.split()), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != ED25519_BYTES:
        return MALFORMED, say("dns.ed25519_bad", size=len(raw))
    return DIFFERENT, say("dns.ed25519_other", fingerprint=f"sha256:{hashlib.sha256(raw).hexdigest()[:16]}...")


TIMEOUT, REFUSED, SERVFAIL, ERROR, AMBIGUOUS = "timeout", "refused", "SERVFAIL", "error", "ambiguous"
NOT_AUTHORITATIVE = "not authoritative"  # AA not set: a referral or a cached answer, not the zone's word
# An address of a family this host has no route for (an AAAA record, seen from a Lambda outside a
# dual-stack VPC): not reachable from here, which says nothing about the server itself.
UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Check:
    """What to check, where, how patiently."""

    domain: str
    selector: str
    expected: PublicKey | str  # the key, or only its fingerprint (``sha256:...``) when the key is not at hand
    servers: tuple[Server, ...] = ()  # empty: discover the zone's authoritative servers
    timeout: float = 3.0
    discovery_port: int = 53  # where discovered servers listen (tests run them elsewhere)
    signing: SigningKey | None = None  # with the private key, a receiver (dkimpy) judges each answer too
    # One of a fleet's checks: servers asked in turn (the domains run side by side), and the SOA
    # serial, which explains a stale server, asked only of a server that does not publish the key.
    lean: bool = False


def fingerprint_of(expected: PublicKey | str) -> str:
    """Return the expected key's ``sha256:`` fingerprint."""
    return expected if isinstance(expected, str) else expected.fingerprint
