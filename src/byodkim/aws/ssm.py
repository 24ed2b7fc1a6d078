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


GET_PARAMETERS_MOST = 10  # GetParameters' most names a call


def read_parameters(client: SSMClient, names: list[str]) -> dict[str, str]:
    """Return the values of those of ``names`` that exist, by name: one GetParameters call per ten names."""
    found: dict[str, str] = {}
    for start in range(0, len(names), GET_PARAMETERS_MOST):
        answer = client.get_parameters(Names=names[start : start + GET_PARAMETERS_MOST])
        found.update({str(p["Name"]): str(p["Value"]) for p in answer.get("Parameters", [])})
    return found
