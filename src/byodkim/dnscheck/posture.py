"""The domain's authentication posture for mail from SES: SPF, DMARC and alignment, read from DNS.

DKIM is one of the things that decide whether mail from SES is delivered. SPF of the envelope
(MAIL FROM) domain, the DMARC policy and its alignment modes decide the rest, and Gmail and
Yahoo's bulk-sender rules ask for all of them. SPF is evaluated by pyspf (RFC 7208's
reference implementation in Python) with its DNS lookups sent to the servers given, for a
sending address of SES; lookups are counted against RFC 7208's limit of 10 here too, so the
number can be shown, not only the permerror.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.dnscheck.servers import query
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.dnscheck.servers import Server

# An address SES sends from: inside 54.240.0.0/18, which amazonses.com's SPF record authorises.
SES_SENDING_IP = "54.240.8.10"
SES_SPF_INCLUDE = "amazonses.com"
LOOKUP_LIMIT = 10  # RFC 7208 section 4.6.4
_COUNTED = {"include", "a", "mx", "ptr", "exists", "redirect"}  # the terms that cost a DNS lookup (RFC 7208 4.6.4)
_SPF_LOCK = threading.Lock()  # pyspf's DNS hook is one module-level function

Lookup = Callable[[str, str], list[str]]  # (name, rdtype) -> the records' text


@dataclass
class SpfView:
    """One domain's SPF record as receivers evaluate it for mail from SES."""

    domain: str
    record: str | None
    lookups: int = 0
    authorises_ses: bool = False  # pyspf says "pass" for an address SES sends from
    result: str = "none"  # pyspf's result for that address
    includes_ses: bool = False
    problems: list[str] = field(default_factory=list)


@dataclass
class DmarcView:
    """The DMARC record that applies to the From domain."""

    domain: str
    found_at: str | None
    record: str | None
    policy: str | None = None
    subdomain_policy: str | None = None
    adkim: str = "r"
    aspf: str = "r"
    rua: str | None = None
    pct: int = 100
    problems: list[str] = field(default_factory=list)


def resolver_for(servers: tuple[Server, ...], timeout: float = 3.0) -> Lookup:
    """Return a lookup that asks ``servers`` (recursion off), or the system resolver when there are none."""
    import dns.exception
    import dns.rdatatype
    import dns.resolver

    def lookup(name: str, rdtype: str) -> list[str]:
        target = name if name.endswith(".") else name + "."
        if not servers:
            try:
                answer = dns.resolver.resolve(target, rdtype, lifetime=timeout)
            except dns.exception.DNSException:
                return []
            return [_text(r) for r in answer]
        for server in servers:
            try:
                message = query(server, target, rdtype, timeout)
            except (dns.exception.DNSException, OSError):
                continue
            wanted = dns.rdatatype.from_text(rdtype)
            return [_text(r) for rrset in message.answer if rrset.rdtype == wanted for r in rrset]
        return []

    return lookup


def _text(rdata: Any) -> str:  # noqa: ANN401 - any dnspython rdata
    strings = getattr(rdata, "strings", None)
    if strings is not None:
        return b"".join(strings).decode("utf-8", "replace")
    return str(rdata.to_text())


def spf(domain: str, lookup: Lookup) -> SpfView:
    """Read and evaluate ``domain``'s SPF record for an address SES sends from."""
    records = [t for t in lookup(domain, "TXT") if t.lower().startswith("v=spf1")]
    if not records:
        # Not a problem in itself: what matters is the MAIL FROM domain's SPF (the caller's to judge).
        return SpfView(domain, None)
    view = SpfView(domain, records[0])
    if len(records) > 1:
        view.problems.append(say("posture.spf_many", count=len(records), domain=domain))
    view.lookups, view.includes_ses = _count(records[0], lookup, set())
    if view.lookups > LOOKUP_LIMIT:
        view.problems.append(say("posture.spf_lookups", lookups=view.lookups, limit=LOOKUP_LIMIT))
    terms = records[0].split()
    if any(t in ("+all", "all") for t in terms):
        view.problems.append(say("posture.spf_plus_all"))
    if "?all" in terms:
        view.problems.append(say("posture.spf_neutral_all"))
    view.result = _evaluate(domain, lookup)
    view.authorises_ses = view.result == "pass"
    return view


def _count(record: str, lookup: Lookup, seen: set[str]) -> tuple[int, bool]:
    """Return (DNS lookups the record costs, whether it reaches amazonses.com), following include/redirect."""
    total, ses = 0, False
    for term in record.split()[1:]:
        bare = term.lstrip("+-~?").lower()
        if bare.split(":", 1)[0].split("/", 1)[0].split("=", 1)[0] not in _COUNTED:
            continue
        total += 1
        if bare.startswith(("include:", "redirect=")):
            target = bare.split(":", 1)[1] if bare.startswith("include:") else bare.split("=", 1)[1]
            ses = ses or target == SES_SPF_INCLUDE
            if target in seen:
                continue
            seen.add(target)
            inner = next((t for t in lookup(target, "TXT") if t.lower().startswith("v=spf1")), None)
            if inner is not None:
                more, inner_ses = _count(inner, lookup, seen)
                total, ses = total + more, ses or inner_ses
    return total, ses


def _evaluate(domain: str, lookup: Lookup) -> str:
    """Return pyspf's result for mail from an SES address with envelope sender at ``domain``."""
    import spf as pyspf  # type: ignore[import-untyped]

    def hook(name: str, qtype: str, *_args: Any, **_kwargs: Any) -> list[tuple[tuple[str, str], Any]]:  # noqa: ANN401
        found: list[tuple[tuple[str, str], Any]] = []
        for text in lookup(name, qtype):
            if qtype in ("TXT", "SPF"):
                found.append(((name, qtype), [text.encode()]))
            elif qtype == "MX":
                preference, _, exchange = text.partition(" ")
                found.append(((name, qtype), (int(preference), exchange)))
            else:
                found.append(((name, qtype), text))
        return found

    with _SPF_LOCK:
        saved = pyspf.DNSLookup
        pyspf.DNSLookup = hook
        try:
            result, _explanation = pyspf.check2(i=SES_SENDING_IP, s=f"bounce@{domain}", h=domain)
        finally:
            pyspf.DNSLookup = saved
    return str(result)


def dmarc(domain: str, lookup: Lookup, organizational: Callable[[str], str]) -> DmarcView:
    """Find the DMARC record for ``domain`` (or its organizational domain) and read its tags."""
    candidates = [domain]
    org = organizational(domain)
    if org != domain:
        candidates.append(org)
    for where in candidates:
        records = [t for t in lookup(f"_dmarc.{where}", "TXT") if t.replace(" ", "").lower().startswith("v=dmarc1")]
        if not records:
            continue
        view = DmarcView(domain, where, records[0])
        if len(records) > 1:
            view.problems.append(say("posture.dmarc_many", count=len(records), where=where))
        tags = {
            k.strip().lower(): v.strip() for k, _, v in (p.partition("=") for p in records[0].split(";")) if k.strip()
        }
        view.policy = tags.get("p")
        view.subdomain_policy = tags.get("sp")
        view.adkim, view.aspf = tags.get("adkim", "r").lower(), tags.get("aspf", "r").lower()
        view.rua = tags.get("rua")
        view.pct = int(tags["pct"]) if tags.get("pct", "").isdigit() else 100
        if view.policy not in ("none", "quarantine", "reject"):
            view.problems.append(say("posture.dmarc_bad_policy", policy=view.policy))
        if not view.rua:
            view.problems.append(say("posture.dmarc_no_rua"))
        return view
    return DmarcView(
        domain,
        None,
        None,
        problems=[
            say("posture.no_dmarc_or", domain=domain, org=org)
            if org != domain
            else say("posture.no_dmarc", domain=domain)
        ],
    )


def as_dict(view: SpfView | DmarcView) -> dict[str, Any]:
    """Return a JSON-ready dict."""
    return asdict(view)
