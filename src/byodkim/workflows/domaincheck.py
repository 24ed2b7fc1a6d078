"""Ready to send: SPF, DMARC, DKIM and SES together, and whether DMARC passes for mail from SES.

The verdict a receiver reaches for one message from SES: DKIM aligns when the domain's own
key signs (BYODKIM); SPF aligns only with a custom MAIL FROM under the domain (SES's
default, a subdomain of amazonses.com, passes SPF but never aligns). DMARC passes when
either aligns. The Gmail/Yahoo bulk-sender requirements are listed with the domain's state:
met, not met, or not checkable from DNS. Every finding says the exact record to add or change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.dkim.names import organizational
from byodkim.dnscheck.check import Report, check
from byodkim.dnscheck.judge import Check
from byodkim.dnscheck.posture import DmarcView, SpfView, dmarc, resolver_for, spf
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Sequence

    from byodkim.aws.ses import RegionStatus
    from byodkim.dnscheck.servers import Server

MET, NOT_MET, UNCHECKABLE = "met", "not met", "not checkable from DNS"


@dataclass(frozen=True)
class Requirement:
    """One bulk-sender requirement and the domain's state."""

    name: str
    state: str
    detail: str
    fix: str = ""
    records: tuple[str, ...] = ()  # the fix's DNS records, as the DNS team types them (one a line when shown)


@dataclass
class Posture:
    """Everything found, and the verdict."""

    domain: str
    mail_from: str | None
    selector: str | None
    spf_from: SpfView
    spf_mail_from: SpfView | None
    dmarc: DmarcView
    dkim: Report | None
    ses: list[RegionStatus] = field(default_factory=list)
    dkim_aligned: bool = False
    spf_aligned: bool = False
    mail_from_mx: list[str] = field(default_factory=list)  # the MAIL FROM domain's MX hosts
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def mail_from_mx_ok(self) -> bool:
        """Return whether the MAIL FROM domain's MX is SES's feedback endpoint (else SES uses its own MAIL FROM)."""
        return any(h.startswith("feedback-smtp.") and h.endswith(".amazonses.com") for h in self.mail_from_mx)

    @property
    def dmarc_passes(self) -> bool:
        """Return whether DMARC passes for mail from SES (DKIM or SPF aligned)."""
        return self.dkim_aligned or self.spf_aligned

    @property
    def ok(self) -> bool:
        """Return whether every checkable requirement is met."""
        return all(r.state != NOT_MET for r in self.requirements)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "domain": self.domain,
            "mailFrom": self.mail_from,
            "selector": self.selector,
            "ok": self.ok,
            "dmarcPasses": self.dmarc_passes,
            "dkimAligned": self.dkim_aligned,
            "spfAligned": self.spf_aligned,
            "mailFromMx": self.mail_from_mx,
            "spf": asdict(self.spf_from),
            "spfMailFrom": asdict(self.spf_mail_from) if self.spf_mail_from else None,
            "dmarc": asdict(self.dmarc),
            "dkim": self.dkim.as_dict() if self.dkim else None,
            "ses": [s.as_dict() for s in self.ses],
            "requirements": [asdict(r) for r in self.requirements],
        }


def assess(
    domain: str,
    selector: str | None,
    servers: tuple[Server, ...],
    mail_from: str | None = None,
    ses: list[RegionStatus] | None = None,
    expected: str | None = None,
    dkim: Report | None = None,
) -> Posture:
    """Read the domain's DNS (and SES's view, when given) and judge it for mail sent through SES.

    ``dkim`` is the selector's record already checked by the caller (the report), if any.
    """
    lookup = resolver_for(servers)
    found = ses or []
    mail_from = mail_from or next((s.mail_from for s in found if s.mail_from), None)  # SES's, when set
    signing = next((s for s in found if s.origin == "EXTERNAL" and s.tokens), None)
    chosen = selector or (signing.tokens[0] if signing else None)
    fingerprint = expected or (signing.fingerprint if signing else None)
    report = dkim
    if report is None and chosen and fingerprint:
        report = check(Check(domain, chosen, fingerprint, servers))
    posture = Posture(
        domain,
        mail_from,
        chosen,
        spf(domain, lookup),
        spf(mail_from, lookup) if mail_from else None,
        dmarc(domain, lookup, organizational),
        report,
        found,
    )
    if mail_from:
        posture.mail_from_mx = [t.split()[-1].rstrip(".") for t in lookup(mail_from, "MX")]
    ses_ok = all(s.status == "SUCCESS" and s.origin == "EXTERNAL" for s in found) if found else True
    posture.dkim_aligned = report is not None and report.ok and ses_ok  # d= is the From domain itself
    # SES uses the custom MAIL FROM only while its MX is in place (BehaviorOnMxFailure falls back otherwise).
    if (
        mail_from
        and posture.mail_from_mx_ok
        and posture.spf_mail_from is not None
        and posture.spf_mail_from.authorises_ses
    ):
        strict = posture.dmarc.aspf == "s"
        posture.spf_aligned = mail_from == domain if strict else organizational(mail_from) == organizational(domain)
    posture.requirements = _requirements(posture, found)
    return posture


def _requirements(p: Posture, found: list[RegionStatus]) -> list[Requirement]:
    region = found[0].region if found else "REGION"
    sub = p.mail_from or f"mail.{p.domain}"
    spf_fix: str = say("posture.spf_fix", sub=sub, region=region)
    spf_records: tuple[str, ...] = (
        f'{sub}. TXT "v=spf1 include:amazonses.com ~all"',
        f"{sub}. MX 10 feedback-smtp.{region}.amazonses.com.",
    )
    # Each detail is a keyed line made of keyed parts (joined by "; "), so Japanese keeps all of it.
    spf_parts: list[str] = []  # keyed lines, and problems another reader may have left plain
    if p.spf_mail_from is not None:
        problems = list(p.spf_mail_from.problems)
        if not p.spf_mail_from.record:
            problems.append(say("posture.no_spf", domain=p.mail_from))
        if not p.mail_from_mx_ok:
            problems.append(say("posture.no_mx", domain=p.mail_from, region=region))
        spf_state = MET if p.spf_mail_from.authorises_ses and not problems else NOT_MET
        spf_parts += [say("posture.spf_mail_from", mail_from=p.mail_from, result=p.spf_mail_from.result), *problems]
    else:
        spf_state = MET
        spf_parts.append(say("posture.spf_default"))
    if p.spf_from.problems:  # the From domain's own SPF lets others send as it, or breaks at receivers
        spf_state = NOT_MET
        spf_parts.append(say("posture.spf_from_problems", domain=p.domain, problems=list(p.spf_from.problems)))
        if p.spf_mail_from is None:
            spf_fix, spf_records = say("posture.spf_from_fix", domain=p.domain, problem=p.spf_from.problems[0]), ()
    dkim_parts = [p.dkim.summary() if p.dkim else say("posture.no_selector")]
    if found and not all(s.status == "SUCCESS" for s in found):
        states = ", ".join(f"{s.region} {s.status or 'NO IDENTITY'}" for s in found)
        dkim_parts.append(say("posture.ses_states", states=states))
    dmarc_state = MET if p.dmarc.found_at and p.dmarc.policy in ("none", "quarantine", "reject") else NOT_MET
    at = {"policy": p.dmarc.policy, "where": p.dmarc.found_at}
    if not p.dmarc.found_at:
        dmarc_detail = p.dmarc.problems[0]
    elif p.dmarc.rua:
        dmarc_detail = say("posture.dmarc_at_rua", rua=p.dmarc.rua, **at)
    else:
        dmarc_detail = say("posture.dmarc_at", **at)
    aligned = say("posture.how_both") if p.dkim_aligned and p.spf_aligned else "DKIM" if p.dkim_aligned else "SPF"
    dmarc_record = f'_dmarc.{p.domain}. TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@{p.domain}"'
    spf_met, dmarc_met = spf_state == MET, dmarc_state == MET
    return [
        Requirement("SPF", spf_state, _parts(spf_parts), "" if spf_met else spf_fix, () if spf_met else spf_records),
        _dkim_requirement(p, _parts(dkim_parts)),
        Requirement(
            "DMARC (at least p=none)",
            dmarc_state,
            dmarc_detail,
            "" if dmarc_met else dmarc_record,
            () if dmarc_met else (dmarc_record,),
        ),
        Requirement(
            "From aligned with SPF or DKIM",
            MET if p.dmarc_passes else NOT_MET,
            say("posture.aligned", how=aligned, domain=p.domain) if p.dmarc_passes else _unaligned(p),
            "" if p.dmarc_passes else say("posture.align_fix"),
        ),
        Requirement("One-click unsubscribe (RFC 8058) for marketing mail", UNCHECKABLE, say("posture.unsubscribe")),
        Requirement("Spam rate under 0.3%", UNCHECKABLE, say("posture.spam_rate")),
    ]


def _parts(parts: Sequence[str]) -> str:
    """Return several keyed parts as one keyed line (a single part as it is)."""
    return parts[0] if len(parts) == 1 else say("posture.parts", parts=list(parts))


def _dkim_requirement(p: Posture, detail: str) -> Requirement:
    if p.dkim_aligned:
        return Requirement("DKIM", MET, detail, "")
    report = p.dkim
    if report is not None and report.unroutable:
        # Servers this host cannot route to are not a missing record: telling the user to publish
        # what may well be published sends the DNS team after nothing.
        reached = [a for host, a in report.by_server().items() if host not in report.unroutable]
        if all(report.server_ok(a) for a in reached):
            return Requirement("DKIM", NOT_MET, detail, report.unroutable_sentence())  # unchecked is not met
    return Requirement("DKIM", NOT_MET, detail, say("posture.dkim_fix"))


def _unaligned(p: Posture) -> str:
    why = []
    if not p.dkim_aligned:
        why.append(say("posture.no_dkim_pass"))
    if p.mail_from is None:
        why.append(say("posture.default_mail_from"))
    elif p.dmarc.aspf == "s" and p.mail_from != p.domain:
        why.append(say("posture.aspf_strict", domain=p.domain, mail_from=p.mail_from))
    return _parts(why) if why else ""
