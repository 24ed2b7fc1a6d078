"""The Lambda's phase 7 and health check when the zone's servers have only IPv6 addresses (a Lambda outside a VPC).

This host has an IPv6 route, and the Lambda runs here against the emulator, so the missing
route is simulated at its seam: the query to an IPv6 address fails with ENETUNREACH, as the
socket does on such a Lambda (tests/test_no_ipv6_route.py shows the real socket failing so in a
namespace without an IPv6 route). Phase 7 and the health check must each give one clear finding (an error Lambda counts, naming the
missing route) and activate nothing.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from byodkim.dnscheck import check as check_module
from test_lambda import PAYLOAD, SELECTOR, _handler, deployment  # noqa: F401 - the fixture, shared

if TYPE_CHECKING:
    import dns.message

    from byodkim.dnscheck.servers import Server
    from conftest import Cli

SENTENCE = (
    "the zone's servers have only IPv6 addresses and this host has no IPv6 route; a Lambda outside a VPC "
    "cannot check them (check from a host with an IPv6 route, or run the Lambda in a dual-stack VPC)"
)


@pytest.fixture
def no_ipv6_route(monkeypatch: pytest.MonkeyPatch, deployment: dict[str, Any]) -> None:  # noqa: F811
    real = check_module.query  # type: ignore[attr-defined] # the module's own import, patched where it is used

    def query(server: Server, qname: str, rdtype: str, timeout: float) -> dns.message.Message:
        if ":" in server.address:
            raise OSError(errno.ENETUNREACH, "Network is unreachable")
        return real(server, qname, rdtype, timeout)

    monkeypatch.setattr(check_module, "query", query)
    monkeypatch.setenv("NAMESERVERS", "[2001:db8::53]:53,[2001:db8::54]:53")


@pytest.mark.usefixtures("no_ipv6_route")
def test_phase_7_and_the_health_check_name_the_missing_route_and_activate_nothing(
    deployment: dict[str, Any],  # noqa: F811
    cli: Cli,
) -> None:
    from byodkim.errors import DnsUnreachableError

    assert (
        cli("register", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", deployment["private"]).code == 0
    )
    before = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    with pytest.raises(DnsUnreachableError) as raised:
        _handler()({**PAYLOAD, "phase": "7"}, None)
    assert raised.value.message == (
        f"no authoritative server answered for goo.ne.jp: 0/2 servers publish the key at "
        f"{SELECTOR}._domainkey.goo.ne.jp: {SENTENCE}"
    )
    after = boto3.client("sesv2").get_email_identity(EmailIdentity="goo.ne.jp")["DkimAttributes"]
    assert after == before  # nothing activated or registered again
    # The health check: nobody answered, so it raises too (Lambda's Errors metric sees it), with the same line.
    with pytest.raises(DnsUnreachableError) as raised:
        _handler()({**PAYLOAD, "action": "health"}, None)
    assert raised.value.message == (
        f"no authoritative server answered for goo.ne.jp: 0/2 servers publish the key at "
        f"{SELECTOR}._domainkey.goo.ne.jp: {SENTENCE}"
    )
