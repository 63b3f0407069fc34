"""Search through the API on the embedded backend: kept in step with content, and rebuilt."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from content.model import OriginalObject, Status
from search.errors import SearchUnavailable
from service.bootstrap import Services
from testkit.cli import COPPER
from testkit.streams import drain_changes

PASSWORD = "correct horse battery"
RED = {"lab": [53.2, 80.1, 67.2], "hex": "#ff0000", "family": "red", "weight": 0.9}
BLUE = {"lab": [32.3, 79.2, -107.9], "hex": "#0000ff", "family": "blue", "weight": 0.9}
GREY = {"lab": [53.6, 0.0, 0.0], "hex": "#808080", "family": "grey", "weight": 0.1}


@pytest.fixture
def ada(client: FlaskClient) -> dict[str, str]:
    """The Authorization header of a registered artist, Ada."""
    body = {"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada Lovelace"}
    return {"Authorization": f"Bearer {client.post('/auth/register', json=body).json['token']}"}


def processed(services: Services, artwork_id: str, colour: dict[str, Any], phash: str) -> None:
    """Record a work as the pipeline will: ready, with facts, then synced to the index."""
    stored = services.repository.get_artwork(artwork_id)
    facts = {
        "palette": [colour, GREY],
        "phash": phash,
        "blurhash": "L00000fQfQfQ",
        "width": 1200,
        "height": 800,
        "orientation": "landscape",
    }
    original = OriginalObject(f"originals/{stored.artist_id}/{artwork_id}/o.jpg", sequencer="01")
    ready = replace(stored, status=Status.READY, facts=facts, original=original)
    services.repository.save_artwork(ready, stored.version)


def add_work(
    client: FlaskClient,
    services: Services,
    ada: dict,
    fields: dict,
    colour: dict,
    phash: str,
    publish: bool = True,
) -> str:
    """Create, process and (optionally) publish a work; return its id."""
    work = client.post("/me/artworks", json=fields, headers=ada).json
    processed(services, work["id"], colour, phash)
    if publish:
        client.post(f"/me/artworks/{work['id']}/publish", headers=ada)
    drain_changes(services)  # what the workers do with the change log
    return work["id"]


@pytest.fixture
def gallery(client: FlaskClient, services: Services, ada: dict) -> dict[str, str]:
    """Three works: two published (red sunflowers, blue harbour), one red draft."""
    return {
        "sunflowers": add_work(
            client,
            services,
            ada,
            {"title": "Sunflowers at dusk", "tags": ["flowers"], "medium": "Oil"},
            RED,
            "ffff0000ffff0000",
        ),
        "harbour": add_work(
            client,
            services,
            ada,
            {"title": "Harbour in winter", "tags": ["sea"], "medium": "Watercolour"},
            BLUE,
            "0000ffff0000ffff",
        ),
        "draft": add_work(
            client,
            services,
            ada,
            {"title": "Sunflowers study"},
            RED,
            "ffff0000ffff0001",
            publish=False,
        ),
    }


def ids(response: Any) -> list[str]:
    """Return the artwork ids of a result page."""
    return [item["id"] for item in response.json["items"]]


def test_text_search_finds_published_works_with_a_typo_and_never_a_draft(
    client: FlaskClient, gallery: dict[str, str]
) -> None:
    response = client.get("/search?q=sunflowr")
    assert response.status_code == 200
    assert ids(response) == [gallery["sunflowers"]]
    assert "<mark>" in response.json["items"][0]["highlights"]["title"]


def test_facets_filters_and_colour_search(client: FlaskClient, gallery: dict[str, str]) -> None:
    everything = client.get("/search").json
    mediums = {facet["value"]: facet["count"] for facet in everything["facets"]["medium"]}
    assert mediums == {"Oil": 1, "Watercolour": 1}
    assert ids(client.get("/search?tag=sea")) == [gallery["harbour"]]
    assert ids(client.get("/search?colour=ff0000"))[0] == gallery["sunflowers"]
    assert ids(client.get("/search?colour=0000ff:1&colour=808080:0.2"))[0] == gallery["harbour"]


def test_more_like_this_excludes_the_work_itself(client: FlaskClient, gallery: dict) -> None:
    similar = ids(client.get(f"/artworks/{gallery['sunflowers']}/similar"))
    assert gallery["sunflowers"] not in similar
    assert gallery["draft"] not in similar
    assert client.get(f"/artworks/{gallery['draft']}/similar").status_code == 404


def test_unpublishing_and_deleting_remove_a_work_from_search_once_the_change_is_indexed(
    client: FlaskClient, services: Services, gallery: dict, ada: dict
) -> None:
    client.post(f"/me/artworks/{gallery['harbour']}/unpublish", headers=ada)
    drain_changes(services)
    assert ids(client.get("/search?q=harbour")) == []
    client.delete(f"/me/artworks/{gallery['sunflowers']}", headers=ada)
    drain_changes(services)
    assert ids(client.get("/search?q=sunflowers")) == []


@pytest.mark.parametrize(
    "query", ["colour=nothex", "year_from=abc", "limit=0", "sort=random", "cursor=bogus"]
)
def test_bad_search_parameters_are_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/search?{query}")
    assert (response.status_code, response.json["error"]["code"]) == (400, "invalid_query")


def test_an_index_outage_keeps_the_write_and_copper_reindex_repairs_search(
    client: FlaskClient,
    services: Services,
    gallery: dict,
    ada: dict,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    def outage(*args: Any, **kwargs: Any) -> Any:
        raise SearchUnavailable("index down")

    monkeypatch.setattr(services.search, "upsert", outage)
    renamed = client.patch(
        f"/me/artworks/{gallery['harbour']}", json={"title": "Lighthouse"}, headers=ada
    )
    assert renamed.status_code == 200
    monkeypatch.undo()
    assert ids(client.get("/search?q=lighthouse")) == []
    environment = {**os.environ, "COPPER_DATA_DIR": str(tmp_path), "COPPER_BACKEND": "local"}
    result = subprocess.run(
        [str(COPPER), "reindex"], capture_output=True, text=True, env=environment, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "3 documents indexed" in result.stderr
    assert ids(client.get("/search?q=lighthouse")) == [gallery["harbour"]]


def test_search_results_are_json_cards(client: FlaskClient, gallery: dict) -> None:
    card = client.get("/search?q=harbour").json["items"][0]
    assert card["artist"] == {"slug": "ada-lovelace", "display_name": "Ada Lovelace"}
    assert card["palette"][0] == "#0000ff"
    json.dumps(card)


def test_a_search_says_what_it_searched_for_when_it_read_more_than_the_words(
    client: FlaskClient, gallery: dict
) -> None:
    # GIVEN the blue "Harbour in winter", a watercolour
    # WHEN a visitor asks for blue harbours in watercolour, in their own words
    page = client.get("/search?q=blue+harbour").json
    # THEN the colour word is read as a colour, and the API says so
    assert ids_of(page) == [gallery["harbour"]]
    assert page["interpreted"] == {
        "words": [{"said": "harbour", "also": []}],
        "colours": [{"said": "blue", "name": "blue", "hex": "2e5e8c"}],
    }
    etching = client.get("/search?q=etching").json["interpreted"]
    assert etching["colours"] == [] and "aquatint" in etching["words"][0]["also"]
    assert client.get("/search?q=harbour").json["interpreted"] is None


def ids_of(page: dict[str, Any]) -> list[str]:
    """Return the artwork ids of a result page's JSON."""
    return [item["id"] for item in page["items"]]
