"""The rehearsal's pure parts: intrinsic functions, route matching, API events, stream filters."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from rehearsal.gateway import event_for, routes
from rehearsal.mappings import matches
from rehearsal.template import Resolver, Unresolved

TEMPLATE: dict[str, Any] = {
    "Parameters": {"OpenSearchEndpoint": {"Type": "String", "Default": ""}},
    "Conditions": {"CreateSearchDomain": {"Fn::Equals": [{"Ref": "OpenSearchEndpoint"}, ""]}},
    "Resources": {},
}


def test_intrinsics_resolve_against_what_was_created_and_name_what_was_not() -> None:
    resolver = Resolver(TEMPLATE, parameters={"OpenSearchEndpoint": "http://127.0.0.1:9"})
    resolver.physical["Bucket"] = "uploads"
    resolver.attributes["Queue", "Arn"] = "arn:aws:sqs:eu-west-1:123456789012:q"
    assert resolver.resolve({"Fn::Join": ["-", [{"Ref": "Bucket"}, {"Ref": "AWS::Region"}]]}) == (
        "uploads-eu-west-1"
    )
    assert resolver.resolve({"Fn::Sub": "${Queue.Arn}/${Bucket}"}).endswith(":q/uploads")
    search = {
        "Fn::If": [
            "CreateSearchDomain",
            {"Fn::GetAtt": ["SearchDomain", "DomainEndpoint"]},
            {"Ref": "OpenSearchEndpoint"},
        ]
    }
    assert resolver.resolve(search) == "http://127.0.0.1:9"
    with pytest.raises(Unresolved, match="MediaDistribution"):
        resolver.resolve({"Fn::GetAtt": ["MediaDistribution", "DomainName"]})


def _route(key: str, integration: str) -> dict[str, Any]:
    target = {"Fn::Join": ["/", ["integrations", {"Ref": integration}]]}
    return {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"RouteKey": key, "Target": target}}


def _integration(function: str) -> dict[str, Any]:
    uri = {"Fn::GetAtt": [function, "Arn"]}
    return {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"IntegrationUri": uri}}


API = {
    "Resources": {
        "Content": _integration("ContentFn"),
        "Search": _integration("SearchFn"),
        "R1": _route("ANY /artworks/{artwork_id}", "Content"),
        "R2": _route("GET /artworks/{artwork_id}/similar", "Search"),
        "R3": _route("ANY /me/artworks/{proxy+}", "Content"),
        "R4": _route("GET /search", "Search"),
    }
}


def pick(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """Return the function and path parameters API Gateway would choose."""
    for route in routes(API):
        found = route.match(method, path)
        if found is not None:
            return route.function, found
    return None


def test_routes_match_as_api_gateway_matches_them() -> None:
    assert pick("GET", "/artworks/w1/similar") == ("SearchFn", {"artwork_id": "w1"})
    assert pick("DELETE", "/artworks/w1") == ("ContentFn", {"artwork_id": "w1"})
    assert pick("POST", "/me/artworks/w1/upload") == ("ContentFn", {"proxy": "w1/upload"})
    assert pick("POST", "/search") is None
    assert pick("GET", "/nowhere") is None


def test_a_request_becomes_an_http_api_payload_2_event() -> None:
    environ = EnvironBuilder(
        path="/search",
        method="GET",
        query_string="q=tide&q=dusk",
        headers={"X-Request-Id": "r1", "Cookie": "a=1; b=2"},
    ).get_environ()
    route = routes(API)[0]
    event = event_for(Request(environ), route, {})
    assert event["version"] == "2.0"
    assert event["rawQueryString"] == "q=tide&q=dusk"
    assert event["queryStringParameters"] == {"q": "tide,dusk"}
    assert event["headers"]["x-request-id"] == "r1"
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["requestContext"]["http"]["method"] == "GET"


def test_stream_filters_keep_only_the_listed_values() -> None:
    pattern = {"dynamodb": {"Keys": {"SK": {"S": ["ARTWORK", "PROFILE"]}}}}
    artwork = {"dynamodb": {"Keys": {"PK": {"S": "ARTWORK#1"}, "SK": {"S": "ARTWORK"}}}}
    guard = {"dynamodb": {"Keys": {"PK": {"S": "EMAIL#x"}, "SK": {"S": "GUARD"}}}}
    assert matches(pattern, artwork)
    assert not matches(pattern, guard)
