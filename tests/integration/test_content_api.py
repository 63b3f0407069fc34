"""The content API through the Flask test client, on the embedded (SQLite) backend."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from content.model import OriginalObject, Status
from content.repository import StoreUnavailable
from service.bootstrap import Services, build_services
from service.http.app import create_app
from service.settings import ServiceSettings

STUDIO = "https://studio.example"
PASSWORD = "correct horse battery"


@pytest.fixture
def services(tmp_path: Path) -> Services:
    """Services on a fresh local backend."""
    settings = ServiceSettings(data_dir=str(tmp_path), cors_origins=(STUDIO,))
    return build_services(settings)


@pytest.fixture
def client(services: Services) -> FlaskClient:
    """A test client of the API app."""
    return create_app(services).test_client()


def register(client: FlaskClient, name: str) -> dict[str, str]:
    """Register an artist and return the Authorization header for them."""
    body = {"email": f"{name}@example.com", "password": PASSWORD, "display_name": name}
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def error_code(response: Any) -> str:
    """Return the error code of a JSON error response."""
    return response.json["error"]["code"]


def test_healthz_answers_and_echoes_the_request_id(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-Id": "req-12345678"})
    assert (response.status_code, response.json["status"]) == (200, "degraded")  # no worker
    assert response.headers["X-Request-Id"] == "req-12345678"
    assert client.get("/healthz").headers["X-Request-Id"]


def test_register_log_in_and_read_my_account(client: FlaskClient) -> None:
    register(client, "ada")
    login = client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert login.status_code == 200
    me = client.get("/me", headers={"Authorization": f"Bearer {login.json['token']}"})
    assert me.json["email"] == "ada@example.com"
    assert "password_hash" not in me.json


def test_a_wrong_password_is_401_and_a_duplicate_email_is_422(client: FlaskClient) -> None:
    register(client, "ada")
    wrong = client.post("/auth/login", json={"email": "ada@example.com", "password": "x" * 12})
    assert (wrong.status_code, error_code(wrong)) == (401, "invalid_credentials")
    again = client.post(
        "/auth/register",
        json={"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada"},
    )
    assert (again.status_code, error_code(again)) == (422, "invalid_account")


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc"])
def test_private_routes_need_a_valid_token(client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/me/artworks", headers=headers)
    assert (response.status_code, error_code(response)) == (401, "unauthenticated")


def test_an_artist_creates_edits_and_lists_their_work(client: FlaskClient) -> None:
    ada = register(client, "ada")
    created = client.post(
        "/me/artworks", json={"title": "Sunflowers", "tags": ["yellow"]}, headers=ada
    )
    assert created.status_code == 201
    work = created.json
    assert (work["status"], work["visibility"], work["version"]) == ("awaiting_upload", "draft", 1)
    edited = client.patch(
        f"/me/artworks/{work['id']}", json={"medium": "Oil on canvas", "version": 1}, headers=ada
    )
    assert (edited.json["medium"], edited.json["version"]) == ("Oil on canvas", 2)
    stale = client.patch(
        f"/me/artworks/{work['id']}", json={"title": "X", "version": 1}, headers=ada
    )
    assert (stale.status_code, error_code(stale)) == (409, "version_conflict")
    listed = client.get("/me/artworks", headers=ada).json
    assert [item["id"] for item in listed["items"]] == [work["id"]]


def test_invalid_fields_are_422_with_the_reason(client: FlaskClient) -> None:
    ada = register(client, "ada")
    response = client.post("/me/artworks", json={"title": "", "year": 1990}, headers=ada)
    assert (response.status_code, error_code(response)) == (422, "invalid_field")
    assert "title" in response.json["error"]["message"]
    missing = client.post("/me/artworks", json={"year": 1990}, headers=ada)
    assert (missing.status_code, error_code(missing)) == (422, "missing_field")


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"title": "Mine"}),
        ("delete", "", None),
        ("post", "/publish", None),
        ("put", "/focal-point", {"focal_point": [0.5, 0.5]}),
        ("post", "/reprocess", None),
    ],
)
def test_another_artists_work_is_404_for_every_action(
    client: FlaskClient, method: str, suffix: str, body: dict | None
) -> None:
    ada, bob = register(client, "ada"), register(client, "bob")
    work = client.post("/me/artworks", json={"title": "Ada's"}, headers=ada).json
    response = getattr(client, method)(f"/me/artworks/{work['id']}{suffix}", json=body, headers=bob)
    assert (response.status_code, error_code(response)) == (404, "not_found")
    assert client.get(f"/me/artworks/{work['id']}", headers=ada).json["title"] == "Ada's"


def test_only_ready_published_works_are_public(client: FlaskClient, services: Services) -> None:
    ada = register(client, "ada")
    work = client.post("/me/artworks", json={"title": "Soon"}, headers=ada).json
    client.post(f"/me/artworks/{work['id']}/publish", headers=ada)
    assert client.get(f"/artworks/{work['id']}").status_code == 404
    assert client.get("/artworks").json["items"] == []
    stored = services.repository.get_artwork(work["id"])
    ready = replace(
        stored, status=Status.READY, original=OriginalObject("originals/k", sequencer="1")
    )
    services.repository.save_artwork(ready, stored.version)
    public = client.get(f"/artworks/{work['id']}")
    assert public.status_code == 200
    assert "status" not in public.json and "rejection_reason" not in public.json
    assert [item["id"] for item in client.get("/artworks").json["items"]] == [work["id"]]
    slug_page = client.get("/artists/ada/artworks").json
    assert [item["id"] for item in slug_page["items"]] == [work["id"]]
    assert "email" not in client.get("/artists/ada").json


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "bad_request"),
        ({"json": ["a", "list"]}, 400, "bad_request"),
        (
            {"data": "x" * (2 * 1024 * 1024), "content_type": "application/json"},
            413,
            "request_entity_too_large",
        ),
    ],
)
def test_malformed_and_oversized_bodies_get_json_errors(
    client: FlaskClient, request_kwargs: dict, status: int, code: str
) -> None:
    response = client.post("/auth/login", **request_kwargs)
    assert (response.status_code, error_code(response)) == (status, code)


def test_unknown_routes_methods_and_bad_paging_are_json_errors(client: FlaskClient) -> None:
    assert error_code(client.get("/nope")) == "not_found"
    assert client.delete("/artworks").status_code == 405
    assert error_code(client.delete("/artworks")) == "method_not_allowed"
    assert client.get("/artworks?limit=1000").status_code == 400
    assert client.get("/artworks?cursor=%%%garbage").status_code == 400


def test_a_failing_store_is_503_and_a_bug_is_500_without_a_trace(
    client: FlaskClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable("sqlite: database is locked at /secret/path")

    monkeypatch.setattr(services.repository, "list_published", unavailable)
    response = client.get("/artworks")
    assert (response.status_code, error_code(response)) == (503, "unavailable")
    assert "/secret/path" not in response.get_data(as_text=True)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom at /secret/path")

    monkeypatch.setattr(services.repository, "list_artists", broken)
    response = client.get("/artists")
    assert (response.status_code, error_code(response)) == (500, "internal")
    assert "Traceback" not in response.get_data(as_text=True)
    assert "/secret/path" not in response.get_data(as_text=True)


def test_an_unexpected_value_error_is_a_logged_500_not_a_client_error(
    client: FlaskClient,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def buggy(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a bug, not the caller's input")

    monkeypatch.setattr(services.repository, "list_artists", buggy)
    with caplog.at_level(logging.ERROR, logger="copper.api"):
        response = client.get("/artists")
    assert (response.status_code, error_code(response)) == (500, "internal")
    [record] = [r for r in caplog.records if r.name == "copper.api"]
    assert record.exc_info is not None and record.exc_info[0] is ValueError


def test_cors_allows_only_the_configured_origins(client: FlaskClient) -> None:
    allowed = client.options("/me/artworks", headers={"Origin": STUDIO})
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == STUDIO
    other = client.get("/artworks", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
