"""The search API names the artist of each artist facet bucket, and of the chosen artist."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.bootstrap import Services
from testkit.streams import drain_changes
from tests.integration.test_search_api import BLUE, PASSWORD, RED, add_work


def register(client: FlaskClient, email: str, name: str) -> dict[str, str]:
    """Register an artist; return their Authorization header."""
    body = {"email": email, "password": PASSWORD, "display_name": name}
    return {"Authorization": f"Bearer {client.post('/auth/register', json=body).json['token']}"}


@pytest.fixture
def artists(client: FlaskClient, services: Services) -> dict[str, dict[str, str]]:
    """Two artists with a published work each: Ada's oil, Mara's watercolour."""
    ada = register(client, "ada@example.com", "Ada Lovelace")
    mara = register(client, "mara@example.com", "Mara Voss")
    add_work(
        client, services, ada, {"title": "Sunflowers", "medium": "Oil"}, RED, "ff00ff00ff00ff00"
    )
    add_work(
        client,
        services,
        mara,
        {"title": "Harbour", "medium": "Watercolour"},
        BLUE,
        "00ff00ff00ff00ff",
    )
    return {"ada": ada, "mara": mara}


def artist_facet(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    """Return the artist facet of a search."""
    response = client.get(f"/search?{query}")
    assert response.status_code == 200
    facet: list[dict[str, Any]] = response.json["facets"]["artist"]
    return facet


def test_each_artist_bucket_carries_the_artists_name(
    client: FlaskClient, artists: dict[str, dict[str, str]]
) -> None:
    assert artist_facet(client) == [
        {"value": "ada-lovelace", "count": 1, "label": "Ada Lovelace"},
        {"value": "mara-voss", "count": 1, "label": "Mara Voss"},
    ]
    other = client.get("/search").json["facets"]["medium"]
    assert other == [{"value": "Oil", "count": 1}, {"value": "Watercolour", "count": 1}]


def test_the_chosen_artist_keeps_a_named_bucket_when_nothing_of_theirs_matches(
    client: FlaskClient, artists: dict[str, dict[str, str]]
) -> None:
    # GIVEN Mara, who has no oil
    # WHEN a visitor asks for Mara's oils
    page = client.get("/search?artist=mara-voss&medium=Oil").json
    # THEN nothing matches, and Mara's bucket is still there, named, counting 0
    assert page["total"] == 0
    assert page["facets"]["artist"] == [{"value": "mara-voss", "count": 0, "label": "Mara Voss"}]
    assert artist_facet(client, "artist=nobody") == []


def test_a_renamed_artist_is_named_anew_in_labels_and_hits_through_the_change_stream(
    client: FlaskClient, services: Services, artists: dict[str, dict[str, str]]
) -> None:
    # GIVEN Mara's works indexed under her name
    # WHEN she renames herself (her works do not change)
    renamed = client.patch("/me", json={"display_name": "Mara Keller"}, headers=artists["mara"])
    assert renamed.status_code == 200
    drain_changes(services)  # the index follows the content store's change stream
    # THEN search names her anew, with no reindex: facets and every card
    labels = {bucket["value"]: bucket["label"] for bucket in artist_facet(client)}
    assert labels == {"ada-lovelace": "Ada Lovelace", "mara-voss": "Mara Keller"}
    hits = client.get("/search?artist=mara-voss").json["items"]
    assert hits and {hit["artist"]["display_name"] for hit in hits} == {"Mara Keller"}
