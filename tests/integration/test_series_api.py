"""Series and page order through the API app, on the embedded backend and the Lambda handler."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from handlers import content_api
from service.bootstrap import Services
from tests.integration.test_artist_directory_api import auth, public_work, register


def walk(client: FlaskClient, path: str, limit: int, **args: str) -> list[str]:
    """Follow the cursors of a public listing; return the titles in order."""
    titles: list[str] = []
    cursor: str | None = None
    while True:
        query: dict[str, Any] = args | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        answer = client.get(path, query_string=query)
        assert answer.status_code == 200, answer.json
        titles += [work["title"] for work in answer.json["items"]]
        cursor = answer.json["next_cursor"]
        if cursor is None:
            return titles


def test_an_artist_creates_renames_describes_and_deletes_a_series(client: FlaskClient) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    made = client.post("/me/series", json={"title": "Harbour studies"}, headers=ada)
    assert made.status_code == 201
    assert made.json == {"slug": "harbour-studies", "title": "Harbour studies", "description": ""}

    renamed = client.patch(
        "/me/series/harbour-studies",
        json={"title": "Harbours", "description": "Boats at rest."},
        headers=ada,
    )
    assert renamed.json == {
        "slug": "harbour-studies",
        "title": "Harbours",
        "description": "Boats at rest.",
    }
    assert client.get("/me/series", headers=ada).json["items"] == [renamed.json]
    assert client.get("/me", headers=ada).json["series"] == [renamed.json]

    assert client.delete("/me/series/harbour-studies", headers=ada).status_code == 204
    assert client.get("/me/series", headers=ada).json["items"] == []
    assert client.delete("/me/series/harbour-studies", headers=ada).status_code == 404


def test_a_second_series_of_the_same_title_is_422_naming_it(client: FlaskClient) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    client.post("/me/series", json={"title": "Night walks"}, headers=ada)
    again = client.post("/me/series", json={"title": "night walks"}, headers=ada)
    assert again.status_code == 422
    assert again.json["error"]["message"] == "You already have a series called “Night walks”."


def test_a_work_joins_one_of_its_artists_series_and_another_slug_is_422(
    client: FlaskClient, services: Services
) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    rufus = auth(register(client, "Rufus Ochre"))
    client.post("/me/series", json={"title": "Harbour studies"}, headers=ada)
    client.post("/me/series", json={"title": "Dunes"}, headers=rufus)
    work = public_work(client, services, ada, "Low tide")

    joined = client.patch(f"/me/artworks/{work}", json={"series": "harbour-studies"}, headers=ada)
    assert joined.status_code == 200
    assert joined.json["series"] == "harbour-studies"
    assert client.get(f"/artworks/{work}").json["series"] == "harbour-studies"

    refused = client.patch(f"/me/artworks/{work}", json={"series": "dunes"}, headers=ada)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "invalid_field"
    assert "“dunes” is not one of your series" in refused.json["error"]["message"]

    left = client.patch(f"/me/artworks/{work}", json={"series": None}, headers=ada)
    assert left.json["series"] is None


def test_deleting_a_series_leaves_its_works_in_none(
    client: FlaskClient, services: Services
) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    client.post("/me/series", json={"title": "Harbour studies"}, headers=ada)
    work = public_work(client, services, ada, "Low tide")
    client.patch(f"/me/artworks/{work}", json={"series": "harbour-studies"}, headers=ada)

    client.delete("/me/series/harbour-studies", headers=ada)

    assert client.get(f"/me/artworks/{work}", headers=ada).json["series"] is None


def test_the_public_listing_follows_the_chosen_order_then_newest_first_and_filters_a_series(
    client: FlaskClient, services: Services
) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    client.post("/me/series", json={"title": "Harbour studies"}, headers=ada)
    ids = {title: public_work(client, services, ada, title) for title in "ABCDE"}
    for title in ("B", "D"):
        client.patch(f"/me/artworks/{ids[title]}", json={"series": "harbour-studies"}, headers=ada)

    saved = client.put("/me/work-order", json={"work_order": [ids["B"], ids["A"]]}, headers=ada)
    assert saved.status_code == 200
    assert saved.json == {"work_order": [ids["B"], ids["A"]]}

    listing = "/artists/ada-verdigris/artworks"
    for limit in (1, 2, 24):
        assert walk(client, listing, limit) == ["B", "A", "E", "D", "C"]
        assert walk(client, listing, limit, series="harbour-studies") == ["B", "D"]
    unknown = client.get(f"{listing}?series=dunes")
    assert unknown.status_code == 404

    profile = client.get("/artists/ada-verdigris").json
    assert [(s["slug"], s["title"], s["count"]) for s in profile["series"]] == [
        ("harbour-studies", "Harbour studies", 2)
    ]
    assert profile["series"][0]["cover"]["title"] == "B"
    assert "work_order" not in profile


def test_an_order_with_someone_elses_work_or_a_repeat_is_422_and_nothing_changes(
    client: FlaskClient, services: Services
) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    rufus = auth(register(client, "Rufus Ochre"))
    mine = public_work(client, services, ada, "Mine")
    theirs = public_work(client, services, rufus, "Theirs")

    for order, reason in (
        ([mine, theirs], "is not one of your works"),
        ([mine, mine], "is in the order twice"),
        (mine, "a list of your works' ids"),
    ):
        refused = client.put("/me/work-order", json={"work_order": order}, headers=ada)
        assert refused.status_code == 422, order
        assert reason in refused.json["error"]["message"]
    assert client.get("/me", headers=ada).json["work_order"] == []
    assert client.put("/me/work-order", json={}, headers=ada).status_code == 422
    assert client.put("/me/work-order", json={"work_order": []}).status_code == 401


class LambdaContext:
    """The parts of the Lambda context the handler may read."""

    function_name = "copper-api"
    aws_request_id = "3f1c9d7e-0000-4000-8000-000000000002"
    memory_limit_in_mb = 512


@pytest.fixture
def lambda_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point a fresh cold start of the content function at an empty local backend."""
    monkeypatch.setenv("COPPER_BACKEND", "local")
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path))
    content_api.app.cache_clear()
    yield
    content_api.app.cache_clear()


def http_event(method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    """Invoke the content function with an HTTP API (v2) event; return status and JSON."""
    events = Path(__file__).parent.parent / "events"
    event = json.loads((events / "apigw-v2-healthz.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    if body is not None:
        event["body"] = json.dumps(body)
        event["headers"]["content-type"] = "application/json"
    if token is not None:
        event["headers"]["authorization"] = f"Bearer {token}"
    response = content_api.handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


@pytest.mark.usefixtures("lambda_backend")
def test_series_and_work_order_routes_answer_through_the_lambda_handler() -> None:
    status, account = http_event(
        "POST",
        "/auth/register",
        {"email": "ada@example.com", "password": "correct horse battery", "display_name": "Ada"},
    )
    assert status == 201
    token = account["token"]

    assert http_event("POST", "/me/series", {"title": "Night walks"}, token)[0] == 201
    assert http_event("PUT", "/me/work-order", {"work_order": []}, token) == (
        200,
        {"work_order": []},
    )
    status, profile = http_event("GET", "/artists/ada")
    assert status == 200
    assert profile["series"] == [
        {
            "slug": "night-walks",
            "title": "Night walks",
            "description": "",
            "count": 0,
            "cover": None,
        }
    ]
