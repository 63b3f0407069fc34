"""The gallery's search page names artists from the real API's facets, in one search request."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from copper.seed import ARTISTS


def api_paths(app: Flask) -> list[str]:
    """Start recording the path of every request the gallery makes to the API; return the list."""
    asked: list[str] = []
    session = app.extensions["gallery_api"].transport.session
    session.hooks["response"].append(lambda r, *a, **k: asked.append(urlsplit(r.url).path))
    return asked


def test_a_search_page_names_every_artist_without_asking_for_the_artists(
    app: Flask, client: FlaskClient
) -> None:
    asked = api_paths(app)
    html = client.get("/search").get_data(as_text=True)
    for artist in ARTISTS:
        assert f"<span>{artist.name}</span>" in html
    assert asked == ["/search"]


def test_a_chosen_artist_with_nothing_matching_is_named_in_its_chip(
    app: Flask, client: FlaskClient, works: list[dict[str, Any]]
) -> None:
    # GIVEN a seeded artist, and a medium none of their works is made in
    artist = ARTISTS[0]
    slug = artist.name.lower().replace(" ", "-")
    mediums = {work["medium"] for work in works}
    asked = api_paths(app)
    # WHEN a visitor asks for that artist's works in that medium
    response = client.get("/search", query_string={"artist": slug, "medium": "no such medium"})
    # THEN nothing matches, the chip names the artist, and no artist page was fetched
    html = response.get_data(as_text=True)
    assert "no such medium" not in mediums
    assert "Nothing matches that yet" in html
    assert f"artist: {artist.name} <span" in html
    assert not [path for path in asked if path.startswith("/artists")]
