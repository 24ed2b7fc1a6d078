"""The request a DNS team receives: what to publish, how to check it, what to avoid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from byodkim.dkim.names import normalize_domain, organizational, public_suffix, record_name, unicode_form
from byodkim.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from byodkim.dkim.record import DkimRecord

LANGS = ("en", "ja")


@dataclass(frozen=True)
class RequestFields:
    """Who asks, and by when; blank fields are left for the requester to fill."""

    requester: str = ""
    deadline: str = ""
    mail_from: str = ""  # a custom MAIL FROM domain (mail.DOMAIN): its MX and SPF records are asked for too
    region: str = ""  # the SES region its MX points at (feedback-smtp.REGION.amazonses.com)
    reports_address: str = ""  # the rua address SES receives DMARC reports at: its MX (and more) are asked for too


def render_request(record: DkimRecord, lang: str = "en", fields: RequestFields | None = None) -> str:
    """Return the Markdown request for publishing ``record``."""
    fields = fields or RequestFields()
    from byodkim.messages import say, text_of

    if lang not in LANGS:
        raise InputError(say("request.bad_lang", lang=lang), say("request.bad_lang_hint"))
    blank = text_of("request.blank", lang)
    text = text_of("request.body", lang).format(**_values(record, fields, blank))
    if fields.mail_from:
        text += mail_from_section(fields.mail_from, fields.region or "REGION", lang)
    if fields.reports_address:
        text += reporting_section(record.domain, fields.reports_address, fields.region or "REGION", lang)
    return text


def check_reports_address(value: str) -> str:
    """Return a DMARC report (rua) address, its domain normalised; refuse anything else (an InputError)."""
    from byodkim.messages import say

    local, at, domain = value.strip().removeprefix("mailto:").rpartition("@")
    if not at or not local or any(c in local for c in ' <>,;"\\'):
        raise InputError(say("request.bad_reports_address", value=value), say("request.bad_reports_address_hint"))
    domain = normalize_domain(domain)
    if public_suffix(domain):  # `ne.jp`: nobody receives mail there, and no DNS team publishes its MX
        raise InputError(say("request.reports_at_suffix", value=value), say("request.bad_reports_address_hint"))
    return f"{local}@{domain}"


def reporting_records(domain: str, address: str, region: str) -> tuple[list[str], list[str], str]:
    """Return the zone lines DMARC reports to ``address`` need, received by SES in ``region``.

    (MX for the address's domain; the external destination record RFC 7489 section 7.1 asks of a
    report domain outside the policy domain's organisation; the DMARC record's rua tag.)
    """
    rua_domain = address.rpartition("@")[2]
    mx = [f"{rua_domain}. 3600 IN MX 10 inbound-smtp.{region}.amazonaws.com."]
    outside = organizational(rua_domain) != organizational(domain)
    external = [f'{domain}._report._dmarc.{rua_domain}. 3600 IN TXT "v=DMARC1"'] if outside else []
    return mx, external, f"rua=mailto:{address}"


def reporting_section(domain: str, address: str, region: str, lang: str) -> str:
    """Return the request's part for DMARC reports: MX, the external destination record, the rua tag."""
    from byodkim.messages import render, say

    mx, external, rua = reporting_records(domain, address, region)
    rua_domain = address.rpartition("@")[2]
    parts = [
        f"\n## {render(say('request.reports_title', address=address), lang)}",
        render(say("request.reports_why", address=address, region=region), lang),
        "```\n" + "\n".join(mx) + "\n```",
    ]
    if external:
        parts += [
            render(say("request.reports_external", domain=domain, rua_domain=rua_domain), lang),
            "```\n" + "\n".join(external) + "\n```",
        ]
    parts += [render(say("request.reports_dmarc", domain=domain), lang), f"```\n{rua}\n```"]
    return "\n\n".join(parts) + "\n"


def mail_from_records(mail_from: str, region: str) -> list[str]:
    """Return the zone lines a custom MAIL FROM domain needs (SES guide, mail-from-set)."""
    return [
        f"{mail_from}. 3600 IN MX 10 feedback-smtp.{region}.amazonses.com.",
        f'{mail_from}. 3600 IN TXT "v=spf1 include:amazonses.com ~all"',
    ]


def mail_from_section(mail_from: str, region: str, lang: str) -> str:
    """Return the request's part for the MAIL FROM records, so SPF aligns with the From domain."""
    from byodkim.messages import render, say

    lines = "\n".join(mail_from_records(mail_from, region))
    title, why = say("request.mail_from_title", mail_from=mail_from), say("request.mail_from_why")
    return f"\n## {render(title, lang)}\n\n{render(why, lang)}\n\n```\n{lines}\n```\n"


def _values(record: DkimRecord, fields: RequestFields, blank: str) -> dict[str, object]:
    relative = f"{record.selector}._domainkey"
    shown = unicode_form(record.domain)
    return {
        "domain": record.domain,
        # An IDN is entered in DNS consoles as punycode but recognised by people in Unicode: both.
        "zone": f"`{record.domain}`" + (f" ({shown})" if shown != record.domain else ""),
        "title_domain": f"{shown} ({record.domain})" if shown != record.domain else record.domain,
        "selector": record.selector,
        "name": record.name,
        "relative": relative,
        "doubled": f"{record.name}.{record.domain}",
        "ttl": record.ttl,
        "value": record.value,
        "value_len": len(record.value.encode()),
        "strings": len(record.strings),
        "zone_line": record.zone_line(),
        "requester": fields.requester or blank,
        "deadline": fields.deadline or blank,
    }


def easy_dkim_records(domain: str, tokens: list[str]) -> list[str]:
    """Return Easy DKIM's CNAME records as BIND zone lines: TOKEN._domainkey.DOMAIN -> TOKEN.dkim.amazonses.com."""
    return [f"{record_name(domain, token)}. 1800 IN CNAME {token}.dkim.amazonses.com." for token in tokens]


def render_easy_dkim_request(
    domain: str, tokens: Mapping[str, list[str]], lang: str = "en", fields: RequestFields | None = None
) -> str:
    """Return the Markdown request for Easy DKIM's CNAME records (``tokens``: SES's, per region), after a rollback.

    SES signs the domain's mail with its own key (Easy DKIM) only once it finds these records;
    until then the domain's mail carries no signature of the domain: the request says so.
    """
    fields = fields or RequestFields()
    from byodkim.messages import say, text_of

    if lang not in LANGS:
        raise InputError(say("request.bad_lang", lang=lang), say("request.bad_lang_hint"))
    blank = text_of("request.blank", lang)
    sections = []
    for region, found in tokens.items():
        hosts = ", ".join(f"`{t}._domainkey`" for t in found)
        lines = "\n".join(easy_dkim_records(domain, found))
        sections.append(text_of("request.easy_region", lang).format(region=region, lines=lines, hosts=hosts))
    first = next(iter(tokens.values()), ["TOKEN"])[0]
    return text_of("request.easy", lang).format(
        domain=domain,
        title_domain=_values_title(domain),
        requester=fields.requester or blank,
        deadline=fields.deadline or blank,
        regions="".join(sections),
        first=record_name(domain, first),
        relative=f"{first}._domainkey",
    )


def _values_title(domain: str) -> str:
    shown = unicode_form(domain)
    return f"{shown} ({domain})" if shown != domain else domain
