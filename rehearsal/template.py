"""The packaged CloudFormation template: its resources, and the intrinsic functions it uses.

Only what the rehearsal needs is resolved: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
`Fn::Select`, `Fn::If` and the condition functions. A reference to a resource the rehearsal
does not create (CloudFront, the OpenSearch domain, IAM roles…) raises `Unresolved`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / ".serverless" / "cloudformation-template-update-stack.json"
ACCOUNT = "123456789012"  # moto's default account
REGION = "eu-west-1"
PSEUDO = {
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "copper-dev",
    "AWS::NoValue": None,
}


class Unresolved(LookupError):
    """A value refers to a resource or attribute the rehearsal does not create."""


class TemplateMissing(FileNotFoundError):
    """The packaged template is not there: `osls package` has not run."""


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    """Return the packaged template (run `make deploy-check` or `npx osls package` first)."""
    if not path.exists():
        raise TemplateMissing(f"{path} is missing: run `make deploy-check` (osls package) first")
    template: dict[str, Any] = json.loads(path.read_text())
    return template


def of_type(template: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Return the template's resources of one type, by logical id."""
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


@dataclass
class Resolver:
    """Resolves intrinsic functions against what the rehearsal created."""

    template: Mapping[str, Any]
    parameters: dict[str, str] = field(default_factory=dict)
    physical: dict[str, str] = field(default_factory=dict)  # Ref of a resource
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)  # Fn::GetAtt
    region: str = REGION

    def resolve(self, node: Any) -> Any:
        """Return `node` with every intrinsic function replaced by its value."""
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((name, argument),) = node.items()
            function = FUNCTIONS.get(name)
            if function is not None:
                return function(self, argument)
        return {key: self.resolve(value) for key, value in node.items()}

    def ref(self, name: str) -> Any:
        """Return what `Ref` gives for a pseudo parameter, a parameter or a resource."""
        if name == "AWS::Region":
            return self.region
        if name in PSEUDO:
            return PSEUDO[name]
        declared = self.template.get("Parameters", {})
        if name in declared:
            return self.parameters.get(name, declared[name].get("Default", ""))
        if name in self.physical:
            return self.physical[name]
        raise Unresolved(f"Ref {name}")

    def get_att(self, resource: str, attribute: str) -> str:
        """Return what `Fn::GetAtt` gives."""
        try:
            return self.attributes[resource, attribute]
        except KeyError:
            raise Unresolved(f"Fn::GetAtt {resource}.{attribute}") from None

    def condition(self, name: str) -> bool:
        """Evaluate one of the template's conditions."""
        return bool(self.resolve(self.template["Conditions"][name]))


def _join(resolver: Resolver, argument: Any) -> str:
    separator, items = argument
    return str(separator).join(str(resolver.resolve(item)) for item in items)


def _sub(resolver: Resolver, argument: Any) -> str:
    text, variables = (argument, {}) if isinstance(argument, str) else argument

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in variables:
            return str(resolver.resolve(variables[name]))
        if "." in name:
            return resolver.get_att(*name.split(".", 1))
        return str(resolver.ref(name))

    return re.sub(r"\$\{([^!}][^}]*)\}", value, text)


def _get_att(resolver: Resolver, argument: Any) -> str:
    resource, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
    return resolver.get_att(resource, attribute)


def _if(resolver: Resolver, argument: Any) -> Any:
    name, when_true, when_false = argument
    return resolver.resolve(when_true if resolver.condition(name) else when_false)


def _select(resolver: Resolver, argument: Any) -> Any:
    index, items = argument
    return resolver.resolve(items)[int(resolver.resolve(index))]


FUNCTIONS = {
    "Ref": lambda r, a: r.ref(a),
    "Fn::GetAtt": _get_att,
    "Fn::Join": _join,
    "Fn::Sub": _sub,
    "Fn::If": _if,
    "Fn::Select": _select,
    "Fn::Equals": lambda r, a: r.resolve(a[0]) == r.resolve(a[1]),
    "Fn::Not": lambda r, a: not r.resolve(a[0]),
    "Fn::And": lambda r, a: all(r.resolve(item) for item in a),
    "Fn::Or": lambda r, a: any(r.resolve(item) for item in a),
    "Condition": lambda r, a: r.condition(a),
}
