"""Going back to a published key when a switch of SES lost its new record: what the function and a person share.

A switch of SES is guarded (the new record live on every authoritative server before each
attempt), yet the record can go as SES switches. Phase 7, the scheduled rotation, register and
a person's rotation all then follow one rule (docs/rotate.md), written once here so the
function's zip needs none of the person's rotation workflow.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from byodkim.aws import secrets
from byodkim.aws.guards import live_check
from byodkim.aws.ses import RECORD_WENT, UNPUBLISHED, Registration, register
from byodkim.deployment import SECRET_PREFIX, secret_id
from byodkim.errors import ByodkimError
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.aws.ses import RegionResult
    from byodkim.aws.session import Aws
    from byodkim.dnscheck.servers import Server


class SwitchStoppedError(ByodkimError):
    """A switch of SES was refused at an attempt, or undone, because the new record was not live."""


SWITCHED = frozenset({"updated", "created"})


def undo_unpublished(
    domain: str,
    results: list[RegionResult],
    aws: Aws,
    servers: tuple[Server, ...],
    *,
    old: str | None = None,
    prefix: str = SECRET_PREFIX,
) -> str:
    """After a guarded switch, leave no region on the new key if its record went in any; say what happened.

    The rule (docs/rotate.md): once the new record is found gone in one region, every region this
    switch changed goes back to its previous key (``old``, else the one SES held there), whose
    record is checked live first: the regions switched before it passed their check, but the
    record has gone since. Regions after it were not switched (:func:`register` stops there).
    Returns "" when the record never went, or when no region was changed.
    """
    if not any(r.action in RECORD_WENT for r in results):
        return ""
    groups: dict[str | None, list[str]] = {}
    for result in results:
        if result.action == UNPUBLISHED or (result.action in SWITCHED and result.ok):
            groups.setdefault(old or result.previous, []).append(result.region)
            result.ok = False
    said: list[str] = []
    for previous, regions in groups.items():
        if previous is None:
            # A new identity (or one on Easy DKIM before): no key of the domain's own to go back to.
            said.append(say("rotate.no_previous", regions=", ".join(regions)))
        else:
            # Several regions in play: name the ones switched back, which may not be the one the record went in.
            # The keys' secrets live in the first region of the request (register and rotate store them there).
            home, named = results[0].region, len(results) > 1
            said.append(switch_back(domain, previous, tuple(regions), aws, servers, prefix, named=named, home=home))
    for result in results:
        if result.action in SWITCHED and not result.ok:
            result.detail = say("rotate.went_elsewhere", said=_joined(said))
    return _joined(said)


def switch_back(
    domain: str,
    old: str,
    regions: tuple[str, ...],
    aws: Aws,
    servers: tuple[Server, ...],
    prefix: str = SECRET_PREFIX,
    *,
    named: bool = False,
    home: str | None = None,
) -> str:
    """Register ``old`` (its key from Secrets Manager) again in ``regions``, once its record is live; say what happened.

    For a switch whose new record went away as it landed: SES goes back to a key that is published.
    """
    where = secret_id(domain, old, prefix)
    old_key = secrets.read_key(aws.client("secretsmanager", home or regions[0]), where)
    if old_key is None:
        return say("rotate.old_secret_gone", secret=where)
    back = register(
        Registration(domain, old, old_key, regions, require_live=True),
        aws,
        live_check(domain, old, old_key.public, servers),
    )
    failed = [r for r in back if not r.ok]
    if failed:
        return say("rotate.back_failed", old=old, regions=", ".join(f"{r.region} ({r.detail})" for r in failed))
    if named or len(regions) > 1:
        return say("rotate.back_in", old=old, regions=", ".join(regions))
    return say("rotate.back", old=old)


def _joined(said: list[str]) -> str:
    """Return several things said as one line (a region's own line, then the next), each keyed for its language."""
    return functools.reduce(lambda first, then: say("rotate.then", first=first, then=then), said) if said else ""
