"""Faults at the moment of the act: throttling, server errors, records that vanish while SES is switched.

The emulator injects the faults (throttles, 5xx, a held call), BIND serves the records, and
the invariant is read from the emulator's timeline of what SES signs with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from byodkim.aws import pacing
from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from conftest import Cli, publish_record

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff ceilings in hundredths of seconds: the budgets are what is tested, not the waits."""
    monkeypatch.setattr(pacing, "BACKOFF_BASE", 0.01)
    monkeypatch.setattr("random.uniform", lambda _low, high: high)  # the delay printed is the ceiling


def _on_byodkim(cli: Cli, emulator: Emulator, dns: LocalNameServer, tmp_path: Path, selector: str) -> None:
    emulator.control("/_byodkim/config", {"dns_servers": [dns.spec]})
    key = keys.generate()
    keys.write_key_files(tmp_path, selector, key)
    publish_record(dns, f"{selector}._domainkey.goo.ne.jp", DkimRecord("goo.ne.jp", selector, key.public.b64).value)
    pem = tmp_path / f"{selector}.private.pem"
    assert cli("register", "--domain", "goo.ne.jp", "--selector", selector, "--key-file", pem).code == 0


def test_five_throttles_then_a_server_error_do_not_fail_status(
    cli: Cli, emulator: Emulator, goo_dns: LocalNameServer, tmp_path: Path
) -> None:
    _on_byodkim(cli, emulator, goo_dns, tmp_path, "sel-1")
    emulator.control(
        "/_byodkim/faults",
        {
            "faults": [
                {"service": "ses", "operation": "GetEmailIdentity", "kind": "throttle", "count": 5},
                {"service": "ses", "operation": "GetEmailIdentity", "kind": "5xx", "status": 500, "count": 1},
            ]
        },
    )
    result = cli("status", "--domain", "goo.ne.jp", "--no-dns")
    assert result.code == 0, result.err
    assert "ap-northeast-1  EXTERNAL  SUCCESS  on       sel-1" in result.out
    assert result.err.splitlines() == [
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 1 of 12 in 0.0 s",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 2 of 12 in 0.0 s",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 3 of 12 in 0.0 s",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 4 of 12 in 0.1 s",
        "SES throttled GetEmailIdentity in ap-northeast-1; retry 5 of 12 in 0.2 s",
        "SES HTTP 500: GetEmailIdentity in ap-northeast-1; retry 1 of 4 in 0.0 s",
    ]
