"""Rehearse the whole rollout on this machine: emulator, BIND, Sceptre, key, DNS team, SES.

Nothing here needs an AWS account. The steps are the runbook's, run for real against
local parts: moto (extended) for AWS, Debian's BIND for the domain's name server, the
project's own Sceptre configs and templates, and the dkim-manager handler in-process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from byodkim.errors import ByodkimError

if TYPE_CHECKING:
    from byodkim.localdns import LocalNameServer

Step = Callable[[str, float], None]  # (what finished, seconds it took)
DOMAIN = "goo.ne.jp"
SELECTOR = "gooid-21-pro-20250912-1"


def sceptre_dir() -> Path:
    """Return the project's Sceptre folder (the sandbox deploys the real configs)."""
    folder = Path(__file__).resolve().parents[2] / "sceptre"
    if not (folder / "config" / "prod").is_dir():
        raise ByodkimError(
            "the sandbox needs the byodkim checkout's sceptre/ folder", "run it from a clone of the project"
        )
    return folder


def sceptre_command() -> str:
    """Return the sceptre executable of this environment."""
    beside = Path(sys.executable).parent / ("sceptre.exe" if os.name == "nt" else "sceptre")
    found = str(beside) if beside.exists() else shutil.which("sceptre")
    if found is None:
        raise ByodkimError("sceptre is not installed", "uv sync")
    return found


@dataclass
class Sandbox:
    """The running parts, and what the rehearsal produced."""

    workdir: Path
    environment: dict[str, str] = field(default_factory=dict)
    nameserver: str = ""
    dns: LocalNameServer | None = None
    timings: list[tuple[str, float]] = field(default_factory=list)
    report_text: str = ""
    verified: bool = False


@dataclass(frozen=True)
class SandboxOptions:
    """How to rehearse."""

    lang: str = "en"
    workdir: Path | None = None
    progress: Step = lambda _what, _seconds: None


@contextmanager
def running(options: SandboxOptions) -> Iterator[Sandbox]:
    """Start BIND and the emulator, point this process at them, and stop both afterwards."""
    from byodkim.emulator import Emulator
    from byodkim.localdns import LocalNameServer, zone_text

    temp = tempfile.TemporaryDirectory(prefix="byodkim-sandbox-") if options.workdir is None else None
    workdir = options.workdir or Path(temp.name)  # type: ignore[union-attr]
    workdir.mkdir(parents=True, exist_ok=True)
    saved = {
        k: os.environ.get(k)
        for k in (
            "AWS_ENDPOINT_URL",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_PROFILE",
            "BYODKIM_NAMESERVERS",
        )
    }
    start = time.monotonic()
    dns = LocalNameServer({DOMAIN: zone_text(DOMAIN, 2026112801)}, workdir=workdir / "named").start()
    emulator = None
    try:
        options.progress("local authoritative DNS server (BIND) for goo.ne.jp on " + dns.spec, time.monotonic() - start)
        start = time.monotonic()
        emulator = Emulator(dns_servers=[dns.spec], log_path=workdir / "emulator.log").start()
        options.progress("local AWS emulator on " + emulator.endpoint, time.monotonic() - start)
        env = {**emulator.environment(), "BYODKIM_NAMESERVERS": dns.spec}
        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(env)
        yield Sandbox(workdir, env, dns.spec, dns)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if emulator is not None:
            emulator.stop()
        dns.stop()
        if temp is not None:
            temp.cleanup()


def _timed(sandbox: Sandbox, options: SandboxOptions, what: str, work: Callable[[], Any]) -> Any:  # noqa: ANN401
    start = time.monotonic()
    result = work()
    seconds = time.monotonic() - start
    sandbox.timings.append((what, seconds))
    options.progress(what, seconds)
    return result


def launch_stacks(sandbox: Sandbox) -> None:
    """Run `sceptre launch -y prod` with the project's real configs against the emulator."""
    done = subprocess.run(  # noqa: S603 - our own sceptre, fixed arguments
        [sceptre_command(), "launch", "-y", "prod"],
        cwd=sceptre_dir(),
        capture_output=True,
        text=True,
        env={**os.environ, **sandbox.environment},
        check=False,
    )
    (sandbox.workdir / "sceptre-launch.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["no output"]
        raise ByodkimError(f"sceptre launch failed: {tail[0]}", f"see {sandbox.workdir / 'sceptre-launch.log'}")


def rehearse(sandbox: Sandbox, options: SandboxOptions) -> Sandbox:
    """Run the rollout, phase by phase, against the running sandbox."""
    from byodkim import keys, registration, verify
    from byodkim.aws import Aws
    from byodkim.manager import Manager, ManagerConfig, PhaseRequest
    from byodkim.record import DkimRecord, quote_strings
    from byodkim.report import ReportRequest, collect, render
    from byodkim.request import render_request

    aws = Aws()
    region = aws.default_region()
    _timed(
        sandbox,
        options,
        "phases 1-5, 7, 8 and shared stacks launched with Sceptre (layer built and published)",
        lambda: launch_stacks(sandbox),
    )
    key = keys.generate()
    _timed(
        sandbox,
        options,
        "DKIM key generated (RSA 2048, PKCS#1, 0600)",
        lambda: keys.write_key_files(sandbox.workdir / "keys", SELECTOR, key),
    )
    request = registration.Registration(DOMAIN, SELECTOR, key, (region,))

    def register() -> None:
        from byodkim import secretstore

        secretstore.obtain_key(
            aws.client("secretsmanager", region),
            domain=DOMAIN,
            selector=SELECTOR,
            given=request.key,
            secret_id=None,
            kms_key_id=None,
            dry_run=False,
        )
        result = registration.register(request, aws)[0]
        if not result.ok:
            raise ByodkimError(f"register failed: {result.detail}")

    _timed(sandbox, options, "key stored in Secrets Manager and registered with SES (EXTERNAL, PENDING)", register)
    account = aws.client("sts", region).get_caller_identity()["Account"]
    config = ManagerConfig.for_deployment(
        "aws-ses-migration", "prod", DOMAIN, f"{region}:{account}", (sandbox.nameserver,)
    )
    manager = Manager(config, aws, region)
    record = DkimRecord(DOMAIN, SELECTOR, key.public.b64)

    def request_dns() -> None:
        manager.run(PhaseRequest("phase_manager", "4", DOMAIN, None))
        manager.run(PhaseRequest("phase_manager", "5", DOMAIN, None))
        (sandbox.workdir / "dns-request.md").write_text(render_request(record, options.lang), encoding="utf-8")

    _timed(sandbox, options, "DNS request written and sent to the DNS team topic (Lambda phases 4 and 5)", request_dns)

    def dns_team() -> None:
        assert sandbox.dns is not None  # noqa: S101 - set by running()
        sandbox.dns.update(DOMAIN, add=[(record.name, 3600, "TXT", [quote_strings(record.strings)])])

    _timed(sandbox, options, "phase 6 played: the DNS team published the TXT record", dns_team)
    servers = verify.parse_server(sandbox.nameserver)
    check = verify.Check(DOMAIN, SELECTOR, key.public, tuple(servers))
    report = _timed(sandbox, options, "record verified on every authoritative server", lambda: verify.check(check))
    if not report.ok:
        raise ByodkimError(f"the record did not verify: {report.summary()}")

    def ses_success() -> None:
        activated = manager.run(PhaseRequest("phase_manager", "7", DOMAIN, None))
        waited = verify.wait(
            check,
            timeout=60,
            interval=0.5,
            ses=lambda: {region: registration.status(DOMAIN, (region,), aws)[0].status or ""},
        )
        if waited.ses is None or not waited.ses.success:
            raise ByodkimError(f"SES did not report SUCCESS: {activated}")

    _timed(sandbox, options, "SES reports SUCCESS (Lambda phase 7 disabled its schedule)", ses_success)
    sandbox.verified = True
    rollout = collect(ReportRequest(domain=DOMAIN, servers=tuple(servers), lang=options.lang), aws, region)
    sandbox.report_text = render(rollout, "text", options.lang)
    return sandbox
