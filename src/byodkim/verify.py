"""Check that the DKIM record is live on every authoritative name server, with this key.

Each server is asked directly (no cache between us and it), all at once, so one
dead server costs one timeout. Each answer is judged the way a receiving mail
server reads it, and the usual publishing mistakes are named with their fix.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from byodkim.errors import InputError
from byodkim.names import record_name

if TYPE_CHECKING:
    from collections.abc import Callable

    import dns.message

    from byodkim.keys import PublicKey

OK, ABSENT, DIFFERENT, MALFORMED, REVOKED = "ok", "absent", "different key", "malformed", "revoked"
TIMEOUT, REFUSED, SERVFAIL, ERROR, AMBIGUOUS = "timeout", "refused", "SERVFAIL", "error", "ambiguous"


@dataclass(frozen=True)
class Server:
    """One name server to ask: a label for people and the address to send to."""

    label: str
    address: str
    port: int = 53


def parse_server(spec: str) -> list[Server]:
    """Parse ``HOST[:PORT]`` (``[v6]:PORT`` for IPv6); a host name is resolved to its addresses."""
    text = spec.strip()
    host, port = text, 53
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = _port(rest.lstrip(":") or "53", spec)
    elif text.count(":") == 1:
        host, raw = text.split(":")
        port = _port(raw, spec)
    if not host:
        raise InputError(f"--nameserver `{spec}` has no host", "give HOST or HOST:PORT, e.g. 192.0.2.53:53")
    if _is_ip(host):
        return [Server(spec, host, port)]
    import dns.exception
    import dns.resolver

    addresses: list[str] = []
    for rdtype in ("A", "AAAA"):
        try:
            addresses += [r.to_text() for r in dns.resolver.resolve(host, rdtype, lifetime=5)]
        except dns.exception.DNSException:
            continue
    if not addresses:
        raise InputError(f"--nameserver `{spec}`: `{host}` has no address", "check the name or give an IP address")
    return [Server(f"{host} ({a})", a, port) for a in addresses]


def parse_servers(specs: tuple[str, ...] | list[str]) -> tuple[Server, ...]:
    """Parse every ``--nameserver`` given (an empty result means: discover the zone's servers)."""
    return tuple(server for spec in specs for server in parse_server(spec))


def _port(raw: str, spec: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:  # noqa: PLR2004
        raise InputError(f"--nameserver `{spec}` has a bad port", "give HOST or HOST:PORT, e.g. 192.0.2.53:53")
    return int(raw)


def _is_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass
class ServerAnswer:
    """What one server said, judged."""

    server: str
    outcome: str
    serial: int | None = None
    detail: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Return whether this server publishes the right key."""
        return self.outcome == OK


@dataclass
class Report:
    """Every server's answer for one record."""

    name: str
    zone: str | None
    fingerprint: str
    servers: list[ServerAnswer]
    hints: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Return whether every server agrees and there was at least one."""
        return bool(self.servers) and all(s.ok for s in self.servers)

    def summary(self) -> str:
        """Return one line: how many servers have it right."""
        good = sum(s.ok for s in self.servers)
        return f"{good}/{len(self.servers)} servers publish the key at {self.name}"

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {**asdict(self), "ok": self.ok}


@dataclass(frozen=True)
class Check:
    """What to check, where, how patiently."""

    domain: str
    selector: str
    expected: PublicKey | str  # the key, or only its fingerprint (``sha256:...``) when the key is not at hand
    servers: tuple[Server, ...] = ()  # empty: discover the zone's authoritative servers
    timeout: float = 3.0
    discovery_port: int = 53  # where discovered servers listen (tests run them elsewhere)


def check(request: Check) -> Report:
    """Ask every authoritative server for the record, all at once, and judge each answer."""
    start = time.monotonic()
    name = record_name(request.selector, request.domain)
    zone = None
    servers = list(request.servers)
    if not servers:
        zone, servers = discover(name, request.discovery_port, request.timeout)
    with ThreadPoolExecutor(max_workers=min(32, len(servers))) as pool:
        answers = list(pool.map(lambda s: _ask(s, request, name), servers))
    report = Report(name, zone, _fingerprint(request.expected), answers, seconds=time.monotonic() - start)
    report.hints = _hints(report)
    return report


def _fingerprint(expected: PublicKey | str) -> str:
    return expected if isinstance(expected, str) else expected.fingerprint


def discover(
    name: str, port: int = 53, timeout: float = 3.0, resolver: dns.resolver.Resolver | None = None
) -> tuple[str, list[Server]]:
    """Return the zone holding ``name`` and its authoritative servers' addresses.

    ``resolver`` defaults to the system's; tests give one that asks a local server.
    """
    import dns.exception
    import dns.resolver

    resolver = resolver or dns.resolver.get_default_resolver()
    try:
        zone = dns.resolver.zone_for_name(name, resolver=resolver, lifetime=timeout).to_text().rstrip(".")
        hosts = sorted(r.target.to_text().rstrip(".") for r in resolver.resolve(zone, "NS", lifetime=timeout))
    except dns.exception.DNSException as exc:
        raise InputError(
            f"cannot find the zone or name servers of `{name}`: {exc}", "check the domain, or give --nameserver"
        ) from None
    servers = []
    for host in hosts:
        for rdtype in ("A", "AAAA"):
            try:
                servers += [
                    Server(f"{host} ({r.to_text()})", r.to_text(), port)
                    for r in resolver.resolve(host, rdtype, lifetime=timeout)
                ]
            except dns.exception.DNSException:
                continue
    if not servers:
        raise InputError(f"the name servers of `{zone}` have no address", "give --nameserver")
    return zone, servers


def _query(server: Server, qname: str, rdtype: str, timeout: float) -> dns.message.Message:
    import dns.flags
    import dns.message
    import dns.query

    message = dns.message.make_query(qname, rdtype)
    message.flags &= ~dns.flags.RD  # ask the server what it holds, not what it can find
    answer = dns.query.udp(message, server.address, port=server.port, timeout=timeout)
    if answer.flags & dns.flags.TC:
        answer = dns.query.tcp(message, server.address, port=server.port, timeout=timeout)
    return answer


def _ask(server: Server, request: Check, name: str) -> ServerAnswer:
    import dns.exception
    import dns.rcode

    start = time.monotonic()
    try:
        answer = _query(server, f"{name}.", "TXT", request.timeout)
    except dns.exception.Timeout:
        return ServerAnswer(
            server.label, TIMEOUT, detail=f"no answer in {request.timeout:g} s", seconds=time.monotonic() - start
        )
    except (dns.exception.DNSException, OSError) as exc:
        return ServerAnswer(server.label, ERROR, detail=str(exc), seconds=time.monotonic() - start)
    rcode = answer.rcode()
    if rcode == dns.rcode.REFUSED:
        return ServerAnswer(
            server.label,
            REFUSED,
            detail="the server refused: it is not authoritative for this zone",
            seconds=time.monotonic() - start,
        )
    if rcode == dns.rcode.SERVFAIL:
        return ServerAnswer(
            server.label, SERVFAIL, detail="the server failed (zone not loaded?)", seconds=time.monotonic() - start
        )
    result = _judge(answer, server, request, name)
    result.serial = _serial(server, request)
    result.seconds = time.monotonic() - start
    return result


def _serial(server: Server, request: Check) -> int | None:
    import dns.exception
    import dns.rdatatype

    try:
        answer = _query(server, f"{request.domain}.", "SOA", request.timeout)
    except (dns.exception.DNSException, OSError):
        return None
    for rrset in (*answer.answer, *answer.authority):
        if rrset.rdtype == dns.rdatatype.SOA:
            return int(next(iter(rrset)).serial)
    return None


def _txt_values(answer: dns.message.Message) -> tuple[list[tuple[str, list[bytes]]], str | None]:
    import dns.rdatatype

    values: list[tuple[str, list[bytes]]] = []
    cname = None
    for rrset in answer.answer:
        if rrset.rdtype == dns.rdatatype.CNAME:
            cname = next(iter(rrset)).target.to_text()
        elif rrset.rdtype == dns.rdatatype.TXT:
            values += [(b"".join(r.strings).decode("utf-8", "replace"), list(r.strings)) for r in rrset]
    return values, cname


def _judge(answer: dns.message.Message, server: Server, request: Check, name: str) -> ServerAnswer:
    values, cname = _txt_values(answer)
    warnings: list[str] = []
    if cname and not values:
        values, _ = _follow_cname(cname, server, request.timeout)
    if cname:
        warnings.append(f"{name} is a CNAME to {cname.rstrip('.')}; receivers follow it")
    if not values:
        return _absent(server, request, name, warnings)
    keys_found = _dkim_records(values, warnings)
    if isinstance(keys_found, str):
        return ServerAnswer(server.label, MALFORMED, detail=keys_found, warnings=warnings)
    if not keys_found:
        return ServerAnswer(
            server.label, ABSENT, detail="TXT records exist at the name, but none is a DKIM key", warnings=warnings
        )
    verdicts = [_judge_key(text, strings, tags, request.expected, warnings) for text, strings, tags in keys_found]
    if len(verdicts) > 1:
        good = sum(v[0] == OK for v in verdicts)
        if good and good < len(verdicts):
            return ServerAnswer(
                server.label,
                AMBIGUOUS,
                detail=(
                    f"{len(verdicts)} DKIM records at the name, {good} with this key: "
                    "receivers may pick the other; remove the stale one"
                ),
                warnings=warnings,
            )
        if good:
            warnings.append(f"{len(verdicts)} identical DKIM records at the name; one is enough")
    outcome, detail = next((v for v in verdicts if v[0] == OK), verdicts[0])
    return ServerAnswer(server.label, outcome, detail=detail, warnings=warnings)


def _dkim_records(
    values: list[tuple[str, list[bytes]]], warnings: list[str]
) -> list[tuple[str, list[bytes], dict[str, str]]] | str:
    """Return the TXT values that are DKIM key records, or why one that claims to be is malformed."""
    from byodkim.record import parse_tags

    found = []
    for text, strings in values:
        tags = parse_tags(text)
        if tags is None or "p" not in tags:
            if text.lstrip().startswith("v=DKIM1"):
                return f"the record is not a valid tag list: {text[:60]}..."
            warnings.append(f"a TXT record at the name is not a DKIM key and is ignored: {text[:40]}")
            continue
        found.append((text, strings, tags))
    return found


def _follow_cname(target: str, server: Server, timeout: float) -> tuple[list[tuple[str, list[bytes]]], str | None]:
    import dns.exception
    import dns.rcode

    try:
        answer = _query(server, target, "TXT", timeout)
        if answer.rcode() == dns.rcode.NOERROR and answer.answer:
            return _txt_values(answer)
    except (dns.exception.DNSException, OSError):
        pass
    import dns.resolver

    try:  # the target lives elsewhere: read it as a receiver would, through a resolver
        resolved = dns.resolver.resolve(target, "TXT", lifetime=timeout)
    except dns.exception.DNSException:
        return [], None
    return [(b"".join(r.strings).decode("utf-8", "replace"), list(r.strings)) for r in resolved], None


def _absent(server: Server, request: Check, name: str, warnings: list[str]) -> ServerAnswer:
    import dns.exception

    doubled = f"{name}.{request.domain}"
    try:
        values, _ = _txt_values(_query(server, f"{doubled}.", "TXT", request.timeout))
    except (dns.exception.DNSException, OSError):
        values = []
    if values:
        return ServerAnswer(
            server.label,
            ABSENT,
            detail=(
                f"the record is published at the doubled name {doubled}: the DNS console appended the zone again; "
                f"enter only {request.selector}._domainkey as the host name"
            ),
            warnings=warnings,
        )
    return ServerAnswer(server.label, ABSENT, detail="no TXT record at the name", warnings=warnings)


def _judge_key(
    text: str, strings: list[bytes], tags: dict[str, str], expected: PublicKey | str, warnings: list[str]
) -> tuple[str, str]:
    problem = _tag_problem(text, tags, warnings)
    if problem:
        return MALFORMED, problem
    if any(len(s) > 255 for s in strings):  # noqa: PLR2004 - cannot come from DNS, but a checker must not trust that
        warnings.append("a string is longer than 255 octets")
    return _key_verdict(text, tags.get("p", ""), expected, warnings)


def _tag_problem(text: str, tags: dict[str, str], warnings: list[str]) -> str | None:
    if "v" in tags and not text.lstrip().startswith("v="):
        return "v=DKIM1 must be the first tag; receivers reject the record otherwise"
    if tags.get("v", "DKIM1") != "DKIM1":
        return f"v={tags['v']}: the only version is DKIM1"
    if tags.get("k", "rsa") != "rsa":
        return f"k={tags['k']}, but the key is RSA: use k=rsa"
    if "h" in tags and "sha256" not in [h.strip() for h in tags["h"].split(":")]:
        return f"h={tags['h']} does not allow sha256, which SES signs with"
    if "y" in [f.strip() for f in tags.get("t", "").split(":")]:
        warnings.append("t=y: test mode, receivers treat failures as if unsigned; remove it once verified")
    return None


def _key_verdict(text: str, p_value: str, expected: PublicKey | str, warnings: list[str]) -> tuple[str, str]:
    from byodkim.errors import KeyFileError
    from byodkim.keys import public_from_b64

    raw_p = text.split("p=", 1)[1].split(";", 1)[0] if "p=" in text else ""
    if not p_value:
        return REVOKED, "p= is empty: the key is revoked; publish the public key"
    if '"' in raw_p or "\\" in raw_p:
        return (
            MALFORMED,
            "quotes or backslashes inside p=: the strings were pasted with their quotes; paste only the value",
        )
    if raw_p.strip() != p_value:
        warnings.append("whitespace inside p=: some receivers reject it; publish the value without spaces")
    full = None if isinstance(expected, str) else expected.b64
    if full is not None and p_value != full and full.startswith(p_value):
        return (
            MALFORMED,
            f"the key is cut short ({len(p_value)} of {len(full)} characters): one string was truncated at 255",
        )
    try:
        published = public_from_b64(p_value, "p=")
    except KeyFileError as exc:
        cut = " (cut short?)" if len(p_value) < 216 else ""  # noqa: PLR2004 - a 1024-bit key's p= length
        return MALFORMED, f"p= is not a usable public key{cut} ({exc.message.removeprefix('p= ')})"
    if published.fingerprint != _fingerprint(expected):
        return DIFFERENT, f"another key is published ({published.fingerprint})"
    return OK, f"key {published.fingerprint[:23]}... matches"


def _hints(report: Report) -> list[str]:
    hints = []
    outcomes = {s.outcome for s in report.servers}
    if OK in outcomes and outcomes != {OK}:
        serials = sorted({s.serial for s in report.servers if s.serial is not None})
        lag = f" (SOA serials {', '.join(map(str, serials))})" if len(serials) > 1 else ""
        hints.append(
            f"the record is on some servers but not others{lag}: wait for zone transfer or ask the DNS team to sync"
        )
    if TIMEOUT in outcomes:
        hints.append("a server did not answer: it may be down or filtered; receivers will try the others")
    return hints


@dataclass
class SesView:
    """SES's DKIM status per region, as the wait loop last saw it."""

    statuses: dict[str, str]

    @property
    def success(self) -> bool:
        """Return whether every region reports SUCCESS."""
        return bool(self.statuses) and all(v == "SUCCESS" for v in self.statuses.values())

    @property
    def failed(self) -> list[str]:
        """Return the regions where SES gave up."""
        return [r for r, v in self.statuses.items() if v == "FAILED"]


@dataclass
class Waited:
    """Where things stood when waiting ended."""

    report: Report
    ses: SesView | None
    elapsed: float
    polls: int


def wait(
    request: Check,
    *,
    timeout: float,
    interval: float = 5.0,
    ses: Callable[[], dict[str, str]] | None = None,
    progress: Callable[[Waited], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Waited:
    """Poll until every server agrees (and SES reports SUCCESS when ``ses`` is given).

    Back-off grows from ``interval`` by half each poll, to at most 60 s. Raises
    :class:`WaitTimeoutError` when ``timeout`` passes; returns early when SES says FAILED.
    """
    from byodkim.errors import WaitTimeoutError

    start = time.monotonic()
    delay = interval
    polls = 0
    while True:
        polls += 1
        report = check(request)
        view = SesView(ses()) if ses is not None and report.ok else None
        state = Waited(report, view, time.monotonic() - start, polls)
        if progress is not None:
            progress(state)
        if report.ok and (ses is None or (view is not None and (view.success or view.failed))):
            return state
        remaining = timeout - (time.monotonic() - start)
        if remaining <= 0:
            where = report.summary() + (f"; SES: {_ses_text(view)}" if view else "")
            raise WaitTimeoutError(f"gave up after {_duration(timeout)}: {where}", "run it again to keep waiting")
        sleep(min(delay, remaining))
        delay = min(delay * 1.5, 60.0)


def _ses_text(view: SesView) -> str:
    return ", ".join(f"{region} {status}" for region, status in view.statuses.items())


def _duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((hours, "h"), (minutes, "m"), (secs, "s")) if v) or f"{seconds:.1f}s"


def parse_duration(text: str) -> float:
    """Parse ``72h``, ``30m``, ``1h30m``, ``90s`` or plain seconds."""
    import re

    raw = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return float(raw)
    parts = re.findall(r"(\d+(?:\.\d+)?)([hms])", raw)
    if not parts or "".join(n + u for n, u in parts) != raw:
        raise InputError(f"--timeout `{text}` is not a duration", "use e.g. 72h, 30m, 1h30m or 90s")
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)
