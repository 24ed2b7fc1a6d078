"""AWS sessions and clients by the standard chain, and AWS errors as one clear line.

Nothing here names an endpoint: boto3 reads ``AWS_ENDPOINT_URL`` itself, so the same
code runs against real AWS and against the local emulator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from byodkim import __version__
from byodkim.errors import AwsError, ByodkimError, InputError

if TYPE_CHECKING:
    import boto3

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"}


@dataclass(frozen=True)
class Aws:
    """Where to reach AWS: a profile and a region, both optional (the standard chain fills them)."""

    profile: str | None = None
    region: str | None = None

    def session(self) -> boto3.Session:
        """Return a boto3 session from the standard credential chain."""
        import boto3

        return boto3.Session(profile_name=self.profile, region_name=self.region)

    def client(self, service: str, region: str | None = None) -> Any:  # noqa: ANN401 - boto3 clients are typed per service by stubs
        """Return a client with standard retries; ``region`` overrides the default region."""
        from botocore.config import Config

        session = self.session()
        name = region or self.region or session.region_name
        if not name:
            raise InputError("no AWS region is set", "pass --region or set AWS_REGION")
        check_region(name)
        config = Config(
            retries={"mode": "standard", "max_attempts": 5},
            connect_timeout=5,
            read_timeout=60,
            user_agent_extra=f"byodkim/{__version__}",
        )
        return session.client(service, region_name=name, config=config)  # type: ignore[call-overload]

    def default_region(self) -> str:
        """Return the region the standard chain resolves to, or refuse."""
        name = self.region or self.session().region_name
        if not name:
            raise InputError("no AWS region is set", "pass --region or set AWS_REGION")
        check_region(name)
        return str(name)


def check_region(name: str) -> str:
    """Refuse a region name that is malformed or that no AWS partition has."""
    if not _REGION.match(name) or name not in known_regions():
        raise InputError(f"`{name}` is not an AWS region", "use a region name such as ap-northeast-1 (Tokyo)")
    return name


_KNOWN: frozenset[str] | None = None


def known_regions() -> frozenset[str]:
    """Return every region botocore knows, in every partition."""
    global _KNOWN  # noqa: PLW0603 - computed once per process
    if _KNOWN is None:
        import botocore.session

        session = botocore.session.get_session()
        _KNOWN = frozenset(
            region
            for partition in session.get_available_partitions()
            for region in session.get_available_regions("sts", partition)
        )
    return _KNOWN


def translate(exc: BaseException) -> ByodkimError | None:
    """Turn a botocore exception into the line the user reads; ``None`` if it is not one."""
    import botocore.exceptions as bce

    if isinstance(exc, bce.NoCredentialsError | bce.PartialCredentialsError):
        return AwsError("no AWS credentials found", "set AWS_PROFILE, run `aws configure`, or `aws sso login`")
    if isinstance(exc, bce.ProfileNotFound):
        return InputError(f"AWS profile `{exc.kwargs.get('profile')}` does not exist", "check ~/.aws/config")
    if isinstance(exc, bce.NoRegionError):
        return InputError("no AWS region is set", "pass --region or set AWS_REGION")
    if isinstance(exc, bce.TokenRetrievalError | bce.SSOTokenLoadError | bce.UnauthorizedSSOTokenError):
        return AwsError("the AWS SSO session has expired", "run `aws sso login`")
    if isinstance(exc, bce.EndpointConnectionError | bce.ConnectTimeoutError):
        url = exc.kwargs.get("endpoint_url", "the AWS endpoint")
        return AwsError(f"cannot reach {url}", "check the network, the region, and AWS_ENDPOINT_URL if set")
    if isinstance(exc, bce.ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        message = error.get("Message", "")
        if code in _DENIED or "AccessDenied" in code:
            return AwsError(
                f"AWS denied {exc.operation_name} ({code})",
                "grant the caller this action, or use a profile that has it",
            )
        if code in {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}:
            return AwsError("the AWS credentials have expired", "refresh them (`aws sso login`) and run again")
        return AwsError(f"{exc.operation_name} failed: {code}: {message}".rstrip(": "))
    if isinstance(exc, bce.BotoCoreError):
        return AwsError(f"AWS call failed: {exc}")
    return None
