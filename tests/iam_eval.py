"""A small IAM evaluator for the tests: does a policy allow one call (action, resource ARN, context)?

Explicit Deny wins; Allow needs a matching action, resource and every condition; a condition on a
key the request does not carry fails, as in IAM (except a negated test). Shared by
tests/test_escalation.py (the printed policies) and tests/test_function_role.py (the templates' role).
"""

from __future__ import annotations

import re
from typing import Any


def _like(pattern: str, value: str) -> bool:
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), value, re.IGNORECASE) is not None


def _condition(operator: str, wanted: dict[str, Any], context: dict[str, Any]) -> bool:
    quantifier, _, test = operator.rpartition(":")
    for key, expected in wanted.items():
        allowed = expected if isinstance(expected, list) else [expected]
        if test == "Null":  # "true": the request carries no such key; "false": it does
            if (key not in context) != (str(allowed[0]).lower() == "true"):
                return False
            continue
        if key not in context:
            if test.endswith("NotEquals") and quantifier != "ForAnyValue":
                continue  # a negated test on a missing key matches, as in IAM
            return False
        values = context[key] if isinstance(context[key], list) else [context[key]]
        every = all if quantifier == "ForAllValues" else any  # ForAllValues: each value the request carries
        if not every(_test(test, str(v), [str(x) for x in allowed]) for v in values):
            return False
    return True


def _test(test: str, value: str, allowed: list[str]) -> bool:
    if test in {"StringLike", "ArnLike"}:
        return any(_like(x, value) for x in allowed)
    if test == "ArnNotEquals":
        return value not in allowed
    if test == "Bool":
        return value.lower() in [x.lower() for x in allowed]
    return value in allowed  # StringEquals


def _applies(statement: dict[str, Any], action: str, resource: str, context: dict[str, Any]) -> bool:
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    return (
        any(_like(a, action) for a in actions)
        and any(_like(r, resource) for r in resources)
        and all(_condition(op, wanted, context) for op, wanted in statement.get("Condition", {}).items())
    )


def allowed(document: dict[str, Any], action: str, resource: str, **context: Any) -> bool:
    """Return whether the policy allows the call (explicit Deny first, then any Allow)."""
    applying = [s for s in document["Statement"] if _applies(s, action, resource, context)]
    return not any(s["Effect"] == "Deny" for s in applying) and any(s["Effect"] == "Allow" for s in applying)
