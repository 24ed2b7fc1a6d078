"""Domain names and DKIM selectors: validated once, in the form DNS and SES use."""

from __future__ import annotations

import re

from byodkim.errors import InputError

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_SELECTOR = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_DOMAINKEY = "._domainkey."


def normalize_domain(text: str) -> str:
    """Return the ASCII (punycode) form of a mail domain, or refuse it.

    A Japanese domain such as ``例え.jp`` becomes ``xn--r8jz45g.jp``: SES and
    zone files both want the ASCII form.
    """
    raw = text.strip()
    shown = raw or text
    _reject_lookalikes(raw, shown)
    raw = raw.removesuffix(".")
    try:
        ascii_form = raw.lower() if raw.isascii() else _idna(raw)
    except UnicodeError:
        raise InputError(
            f"`{shown}` is not a valid internationalised domain name",
            "check the spelling or give its xn-- form",
        ) from None
    _check_labels(ascii_form, shown)
    return ascii_form


def _reject_lookalikes(raw: str, shown: str) -> None:
    """Refuse the things people paste where a domain belongs, naming what they pasted."""
    if not raw:
        raise InputError("the domain is empty", "give the mail domain, e.g. goo.ne.jp")
    if "@" in raw:
        raise InputError(
            f"`{shown}` is an email address, not a domain",
            f"give only the part after @, e.g. {raw.rsplit('@', 1)[1] or 'goo.ne.jp'}",
        )
    if "://" in raw or "/" in raw:
        raise InputError(f"`{shown}` is a URL, not a domain", "give only the host name, e.g. goo.ne.jp")
    if _DOMAINKEY in f".{raw.lower()}":
        domain = raw.lower().split("_domainkey.", 1)[1]
        raise InputError(
            f"`{shown}` is a DKIM record name, not a domain",
            f"give only the domain, e.g. {domain or 'goo.ne.jp'}",
        )


def _check_labels(ascii_form: str, shown: str) -> None:
    labels = ascii_form.split(".")
    if len(labels) < 2:  # noqa: PLR2004 - a registrable domain has at least two labels
        raise InputError(f"`{shown}` is not a domain with a suffix", "give the full domain, e.g. goo.ne.jp")
    for label in labels:
        if not label:
            raise InputError(f"`{shown}` has an empty label (two dots in a row)", "remove the extra dot")
        if len(label) > 63:  # noqa: PLR2004 - RFC 1035 label limit
            raise InputError(f"`{shown}` has a label longer than 63 characters", "check the domain")
        if not _LABEL.match(label):
            raise InputError(
                f"`{shown}` has an invalid label `{label}`",
                "labels use letters, digits and inner hyphens only",
            )
    if len(ascii_form) > 253:  # noqa: PLR2004 - RFC 1035 name limit, without the root dot
        raise InputError(f"`{shown}` is longer than 253 characters", "check the domain")
    if labels[-1].isdigit():
        raise InputError(f"`{shown}` looks like an IP address, not a domain", "give the mail domain")


def _idna(text: str) -> str:
    import idna  # only non-ASCII input pays for this import

    try:
        return idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise UnicodeError(str(exc)) from exc


def unicode_form(ascii_domain: str) -> str:
    """Return an IDN's Unicode form (``xn--wgv71a.jp`` -> ``日本.jp``); other names unchanged."""
    if "xn--" not in ascii_domain:
        return ascii_domain
    import idna

    try:
        return str(idna.decode(ascii_domain))
    except idna.IDNAError:
        return ascii_domain


def validate_selector(text: str) -> str:
    """Return the selector if it is one DNS label SES accepts, or refuse it."""
    raw = text.strip()
    shown = raw or text
    if not raw:
        raise InputError("the selector is empty", "give a selector, e.g. gooid-21-pro-20250912-1")
    if _DOMAINKEY in raw.lower() or raw.lower().endswith("._domainkey"):
        first = raw.split(".", 1)[0]
        raise InputError(
            f"`{shown}` is a record name, not a selector",
            f"give only the first label, e.g. `{first}`",
        )
    if "." in raw:
        first = raw.split(".", 1)[0]
        raise InputError(
            f"`{shown}` is not a selector: a selector is one DNS label with no dots",
            f"e.g. `{first}`",
        )
    if len(raw) > 63:  # noqa: PLR2004 - one DNS label
        raise InputError(f"selector `{shown}` is longer than 63 characters", "use a shorter selector")
    if not _SELECTOR.match(raw):
        raise InputError(
            f"`{shown}` is not a valid selector",
            "use ASCII letters, digits and inner hyphens, e.g. gooid-21-pro-20250912-1",
        )
    return raw


def record_name(domain: str, selector: str) -> str:
    """Return the DNS name of a DKIM key record, ``selector._domainkey.domain``, without the root dot.

    The one place the name is built; domain first, as in every other function that takes both.
    """
    return f"{selector}._domainkey.{domain}"
