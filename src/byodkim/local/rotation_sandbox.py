"""The sandbox's own calendar: a copy of the Sceptre folder whose group config states a small rotation policy.

prod's config states prod's policy (180 days, approval manual), which no rehearsal can live
through. The sandbox deploys a copy whose group ``config.yaml`` says, for these keys only,
what the rehearsal gives (e.g. ``rotation_days: 3``, ``rotation_approval: auto``, the running
key's selector named for today under the scheme), so the deployment's own stacks, function and
alarms run the rotation on the emulator's clock; the checkout's config is never touched.
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING

import yaml

from byodkim import deployment
from byodkim.errors import ByodkimError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from byodkim.deployment import Deployment

# What a rehearsal may set: the policy, the running key's selector, and how often phase 8 looks.
SETTABLE = (
    "selector",
    "rotation_days",
    "rotation_lead_days",
    "retire_after_days",
    "rotation_grace_days",
    "selector_scheme",
    "rotation_approval",
    "health_check_minutes",
    "rotation_check_hours",
)


def configured(
    workdir: Path, source: Path, target: Deployment, values: Mapping[str, str | int]
) -> tuple[Path, Deployment]:
    """Return the Sceptre folder and deployment to rehearse: as they are with no values, else with them stated."""
    if not values:
        return source, target
    folder = project(workdir, source, target.group, values)
    return folder, deployment.read(folder)


def project(workdir: Path, source: Path, group: str, values: Mapping[str, str | int]) -> Path:
    """Return the Sceptre folder with ``values`` in the group's config: a copy, unless ``source`` is one already."""
    unknown = sorted(set(values) - set(SETTABLE))
    if unknown:
        raise ByodkimError(f"the sandbox's config cannot set {', '.join(unknown)}", f"set only {', '.join(SETTABLE)}")
    folder = workdir / "sceptre"
    if source.resolve() != folder.resolve():
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(source, folder)
    config = folder / "config" / group / "config.yaml"
    text = config.read_text(encoding="utf-8")
    for key, value in values.items():
        # As YAML writes it: a number stays a number, so the stack configs' Jinja sums still add.
        line = yaml.safe_dump({key: value}, default_flow_style=False).strip()
        text, found = re.subn(rf"^{key}:.*$", line.replace("\\", "\\\\"), text, flags=re.MULTILINE)
        if not found:
            text += f"\n# Set by the sandbox's rotation calendar.\n{line}\n"
    config.write_text(text, encoding="utf-8")
    return folder
