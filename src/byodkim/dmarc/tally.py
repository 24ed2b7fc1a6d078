"""The counters kept while reports are added: small, whatever the number of reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from byodkim.dmarc.model import Row

DAY = 86400


@dataclass(frozen=True)
class Request:
    """What to summarise and the bar a policy change must clear."""

    domain: str | None = None  # only this domain's reports (policy_published/domain)
    since: int | None = None  # only reports whose period ends at or after this (Unix seconds)
    selectors: tuple[str, ...] = ()  # the rollout's selectors: their mail must pass aligned everywhere
    days: int = 14  # the policy verdict looks at the last N days of reports
    threshold: float = 99.0  # percent of that mail passing DMARC before p= may tighten
    min_orgs: int = 2  # reporting organisations needed in those days
    min_days: int = 7  # days with reports needed in those days


@dataclass
class Tally:
    """Messages and how many of them passed, as the receivers evaluated them (policy_evaluated)."""

    messages: int = 0
    dmarc_pass: int = 0
    dkim_aligned: int = 0
    spf_aligned: int = 0

    def add(self, row: Row) -> None:
        """Count ``row``'s messages."""
        self.messages += row.count
        self.dmarc_pass += row.count if row.dmarc_pass else 0
        self.dkim_aligned += row.count if row.dkim_aligned else 0
        self.spf_aligned += row.count if row.spf_aligned else 0

    def as_dict(self) -> dict[str, int]:
        """Return the JSON form."""
        return {
            "messages": self.messages,
            "dmarc_pass": self.dmarc_pass,
            "dkim_aligned": self.dkim_aligned,
            "spf_aligned": self.spf_aligned,
        }


@dataclass
class DomainState:
    """The counters kept for one domain while reports are added."""

    begin: int
    end: int
    policy: str = "none"
    policy_at: int = 0
    reports: int = 0
    total: Tally = field(default_factory=Tally)
    orgs: dict[str, Tally] = field(default_factory=dict)
    sources: dict[str, Tally] = field(default_factory=dict)
    days: dict[int, Tally] = field(default_factory=dict)
    day_orgs: dict[int, set[str]] = field(default_factory=dict)
    day_selector_failed: dict[int, int] = field(default_factory=dict)
    signed: int = 0  # messages signed with a rollout selector, aligned
    signed_pass: int = 0
    selector_failures: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    failing: dict[tuple[str, str, str, str, str], tuple[int, set[str]]] = field(default_factory=dict)


def iso(seconds: int) -> str:
    """Return Unix seconds as an ISO 8601 UTC time."""
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
