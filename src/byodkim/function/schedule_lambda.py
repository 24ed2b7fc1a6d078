"""The dkim-manager function's ``rotation`` action: one tick of the scheduled rotation per domain.

Beside the phases rather than in them: the rotation reuses phases 4 and 5 (``schedule_dns``),
so the phases cannot import it back. ``lambda_handler`` sends ``{"action": "rotation"}`` here.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from byodkim.aws.secrets import principal_patterns
from byodkim.dnscheck.servers import parse_servers
from byodkim.errors import ByodkimError, InputError
from byodkim.function.schedule import Rotation, tick
from byodkim.function.schedule_run import NotRotatableError
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.aws.session import Aws
    from byodkim.function.config import ManagerConfig
    from byodkim.function.phases import PhaseRequest

log = logging.getLogger(__name__)


def run_rotation(config: ManagerConfig, aws: Aws, region: str, request: PhaseRequest) -> dict[str, Any]:
    """Run one tick of the scheduled rotation for one domain or every declared one (function/schedule.py).

    Every domain is ticked even if one fails; a failure then raises after the others, so
    Lambda's Errors metric sees it and the others were not held back by it.
    """
    declared = config.declared(aws, region)
    specs = [s for s in declared if request.every or s.domain == request.domain]
    if not specs:  # deny by default: the schedule ticks declared domains only (docs/rotation.md)
        raise InputError(
            say("schedule.not_declared", domain=request.domain),
            say("schedule.not_declared_hint", domain=request.domain),
        )
    caller = aws.client("sts", region).get_caller_identity()
    role = f"arn:aws:iam::{caller['Account']}:role/{config.deployment.prefix}-dkim-manager-role"
    readers = tuple(dict.fromkeys((role, *principal_patterns(str(caller["Arn"])))))
    rotation = Rotation(config, aws, region, parse_servers(config.nameservers), None, readers)
    now = request.now or datetime.now(UTC)
    answers: list[dict[str, Any]] = []
    failed: list[str] = []
    for spec in specs:
        try:
            answers.append(tick(rotation, spec.domain, spec.regions or (region,), now).as_dict())
        except NotRotatableError as exc:
            if not request.every:
                raise
            log.warning("rotation of %s skipped: %s", spec.domain, exc)
            answers.append({"domain": spec.domain, "skipped": str(exc)})
        except ByodkimError as exc:
            if not request.every:
                raise
            log.exception("rotation of %s failed", spec.domain)
            answers.append({"domain": spec.domain, "error": str(exc)})
            failed.append(spec.domain)
    if failed:
        raise ByodkimError(say("phase.rotation_failed", domains=", ".join(failed), count=len(specs)))
    return {"action": "rotation", "now": now.isoformat(timespec="seconds"), "domains": answers}
