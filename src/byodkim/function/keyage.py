"""How old the key SES signs with is, and when it is due: one answer for the schedule, the health check and report.

A key's day comes from its selector when the selector follows the deployment's
``selector_scheme`` (``gooid-21-pro-20250912-1``: 2025-09-12, the day the running key was
made), else from its secret's creation date. A key whose day neither gives is of unknown
age: no metric is sent for it and the report says so, rather than guessing young.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from byodkim.aws.errors import error_code
from byodkim.deployment import METRIC_DKIM_KEY_AGE, secret_id

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from mypy_boto3_cloudwatch.type_defs import MetricDatumTypeDef
    from mypy_boto3_secretsmanager import SecretsManagerClient

    from byodkim.dkim.policy import RotationPolicy


@dataclass(frozen=True)
class KeyAge:
    """A signing key's age and its dates under the policy."""

    selector: str
    made: datetime
    now: datetime
    policy: RotationPolicy

    @property
    def days(self) -> float:
        """Return the age in days (the DkimKeyAgeDays metric's value)."""
        return (self.now - self.made).total_seconds() / 86400

    @property
    def due(self) -> datetime:
        """Return when the key should stop signing."""
        return self.policy.due(self.made)

    @property
    def prepare_from(self) -> datetime:
        """Return when the next key is made and requested."""
        return self.policy.prepare_from(self.made)

    @property
    def overdue(self) -> bool:
        """Return whether the key signs past its rotation date."""
        return self.now >= self.due

    @property
    def alarming(self) -> bool:
        """Return whether the key-age alarm's threshold (rotation_days + grace) is reached."""
        return self.days >= self.policy.alarm_days


def key_made(
    policy: RotationPolicy,
    client: SecretsManagerClient | None,
    domain: str,
    selector: str,
    prefix: str,
    known: Mapping[tuple[str, str], datetime | None] | None = None,
) -> datetime | None:
    """Return when the key of ``selector`` was made: from the selector's name, else its secret; None if neither says.

    ``known``: the secrets' creation times a caller already read, by (domain, selector), so the
    secret is not described twice in one run.
    """
    day = policy.made_on(selector)
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    if known is not None and (domain, selector) in known:
        return known[domain, selector]
    if client is None:
        return None
    try:
        created = client.describe_secret(SecretId=secret_id(domain, selector, prefix)).get("CreatedDate")
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise
    if created is None:
        return None
    return created if created.tzinfo else created.replace(tzinfo=UTC)


def key_age(
    policy: RotationPolicy,
    client: SecretsManagerClient | None,
    domain: str,
    selector: str,
    prefix: str,
    now: datetime,
    known: Mapping[tuple[str, str], datetime | None] | None = None,
) -> KeyAge | None:
    """Return the age of the key of ``selector`` at ``now``, None when its day is unknown."""
    made = key_made(policy, client, domain, selector, prefix, known)
    return None if made is None else KeyAge(selector, made, now, policy)


def key_age_data(
    policy: RotationPolicy,
    client: SecretsManagerClient | None,
    prefix: str,
    signing: Iterable[tuple[str, str, str]],
    now: datetime,
    known: Mapping[tuple[str, str], datetime | None] | None = None,
) -> list[MetricDatumTypeDef]:
    """Return DkimKeyAgeDays values: one per (domain, region, selector) SES signs with, and the oldest.

    The oldest goes with no dimension, so one phase-8 alarm watches the whole fleet; a key of
    unknown age sends nothing (the alarm keeps its state) rather than a guess.
    """
    ages: dict[tuple[str, str], KeyAge | None] = {}
    data: list[MetricDatumTypeDef] = []
    for domain, region, selector in signing:
        if (domain, selector) not in ages:  # one secret read per key, whatever its regions
            ages[domain, selector] = key_age(policy, client, domain, selector, prefix, now, known)
        age = ages[domain, selector]
        if age is not None:
            data.append(
                {
                    "MetricName": METRIC_DKIM_KEY_AGE,
                    "Dimensions": [{"Name": "Domain", "Value": domain}, {"Name": "Region", "Value": region}],
                    "Value": round(age.days, 3),
                }
            )
    if data:
        data.append({"MetricName": METRIC_DKIM_KEY_AGE, "Value": max(d["Value"] for d in data)})
    return data
