"""The gallery's artist page by series and in the artist's order, and the series of a work."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.unit.web.fakes import FakeApi, artist, artwork

HARBOUR = {"slug": "harbour-studies", "title": "Harbour studies", "description": "Boats.\nAt rest."}
NIGHT = {"slug": "night-walks", "title": "Night walks", "description": ""}
EMPTY = {"slug": "empty", "title": "Nothing yet", "description": ""}


def with_series(fake_api: FakeApi) -> dict[str, Any]:
    """Give Ada series (one of them empty) and a work in the harbour series; return Ada."""
    ada = artist("ada-adler", "Ada Adler") | {
        "series": [HARBOUR | {"count": 1}, NIGHT | {"count": 2}, EMPTY | {"count": 0}]
    }
    fake_api.routes["/artists/ada-adler"] = ada
    fake_api.routes["/artists"] = {"items": [ada], "next_cursor": None}
    harbour = artwork("w1", "ada-adler", "Harbour at Dawn", series="harbour-studies")
    fake_api.routes["/artworks/w1"] = harbour
    fake_api.routes["/artists/ada-adler/artworks?limit=24&series=harbour-studies"] = {
        "items": [harbour],
        "next_cursor": "next-harbour",
    }
    return ada


def test_the_artist_page_offers_every_series_with_works_and_all_works(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    with_series(fake_api)
    html = client.get("/artists/ada-adler").get_data(as_text=True)

    assert '<nav class="series-nav" aria-label="Series">' in html
    assert 'href="/artists/ada-adler" aria-current="page">All works</a>' in html
    assert 'href="/artists/ada-adler?series=harbour-studies">Harbour studies</a>' in html
    assert 'href="/artists/ada-adler?series=night-walks">Night walks</a>' in html
    assert "Nothing yet" not in html


def test_a_chosen_series_shows_its_title_description_and_works_and_pages_within_it(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    with_series(fake_api)
    html = client.get("/artists/ada-adler?series=harbour-studies").get_data(as_text=True)

    assert ("/artists/ada-adler/artworks", "limit=24&series=harbour-studies") in fake_api.calls
    assert '<h2 id="works-heading">Harbour studies</h2>' in html
    assert "<p>Boats.</p><p>At rest.</p>" in html
    assert 'aria-current="page">Harbour studies</a>' in html
    assert "Harbour at Dawn" in html
    assert "series=harbour-studies&amp;cursor=next-harbour" in html
    assert (
        '<link rel="canonical" href="https://gallery.example.test/artists/ada-adler'
        '?series=harbour-studies">'
    ) in html


def test_a_series_the_artist_does_not_have_is_not_found(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    with_series(fake_api)
    assert client.get("/artists/ada-adler?series=dunes").status_code == 404


def test_the_artwork_page_says_which_series_the_work_is_part_of(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    with_series(fake_api)
    html = client.get("/artworks/w1").get_data(as_text=True)

    assert "Part of the series" in html
    assert 'href="/artists/ada-adler?series=harbour-studies">Harbour studies</a>' in html


def test_an_artist_without_series_shows_no_series_navigation(client: FlaskClient) -> None:
    html = client.get("/artists/ada-adler").get_data(as_text=True)
    assert "series-nav" not in html
    assert "Part of the series" not in client.get("/artworks/w1").get_data(as_text=True)
