"""An artist's face through the API: links, portrait and logo, on the real handler path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.bootstrap import build_services
from service.http.app import create_app
from service.settings import ServiceSettings


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    """The API on a fresh local backend."""
    return create_app(build_services(ServiceSettings(data_dir=str(tmp_path)))).test_client()


@pytest.fixture
def auth(client: FlaskClient) -> dict[str, str]:
    """The bearer header of a newly registered artist, Ada."""
    body = {"email": "ada@example.com", "password": "correct horse battery", "display_name": "Ada"}
    token = client.post("/auth/register", json=body).json["token"]
    return {"Authorization": f"Bearer {token}"}


def public(client: FlaskClient) -> dict[str, Any]:
    """Return Ada's public profile."""
    return client.get("/artists/ada").json


def test_an_artist_saves_links_and_visitors_see_them_labelled(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    links = [{"label": "Shop", "url": "https://shop.example/ada"}, {"url": "https://ada.example"}]
    saved = client.patch("/me", json={"links": links}, headers=auth)
    assert saved.status_code == 200
    expected = [
        {"label": "Shop", "url": "https://shop.example/ada"},
        {"label": "ada.example", "url": "https://ada.example"},
    ]
    assert saved.json["links"] == expected
    assert public(client)["links"] == expected


@pytest.mark.parametrize(
    "links",
    [
        [{"url": "javascript:alert(1)"}],
        [{"url": "data:text/html,hi"}],
        [{"url": f"https://example.org/{n}"} for n in range(7)],
        [{"label": "x" * 41, "url": "https://example.org"}],
    ],
)
def test_unsafe_or_too_many_links_are_refused_with_a_message(
    client: FlaskClient, auth: dict[str, str], links: list[dict[str, str]]
) -> None:
    refused = client.patch("/me", json={"links": links}, headers=auth)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "invalid_field"
    assert client.get("/me", headers=auth).json["links"] == []
