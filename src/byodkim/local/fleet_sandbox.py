"""The sandbox's fleet: a second SES region through Sceptre's cascade, and more declared domains.

The sandbox deploys a copy of the project's Sceptre folder in which the ``prod`` group gains
what a team would add: a nested stack group ``prod/<region>/`` whose config sets only
``region`` and which deploys phase 3 (the identity and configuration set) there, and, with
``--extra-domains``, subdomains of the domain under ``domains:``. The ``prod`` group's
files and stack names are untouched. After the domain's own rollout reaches SUCCESS, every
declared domain is registered in every region (``register --all``'s work), the DNS team
publishes their records, and SES must report SUCCESS for each, in each region.
"""

from __future__ import annotations

import shutil
import time
from typing import TYPE_CHECKING

from byodkim import deployment
from byodkim.errors import ByodkimError
from byodkim.messages import say

if TYPE_CHECKING:
    from pathlib import Path

    from byodkim.aws.session import Aws
    from byodkim.local.dns import LocalNameServer

# Only what differs from prod: the region. Phase 3 makes the identity there; byodkim registers the key.
_PHASE3 = """\
# Phase 3 in {region}: the SES identity and configuration set of the domain in this region.
# Stack name: <project_code>-{group}-{region}-phase-3-ses-byodkim; prod's own stacks are unchanged.
template:
  path: phase-3-ses-byodkim.yaml
parameters:
  ProjectName: {{{{ project_name }}}}
  Environment: {{{{ environment }}}}
  DomainName: {{{{ domain_name }}}}
  MailFromSubdomain: "{{{{ mail_from_subdomain }}}}"
"""


def project(workdir: Path, source: Path, second_region: str, extra_domains: int) -> Path:
    """Return a copy of the Sceptre folder with the nested region group and the extra domains."""
    folder = workdir / "sceptre"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder)
    target = deployment.read(folder)
    group = folder / "config" / target.group
    if second_region:
        nested = group / second_region
        nested.mkdir()
        (nested / "config.yaml").write_text(
            f"# A second SES region: only what differs from {target.group}.\nregion: {second_region}\n",
            encoding="ascii",
        )
        (nested / "phase-3-ses-byodkim.yaml").write_text(
            _PHASE3.format(region=second_region, group=target.group), encoding="ascii"
        )
    if extra_domains:
        names = [f"svc{i:02d}.{target.domain}" for i in range(1, extra_domains + 1)]
        with (group / "config.yaml").open("a", encoding="utf-8") as handle:
            handle.write(
                "\n# The fleet: every domain the fleet form of a command acts on (domain_name is always first).\n"
            )
            handle.write("domains:\n" + "".join(f"  - domain: {name}\n" for name in names))
    return folder


def converge(aws: Aws, target: deployment.Deployment, dns: LocalNameServer, timeout: float = 90.0) -> str:
    """Register every declared domain in every region, publish the records, and wait for SES's SUCCESS."""
    from byodkim.dkim.record import DkimRecord, quote_strings
    from byodkim.workflows.registration import RegisterRequest, Registrar, public_keys
    from byodkim.workflows.unit_work import VerifyWork
    from byodkim.workflows.units import Run, units

    _same_zone(target)
    todo = units(target.domains)
    request = RegisterRequest(tuple(target.domains), target.secret_prefix)
    registered = Run(Registrar(request, aws, kms_key=lambda _region: None, readers=lambda _region: ())).run(todo)
    if not registered.ok:
        raise ByodkimError(
            f"registering every declared domain in the sandbox failed: {registered.actions}", "see emulator.log"
        )
    kept = public_keys(aws, target.domains, target.secret_prefix)
    zone = str(target.domain)
    for spec in target.domains:
        record = DkimRecord(spec.domain, spec.selector, kept[spec.domain].b64)
        dns.update(zone, delete=[record.name], add=[(record.name, 300, "TXT", [quote_strings(record.strings)])])
    deadline = time.monotonic() + timeout
    while True:
        verified = Run(VerifyWork(aws)).run(todo)
        if verified.ok or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if not verified.ok:
        raise ByodkimError(f"not every declared domain reached SUCCESS: {verified.actions}", "see emulator.log")
    regions = ", ".join(target.regions)
    return (
        f"every declared domain registered, published and SUCCESS in every region: {len(target.domains)} "
        f"domain(s) x {len(target.regions)} regions ({regions})"
    )


def _same_zone(target: deployment.Deployment) -> None:
    """Refuse declared domains the sandbox's one zone cannot serve."""
    zone = str(target.domain)
    outside = [s.domain for s in target.domains if s.domain != zone and not s.domain.endswith("." + zone)]
    if outside:
        raise ByodkimError(say("sandbox.outside_zone", zone=zone, domain=outside[0]), say("sandbox.outside_zone_hint"))
