"""Judge one name server's answer the way a receiving mail server reads the record.

The usual publishing mistakes are named with their fix: the doubled name, quotes pasted
into ``p=``, a key cut at 255 octets, ``v=`` not first, a stale second record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from byodkim.dnscheck.servers import Server, query

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
                detail=f"{name} is a CNAME to {cname.rstrip('.')}, whose servers gave no answer: {followed.problem}",
                warnings=warnings,
                hops=hops,
            )
    if cname:
        path = f": {'; '.join(hops)}" if hops else ""
        warnings.append(f"{name} is a CNAME to {cname.rstrip('.')}; receivers follow it{path}")
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
        return ServerAnswer(
            server.label, ABSENT, detail="TXT records exist at the name, but none is a DKIM key", warnings=warnings
        )
    verdicts = [_judge_key(text, strings, tags, request.expected, warnings) for text, strings, tags in keys_found]
    if len(verdicts) > 1:
        good = sum(v[0] == OK for v in verdicts)
        if good and good < len(verdicts):
            return ServerAnswer(
                server.label,
                AMBIGUOUS,
                detail=(
                    f"{len(verdicts)} DKIM records at the name, {good} with this key: "
                    "receivers may pick the other; remove the stale one"
                ),
                warnings=warnings,
            )
        if good:
            warnings.append(f"{len(verdicts)} identical DKIM records at the name; one is enough")
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
                return (
                    f"the record is not a valid tag list ({why or 'no p= tag'}): {text[:60]}...; "
                    "publish each tag once, as tag=value separated by ';'"
                )
            warnings.append(f"a TXT record at the name is not a DKIM key and is ignored: {text[:40]}")
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
    form = "the base64 of a whole PEM file" if encoded else "PEM armour (-----BEGIN ...-----)"
    if "PRIVATE" in label:
        return (
            PRIVATE,
            (
                "p= holds a PRIVATE key: the key is compromised (anyone can sign mail as the domain); "
                "stop using this selector: generate a new key with a new selector, register it, and remove this record "
                f"(it was published as {form})"
            ),
        )
    full = None if isinstance(expected, str) else expected.b64
    if full is not None and body != full:
        body = full  # the body is another key or damaged: the one to publish is the registered key's
    shown = f"{body[:24]}...{body[-8:]}" if len(body) > 40 else body  # noqa: PLR2004
    return (
        MALFORMED,
        (
            f"p= holds {form}, which receivers cannot read: publish only the base64 between the BEGIN/END lines, "
            f"without line breaks (p={shown or '<the public key body>'})"
        ),
    )


WILDCARD_PROBE = "byodkim-wildcard-probe"  # a selector nobody publishes: an answer for it is a wildcard's


def _wildcard(result: ServerAnswer, server: Server, request: Check, values: list[tuple[str, list[bytes]]]) -> None:
    """Say so when the answer comes from a ``*._domainkey`` wildcard: there is no selector record to fix."""
    import dns.exception

    probe = f"{WILDCARD_PROBE}._domainkey.{request.domain}."
    try:
        found, _cname = _txt_values(query(server, probe, "TXT", request.timeout))
    except (dns.exception.DNSException, OSError):
        return
    if not found or sorted(t for t, _ in found) != sorted(t for t, _ in values):
        return
    what = _WILDCARD_HOLDS.get(result.outcome, result.outcome)
    result.detail = (
        f"no {request.selector}._domainkey.{request.domain} record exists: the answer comes from the wildcard "
        f"*._domainkey.{request.domain}, which holds {what}; publish {request.selector}._domainkey.{request.domain} "
        "itself (it takes precedence over the wildcard), and remove the wildcard unless another selector needs it"
    )


_WILDCARD_HOLDS = {
    DIFFERENT: "another key",
    PRIVATE: "a PRIVATE key (compromised: stop using any selector it answers for)",
    MALFORMED: "a malformed record",
    REVOKED: "a revoked key (empty p=)",
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
            detail=(
                f"the record is published at the doubled name {doubled}: the DNS console appended the zone again; "
                f"enter only {request.selector}._domainkey as the host name"
            ),
            warnings=warnings,
        )
    return ServerAnswer(server.label, ABSENT, detail="no TXT record at the name", warnings=warnings)


def _judge_key(
    text: str, strings: list[bytes], tags: dict[str, str], expected: PublicKey | str, warnings: list[str]
) -> tuple[str, str]:
    problem = _tag_problem(tags, warnings)
    if problem:
        return MALFORMED, problem
    if any(len(s) > 255 for s in strings):  # noqa: PLR2004 - cannot come from DNS, but a checker must not trust that
        warnings.append("a string is longer than 255 octets")
    if tags.get("k") == ED25519 and tags.get("p"):
        return _ed25519_verdict(tags["p"])
    return _key_verdict(text, tags.get("p", ""), expected, warnings)


def _tag_problem(tags: dict[str, str], warnings: list[str]) -> str | None:
    if "v" in tags and next(iter(tags)) != "v":
        return "v=DKIM1 must be the first tag; receivers reject the record otherwise"
    if tags.get("v", "DKIM1") != "DKIM1":
        return f"v={tags['v']}: the only version is DKIM1"
    if tags.get("k", "rsa") not in KEY_TYPES:
        return (
            f"k={tags['k']}: receivers know only k=rsa and k=ed25519 (RFC 8463) and ignore this record; "
            "SES signs with RSA: use k=rsa"
        )
    if "h" in tags and "sha256" not in [h.strip() for h in tags["h"].split(":")]:
        return f"h={tags['h']} does not allow sha256, which SES signs with"
    flags = [f.strip() for f in tags.get("t", "").split(":")]
    if "y" in flags:
        warnings.append("t=y: test mode, receivers treat failures as if unsigned; remove it once verified")
    if "s" in flags:
        warnings.append("t=s: the key signs for the domain itself only (no subdomain in i=); SES signs so")
    return None


def _key_verdict(text: str, p_value: str, expected: PublicKey | str, warnings: list[str]) -> tuple[str, str]:
    from byodkim.dkim.keyload import public_from_b64
    from byodkim.errors import KeyFileError, PrivateKeyPublishedError

    found_p = _RAW_P.search(text)
    raw_p = found_p.group(1) if found_p else ""
    if not p_value:
        return REVOKED, "p= is empty: the key is revoked; publish the public key"
    if '"' in raw_p or "\\" in raw_p:
        return (
            MALFORMED,
            "quotes or backslashes inside p=: the strings were pasted with their quotes; paste only the value",
        )
    if "-----BEGIN" in p_value or _is_base64_of_pem(p_value):
        return _pem_in_p(p_value, expected)
    if raw_p.strip() != p_value:
        warnings.append("whitespace inside p=: some receivers reject it; publish the value without spaces")
    full = None if isinstance(expected, str) else expected.b64
    if full is not None and p_value != full and full.startswith(p_value):
        return (
            MALFORMED,
            f"the key is cut short ({len(p_value)} of {len(full)} characters): one string was truncated at 255",
        )
    try:
        published = public_from_b64(p_value, "p=")
    except PrivateKeyPublishedError as exc:
        return PRIVATE, f"{exc.message.removeprefix('p= ')}; {exc.hint}"
    except KeyFileError as exc:
        cut = " (cut short?)" if len(p_value) < 216 else ""  # noqa: PLR2004 - a 1024-bit key's p= length
        return MALFORMED, f"p= is not a usable public key{cut} ({exc.message.removeprefix('p= ')})"
    if published.bits < 2048:  # noqa: PLR2004 - RFC 8301's SHOULD
        warnings.append(
            f"a {published.bits}-bit key: receivers accept it, but RFC 8301 asks for 2048 bits; "
            "rotate to a 2048-bit key (byodkim rotate)"
        )
    if published.fingerprint != fingerprint_of(expected):
        return DIFFERENT, f"another key is published ({published.fingerprint})"
    return OK, f"key {published.fingerprint[:23]}... matches"


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
        return (
            MALFORMED,
            (
                f"k=ed25519, but p= is not an Ed25519 public key ({len(raw)} bytes; RFC 8463 wants the base64 of 32); "
                "SES signs with RSA: use k=rsa with the registered key"
            ),
        )
    return (
        DIFFERENT,
        (
            f"an Ed25519 key is published (k=ed25519, sha256:{hashlib.sha256(raw).hexdigest()[:16]}...), which "
            "receivers verify, but SES signs with the registered RSA key: publish its k=rsa record here, "
            "and the Ed25519 key under a selector of its own"
        ),
    )


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
