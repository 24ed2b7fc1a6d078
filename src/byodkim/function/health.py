"""The continuous DKIM health check: after activation, mail from SES must stay signed by the domain.

SES reporting SUCCESS once is not the end. A record deleted or changed by a later zone edit, a
private key pasted into ``p=``, SES dropping to TEMPORARY_FAILURE, signing switched off
(``SigningEnabled=false``): each silently turns the
domain's mail back into mail without a ``d=`` signature, and DMARC starts failing at receivers.
Phase 8's schedule runs this check every 15 minutes. It reads SES in every region and the
record on every authoritative server, sends one ``BYODKIM/DkimVerified`` value per domain and
region (1 healthy, 0 not) with the dimensions the phase-8 alarm watches, and tells the alert
topic when a domain's condition changes. When no server answers it raises: the metric is then
missing, and the alarm, treating missing data as breaching, fires for a silent checker too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from byodkim.aws.guards import read_statuses
from byodkim.aws.secrets import read_described
from byodkim.aws.ssm import read_parameter
from byodkim.deployment import METRIC_DKIM_PROBLEMS, METRIC_DKIM_VERIFIED, METRIC_NAMESPACE, DomainSpec, secret_id
from byodkim.dnscheck.check import Report, check
from byodkim.dnscheck.judge import ABSENT, AMBIGUOUS, DIFFERENT, MALFORMED, PRIVATE, REVOKED, UNREACHABLE, Check
from byodkim.dnscheck.servers import parse_servers
from byodkim.errors import DnsUnreachableError
from byodkim.function.keyage import key_age_data
from byodkim.messages import say

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch.type_defs import MetricDatumTypeDef

    from byodkim.aws.ses import RegionStatus
    from byodkim.aws.session import Aws
    from byodkim.function.config import ManagerConfig

HEALTHY = "healthy"
NOT_ACTIVE = "not activated"  # no EXTERNAL key registered yet: the rollout's own business
PENDING = "pending"  # registered, SES has not verified it yet (phase 7 or a rotation is on it)
SES_TEMPORARY_FAILURE = "SES TEMPORARY_FAILURE"
SES_FAILED = "SES FAILED"
RECORD_GONE = "record gone"
RECORD_CHANGED = "record changed"
RECORD_UNCONFIRMED = "record not confirmed"  # a server did not answer; the others may be right
SILENT = "name servers silent"  # in a fleet run: no server of this domain answered
KEY_PUBLISHED = "private key published"
SIGNING_OFF = "signing off"  # EXTERNAL and verified, but SES sends the domain's mail without its signature
SELECTOR_TAG = "selector tag disagrees"  # SES's Tokens and the byodkim:selector tag name different keys
# In a fanned-out run (function/fanout.py): SES lists the identity but it has not had its first full read
# since the fan-out started (its turn comes within one cycle); only a published private key is told meanwhile.
UNREAD = "not read yet"
_QUIET = {None, NOT_ACTIVE, PENDING, UNREAD}  # moves among these are rollout progress, which phase 7 reports
_CHANGED = {DIFFERENT, MALFORMED, REVOKED, AMBIGUOUS}
# No key of the domain's own signs yet (or its SES is not known): no key age for these.
_UNSIGNED = {None, NOT_ACTIVE, PENDING, SILENT}

_NEXT = {
    KEY_PUBLISHED: (
        "the key is compromised: stop using this selector, generate a new key with a new selector "
        "(`uv run byodkim rotate`), register it, and have the DNS team remove this record"
    ),
    RECORD_GONE: (
        "ask the DNS team to publish the record again (`uv run byodkim dns-request`); "
        "SES stops signing with the key if it stays missing"
    ),
    RECORD_CHANGED: (
        "ask the DNS team to restore the record exactly as requested (`uv run byodkim verify` names the fault)"
    ),
    RECORD_UNCONFIRMED: "check the name servers that did not answer (`uv run byodkim verify`)",
    SILENT: "check the domain's name servers (`uv run byodkim verify --domain DOMAIN`)",
    SIGNING_OFF: (
        "SES is not signing the domain's mail (SigningEnabled=false): find who switched it off (the security "
        "stack's signing rule alerted with the caller), then switch it on: aws sesv2 "
        "put-email-identity-dkim-attributes --email-identity DOMAIN --signing-enabled"
    ),
    SES_TEMPORARY_FAILURE: (
        "check the record with `uv run byodkim verify` on every authoritative server; "
        "SES stops signing with the key if it cannot read it for 72 hours"
    ),
    SELECTOR_TAG: (
        "find who switched the key (CloudTrail: PutEmailIdentityDkimSigningAttributes); if SES's selector is the "
        "key meant, tag the identity with it (byodkim:selector and byodkim:fingerprint), otherwise switch back "
        "with `byodkim rotate`"
    ),
    SES_FAILED: (
        "SES gave up on the key: publish the record, then register again "
        '(`uv run byodkim register`, or phase 7 with "reregister": true)'
    ),
}


@dataclass(frozen=True)
class Finding:
    """One domain's DKIM condition in one SES region."""

    domain: str
    region: str
    condition: str
    ses: str
    selector: str | None
    detail: str = ""

    @property
    def healthy(self) -> bool:
        """Return whether the domain's mail is signed with its key and the record is there for receivers."""
        return self.condition == HEALTHY

    @property
    def next_step(self) -> str:
        """Return what to do about it ("" when nothing)."""
        return _NEXT.get(self.condition, "")


def dns_condition(report: Report, *, key_known: bool = True) -> tuple[str, str]:
    """Return the record's condition as receivers would find it, and the detail that says why.

    Without the registered key (``key_known`` false) a gone or private record is still seen,
    but "another key" cannot be told from "the right key".
    """
    answers = [a for a in report.servers if a.outcome != UNREACHABLE]
    for outcome, condition in ((PRIVATE, KEY_PUBLISHED), (ABSENT, RECORD_GONE)):
        hit = next((a for a in answers if a.outcome == outcome), None)
        if hit is not None:
            return condition, f"{hit.server}: {hit.detail}"
    hit = next((a for a in answers if a.outcome in _CHANGED), None)
    if hit is not None and key_known:
        return RECORD_CHANGED, f"{hit.server}: {hit.outcome}: {hit.detail}"
    if not key_known:
        return RECORD_UNCONFIRMED, "the registered key is not in Secrets Manager: the record cannot be compared"
    if not report.ok:
        return RECORD_UNCONFIRMED, report.summary()
    return HEALTHY, report.summary()


# VerificationInfo.ErrorType in the words of SES's API reference (VerificationError).
_SES_ERRORS = {
    "HOST_NOT_FOUND": "HOST_NOT_FOUND, no record at the DKIM name",
    "TYPE_NOT_FOUND": "TYPE_NOT_FOUND, the DKIM name has no record of the type SES reads",
    "INVALID_VALUE": "INVALID_VALUE, the record found does not match the key SES holds",
    "DNS_SERVER_ERROR": "DNS_SERVER_ERROR, the domain's name servers did not answer",
    "SERVICE_ERROR": "SERVICE_ERROR, an error inside SES",
}


def condition_of(ses: RegionStatus, record: tuple[str, str] | None, *, sending: bool = False) -> tuple[str, str]:
    """Return one region's condition from SES's view and the record's (``None`` when not checked).

    The record's fault comes before SES's TEMPORARY_FAILURE, which is its consequence: the
    DNS team can act on "record gone", not on "SES cannot find it". ``sending``: the domain
    already sent mail here (SES says it is verified for sending, or the last check found it
    past activation), so a key SES has not verified yet is the key its mail is signed with now.
    """
    if record is not None and record[0] == KEY_PUBLISHED:
        return record  # whatever SES says, the key is public: the worst news goes first
    if not ses.exists or ses.origin != "EXTERNAL":
        return NOT_ACTIVE, "no key of the domain's own is registered with SES"
    if ses.signing_enabled is False:
        # Only PutEmailIdentityDkimAttributes does this, and nothing of ours calls it: mail goes out
        # unsigned (no d= of the domain), so DMARC fails at receivers, whatever the record says.
        return SIGNING_OFF, f"SES DKIM status {ses.status}, SigningEnabled false: mail leaves unsigned"
    if ses.status == "FAILED":
        why = _SES_ERRORS.get(ses.verification_error or "", ses.verification_error)
        return SES_FAILED, "SES stopped looking for the record" + (f" (SES: {why})" if why else "")
    if ses.status not in ("SUCCESS", "TEMPORARY_FAILURE"):
        if record is not None and record[0] == RECORD_GONE and (sending or ses.verified_for_sending):
            # Switched to a key whose record is gone (a rotation or phase 7 that lost the race, a
            # switch by hand): the domain's mail leaves unsigned by it while SES looks for the record.
            selector = ",".join(ses.tokens) or "-"
            return RECORD_GONE, f"SES signs with {selector} ({ses.status}) and its record is gone: {record[1]}"
        return PENDING, f"SES DKIM status {ses.status}"
    if record is not None and record[0] != HEALTHY:
        return record[0], f"{record[1]} (SES: {ses.status})"
    if ses.status == "TEMPORARY_FAILURE":
        return SES_TEMPORARY_FAILURE, "SES cannot find the record, though it looks right from here"
    disagreement = ses.tag_disagreement()
    if disagreement is not None:
        # Mail is signed, but byodkim's record of which key is not SES's: switched outside byodkim.
        return SELECTOR_TAG, str(disagreement)
    return record if record is not None else (RECORD_UNCONFIRMED, "the record was not checked")


SENDING = "sending"  # a key in the health parameter: the region's domain sent mail signed by its key before


def _sending(previous: dict[str, str], region: str) -> bool:
    """Return whether the last checks found the domain past activation in ``region`` (it sends mail there)."""
    return previous.get(region) not in _QUIET or previous.get(f"{region} {SENDING}") == "yes"


def put_metric(aws: Aws, region: str, domain: str, ses_region: str, *, healthy: bool) -> None:
    """Send one DkimVerified value with the dimensions the phase-8 alarm watches (Domain, Region)."""
    put_metrics(aws, region, [_verified(domain, ses_region, healthy=healthy)])


def _verified(domain: str, ses_region: str, *, healthy: bool) -> MetricDatumTypeDef:
    return {
        "MetricName": METRIC_DKIM_VERIFIED,
        "Dimensions": [{"Name": "Domain", "Value": domain}, {"Name": "Region", "Value": ses_region}],
        "Value": 1.0 if healthy else 0.0,
    }


def put_metrics(aws: Aws, region: str, data: list[MetricDatumTypeDef]) -> None:
    """Send metric values in batches CloudWatch accepts (up to 1,000 a request; 500 here)."""
    client = aws.client("cloudwatch", region)
    for start in range(0, len(data), 500):
        client.put_metric_data(Namespace=METRIC_NAMESPACE, MetricData=data[start : start + 500])


class HealthCheck:
    """The ``health`` action of the dkim-manager Lambda, for one domain."""

    def __init__(self, config: ManagerConfig, aws: Aws, region: str, now: datetime | None = None) -> None:
        self.config, self.aws, self.region = config, aws, region
        self.now = now  # the scheduled event's time; the real clock when None
        # When each key's secret was made, from the DescribeSecret the DNS check made anyway: the key
        # ages need it, and a second call per domain per period would be one too many at fleet scale.
        self._made: dict[tuple[str, str], datetime | None] = {}

    def run(self, domain: str) -> dict[str, Any]:
        """Check, send the metrics, notify changes, and return what was found."""
        findings, report, notified = self.check(domain, self.config.ses_regions or (self.region,))
        data = [_verified(domain, f.region, healthy=f.healthy) for f in findings]
        put_metrics(self.aws, self.region, data + self.key_ages(findings))
        return {
            "action": "health",
            "domain": domain,
            "healthy": all(f.healthy for f in findings),
            "dns": report.summary() if report is not None else None,
            "findings": [{**asdict(f), "next": f.next_step} for f in findings],
            "notified": notified,
        }

    def check(self, domain: str, regions: tuple[str, ...]) -> tuple[list[Finding], Report | None, list[str]]:
        """Check one domain in ``regions`` and notify its changes; return findings, the DNS report, who was told."""
        statuses = read_statuses(self.aws, domain, regions)
        selector = next((s.tokens[0] for s in statuses if s.origin == "EXTERNAL" and s.tokens), None)
        record, report = None, None
        if selector is not None:
            report, key_known = self._dns(domain, selector)
            record = dns_condition(report, key_known=key_known)
        previous = self._previous(self.config.deployment.parameter(domain, "health"))
        findings = []
        for seen in statuses:
            condition, detail = condition_of(seen, record, sending=_sending(previous, seen.region))
            findings.append(Finding(domain, seen.region, condition, seen.status or "NO IDENTITY", selector, detail))
        return findings, report, self._notify_changes(domain, findings, report, previous)

    def run_fleet(self, specs: list[DomainSpec]) -> dict[str, Any]:
        """Check every declared domain side by side, and send the fleet's metrics.

        One DkimVerified per domain and region, and per region the count of domains in trouble
        (``DkimProblems``, which one phase-8 alarm watches for the whole fleet). A domain whose
        name servers are silent is a finding, not the end of the run; when no domain's servers
        answer, it raises, as for one domain, so the metrics go missing.
        """
        from concurrent.futures import ThreadPoolExecutor

        def one(spec: DomainSpec) -> list[Finding]:
            try:
                return self.check(spec.domain, spec.regions or (self.region,))[0]
            except DnsUnreachableError as exc:
                return [Finding(spec.domain, r, SILENT, "-", spec.selector, str(exc)) for r in spec.regions]

        with ThreadPoolExecutor(8) as pool:
            findings = [f for found in pool.map(one, specs) for f in found]
        return self._fleet_result(specs, findings, None)

    def _fleet_result(self, specs: list[DomainSpec], findings: list[Finding], at: float | None) -> dict[str, Any]:
        """Send a fleet run's (or one batch's) metrics and return its answer; raise when no server answered.

        ``at``: the planner's time, stamped on every value of a fanned-out run, so the batches of one
        run fall in one CloudWatch period however late each runs, and the fleet alarm's Sum of
        ``DkimProblems`` over that period is the run's total (one value from a single invocation).
        """
        if findings and all(f.condition == SILENT for f in findings):
            raise DnsUnreachableError(say("health.none_answered", count=len(specs)))
        problems = [f for f in findings if f.condition not in _QUIET | {HEALTHY}]
        sent = [f for f in findings if f.condition not in (SILENT, UNREAD)]
        data = [_verified(f.domain, f.region, healthy=f.healthy) for f in sent]
        # The fleet alarm watches the total (no dimension); the per-region counts are for the dashboard.
        data.append({"MetricName": METRIC_DKIM_PROBLEMS, "Value": float(len(problems))})
        for ses_region in dict.fromkeys(f.region for f in findings):
            count = sum(1 for f in problems if f.region == ses_region)
            data.append(
                {
                    "MetricName": METRIC_DKIM_PROBLEMS,
                    "Dimensions": [{"Name": "Region", "Value": ses_region}],
                    "Value": float(count),
                }
            )
        data += self.key_ages(findings)
        if at is not None:
            stamp = datetime.fromtimestamp(at, UTC)
            for datum in data:
                datum["Timestamp"] = stamp
        put_metrics(self.aws, self.region, data)
        counts: dict[str, int] = {}
        for finding in findings:
            counts[finding.condition] = counts.get(finding.condition, 0) + 1
        return {
            "action": "health",
            "domains": len(specs),
            "healthy": not problems,
            "counts": counts,
            "problems": [{**asdict(f), "next": f.next_step} for f in problems],
        }

    def key_ages(self, findings: list[Finding]) -> list[MetricDatumTypeDef]:
        """Return DkimKeyAgeDays for each region where SES signs with the domain's own key (function/keyage)."""
        signing = [(f.domain, f.region, f.selector) for f in findings if f.selector and f.condition not in _UNSIGNED]
        client = self.aws.client("secretsmanager", self.region)
        now = self.now or datetime.now(UTC)
        prefix = self.config.deployment.secret_prefix
        return key_age_data(self.config.rotation, client, prefix, signing, now, self._made)

    def _dns(self, domain: str, selector: str) -> tuple[Report, bool]:
        where = secret_id(domain, selector, self.config.deployment.secret_prefix)
        described = read_described(self.aws.client("secretsmanager", self.region), where)
        public = described.public if described is not None else None
        self._made[domain, selector] = described.created if described is not None else None
        expected = public if public is not None else ""
        report = check(Check(domain, selector, expected, parse_servers(self.config.nameservers)))
        if not report.answered:
            raise DnsUnreachableError(say("phase.unanswered", domain=domain, summary=report.summary()))
        return report, public is not None

    def _notify_changes(
        self,
        domain: str,
        findings: list[Finding],
        report: Report | None,
        previous: dict[str, str],
        keep: dict[str, str] | None = None,
    ) -> list[str]:
        name = self.config.deployment.parameter(domain, "health")
        current = {**(keep or {}), **{f.region: f.condition for f in findings}}
        for finding in findings:
            # Remembered through a rotation's PENDING, so a new key whose record goes is seen as the one mail uses.
            active = finding.condition not in _QUIET or _sending(previous, finding.region)
            if finding.condition != NOT_ACTIVE and active:
                current[f"{finding.region} {SENDING}"] = "yes"
        changed = [f for f in findings if previous.get(f.region) != f.condition]
        notified = []
        for finding in changed:
            before = previous.get(finding.region)
            if before in _QUIET and finding.condition in _QUIET | {HEALTHY}:
                continue  # rollout progress, and activation itself, are phase 7's to report
            if self.config.alert_topic_arn:
                self._publish(finding, before, report)
                notified.append(finding.region)
        if changed or current != previous:
            self.aws.client("ssm", self.region).put_parameter(
                Name=name, Value=json.dumps(current, sort_keys=True), Type="String", Overwrite=True
            )
        return notified

    def _previous(self, name: str) -> dict[str, str]:
        return _remembered(read_parameter(self.aws.client("ssm", self.region), name))

    def _publish(self, finding: Finding, before: str | None, report: Report | None) -> None:
        word = "recovered" if finding.healthy else finding.condition
        message = {
            "domain": finding.domain,
            "region": finding.region,
            "condition": finding.condition,
            "was": before,
            "selector": finding.selector,
            "sesStatus": finding.ses,
            "detail": finding.detail,
            "dns": report.summary() if report is not None else None,
            "next": finding.next_step,
        }
        self.aws.client("sns", self.region).publish(
            TopicArn=self.config.alert_topic_arn,
            Subject=f"BYODKIM {finding.domain} {finding.region}: DKIM {word}"[:100],
            Message=json.dumps(message, ensure_ascii=False, indent=2),
        )


def _remembered(raw: str | None) -> dict[str, str]:
    """Return a domain's health parameter as the check left it (empty when absent or not a JSON object)."""
    loaded = json.loads(raw) if raw and raw.startswith("{") else {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
