"""Easy DKIM's CNAME tokens, read from SES: what the DNS team publishes after a rollback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.aws.ses import status
from byodkim.errors import AwsError, InputError

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
            raise AwsError(f"cannot read SES in {item.region}: {item.error}")
        if not item.exists or item.origin == "EXTERNAL" or len(item.tokens) != 3:  # noqa: PLR2004 - Easy DKIM's three
            now = "has no identity" if not item.exists else f"signs with its own key ({','.join(item.tokens) or '-'})"
            raise InputError(
                f"{domain} {now} in {item.region}: SES gives Easy DKIM's CNAME records only once it is on Easy DKIM",
                "switch it with `byodkim rollback` first (it prints them too)",
            )
        found[item.region] = item.tokens
    return found
