"""Domain and selector validation, through the CLI so the whole message is checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from byodkim.dkim.names import normalize_domain, validate_selector
from byodkim.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Cli


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("goo.ne.jp", "goo.ne.jp"),
        ("  GOO.ne.JP. ", "goo.ne.jp"),
        ("例え.jp", "xn--r8jz45g.jp"),
        ("ドメイン名例.jp", "xn--eckwd4c7cu47r2wf.jp"),
        ("xn--r8jz45g.jp", "xn--r8jz45g.jp"),
        ("mail-1.example.co.uk", "mail-1.example.co.uk"),
    ],
)
def test_domains_normalise_to_ascii(given: str, expected: str) -> None:
    assert normalize_domain(given) == expected


DOMAIN_REFUSALS = [
    ("", "the domain is empty; give the mail domain, e.g. goo.ne.jp"),
    ("ops@goo.ne.jp", "`ops@goo.ne.jp` is an email address, not a domain; give only the part after @, e.g. goo.ne.jp"),
    ("https://goo.ne.jp/", "`https://goo.ne.jp/` is a URL, not a domain; give only the host name, e.g. goo.ne.jp"),
    ("sel._domainkey.goo.ne.jp", "`sel._domainkey.goo.ne.jp` is a DKIM record name, not a domain; give only the domain, e.g. goo.ne.jp"),
    ("localhost", "`localhost` is not a domain with a suffix; give the full domain, e.g. goo.ne.jp"),
    ("goo..ne.jp", "`goo..ne.jp` has an empty label (two dots in a row); remove the extra dot"),
    ("goo_mail.ne.jp", "`goo_mail.ne.jp` has an invalid label `goo_mail`; labels use letters, digits and inner hyphens only"),
    ("-goo.ne.jp", "`-goo.ne.jp` has an invalid label `-goo`; labels use letters, digits and inner hyphens only"),
    ("a" * 64 + ".jp", f"`{'a' * 64}.jp` has a label longer than 63 characters; check the domain"),
    (".".join(["a" * 60] * 5), f"`{'.'.join(['a' * 60] * 5)}` is longer than 253 characters; check the domain"),
    ("192.0.2.1", "`192.0.2.1` looks like an IP address, not a domain; give the mail domain"),
    ("例え\u200d.jp", "`例え\u200d.jp` is not a valid internationalised domain name; check the spelling or give its xn-- form"),
]  # fmt: skip


@pytest.mark.parametrize(("given", "message"), DOMAIN_REFUSALS)
def test_domain_refusals(cli: Cli, given: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        normalize_domain(given)
    assert str(caught.value) == message
    result = cli("keygen", "--selector", "s", "--domain", given, "--out", "/nonexistent/never-written")
    assert result.code == 2
    assert result.err == f"error: Invalid value for '--domain': {message} (see 'byodkim keygen --help')\n"


@pytest.mark.parametrize("given", ["gooid-21-pro-20250912-1", "s1", "a" * 63, "X"])
def test_valid_selectors(given: str) -> None:
    assert validate_selector(given) == given


SELECTOR_REFUSALS = [
    ("sel._domainkey.goo.ne.jp", "`sel._domainkey.goo.ne.jp` is a record name, not a selector; give only the first label, e.g. `sel`"),
    ("sel._domainkey", "`sel._domainkey` is a record name, not a selector; give only the first label, e.g. `sel`"),
    ("sel.goo", "`sel.goo` is not a selector: a selector is one DNS label with no dots; e.g. `sel`"),
    ("a" * 64, f"selector `{'a' * 64}` is longer than 63 characters; use a shorter selector"),
    ("sel_1", "`sel_1` is not a valid selector; use ASCII letters, digits and inner hyphens, e.g. gooid-21-pro-20250912-1"),
    ("-sel", "`-sel` is not a valid selector; use ASCII letters, digits and inner hyphens, e.g. gooid-21-pro-20250912-1"),
    ("セレクタ", "`セレクタ` is not a valid selector; use ASCII letters, digits and inner hyphens, e.g. gooid-21-pro-20250912-1"),
    (" ", "the selector is empty; give a selector, e.g. gooid-21-pro-20250912-1"),
]  # fmt: skip


@pytest.mark.parametrize(("given", "message"), SELECTOR_REFUSALS)
def test_selector_refusals(cli: Cli, tmp_path: Path, given: str, message: str) -> None:
    result = cli("keygen", "--selector", given, "--out", tmp_path / "never")
    assert result.code == 2
    assert result.err == f"error: Invalid value for '--selector': {message} (see 'byodkim keygen --help')\n"
    assert not (tmp_path / "never").exists()
