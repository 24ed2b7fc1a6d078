"""The two questions every caller asks before and after switching SES: is the record live, what does SES say.

``live_check`` is the unsigned-window guard's DNS check (register, rotate, the Lambda);
``ses_statuses`` is the SES poll (verify --ses, rotate, the sandbox). One of each, so the
CLI, the Lambda and the sandbox cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.aws.ses import status
from byodkim.dnscheck.check import check
from byodkim.dnscheck.judge import Check
from byodkim.errors import AwsError, ByodkimError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Callable

    from byodkim.aws.ses import RegionStatus
    from byodkim.aws.session import Aws
    from byodkim.dkim.keys import PublicKey
    from byodkim.dnscheck.servers import Server

NO_IDENTITY = "NO IDENTITY"


def live_check(
    domain: str, selector: str, public: PublicKey, servers: tuple[Server, ...]
) -> Callable[[], tuple[bool, str]]:
    """Return the guard's check: (the new record is live on every authoritative server, what was seen)."""

    def live() -> tuple[bool, str]:
        try:
            report = check(Check(domain, selector, public, servers))
        except ByodkimError as exc:
            return False, f"the DNS check failed: {exc}"
        return report.ok, report.summary()

    return live


def read_statuses(aws: Aws, domain: str, regions: tuple[str, ...]) -> list[RegionStatus]:
    """Return SES's view of the identity in each region; a region that cannot be read raises."""
    found = status(domain, regions, aws)
    broken = next((item for item in found if item.error), None)
    if broken is not None:
        raise AwsError(say("ses.unreadable", region=broken.region, error=broken.error))
    return found


def ses_statuses(aws: Aws, domain: str, regions: tuple[str, ...]) -> dict[str, str]:
    """Return SES's DKIM status per region (``NO IDENTITY`` where there is none).

    A region that cannot be read raises: an error is never reported as a state.
    """
    found = read_statuses(aws, domain, regions)
    return {item.region: (item.status or NO_IDENTITY) if item.exists else NO_IDENTITY for item in found}
