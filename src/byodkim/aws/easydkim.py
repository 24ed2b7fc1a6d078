"""Easy DKIM's CNAME tokens, read from SES: what the DNS team publishes after a rollback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.aws.ses import status
from byodkim.errors import AwsError, InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from byodkim.aws.session import Aws


def easy_dkim_tokens(domain: str, regions: tuple[str, ...], aws: Aws) -> dict[str, list[str]]:
    """Return SES's Easy DKIM tokens per region (the CNAMEs rollback needs); refuse a region not on Easy DKIM.

    The tokens exist only once the identity is on Easy DKIM (after ``rollback``): a region still on
    a key of the domain's own, or with no identity, has none to publish.
    """
    found = {}
    for item in status(domain, regions, aws):
        if item.error:
            raise AwsError(say("ses.unreadable", region=item.region, error=item.error))
        if not item.exists or item.origin == "EXTERNAL" or len(item.tokens) != 3:  # noqa: PLR2004 - Easy DKIM's three
            tokens = ",".join(item.tokens) or "-"
            now = say("easy.no_identity") if not item.exists else say("easy.own_key", tokens=tokens)
            raise InputError(
                say("easy.not_yet", domain=domain, now=now, region=item.region), say("easy.rollback_first")
            )
        found[item.region] = item.tokens
    return found
