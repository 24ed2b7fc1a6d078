"""Diagnoses that name the mistake: TCP 53 blocked behind a truncated answer, a 1024-bit key.

Real BIND serves every record. The blocked-TCP server is BIND behind a UDP-only relay (what a
firewall passing UDP 53 and refusing TCP 53 leaves): BIND itself sets TC on the large answer.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import TYPE_CHECKING

import pytest

from byodkim.dkim import keys
from byodkim.dkim.record import DkimRecord
from byodkim.dnscheck import receiver
from byodkim.dnscheck.servers import Server
from byodkim.local.dns import zone_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Cli, NameServerFactory

SELECTOR = "sel"


@pytest.fixture
def udp_only(name_server: NameServerFactory) -> Iterator[tuple[str, DkimRecord, keys.SigningKey]]:
    """BIND with a record too large for UDP, reachable only over UDP: TCP to the relay's port is refused."""
    key = keys.generate()
    record = DkimRecord("goo.ne.jp", SELECTOR, key.public.b64)
    filler = [f'{record.name}. 60 IN TXT "note-{i} {"x" * 200}"' for i in range(6)]
    server = name_server({"goo.ne.jp": zone_text("goo.ne.jp", 1, [record.zone_line(), *filler])})
    relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    relay.bind(("127.0.0.1", 0))
    relay.settimeout(0.2)
    stop = threading.Event()

    def forward() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as upstream:
            upstream.settimeout(2)
            while not stop.is_set():
                try:
                    data, client = relay.recvfrom(4096)
                except TimeoutError:
                    continue
                upstream.sendto(data, server.address)
                relay.sendto(upstream.recvfrom(65535)[0], client)

    thread = threading.Thread(target=forward, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{relay.getsockname()[1]}", record, key
    finally:
        stop.set()
        thread.join()
        relay.close()


def test_tcp_53_refused_after_tc_is_named(
    cli: Cli, udp_only: tuple[str, DkimRecord, keys.SigningKey], tmp_path: Path
) -> None:
    spec, _record, key = udp_only
    files = keys.write_key_files(tmp_path, SELECTOR, key)
    result = cli(
        "verify", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", files.private,
        "--nameserver", spec, "--query-timeout", "1", "--output", "json",
    )  # fmt: skip
    assert result.code == 1
    (answer,) = json.loads(result.out)["servers"]
    tcp = (
        f"the answer is truncated over UDP (TC set) and TCP 53 is refused at {spec}: "
        "open TCP port 53 to the name server (receivers retry over TCP for answers this large)"
    )
    assert (answer["outcome"], answer["detail"]) == ("error", tcp)
    # The receiver's lookup did not complete either: a temperror naming the server and the cause, no key verdict.
    port = int(spec.rpartition(":")[2])
    said = receiver.verdict(key, "goo.ne.jp", SELECTOR, Server(spec, "127.0.0.1", port), timeout=1.0)
    assert said == f"temperror: the key lookup did not complete: {spec}: {tcp}"


def test_a_1024_bit_key_passes_with_rfc_8301_warning(cli: Cli, name_server: NameServerFactory, tmp_path: Path) -> None:
    key = keys.generate(1024)
    record = DkimRecord("goo.ne.jp", SELECTOR, key.public.b64)
    server = name_server({"goo.ne.jp": zone_text("goo.ne.jp", 1, [record.zone_line()])})
    files = keys.write_key_files(tmp_path, SELECTOR, key)
    result = cli(
        "verify", "--domain", "goo.ne.jp", "--selector", SELECTOR, "--key-file", files.private,
        "--nameserver", server.spec, "--query-timeout", "1",
    )  # fmt: skip
    assert result.code == 0, result.out
    assert (
        "warning: a 1024-bit key: receivers accept it, but RFC 8301 asks for 2048 bits; "
        "rotate to a 2048-bit key (byodkim rotate)"
    ) in result.out
    assert "receiver (dkimpy, a message signed with the key): pass" in result.out
