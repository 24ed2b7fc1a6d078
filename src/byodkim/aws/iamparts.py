"""The pieces every byodkim IAM policy is built from: the deployment's ARNs and statements.

Shared by the operator and boundary policies (:mod:`byodkim.aws.iampolicy`) and the
deployer's (:mod:`byodkim.aws.iamdeployer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byodkim.deployment import Deployment

# The security stack's rules and phase 8's health check: what watches the keys (see security.yaml).
SECURITY_RULES = (
    "dkim-secret-read",
    "dkim-kms-key-at-risk",
    "dkim-secret-changed",
    "dkim-signing-changed",
    "dkim-alerting-tampered",
    "dkim-health",
)
_ALERTING_CHANGES = [
    "events:DisableRule",
    "events:DeleteRule",
    "events:PutRule",
    "events:PutTargets",
    "events:RemoveTargets",
]
_ALERT_TOPIC_CHANGES = [
    "sns:Unsubscribe",
    "sns:SetTopicAttributes",
    "sns:DeleteTopic",
    "sns:RemovePermission",
    "sns:AddPermission",
]


def boundary_name(target: Deployment) -> str:
    """Return the name of the managed policy that bounds every role the deployer creates."""
    return f"{target.prefix}-permissions-boundary"


class Arns:
    """Every ARN a policy names, from the deployment's names."""

    def __init__(self, target: Deployment, domain: str, region: str, account: str) -> None:
        self.t, self.domain, self.region, self.account = target, domain, region, account
        self.prefix = target.prefix

    def of(self, service: str, resource: str, region: str | None = None) -> str:
        """Return the ARN of ``resource`` of ``service`` in the region (or ``region``) and account."""
        where = self.region if region is None else region
        return f"arn:aws:{service}:{where}:{self.account}:{resource}"

    @property
    def identity(self) -> str:
        """Return the SES identity's ARN."""
        return self.of("ses", f"identity/{self.domain}")

    @property
    def stacks(self) -> str:
        """Return the ARN pattern of the deployment's stacks."""
        return self.of("cloudformation", f"stack/{self.t.project_code}-{self.t.group}-*/*")

    @property
    def boundary(self) -> str:
        """Return the permissions boundary policy's ARN."""
        return f"arn:aws:iam::{self.account}:policy/{boundary_name(self.t)}"

    @property
    def dkim_manager_role(self) -> str:
        """Return the dkim-manager role's ARN."""
        return f"arn:aws:iam::{self.account}:role/{self.prefix}-dkim-manager-role"

    @property
    def security_rules(self) -> list[str]:
        """Return the ARNs of the rules that watch the keys."""
        return [self.of("events", f"rule/{self.prefix}-{name}") for name in SECURITY_RULES]

    @property
    def alert_topic(self) -> str:
        """Return phase 8's alert topic ARN."""
        return self.of("sns", self.t.alert_topic_name)

    @property
    def secrets_key_alias(self) -> str:
        """Return the alias of phase 1's key for the DKIM secrets."""
        return f"{self.t.kms_alias}-secrets"


def statement(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:  # noqa: ANN401
    """Return an Allow statement (actions sorted)."""
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources, **extra}


def deny(sid: str, actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:  # noqa: ANN401
    """Return a Deny statement: it holds whatever else the role is given."""
    return {**statement(sid, actions, resources, **extra), "Effect": "Deny"}


def alerting_untouchable(a: Arns) -> list[dict[str, Any]]:
    """Deny switching off, rewiring or deleting what watches the keys (whatever else the role is given)."""
    return [
        deny("SecurityRulesUntouchable", _ALERTING_CHANGES, a.security_rules),
        deny("AlertTopicUntouchable", _ALERT_TOPIC_CHANGES, [a.alert_topic]),
    ]
