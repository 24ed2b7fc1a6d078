"""The dkim-manager Lambda's entry point: a thin door onto :mod:`byodkim.rollout.phases`.

Accepts the payloads the team already sends, e.g.
``{"action": "phase_manager", "phase": "7", "domain": "goo.ne.jp", "environment": "prod",
"projectName": "aws-ses-migration"}``, and always answers with JSON: a result, or
``{"ok": false, "error": "..."}``, never a stack trace.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

from byodkim.aws.errors import translate
from byodkim.aws.session import Aws
from byodkim.errors import ByodkimError
from byodkim.logs import RedactingFormatter
from byodkim.rollout.phases import Manager, ManagerConfig, parse_event

log = logging.getLogger("byodkim")
log.setLevel(logging.INFO)
for _handler in logging.getLogger().handlers:  # Lambda's own handler: make it redact key material too
    _handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))


@functools.cache
def config() -> ManagerConfig:
    """Return the function's configuration, read from its environment once per container (Lambda reuses it)."""
    return ManagerConfig.from_environment(os.environ)


def handler(event: object, context: object) -> dict[str, Any]:
    """Run one phase; the result or the error is JSON."""
    del context
    try:
        settings = config()
        request = parse_event(event, settings)
        aws = Aws()
        return {"ok": True, **Manager(settings, aws, aws.default_region()).run(request)}
    except ByodkimError as exc:
        log.warning("refused: %s", exc)
        return {"ok": False, "error": str(exc)}
    except Exception as exc:
        translated = translate(exc)
        if translated is not None:
            log.warning("AWS error: %s", translated)
            return {"ok": False, "error": str(translated)}
        log.exception("unexpected error")  # the trace goes to CloudWatch Logs, not to the caller
        return {"ok": False, "error": f"internal error ({type(exc).__name__}); see the function's log"}
