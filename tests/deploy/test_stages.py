"""The dev and prod stages: separate names for everything, and prod keeps its data.

`make deploy-check` packages both stages (`osls package --stage dev|prod`); these tests
compare the two templates.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

Template = dict[str, Any]
DATA_STORES = ("UploadsBucket", "MediaBucket", "ContentTable", "SearchDomain")
NAME_SUFFIX = "Name"
NOT_RESOURCE_NAMES = {"AttributeName", "IndexName", "KeyName", "MetricName", "StageName"}


def resource_names(template: Template) -> dict[str, str]:
    """Return each resource's own name properties (as JSON), by logical id and property."""
    names = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] in (
            "AWS::Lambda::Version",
            "AWS::Lambda::Permission",
            "AWS::Lambda::EventInvokeConfig",
        ):
            continue  # these name the function they belong to, not themselves
        for prop, value in resource.get("Properties", {}).items():
            if prop.endswith(NAME_SUFFIX) and prop not in NOT_RESOURCE_NAMES:
                if resource["Type"] == "AWS::Lambda::EventSourceMapping":
                    continue
                names[f"{logical_id}.{prop}"] = json.dumps(resolved(template, value))
    return names


def resolved(template: Template, value: Any) -> Any:
    """Return a value with a reference to a template parameter replaced by its default."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        parameter = template.get("Parameters", {}).get(value["Ref"])
        return parameter["Default"] if parameter else value
    return value


def test_the_stages_name_every_resource_apart(template: Template, prod_template: Template) -> None:
    dev, prod = resource_names(template), resource_names(prod_template)
    assert dev.keys() == prod.keys() and len(dev) >= 20
    for name, value in prod.items():
        assert value != dev[name], f"{name} is the same in dev and prod: {value}"


def test_the_search_domain_name_is_per_stage(template: Template, prod_template: Template) -> None:
    defaults = [
        t["Parameters"]["OpenSearchDomainName"]["Default"] for t in (template, prod_template)
    ]
    assert defaults == ["copper-dev", "copper-prod"]


@pytest.mark.parametrize("logical_id", DATA_STORES)
def test_prod_keeps_its_data_when_the_stack_goes(prod_template: Template, logical_id: str) -> None:
    resource = prod_template["Resources"][logical_id]
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"


def test_prod_protects_the_table_and_spreads_search_over_two_zones(prod_template: Template) -> None:
    resources = prod_template["Resources"]
    assert resources["ContentTable"]["Properties"]["DeletionProtectionEnabled"] is True
    cluster = resources["SearchDomain"]["Properties"]["ClusterConfig"]
    assert cluster["InstanceCount"] >= 2 and cluster["ZoneAwarenessEnabled"] is True


def test_prod_keeps_logs_longer_than_dev(template: Template, prod_template: Template) -> None:
    def retentions(t: Template) -> set[int]:
        return {
            r["Properties"]["RetentionInDays"]
            for r in t["Resources"].values()
            if r["Type"] == "AWS::Logs::LogGroup"
        }

    assert retentions(template) == {14} and retentions(prod_template) == {90}
