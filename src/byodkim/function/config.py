"""What the dkim-manager function knows about its deployment: the environment phase 2 sets.

Its own module because both the phases and the health check read it, and neither owns it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from byodkim.deployment import Deployment, DomainSpec
from byodkim.dkim.policy import RotationPolicy
from byodkim.errors import InputError
from byodkim.messages import say

if TYPE_CHECKING:
    from collections.abc import Mapping

    from byodkim.aws.session import Aws


@dataclass(frozen=True)
class ManagerConfig:
    """What the function knows about its deployment, from its environment."""

    deployment: Deployment
    domain: str
    bucket: str = ""
    topic_arn: str = ""
    rule_name: str = ""
    nameservers: tuple[str, ...] = ()
    alert_topic_arn: str = ""
    ses_regions: tuple[str, ...] = ()  # where the health check reads SES; the function's own region if empty
    mail_from_subdomain: str = ""  # phase 3's custom MAIL FROM label: its MX and SPF join the DNS request
    fleet_manifest: str = ""  # S3 key (in the certificates bucket) of the declared domains, from Sceptre
    rotation: RotationPolicy = field(default_factory=RotationPolicy)  # ROTATION_DAYS and the rest (dkim/policy)
    hosted_zone_id: str = ""  # HOSTED_ZONE_ID: the domain's Route 53 zone, where the function publishes itself
    # The fleet health check's fan-out (function/fanout.py): its queue (empty: one invocation checks all), the
    # consumers at most at once (the event source mapping's MaximumConcurrency), the function's timeout.
    health_queue_url: str = ""
    health_concurrency: int = 0
    health_time_limit: float = 120.0

    def declared(self, aws: Aws, region: str) -> list[DomainSpec]:
        """Return every declared domain: the manifest phase 2 was launched with, else the function's own domain."""
        if not (self.fleet_manifest and self.bucket):
            return [DomainSpec(self.domain, "", self.ses_regions or (region,))]
        body = aws.client("s3", region).get_object(Bucket=self.bucket, Key=self.fleet_manifest)["Body"].read()
        return [
            DomainSpec(str(e["domain"]), str(e.get("selector", "")), tuple(e.get("regions") or (region,)))
            for e in json.loads(body)
        ]

    @property
    def project(self) -> str:
        """Return the project name payloads must match."""
        return self.deployment.project

    @property
    def environment(self) -> str:
        """Return the environment payloads must match."""
        return self.deployment.environment

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> ManagerConfig:
        """Read PROJECT_NAME, ENVIRONMENT, DOMAIN_NAME, SECRET_PREFIX and the optional rest, as phase 2 sets them."""
        missing = [name for name in ("PROJECT_NAME", "ENVIRONMENT") if not env.get(name)]
        if missing:
            raise InputError(say("manager.env_lacks", names=", ".join(missing)), say("manager.launch_phase_2"))
        named = Deployment.from_names(env["PROJECT_NAME"], env["ENVIRONMENT"])
        deployment = replace(named, secret_prefix=env.get("SECRET_PREFIX") or named.secret_prefix)
        return cls(
            deployment=deployment,
            domain=env.get("DOMAIN_NAME", ""),
            bucket=env.get("CERTIFICATES_BUCKET", ""),
            topic_arn=env.get("DNS_TOPIC_ARN", ""),
            rule_name=env.get("PHASE7_RULE_NAME", ""),
            nameservers=_listed(env.get("NAMESERVERS", "")),
            alert_topic_arn=env.get("ALERT_TOPIC_ARN", ""),
            ses_regions=_listed(env.get("SES_REGIONS", "")),
            mail_from_subdomain=env.get("MAIL_FROM_SUBDOMAIN", ""),
            fleet_manifest=env.get("FLEET_MANIFEST_KEY", ""),
            rotation=RotationPolicy.from_environment(env),
            hosted_zone_id=env.get("HOSTED_ZONE_ID", ""),
            health_queue_url=env.get("HEALTH_QUEUE_URL", ""),
            health_concurrency=_number(env, "HEALTH_CONCURRENCY", 0),
            health_time_limit=_seconds(env, "HEALTH_TIME_LIMIT", 120.0),
        )

    @classmethod
    def for_deployment(
        cls,
        deployment: Deployment,
        domain: str,
        region: str,
        account: str,
        nameservers: tuple[str, ...] = (),
        mail_from_subdomain: str = "",
    ) -> ManagerConfig:
        """Return what the phase-2 stack sets, from the deployment's names."""
        return cls(
            deployment=deployment,
            domain=domain,
            bucket=deployment.certificates_bucket,
            topic_arn=deployment.dns_topic_arn(region, account),
            rule_name=deployment.phase7_rule_name,
            nameservers=nameservers,
            alert_topic_arn=deployment.alert_topic_arn(region, account),
            mail_from_subdomain=mail_from_subdomain,
            rotation=deployment.rotation,
            hosted_zone_id=deployment.hosted_zone_id,
        )


def _listed(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _number(env: Mapping[str, str], name: str, default: int) -> int:
    """Return a whole number setting (phase 2 sets it from a template parameter); refuse anything else."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise InputError(say("fanout.bad_setting", name=name, value=raw), say("manager.launch_phase_2"))
    return int(raw)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """Return a positive number of seconds from a setting; refuse anything else."""
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = 0.0
    if not 0 < value <= 900:  # noqa: PLR2004 - Lambda's longest timeout
        raise InputError(say("fanout.bad_setting", name=name, value=raw), say("manager.launch_phase_2"))
    return value
