"""Rehearse the whole rollout on this machine: emulator, BIND, Sceptre, key, DNS team, SES.

Nothing here needs an AWS account. The steps are the runbook's, run for real against
local parts: moto (extended) for AWS, Debian's BIND for the domain's name server, the
project's own Sceptre configs and templates. Phase 7 is not run by hand: the schedule
phase 7 deploys fires the deployed dkim-manager function, which the emulator runs in its
own process under the runtime's CPython, without an IPv6 route, on a clock running
``CLOCK_SPEED`` times faster (a 15-minute schedule fires every 3 seconds).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from byodkim import deployment
from byodkim.errors import ByodkimError
from byodkim.local import rotation_sandbox, route53_sandbox
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.aws.session import Aws
    from byodkim.deployment import Deployment
    from byodkim.dkim.keys import SigningKey
    from byodkim.dkim.record import DkimRecord
    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer

Step = Callable[[str, float], None]  # (what finished, seconds it took): a catalogue line (a Said)
Stopped = Callable[[str], None]  # one catalogue line per part stopped or removed
CLOCK_SPEED = 300.0  # 15 emulated minutes in 3 s: a phase-7 or health-check run (about 1 s) fits in one
# The name server's IPv6 address is unroutable (documentation prefix): as for most large zones
# seen from a Lambda outside a VPC, the function must check the server over IPv4 and go on.
NS_AAAA = "2001:db8::53"


def sceptre_dir() -> Path:
    """Return the project's Sceptre folder (the sandbox deploys the real configs)."""
    folder = Path(__file__).resolve().parents[3] / "sceptre"
    if not (folder / "config" / deployment.DEFAULT_GROUP).is_dir():
        raise ByodkimError(
            "the sandbox needs the byodkim checkout's sceptre/ folder", "run it from a clone of the project"
        )
    return folder


def rehearsed() -> Deployment:
    """Return the deployment the sandbox rehearses: the checkout's own Sceptre config, domain and selector."""
    found = deployment.read(sceptre_dir())
    if not found.domain or not found.selector or not found.region:
        raise ByodkimError(
            f"the Sceptre config of `{found.group}` sets no domain_name, selector or region", "set them there"
        )
    return found


@dataclass
class Sandbox:
    """The running parts, and what the rehearsal produced."""

    workdir: Path
    deployment: Deployment
    sceptre: Path  # the Sceptre folder deployed: the checkout's, or the fleet's copy of it
    environment: dict[str, str] = field(default_factory=dict)
    nameserver: str = ""
    dns: LocalNameServer | None = None
    lambda_network: str = "host"  # where the emulator runs functions: isolated (own namespace) or host
    mail_from: str = ""  # the custom MAIL FROM subdomain rehearsed, if any
    hosted_zone_id: str = ""  # --route53: the domain's zone in the emulator's Route 53, given to the stacks
    timings: list[tuple[str, float]] = field(default_factory=list)
    report_text: str = ""
    verified: bool = False
    mail_summary: str = ""
    stacks: int = 0  # stacks the report found launched
    dmarc_fix: str = ""  # the DMARC record the report asks for, when the sandbox's zone has none


@dataclass(frozen=True)
class SandboxOptions:
    """How to rehearse."""

    lang: str = "en"
    workdir: Path | None = None
    clock_speed: float = CLOCK_SPEED
    lambda_network: str = "auto"  # isolated where the host allows it; "host" to rehearse without namespaces
    mail_from_subdomain: str = ""  # e.g. "mail": phase 3 sets a custom MAIL FROM, the DNS team publishes its MX and SPF
    second_region: str = ""  # a nested stack group deploying phase 3 there; every domain registered in both
    extra_domains: int = 0  # subdomains declared under `domains:` beside the domain
    dmarc_reports: bool = False  # after SUCCESS: reporting on, a receiver's report received and measured
    route53: bool = False  # the domain in a Route 53 zone of the emulator, live on BIND: no DNS team
    config: Mapping[str, str | int] = field(default_factory=dict)  # group config it states (local/rotation_sandbox)
    progress: Step = lambda _what, _seconds: None
    stopped: Stopped = lambda _line: None  # told, as each part stops, what was stopped


@contextmanager
def running(options: SandboxOptions) -> Iterator[Sandbox]:
    """Start BIND and the emulator, point this process at them, and stop both afterwards."""
    from byodkim.aws.endpoint import SANDBOX_VARIABLES
    from byodkim.emulator import Emulator
    from byodkim.local.dns import LocalNameServer, zone_text

    temp = tempfile.TemporaryDirectory(prefix="byodkim-sandbox-") if options.workdir is None else None
    workdir = options.workdir or Path(temp.name)  # type: ignore[union-attr]
    workdir.mkdir(parents=True, exist_ok=True)
    # What the sandbox sets in this process (and the profile it drops), put back when it stops.
    saved = {k: os.environ.get(k) for k in (*SANDBOX_VARIABLES, "AWS_PROFILE", "BYODKIM_SCEPTRE_DIR")}
    start = time.monotonic()
    target, folder = rehearsed(), sceptre_dir()
    if options.second_region or options.extra_domains:
        from byodkim.local import fleet_sandbox

        folder = fleet_sandbox.project(workdir, folder, options.second_region, options.extra_domains)
        target = deployment.read(folder)
    folder, target = rotation_sandbox.configured(workdir, folder, target, options.config)
    _need_runtime_python(target.lambda_runtime)
    domain = str(target.domain)
    zone = zone_text(domain, 2026112801, [f"ns1 IN AAAA {NS_AAAA}"])
    # amazonses.com too: the emulated SES signs every message as d=amazonses.com, as SES does.
    zones = {domain: zone, "amazonses.com": zone_text("amazonses.com", 2026112801)}
    dns = LocalNameServer(zones, workdir=workdir / "named").start()
    emulator = None
    try:
        options.progress(say("sandbox.step.dns", domain=domain, server=dns.spec), time.monotonic() - start)
        start = time.monotonic()
        emulator = Emulator(
            dns_servers=[dns.spec],
            region=str(target.region),
            log_path=workdir / "emulator.log",
            clock_speed=options.clock_speed,
            lambda_network=options.lambda_network,
        )
        emulator.start()
        network = str(emulator.control("/_byodkim/config")["lambda_network"])
        _serve_ses_keys(dns, emulator.endpoint)
        options.progress(
            say("sandbox.step.emulator", endpoint=emulator.endpoint, speed=f"{options.clock_speed:g}", network=network),
            time.monotonic() - start,
        )
        env = {**emulator.environment(), "BYODKIM_NAMESERVERS": dns.spec}
        if folder != sceptre_dir():  # the fleet's copy: every command, resolver and hook reads it
            env["BYODKIM_SCEPTRE_DIR"] = str(folder)
        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(env)
        _forget_sceptre_clients()
        box = Sandbox(
            workdir, target, folder, env, dns.spec, dns, lambda_network=network, mail_from=options.mail_from_subdomain
        )
        box.hosted_zone_id = route53_sandbox.hosted_zone(domain, dns.spec, options.progress) if options.route53 else ""
        yield box
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _forget_sceptre_clients()
        _stop(emulator, dns, temp, workdir, options.stopped)


def _stop(
    emulator: Emulator | None,
    dns: LocalNameServer,
    temp: tempfile.TemporaryDirectory[str] | None,
    workdir: Path,
    stopped: Stopped,
) -> None:
    """Stop the emulator and the name server, remove the temporary work folder; say each."""
    if emulator is not None:
        endpoint = emulator.endpoint
        emulator.stop()
        stopped(say("sandbox.stopped.emulator", endpoint=endpoint))
    dns.stop()
    stopped(say("sandbox.stopped.dns", server=dns.spec))
    if temp is not None:
        temp.cleanup()
        stopped(say("sandbox.stopped.workdir", path=workdir))
    else:
        stopped(say("sandbox.stopped.kept", path=workdir))


def _forget_sceptre_clients() -> None:
    """Drop Sceptre's process-wide boto sessions: keyed by profile, region and role, they outlive an endpoint."""
    from sceptre.connection_manager import ConnectionManager

    ConnectionManager._boto_sessions.clear()  # noqa: SLF001 - no public way to reset it
    ConnectionManager._clients.clear()  # noqa: SLF001


def _timed(sandbox: Sandbox, options: SandboxOptions, what: str, work: Callable[[], Any]) -> Any:  # noqa: ANN401
    start = time.monotonic()
    result = work()
    seconds = time.monotonic() - start
    sandbox.timings.append((what, seconds))
    options.progress(what, seconds)
    return result


def launch_stacks(sandbox: Sandbox) -> None:
    """Run `sceptre launch -y GROUP` with the project's real configs against the emulator.

    Through :mod:`byodkim.local.sceptre_run`: Sceptre's own CLI with a short status poll,
    since the emulator finishes a stack before it answers.
    """
    extra = []
    if sandbox.lambda_network != "isolated":
        # Functions on the host's network cannot find the zone through its resolver: name the server.
        extra = ["--var", f"function_nameservers={sandbox.nameserver}"]
    if sandbox.mail_from:
        extra += ["--var", f"mail_from_subdomain={sandbox.mail_from}"]
    if sandbox.hosted_zone_id:  # phase 2 gives the function the zone and its Route 53 permissions
        extra += ["--var", f"hosted_zone_id={sandbox.hosted_zone_id}"]
    done = subprocess.run(  # noqa: S603 - our own runner, fixed arguments
        [sys.executable, "-m", "byodkim.local.sceptre_run", *extra, "launch", "-y", sandbox.deployment.group],
        cwd=sandbox.sceptre,
        capture_output=True,
        text=True,
        env={**os.environ, **sandbox.environment},
        check=False,
    )
    (sandbox.workdir / "sceptre-launch.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:  # the log named is a copy outside the work folder, which goes as the sandbox stops
        tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["no output"]
        kept = Path(tempfile.mkdtemp(prefix="byodkim-sceptre-launch-")) / "sceptre-launch.log"
        kept.write_text(done.stdout + done.stderr)
        raise ByodkimError(say("sandbox.launch_failed", line=tail[0]), say("sandbox.launch_log", path=kept))


def rehearse(sandbox: Sandbox, options: SandboxOptions) -> Sandbox:
    """Run the rollout, phase by phase, against the running sandbox."""
    from byodkim.aws.session import Aws
    from byodkim.dkim import keys
    from byodkim.dkim.record import DkimRecord
    from byodkim.dkim.request import RequestFields, render_request
    from byodkim.dnscheck.check import check
    from byodkim.dnscheck.judge import Check
    from byodkim.dnscheck.servers import parse_server
    from byodkim.dnscheck.wait import wait
    from byodkim.function.phases import Manager, ManagerConfig, PhaseRequest
    from byodkim.local import sandbox_end
    from byodkim.workflows.report import ReportRequest, collect

    target = sandbox.deployment
    domain, selector = str(target.domain), str(target.selector)
    aws = Aws()
    region = aws.default_region()
    _timed(sandbox, options, say("sandbox.step.launched"), lambda: launch_stacks(sandbox))
    key = keys.generate()
    _timed(
        sandbox,
        options,
        say("sandbox.step.key"),
        lambda: keys.write_key_files(sandbox.workdir / "keys", selector, key),
    )

    _timed(sandbox, options, say("sandbox.step.registered"), lambda: _store_and_register(aws, region, target, key))
    config = ManagerConfig.for_deployment(
        target, domain, region, aws.account(region), (sandbox.nameserver,), sandbox.mail_from
    )
    manager = Manager(config, aws, region)
    record = DkimRecord(domain, selector, key.public.b64)

    def request_dns() -> None:
        manager.run(PhaseRequest("phase_manager", "4", domain, None))
        manager.run(PhaseRequest("phase_manager", "5", domain, None))
        fields = RequestFields(mail_from=f"{sandbox.mail_from}.{domain}" if sandbox.mail_from else "", region=region)
        (sandbox.workdir / "dns-request.md").write_text(render_request(record, options.lang, fields), encoding="utf-8")

    _timed(sandbox, options, say("sandbox.step.request"), request_dns)

    _timed(sandbox, options, say("sandbox.step.dns_team"), lambda: _dns_team(sandbox, record, region))
    servers = tuple(parse_server(sandbox.nameserver))
    request = Check(domain, selector, key.public, servers)
    report = _timed(sandbox, options, say("sandbox.step.verified"), lambda: check(request))
    if not report.ok:
        raise ByodkimError(f"the record did not verify: {report.summary()}")

    def ses_success() -> None:
        waited = wait(request, timeout=120, interval=0.25, ses=lambda: _activated(aws, domain, region, target))
        if waited.ses is None or not waited.ses.success:
            raise ByodkimError(f"the phase-7 schedule did not reach SUCCESS: {waited.ses}", "see emulator.log")

    _timed(sandbox, options, say("sandbox.step.success"), ses_success)
    if len(target.domains) > 1 or len(target.regions) > 1:
        _fleet(sandbox, options, aws)
    sandbox.verified = True
    sandbox.mail_summary = _timed(
        sandbox,
        options,
        say("sandbox.step.mail", domain=domain, selector=selector),
        lambda: _send_test(sandbox, aws, region),
    )
    request_all = ReportRequest(target, domain=domain, regions=target.regions or (region,), servers=servers)
    sandbox.stacks, sandbox.dmarc_fix, sandbox.report_text = sandbox_end.kept(
        collect(request_all, aws, region), options.lang
    )
    if options.dmarc_reports:  # DMARC reports' receiving turned on, as a team would after SUCCESS
        from byodkim.local import reports_sandbox

        sandbox.report_text += reports_sandbox.show(
            target, sandbox.environment, lambda: launch_stacks(sandbox), aws, region, options.progress, options.lang
        )
    return sandbox


def _dns_team(sandbox: Sandbox, record: DkimRecord, region: str) -> None:
    """Publish what the DNS request asks for, as the DNS team would enter it."""
    from byodkim.dkim.record import quote_strings
    from byodkim.dkim.request import mail_from_records

    if sandbox.hosted_zone_id:  # no DNS team: Route 53, which the emulator makes live on BIND
        route53_sandbox.publish(sandbox.hosted_zone_id, record, sandbox.mail_from, region)
        return
    assert sandbox.dns is not None  # noqa: S101 - set by running()
    domain = record.domain
    sandbox.dns.update(domain, add=[(record.name, 3600, "TXT", [quote_strings(record.strings)])])
    if sandbox.mail_from:  # the request's MX and SPF lines
        for line in mail_from_records(f"{sandbox.mail_from}.{domain}", region):
            name, ttl, _cls, rdtype, value = line.split(maxsplit=4)
            sandbox.dns.update(domain, add=[(name, int(ttl), rdtype, [value])], delete=[])


def _fleet(sandbox: Sandbox, options: SandboxOptions, aws: Aws) -> None:
    """Take every declared domain to SUCCESS in every region (see :mod:`byodkim.local.fleet_sandbox`)."""
    from byodkim.local import fleet_sandbox

    assert sandbox.dns is not None  # noqa: S101 - set by running()
    started = time.monotonic()
    line = fleet_sandbox.converge(aws, sandbox.deployment, sandbox.dns)
    sandbox.timings.append((line, time.monotonic() - started))
    options.progress(line, time.monotonic() - started)


def _need_runtime_python(runtime: str) -> None:
    """Refuse at once, not after a long wait, when the Lambda's runtime interpreter is missing."""
    from byodkim.artifacts.interpreters import find_python

    version = runtime.removeprefix("python")
    if find_python(version) is None:
        raise ByodkimError(
            f"the sandbox runs the dkim-manager Lambda under CPython {version} ({runtime}), which this machine lacks",
            f"install it: uv python install {version} (scripts/setup.sh does)",
        )


def _serve_ses_keys(dns: LocalNameServer, endpoint: str) -> None:
    """Publish the emulated SES's own amazonses.com key, so its d=amazonses.com signature verifies too."""
    from byodkim.dkim.record import quote_strings, split_txt
    from byodkim.local.mailbox import published_records

    records = published_records(endpoint)
    dns.update("amazonses.com", add=[(f"{n}.", 300, "TXT", [quote_strings(split_txt(v))]) for n, v in records])
    # amazonses.com's SPF, as SES publishes it (in part): what include:amazonses.com resolves to.
    dns.update(
        "amazonses.com", add=[("amazonses.com.", 300, "TXT", ['"v=spf1 ip4:54.240.0.0/18 ip4:199.255.192.0/22 -all"'])]
    )


def _send_test(sandbox: Sandbox, aws: Aws, region: str) -> str:
    """Send one message through the emulated SES and judge the copy with dkimpy, as a receiver would."""
    from byodkim.dnscheck.mailcheck import judge_message
    from byodkim.dnscheck.servers import parse_server
    from byodkim.local.mailbox import sent_message
    from byodkim.workflows import sendtest

    domain, selector = str(sandbox.deployment.domain), str(sandbox.deployment.selector)
    message_id = sendtest.send(aws, region, f"dkim-check@{domain}", f"postmaster@{domain}")
    raw = sent_message(message_id, sandbox.environment["AWS_ENDPOINT_URL"])
    if raw is None:
        raise ByodkimError(f"the emulator kept no message {message_id}")
    (sandbox.workdir / "test-message.eml").write_bytes(raw)
    verdict = judge_message(raw, list(parse_server(sandbox.nameserver)), selector)
    sendtest.remember(aws, region, sandbox.deployment, domain, verdict, message_id)
    found = verdict.aligned_pass
    if found is None:
        raise ByodkimError(
            f"the test message does not pass DKIM aligned with {domain}: {verdict.authentication_results()}"
        )
    return f"dkim=pass d={found.domain} s={found.selector}, aligned with From {domain}: DMARC passes on DKIM"


def _activated(aws: Aws, domain: str, region: str, target: Deployment) -> dict[str, str]:
    """Return SES's status, holding SUCCESS back until phase 7 has also disabled its schedule."""
    from byodkim.aws.guards import ses_statuses

    seen = ses_statuses(aws, domain, (region,))
    rule = aws.client("events", region).describe_rule(Name=target.phase7_rule_name)
    if seen.get(region) == "SUCCESS" and rule.get("State") != "DISABLED":
        return {region: "PENDING"}
    return seen


def _store_and_register(aws: Aws, region: str, target: Deployment, key: SigningKey) -> None:
    from byodkim.aws import secrets
    from byodkim.aws.ses import Registration, register

    domain, selector = str(target.domain), str(target.selector)
    secrets.obtain_key(
        aws.client("secretsmanager", region),
        domain=domain,
        selector=selector,
        given=key,
        secret_id=None,
        kms_key_id=secrets.existing_kms_key(aws.client("kms", region), f"{target.kms_alias}-secrets")
        or secrets.existing_kms_key(aws.client("kms", region), target.kms_alias),
        dry_run=False,
    )
    result = register(Registration(domain, selector, key, (region,)), aws)[0]
    if not result.ok:
        raise ByodkimError(f"register failed: {result.detail}")
