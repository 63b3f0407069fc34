"""Hostile requests to the API: each gets a 4xx with a plain message, never a 500."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from content.model import Role
from handlers import content_api
from service.bootstrap import build_services
from service.http.app import create_app
from service.http.params import MAX_JSON_DEPTH
from service.settings import ServiceSettings

PASSWORD = "correct horse battery"
EVENTS = Path(__file__).parent.parent / "events"

# Every route that reads a JSON body, with a path that reaches the body check.
JSON_ROUTES = [
    ("POST", "/auth/register"),
    ("POST", "/auth/login"),
    ("PATCH", "/me"),
    ("POST", "/me/artworks"),
    ("PATCH", "/me/artworks/01HZZZZZZZZZZZZZZZZZZZZZZZ"),
    ("PUT", "/me/artworks/01HZZZZZZZZZZZZZZZZZZZZZZZ/focal-point"),
    ("POST", "/me/artworks/01HZZZZZZZZZZZZZZZZZZZZZZZ/upload"),
    ("POST", "/admin/dlq/replay"),
    ("POST", "/admin/dlq/purge"),
    ("POST", "/admin/reprocess"),
]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The API (every part) on a fresh local backend, with an admin account."""
    services = build_services(ServiceSettings(data_dir=str(tmp_path)))
    services.accounts.register("root@example.com", PASSWORD, "Root", role=Role.ADMIN)
    return create_app(services)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the API."""
    return app.test_client()


@pytest.fixture
def admin(client: FlaskClient) -> dict[str, str]:
    """The Authorization header of the admin."""
    body = {"email": "root@example.com", "password": PASSWORD}
    return {"Authorization": f"Bearer {client.post('/auth/login', json=body).json['token']}"}


def nested(depth: int) -> str:
    """Return a JSON object whose `email` holds lists `depth` levels deep in all."""
    return '{"email": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def assert_plain_400(response: Any) -> None:
    """Assert a 400 whose JSON error carries a sentence and no trace of the server's code."""
    assert response.status_code == 400, response.get_data(as_text=True)[:200]
    message = response.json["error"]["message"]
    assert message.endswith(".")
    assert "Traceback" not in message and "Error" not in message


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_ten_thousand_open_brackets_are_a_plain_400_on_every_json_route(
    client: FlaskClient, admin: dict[str, str], method: str, path: str
) -> None:
    response = client.open(
        path, method=method, data="[" * 10_000, content_type="application/json", headers=admin
    )
    assert_plain_400(response)
    assert "nested" in response.json["error"]["message"]


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_json_that_does_not_parse_is_a_plain_400(
    client: FlaskClient, admin: dict[str, str], method: str, path: str
) -> None:
    for body in (b'{"email": ', b"\xff\xfe{}", b'{"a": NaN]'):
        response = client.open(
            path, method=method, data=body, content_type="application/json", headers=admin
        )
        assert_plain_400(response)


def test_json_one_level_past_the_limit_is_refused_and_at_the_limit_is_read(
    client: FlaskClient,
) -> None:
    too_deep = client.post(
        "/auth/login", data=nested(MAX_JSON_DEPTH + 1), content_type="application/json"
    )
    assert_plain_400(too_deep)
    at_limit = client.post(
        "/auth/login", data=nested(MAX_JSON_DEPTH), content_type="application/json"
    )
    assert at_limit.status_code == 422  # read, then refused for its missing password


def test_brackets_inside_strings_do_not_count_as_nesting(client: FlaskClient) -> None:
    body = json.dumps({"email": "[" * 5000 + '\\"{', "password": "x" * 12})
    response = client.post("/auth/login", data=body, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"email": 5, "password": PASSWORD},
        {"email": "ada@example.com", "password": ["a"]},
        {"email": None, "password": None},
    ],
)
def test_credentials_that_are_not_text_are_a_422_not_a_500(
    client: FlaskClient, body: dict[str, Any]
) -> None:
    response = client.post("/auth/login", json=body)
    assert (response.status_code, response.json["error"]["code"]) == (422, "invalid_field")


def test_a_registration_with_fields_that_are_not_text_is_a_422(client: FlaskClient) -> None:
    body = {"email": {"a": 1}, "password": 12345678901, "display_name": True}
    response = client.post("/auth/register", json=body)
    assert (response.status_code, response.json["error"]["code"]) == (422, "invalid_field")


def test_deep_json_through_the_lambda_handler_is_a_400(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPPER_BACKEND", "local")
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path))
    content_api.app.cache_clear()
    event = json.loads((EVENTS / "apigw-v2-register.json").read_text())
    event["body"] = "[" * 10_000
    try:
        response = content_api.handler(event, None)
    finally:
        content_api.app.cache_clear()
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    "path",
    [
        "/artworks?limit=5&limit=x",
        "/artworks?limit=%ff",
        "/artworks?cursor=%ff%fe",
        "/artists/%ff%fe",
        "/artists/%E0%A4%A",
        "/artists?limit=" + "9" * 5000,
        "/search?q=%00&sort=%0d%0a",
        "/search?colour=%ff&colour=zz",
        "/me/artworks/%ff",
        "/artworks?limit=%C2%B2",  # a digit to str.isdigit, not to int()
        "/search?year_from=%C2%B2",
        "/search?limit=%C2%B9%C2%B2",
    ],
)
def test_odd_query_strings_and_paths_never_answer_500(
    client: FlaskClient, admin: dict[str, str], path: str
) -> None:
    assert client.get(path, headers=admin).status_code < 500


def test_a_body_larger_than_the_limit_is_a_413(client: FlaskClient) -> None:
    response = client.post(
        "/auth/login", data=b"[" * (2 * 1024 * 1024), content_type="application/json"
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("declared", "status"),
    [("99999999999", 413), ("9" * 30, 413), ("-5", 400), ("abc", 400), ("1e3", 400)],
)
def test_a_declared_content_length_that_lies_is_refused(
    client: FlaskClient, declared: str, status: int
) -> None:
    for path, content_type in (
        ("/auth/login", "application/json"),
        ("/uploads", "multipart/form-data; boundary=a"),
    ):
        response = client.post(
            path,
            data=b"{}",
            content_type=content_type,
            environ_overrides={"CONTENT_LENGTH": declared},
        )
        assert response.status_code == status, path


def test_crlf_in_any_path_or_query_parameter_never_answers_500_or_splits_a_header(
    client: FlaskClient, admin: dict[str, str], app: Flask
) -> None:
    crlf = "%0d%0aSet-Cookie:%20evil=1"
    query = "&".join(f"{name}={crlf}" for name in ("q", "cursor", "limit", "tag", "sort"))
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", crlf).replace(f"<path:{argument}>", crlf)
        response = client.get(f"{path}?{query}", headers=admin)
        assert response.status_code < 500, path
        assert "\n" not in json.dumps(dict(response.headers))
        assert "Set-Cookie" not in response.headers
