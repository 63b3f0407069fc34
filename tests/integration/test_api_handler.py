"""The Lambda path: API Gateway HTTP API (v2) events through the handlers and serverless-wsgi."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from content.model import Role
from handlers import admin_api, content_api, search_api

EVENTS = Path(__file__).parent.parent / "events"


def load_event(name: str) -> dict[str, Any]:
    """Return a captured API Gateway v2 event."""
    return json.loads((EVENTS / name).read_text())


class LambdaContext:
    """The parts of the Lambda context the handler may read."""

    function_name = "copper-api"
    aws_request_id = "3f1c9d7e-0000-4000-8000-000000000001"
    memory_limit_in_mb = 512


@pytest.fixture(autouse=True)
def local_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point a fresh cold start at an empty local backend."""
    monkeypatch.setenv("COPPER_BACKEND", "local")
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COPPER_CORS_ORIGINS", "https://studio.example")
    for module in (content_api, search_api, admin_api):
        module.app.cache_clear()
    yield
    for module in (content_api, search_api, admin_api):
        module.app.cache_clear()


def invoke(
    name: str, module: Any = content_api, token: str | None = None
) -> tuple[int, dict[str, str], Any]:
    """Invoke a handler with a captured event (and a bearer token); return status, headers, JSON."""
    event = load_event(name)
    if token is not None:
        event["headers"]["authorization"] = f"Bearer {token}"
    response = module.handler(event, LambdaContext())
    body = json.loads(response["body"]) if response.get("body") else None
    return response["statusCode"], response["headers"], body


def test_healthz_through_the_lambda_handler() -> None:
    status, headers, body = invoke("apigw-v2-healthz.json")
    assert (status, body["status"]) == (200, "degraded")  # no worker polls this backend
    assert set(body["checks"]) == {"workers", "queue"}
    assert headers["Content-Type"] == "application/json"


def test_registering_through_the_lambda_handler_returns_a_token_and_cors() -> None:
    status, headers, body = invoke("apigw-v2-register.json")
    assert status == 201
    assert body["artist"]["slug"] == "ada-lovelace"
    assert body["token"].count(".") == 2
    assert headers["Access-Control-Allow-Origin"] == "https://studio.example"


def test_the_public_listing_reads_the_query_string() -> None:
    status, _, body = invoke("apigw-v2-list-artworks.json")
    assert (status, body) == (200, {"items": [], "next_cursor": None})


def test_a_private_route_without_a_token_is_a_json_401() -> None:
    status, _, body = invoke("apigw-v2-my-artworks-no-token.json")
    assert (status, body["error"]["code"]) == (401, "unauthenticated")


def test_the_search_function_answers_search_and_only_search() -> None:
    status, _, body = invoke("apigw-v2-search.json", search_api)
    assert status == 200
    assert (body["items"], body["total"]) == ([], 0)
    status, _, body = invoke("apigw-v2-list-artworks.json", search_api)
    assert (status, body["error"]["code"]) == (404, "not_found")


def test_both_functions_answer_healthz() -> None:
    assert invoke("apigw-v2-healthz.json", search_api)[0] == 200
    assert invoke("apigw-v2-healthz.json", content_api)[0] == 200


def token_for(role: Role) -> str:
    """Register an account with `role` on the admin function's backend; return its token."""
    accounts = admin_api.app().extensions["copper"].accounts
    email = f"{role.value}@example.com"
    accounts.register(email, "a long enough password", role.value.title(), role)
    return accounts.log_in(email, "a long enough password")[1]


def test_the_admin_function_answers_admins_only() -> None:
    status, _, body = invoke("apigw-v2-admin-dlq.json", admin_api)
    assert (status, body["error"]["code"]) == (401, "unauthenticated")
    status, _, body = invoke("apigw-v2-admin-dlq.json", admin_api, token_for(Role.ARTIST))
    assert status == 403
    status, _, body = invoke("apigw-v2-admin-dlq.json", admin_api, token_for(Role.ADMIN))
    assert status == 200 and body["items"] == []
    status, _, body = invoke("apigw-v2-admin-dlq.json", content_api)
    assert (status, body["error"]["code"]) == (404, "not_found")
