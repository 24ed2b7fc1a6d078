"""AWS errors as the one line the user reads, and the one way to read an error's code."""

from __future__ import annotations

from byodkim.aws.session import NO_REGION_HINT
from byodkim.errors import AwsError, ByodkimError, InputError

_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"}


def translate(exc: BaseException) -> ByodkimError | None:
    """Turn a botocore exception into the line the user reads; ``None`` if it is not one."""
    import botocore.exceptions as bce

    if isinstance(exc, bce.NoCredentialsError | bce.PartialCredentialsError):
        return AwsError("no AWS credentials found", "set AWS_PROFILE, run `aws configure`, or `aws sso login`")
    if isinstance(exc, bce.ProfileNotFound):
        return InputError(f"AWS profile `{exc.kwargs.get('profile')}` does not exist", "check ~/.aws/config")
    if isinstance(exc, bce.NoRegionError):
        return InputError("no AWS region is set", NO_REGION_HINT)
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


def error_code(exc: BaseException) -> str | None:
    """Return the AWS error code of a botocore ClientError (``NotFoundException``, ...), else ``None``."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return str(code) if code else None


def describe(exc: Exception) -> str:
    """Return an AWS failure as its one line; re-raise what is not an AWS failure (a bug)."""
    translated = translate(exc)
    if translated is None:
        raise exc
    return str(translated)
