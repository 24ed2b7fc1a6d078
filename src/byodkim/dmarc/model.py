"""What one aggregate report says, as small frozen values (RFC 7489 appendix C and RFC 9990)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AuthResult:
    """One raw DKIM or SPF result the receiver saw (``auth_results``): any domain, aligned or not."""

    domain: str
    result: str  # lowercase: pass, fail, softfail, neutral, none, temperror, permerror, policy
    selector: str = ""  # DKIM only
    scope: str = ""  # SPF only: mfrom or helo


@dataclass(frozen=True, slots=True)
class Row:
    """One record: messages from one source with one set of results."""

    source_ip: str
    count: int
    disposition: str  # what the receiver did: none, quarantine, reject
    dkim_aligned: bool  # policy_evaluated/dkim: the receiver's aligned verdict
    spf_aligned: bool  # policy_evaluated/spf
    header_from: str
    envelope_from: str
    dkim: tuple[AuthResult, ...]
    spf: tuple[AuthResult, ...]

    @property
    def dmarc_pass(self) -> bool:
        """Return whether DMARC passed: DKIM or SPF aligned and passing, as the receiver evaluated it."""
        return self.dkim_aligned or self.spf_aligned


@dataclass(frozen=True, slots=True)
class Report:
    """One aggregate report: who sent it, for which domain and period, and its rows."""

    file: str
    org_name: str
    report_id: str
    domain: str  # policy_published/domain
    begin: int  # Unix seconds, UTC
    end: int
    policy: str  # policy_published/p
    rows: tuple[Row, ...]
    rfc9990: bool = False

    @property
    def messages(self) -> int:
        """Return the number of messages the report covers."""
        return sum(row.count for row in self.rows)

    def count(self, attribute: str) -> int:
        """Return the number of messages whose row has ``attribute`` true (``dkim_aligned``, ``dmarc_pass``...)."""
        return sum(row.count for row in self.rows if getattr(row, attribute))


@dataclass(frozen=True, slots=True)
class FileError:
    """A file (or one report inside it) that could not be read: one line saying why (English), and its reason key."""

    file: str
    error: str
    key: str = ""  # dmarc.reasons: the same reason in any language
    values: dict[str, str] = field(default_factory=dict)
