"""Readable work URLs in the API, through the Lambda handler (API Gateway v2 events)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from content.model import OriginalObject, Status
from handlers import content_api
from service.bootstrap import Services
from service.http.context import services_of
from tests.integration.test_api_handler import LambdaContext, load_event

PASSWORD = "correct horse battery"


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """Point a fresh cold start at an empty local backend; yield the handler's services."""
    monkeypatch.setenv("COPPER_BACKEND", "local")
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path))
    content_api.app.cache_clear()
    yield services_of(content_api.app())
    content_api.app.cache_clear()


def call(method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    """Send one request through the Lambda handler; return its status and JSON body."""
    event = copy.deepcopy(load_event("apigw-v2-list-artworks.json"))
    event |= {"rawPath": path, "rawQueryString": "", "queryStringParameters": None}
    event["requestContext"]["http"] |= {"method": method, "path": path}
    if body is not None:
        event["body"] = json.dumps(body)
        event["headers"]["content-type"] = "application/json"
    if token is not None:
        event["headers"]["authorization"] = f"Bearer {token}"
    response = content_api.handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def published_work(services: Services, name: str, title: str) -> dict[str, Any]:
    """Register `name`, create, process and publish a work titled `title`; return its JSON."""
    email = name.lower().replace(" ", ".") + "@example.com"
    account = {"email": email, "password": PASSWORD, "display_name": name}
    status, registered = call("POST", "/auth/register", account)
    assert status == 201, registered
    token = registered["token"]
    status, work = call("POST", "/me/artworks", {"title": title}, token)
    stored = services.repository.get_artwork(work["id"])
    ready = replace(
        stored, status=Status.READY, original=OriginalObject("originals/k", sequencer="1")
    )
    services.repository.save_artwork(ready, stored.version)
    status, work = call("POST", f"/me/artworks/{work['id']}/publish", token=token)
    assert status == 200, work
    return work


def test_a_published_work_is_read_by_its_artists_slug_and_its_own(services: Services) -> None:
    work = published_work(services, "Mara Voss", "Harbour at Dawn")

    status, found = call("GET", "/artists/mara-voss/artworks/harbour-at-dawn")

    assert (status, found["id"], found["slug"]) == (200, work["id"], "harbour-at-dawn")
    assert call("GET", f"/artworks/{work['id']}")[1]["slug"] == "harbour-at-dawn"
    assert call("GET", "/artworks")[1]["items"][0]["slug"] == "harbour-at-dawn"


@pytest.mark.parametrize(
    "path",
    [
        "/artists/ada-lind/artworks/harbour-at-dawn",  # another artist's slug
        "/artists/nobody/artworks/harbour-at-dawn",
        "/artists/mara-voss/artworks/no-such-work",
    ],
)
def test_a_wrong_artist_or_work_slug_is_not_found(services: Services, path: str) -> None:
    published_work(services, "Mara Voss", "Harbour at Dawn")
    published_work(services, "Ada Lind", "Tide")

    status, body = call("GET", path)

    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_search_hits_carry_the_work_and_artist_slugs(services: Services) -> None:
    from handlers import search_api

    work = published_work(services, "Mara Voss", "Harbour at Dawn")
    services.indexer.reindex()
    event = copy.deepcopy(load_event("apigw-v2-search.json"))
    event |= {"rawQueryString": "q=harbour", "queryStringParameters": {"q": "harbour"}}
    search_api.app.cache_clear()
    try:
        response = search_api.handler(event, LambdaContext())
    finally:
        search_api.app.cache_clear()

    (hit,) = json.loads(response["body"])["items"]
    assert (hit["id"], hit["slug"], hit["artist"]["slug"]) == (
        work["id"],
        "harbour-at-dawn",
        "mara-voss",
    )
