"""The dkim-manager Lambda's entry point: a thin door onto :mod:`byodkim.function.phases`.

Accepts the payloads the team already sends, e.g.
``{"action": "phase_manager", "phase": "7", "domain": "goo.ne.jp", "environment": "prod",
"projectName": "aws-ses-migration"}``. A result, or for a bad payload ``{"ok": false,
"error": "..."}``; a failure of AWS or DNS raises, so Lambda counts it.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any, TypeGuard

from byodkim.aws.errors import translate
from byodkim.aws.session import Aws
from byodkim.errors import ByodkimError, InputError
from byodkim.function.fanout import consume
from byodkim.function.phases import Manager, ManagerConfig, parse_event
from byodkim.messages import carried
from byodkim.redacted_logs import RedactingFormatter

log = logging.getLogger("byodkim")
log.setLevel(logging.INFO)
for _handler in logging.getLogger().handlers:  # Lambda's own handler: make it redact key material too
    _handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))


# The inputs the library may name, as this function's callers give them: payload fields, or
# the function's settings (phase 2 sets them from the Sceptre config).
FIELDS = {
    "domain": '"domain"',
    "selector": '"selector"',
    "every": '"domains": "all"',
    "nameserver": "the function's NAMESERVERS (Sceptre `function_nameservers`)",
    "secret_id": "the function's SECRET_PREFIX",
    "region": "the function's region",
    "environment": '"environment"',
    "project": '"projectName"',
}


def answer(exc: ByodkimError) -> str:
    """Return an error's line as this function's callers read it: inputs named as payload fields or settings."""
    from byodkim.messages import render

    message = render(exc.message, "en", FIELDS)
    if exc.about in FIELDS:  # which field of the payload was wrong, as parse_event's own refusals say
        message = f"{FIELDS[exc.about]}: {message}"
    return f"{message}; {render(exc.hint, 'en', FIELDS)}" if exc.hint else message


@functools.cache
def config() -> ManagerConfig:
    """Return the function's configuration, read from its environment once per container (Lambda reuses it)."""
    return ManagerConfig.from_environment(os.environ)


def _answered(result: dict[str, Any]) -> dict[str, Any]:
    """Return the phase's answer, its sentences' catalogue keys beside their English.

    JSON keeps a sentence's English only; ``messages`` lets `byodkim phase --invoke` say it in the
    operator's language (docs/lambda.md).
    """
    said = carried(result)
    return {"ok": True, **result, **({"messages": said} if said else {})}


def _records_from(event: object, source: str) -> TypeGuard[dict[str, Any]]:
    """Return whether ``event`` is a notification whose every record comes from ``source`` (``aws:s3``, ``aws:sqs``)."""
    if not isinstance(event, dict):
        return False
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(r, dict) and r.get("eventSource") == source for r in records)
    )


def handler(event: object, context: object) -> dict[str, Any]:
    """Run one phase. A bad payload is answered with JSON; a failure of AWS or DNS raises.

    A handler that answered every failure with ``{"ok": false}`` would be a success to Lambda:
    its Errors metric would never move and the alarm on it never fire, so a scheduled phase 7
    failing every 15 minutes would go unseen. Failures raise, with the one-line message (the
    trace goes to the function's log); what the caller got wrong is answered.
    """
    del context
    if _records_from(event, "aws:sqs"):
        # A batch of the fleet health check (function/fanout.py). Nothing here is answered with
        # {"ok": false}: to the event source mapping that is a success, and the batch would be deleted
        # unchecked. A batch that fails is named in batchItemFailures; anything else raises, and SQS
        # hands the whole batch out again.
        aws = Aws()
        return consume(event, config(), aws, aws.default_region(), os.environ)
    try:
        if _records_from(event, "aws:s3"):  # a DMARC report stored by SES receiving (docs/dmarc-report.md)
            # Imported here: the phases' and the health check's cold starts skip it (17 ms under 3.12).
            from byodkim.dmarc.arrival import on_arrival

            aws = Aws()
            return {"ok": True, **on_arrival(event, aws.client("s3"), aws.client("cloudwatch"))}
        settings = config()
        request = parse_event(event, settings)
        aws = Aws()
        if request.action == "rotation":  # the scheduled rotation (docs/rotation.md), beside the phases
            from byodkim.function.schedule_lambda import run_rotation

            return _answered(run_rotation(settings, aws, aws.default_region(), request))
        return _answered(Manager(settings, aws, aws.default_region()).run(request))
    except InputError as exc:
        log.warning("refused: %s", exc)
        return {"ok": False, "error": answer(exc)}
    except ByodkimError:
        log.exception("failed")
        raise
    except Exception as exc:
        translated = translate(exc)
        if translated is None:
            log.exception("unexpected error")
            raise
        log.error("AWS error: %s", translated)  # noqa: TRY400 - the line, not botocore's trace
        raise translated from exc
