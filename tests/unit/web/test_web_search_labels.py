"""The search page names artists from the facet labels and never walks the artist directory."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.unit.web.fakes import FakeApi

NOTHING: dict[str, Any] = {"items": [], "total": 0, "next_cursor": None, "interpreted": None}


def labelled(fake_api: FakeApi) -> None:
    """Make the fake's artist buckets carry labels, as the API answers them."""
    facets = fake_api.routes["/search"]["facets"]
    facets["artist"] = [
        {"value": "ada-adler", "count": 1, "label": "Ada Adler"},
        {"value": "cy-corvin", "count": 1, "label": "Cy Corvin"},
    ]


def test_the_search_page_asks_the_api_nothing_about_artists(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    labelled(fake_api)
    assert client.get("/search?q=harbour&artist=ada-adler").status_code == 200
    assert [path for path in fake_api.paths() if path.startswith("/artists")] == []


def test_artist_facets_show_the_label_the_api_gives(client: FlaskClient, fake_api: FakeApi) -> None:
    # GIVEN an artist in the facets with no work on this page of results
    labelled(fake_api)
    # WHEN the visitor looks at the artist facet
    html = client.get("/search?q=harbour").get_data(as_text=True)
    # THEN the artist is named, and the link still filters by slug
    assert "<span>Cy Corvin</span>" in html
    assert 'href="/search?q=harbour&amp;artist=cy-corvin"' in html


def test_an_artist_facet_without_a_label_shows_its_slug(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    fake_api.routes["/search"]["facets"]["artist"] = [{"value": "dee-dunn", "count": 3}]
    html = client.get("/search?q=harbour").get_data(as_text=True)
    assert "<span>dee-dunn</span>" in html


def test_the_chosen_artists_chip_is_named_when_nothing_of_theirs_matches(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    # GIVEN Mara has no woodcut: the API answers with her bucket, labelled, counting 0
    chosen = [{"value": "mara-voss", "count": 0, "label": "Mara Voss"}]
    fake_api.routes["/search"] = NOTHING | {"facets": {"artist": chosen}}
    fake_api.routes["/search?limit=1"] = NOTHING | {"total": 3, "facets": {"medium": []}}
    # WHEN the visitor asks for Mara's woodcuts
    html = client.get("/search?artist=mara-voss&medium=woodcut").get_data(as_text=True)
    # THEN the chip says her name, and no directory was walked to find it
    assert "artist: Mara Voss <span" in html
    assert [path for path in fake_api.paths() if path.startswith("/artists")] == []


def test_the_whole_gallery_facets_of_an_empty_result_name_their_artists(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    everywhere = {"artist": [{"value": "cy-corvin", "count": 2, "label": "Cy Corvin"}]}
    fake_api.routes["/search"] = NOTHING | {"facets": {}}
    fake_api.routes["/search?limit=1"] = NOTHING | {"total": 2, "facets": everywhere}
    html = client.get("/search?q=zzz").get_data(as_text=True)
    assert "these count the whole gallery" in html
    assert "<span>Cy Corvin</span>" in html
