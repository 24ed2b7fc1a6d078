"""AWS errors as the one line the user reads, and the one way to read an error's code."""

from __future__ import annotations

from byodkim.aws.session import NO_REGION_HINT
from byodkim.errors import AwsError, ByodkimError, InputError
from byodkim.messages import Said, say

_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"}


def translate(exc: BaseException) -> ByodkimError | None:
    """Turn a botocore exception into the line the user reads; ``None`` if it is not one."""
    import botocore.exceptions as bce

    if isinstance(exc, bce.NoCredentialsError | bce.PartialCredentialsError):
        return AwsError(say("aws.no_credentials"), say("aws.no_credentials_hint"))
    if isinstance(exc, bce.ProfileNotFound):
        return InputError(say("aws.no_profile", profile=exc.kwargs.get("profile")), say("aws.no_profile_hint"))
    if isinstance(exc, bce.NoRegionError):
        return InputError(say("aws.no_region"), NO_REGION_HINT)
    if isinstance(exc, bce.TokenRetrievalError | bce.SSOTokenLoadError | bce.UnauthorizedSSOTokenError):
        return AwsError(say("aws.sso_expired"), say("aws.sso_login"))
    if isinstance(exc, bce.EndpointConnectionError | bce.ConnectTimeoutError):
        url = exc.kwargs.get("endpoint_url", "the AWS endpoint")
        return AwsError(say("aws.unreachable", url=url), say("aws.unreachable_hint"))
    if isinstance(exc, bce.ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        message = error.get("Message", "")
        if code in _DENIED or "AccessDenied" in code:
            return AwsError(say("aws.denied", operation=exc.operation_name, code=code), say("aws.denied_hint"))
        if code in {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}:
            return AwsError(say("aws.expired"), say("aws.expired_hint"))
        return AwsError(_failed(exc.operation_name, code, message))
    if isinstance(exc, bce.BotoCoreError):
        return AwsError(say("aws.botocore_failed", cause=str(exc)))
    return None


_MESSAGE_CHARS = 300  # AWS's own messages are a sentence or two; more is a page from something else


def _failed(operation: str, code: str, message: str) -> str:
    """Return an AWS refusal with no advice of ours: the operation, AWS's code and AWS's own words."""
    # One line: an endpoint that is not AWS (a web server, a proxy's error page) answers with a page.
    message = " ".join(message.split())
    if len(message) > _MESSAGE_CHARS:
        message = message[: _MESSAGE_CHARS - 1] + "…"
    if message:
        return say("aws.call_failed", operation=operation, code=code, message=message)
    return say("aws.call_failed_code", operation=operation, code=code)


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
    return keyed(translated)


def keyed(exc: ByodkimError) -> str:
    """Return an error as its one line (``str(exc)``), keyed when its parts are, so a door can show it in Japanese."""
    return say("error.with_hint", message=exc.message, hint=exc.hint) if exc.hint else exc.message


_ERROR_TYPES = frozenset({"HOST_NOT_FOUND", "TYPE_NOT_FOUND", "INVALID_VALUE", "DNS_SERVER_ERROR", "SERVICE_ERROR"})


def ses_error(code: str) -> Said:
    """Return VerificationInfo.ErrorType in SES's API reference's words (any other code as SES gave it)."""
    return say(f"ses.error.{code}") if code in _ERROR_TYPES else say("ses.error.other", code=code)
