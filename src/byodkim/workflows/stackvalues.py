"""The group's parameters, outputs and resource names as far as they are known before a launch.

Preflight checks every name a launch would take, in stacks not deployed yet too; for that it
needs parameters that come from other stacks' outputs before those stacks exist. This works
them out from our templates, without publishing or resolving anything that costs a build.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from byodkim.aws.cfntemplate import (
    NAME_PROPERTY,
    load,
    outputs,
    pseudo_parameters,
    resolve,
    resource_refs,
    unknown,
    unresolved,
    with_defaults,
)
from byodkim.aws.errors import error_code

if TYPE_CHECKING:
    from collections.abc import Iterable

    from byodkim.aws.session import Aws


def physical_names(body: str, parameters: dict[str, str], pseudo: dict[str, str]) -> dict[str, str]:
    """Return the physical name each named resource in a template would take (when the template fixes one)."""
    return {k: v for k, v in template_names(body, parameters, pseudo).items() if not unresolved(v)}


def template_names(body: str | dict[str, Any], parameters: dict[str, str], pseudo: dict[str, str]) -> dict[str, str]:
    """Return every name property the template sets, resolved as far as known (unknown parts stay marked)."""
    template = load(body)
    values = with_defaults(template, parameters)
    refs = resource_refs(template, values, pseudo)
    names = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        prop = NAME_PROPERTY.get(str(resource.get("Type")))
        value = (resource.get("Properties") or {}).get(prop) if prop else None
        if value is None:
            continue
        resolved = resolve(value, values, pseudo, refs)
        names[logical_id] = resolved if isinstance(resolved, str) else json.dumps(resolved, sort_keys=True)
    return names


class StaticValues:
    """The group's parameters and outputs as far as they are known without deploying anything.

    A ``!stack_output`` reads the dependency's live output when it has one, and otherwise what
    our template of the dependency would output with its own parameters (names of resources the
    template names, ARNs built from them). Other resolvers (the layer, the code zip) never decide
    a name and stay unknown, so working out names costs no build.
    """

    def __init__(self, stacks: Iterable[Any], aws: Aws, region: str) -> None:
        self._stacks = {str(s.name): s for s in stacks}
        self._aws, self._region = aws, region
        self._outputs: dict[str, dict[str, Any]] = {}
        self._live: dict[str, dict[str, str]] = {}

    def pseudo(self, stack: Any) -> dict[str, str]:  # noqa: ANN401 - sceptre's Stack
        """Return the stack's pseudo parameters."""
        region = stack.region or self._region
        return pseudo_parameters(stack.external_name, region, self._aws.account(region))

    def parameters(self, stack: Any) -> dict[str, str]:  # noqa: ANN401 - sceptre's Stack
        """Return the stack's parameters; an unknown one holds a marked placeholder."""
        from sceptre.resolvers import Resolver

        raw = getattr(stack, "_parameters", None) or {}
        values: dict[str, str] = {}
        for key, value in raw.items():
            if isinstance(value, list):
                parts = [self._value(stack, key, v) if isinstance(v, Resolver) else str(v) for v in value]
                values[str(key)] = ",".join(parts)
            elif isinstance(value, Resolver):
                values[str(key)] = self._value(stack, key, value)
            else:
                values[str(key)] = str(value)
        return values

    def pending(self, stack: Any) -> list[str]:  # noqa: ANN401 - sceptre's Stack
        """Return the parameters that read an output their dependency does not have live yet."""
        from sceptre.resolvers import Resolver

        waiting = []
        for key, value in (getattr(stack, "_parameters", None) or {}).items():
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, Resolver) or type(item).__name__ != "StackOutput":
                    continue
                name = str(getattr(item, "dependency_stack_name", "")).removesuffix(".yaml")
                if str(getattr(item, "output_key", "")) not in self._live_outputs(name):
                    waiting.append(str(key))
        return waiting

    def _value(self, stack: Any, key: str, resolver: Any) -> str:  # noqa: ANN401 - sceptre's objects
        dependency = getattr(resolver, "dependency_stack_name", None)
        output = getattr(resolver, "output_key", None)
        if type(resolver).__name__ == "StackOutput" and dependency and output:
            name = str(dependency).removesuffix(".yaml")
            live = self._live_outputs(name)
            if output in live:
                return live[output]
            found = self.outputs(name).get(str(output))
            if isinstance(found, str) and not unresolved(found):
                return found
        return unknown(f"parameter {key} of {stack.name}")

    def _live_outputs(self, name: str) -> dict[str, str]:
        if name not in self._live:
            stack = self._stacks.get(name)
            found: dict[str, str] = {}
            if stack is not None:
                cfn = self._aws.client("cloudformation", stack.region or self._region)
                try:
                    described = cfn.describe_stacks(StackName=stack.external_name)["Stacks"][0]
                except Exception as exc:
                    if error_code(exc) != "ValidationError":  # "does not exist": nothing live yet
                        raise
                else:
                    found = {o["OutputKey"]: o.get("OutputValue", "") for o in described.get("Outputs", [])}
            self._live[name] = found
        return self._live[name]

    def outputs(self, name: str) -> dict[str, Any]:
        """Return what our template of stack ``name`` would output, as far as known."""
        if name not in self._outputs:
            self._outputs[name] = {}  # a cycle reads nothing rather than recursing
            stack = self._stacks.get(name)
            if stack is not None:
                template = load(stack.template.body)
                values = with_defaults(template, self.parameters(stack))
                self._outputs[name] = outputs(template, values, self.pseudo(stack))
        return self._outputs[name]
