"""The host side of the bridge into a Lambda's network namespace.

A function run by the emulator lives in its own network namespace (only a loopback
interface: no IPv6 route, as on Lambda outside a VPC), so it cannot reach the emulator or
the local name server on the host's 127.0.0.1. Filesystem Unix sockets cross network
namespaces; this relay listens on one per host port and carries each connection (TCP) or
each DNS datagram (UDP, framed with a two-byte length as DNS over TCP is) to 127.0.0.1 on
the host. The function's side, in :mod:`byodkim.emulator.lambda_bootstrap`, listens on the
same ports inside the namespace and forwards to these sockets.
"""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING

from byodkim.emulator.lambda_bootstrap import pump

if TYPE_CHECKING:
    from pathlib import Path

_UDP_TIMEOUT = 5.0


class Relay:
    """One Unix socket per (protocol, host port), created on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._listening: dict[tuple[str, int], Path] = {}
        self._lock = threading.Lock()

    def socket_for(self, protocol: str, port: int) -> Path:
        """Return the Unix socket that reaches 127.0.0.1:``port`` over ``protocol`` (tcp or udp)."""
        with self._lock:
            found = self._listening.get((protocol, port))
            if found is None:
                found = self.folder / f"{protocol}-{port}.sock"
                found.unlink(missing_ok=True)
                server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                server.bind(str(found))
                server.listen(64)
                serve = self._tcp if protocol == "tcp" else self._udp
                threading.Thread(target=self._accept, args=(server, serve, port), daemon=True).start()
                self._listening[(protocol, port)] = found
            return found

    @staticmethod
    def _accept(server: socket.socket, serve: object, port: int) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn, port), daemon=True).start()  # type: ignore[arg-type]

    @staticmethod
    def _tcp(conn: socket.socket, port: int) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            conn.close()
            return
        upstream.settimeout(None)
        threading.Thread(target=pump, args=(upstream, conn), daemon=True).start()
        pump(conn, upstream)

    @staticmethod
    def _udp(conn: socket.socket, port: int) -> None:
        with conn, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            conn.settimeout(_UDP_TIMEOUT)
            udp.settimeout(_UDP_TIMEOUT)
            try:
                query = read_frame(conn)
                udp.sendto(query, ("127.0.0.1", port))
                answer, _ = udp.recvfrom(65535)
                conn.sendall(len(answer).to_bytes(2, "big") + answer)
            except (OSError, ValueError):
                return  # the client times out, as it would when a datagram is lost


def read_frame(conn: socket.socket) -> bytes:
    """Read one two-byte-length frame."""
    head = _exactly(conn, 2)
    return _exactly(conn, int.from_bytes(head, "big"))


def _exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ValueError("short frame")
        data += chunk
    return data
