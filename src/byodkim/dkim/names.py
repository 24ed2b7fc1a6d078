"""Domain names and DKIM selectors: validated once, in the form DNS and SES use."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Callable

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_SELECTOR = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_DOMAINKEY = "._domainkey."


def _about(concept: str) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """Mark the refusals of a check with the input they are about, for the doors to name it."""

    def wrap(check: Callable[[str], str]) -> Callable[[str], str]:
        @functools.wraps(check)
        def checked(text: str) -> str:
            try:
                return check(text)
            except InputError as exc:
                exc.about = exc.about or concept
                raise

        return checked

    return wrap


@_about("domain")
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
        raise InputError(say("domain.bad_idn", shown=shown), say("domain.bad_idn_hint")) from None
    _check_labels(ascii_form, shown)
    return ascii_form


def _reject_lookalikes(raw: str, shown: str) -> None:
    """Refuse the things people paste where a domain belongs, naming what they pasted."""
    if not raw:
        raise InputError(say("domain.empty"), say("domain.give_mail_domain_eg"))
    if "@" in raw:
        example = raw.rsplit("@", 1)[1] or "goo.ne.jp"
        raise InputError(say("domain.email", shown=shown), say("domain.email_hint", example=example))
    if "://" in raw or "/" in raw:
        raise InputError(say("domain.url", shown=shown), say("domain.url_hint"))
    if _DOMAINKEY in f".{raw.lower()}":
        domain = raw.lower().split("_domainkey.", 1)[1]
        example = domain or "goo.ne.jp"
        raise InputError(say("domain.record_name", shown=shown), say("domain.record_name_hint", example=example))


def _check_labels(ascii_form: str, shown: str) -> None:
    labels = ascii_form.split(".")
    if len(labels) < 2:  # noqa: PLR2004 - a registrable domain has at least two labels
        raise InputError(say("domain.no_suffix", shown=shown), say("domain.no_suffix_hint"))
    for label in labels:
        if not label:
            raise InputError(say("domain.empty_label", shown=shown), say("domain.empty_label_hint"))
        if len(label) > 63:  # noqa: PLR2004 - RFC 1035 label limit
            raise InputError(say("domain.long_label", shown=shown), say("domain.check"))
        if not _LABEL.match(label):
            raise InputError(say("domain.bad_label", shown=shown, label=label), say("domain.bad_label_hint"))
    if len(ascii_form) > 253:  # noqa: PLR2004 - RFC 1035 name limit, without the root dot
        raise InputError(say("domain.too_long", shown=shown), say("domain.check"))
    if labels[-1].isdigit():
        raise InputError(say("domain.ip", shown=shown), say("domain.give_mail_domain"))


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


@_about("selector")
def validate_selector(text: str) -> str:
    """Return the selector if it is one DNS label SES accepts, or refuse it."""
    raw = text.strip()
    shown = raw or text
    if not raw:
        raise InputError(say("selector.empty"), say("selector.empty_hint"))
    if _DOMAINKEY in raw.lower() or raw.lower().endswith("._domainkey"):
        first = raw.split(".", 1)[0]
        raise InputError(say("selector.record_name", shown=shown), say("selector.first_label", first=first))
    if "." in raw:
        first = raw.split(".", 1)[0]
        raise InputError(say("selector.dots", shown=shown), say("selector.eg", first=first))
    if len(raw) > 63:  # noqa: PLR2004 - one DNS label
        raise InputError(say("selector.too_long", shown=shown), say("selector.shorter"))
    if not _SELECTOR.match(raw):
        raise InputError(say("selector.invalid", shown=shown), say("selector.invalid_hint"))
    return raw


def record_name(domain: str, selector: str) -> str:
    """Return the DNS name of a DKIM key record, ``selector._domainkey.domain``, without the root dot.

    The one place the name is built; domain first, as in every other function that takes both.
    """
    return f"{selector}._domainkey.{domain}"


def organizational(domain: str) -> str:
    """Return the organizational domain (the Public Suffix List's registrable domain), as DMARC aligns."""
    return str(_public_suffixes().privatesuffix(domain.lower()) or domain.lower())


def public_suffix(domain: str) -> bool:
    """Return whether ``domain`` is itself a public suffix (``ne.jp``, ``jp``): no one's registrable domain."""
    return _public_suffixes().privatesuffix(domain.lower()) is None


@functools.cache
def _public_suffixes() -> Any:  # noqa: ANN401 - publicsuffixlist is untyped
    """Return the Public Suffix List, parsed once per process (50 ms a parse; a check-domain asks often)."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()
