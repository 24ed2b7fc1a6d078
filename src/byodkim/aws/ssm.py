"""The rollout's small state in SSM Parameter Store: read one value, or None when it is not there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byodkim.aws.errors import error_code

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient


def read_parameter(client: SSMClient, name: str, *, absent: tuple[str, ...] = ("ParameterNotFound",)) -> str | None:
    """Return the parameter's value, or None when the error code is one of ``absent``."""
    try:
        return str(client.get_parameter(Name=name)["Parameter"]["Value"])
    except Exception as exc:
        if error_code(exc) in absent:
            return None
        raise
