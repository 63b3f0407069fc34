"""The API answers what openapi.yaml says, and generated input never causes a server error."""

from __future__ import annotations

from pathlib import Path

import hypothesis
import pytest
import schemathesis
from flask import Flask
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.bootstrap import build_services
from service.http.app import create_app
from service.settings import ServiceSettings

DOCUMENT = Path(__file__).parents[2] / "openapi.yaml"
OPERATIONS = [
    (path, method.upper())
    for path, item in schemathesis.openapi.from_path(DOCUMENT).raw_schema["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The API on a fresh local backend."""
    data_dir = tmp_path_factory.mktemp("api")
    return create_app(build_services(ServiceSettings(data_dir=str(data_dir))))


@pytest.fixture(scope="module")
def document(app: Flask) -> schemathesis.BaseSchema:
    """The OpenAPI document, bound to the app so calls go through WSGI in-process."""
    loaded = schemathesis.openapi.from_path(DOCUMENT)
    loaded.app = app
    return loaded


@pytest.fixture(scope="module")
def token(app: Flask) -> str:
    """A valid bearer token of a registered artist."""
    body = {"email": "fuzz@example.com", "password": "correct horse battery", "display_name": "F"}
    return app.test_client().post("/auth/register", json=body).json["token"]


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_each_operation_conforms_to_the_document(
    document: schemathesis.BaseSchema, token: str, path: str, method: str
) -> None:
    operation = document[path][method]
    headers = (
        {"Authorization": f"Bearer {token}"} if operation.definition.raw.get("security") else {}
    )

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    def conforms(case: schemathesis.Case) -> None:
        # Opaque cursors, blank titles and the e-mail rule are refused on purpose (400/422)
        # although the schema admits them, so "valid data is accepted" cannot hold here.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    conforms()


def test_every_route_of_the_app_is_documented(app: Flask) -> None:
    documented = {path.replace("{", "<").replace("}", ">") for path, _ in OPERATIONS}
    routes = {
        rule.rule.replace("<path:", "<")  # OpenAPI has no slash-spanning path parameter
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    }
    assert routes == documented
