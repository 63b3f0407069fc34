"""Readable work URLs in the gallery: /artists/{artist}/{work}, with the id URL redirecting."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from heroku_web import seo
from tests.unit.web.fakes import FakeApi, artist, card, gallery_routes

READABLE = "/artists/ada-adler/harbour-at-dawn"
PUBLIC = "https://gallery.example.test"


def with_slug(routes: dict[str, Any], artwork_id: str, slug: str) -> None:
    """Give work `artwork_id` its slug in every answer that holds it (in place)."""
    for answer in routes.values():
        items = answer.get("items", []) if isinstance(answer, dict) else []
        for item in [answer, *items]:
            if isinstance(item, dict) and item.get("id") == artwork_id:
                item["slug"] = slug


@pytest.fixture
def fake_api() -> FakeApi:
    """Return the small gallery where "Harbour at Dawn" (w1) has a readable URL."""
    routes = gallery_routes()
    with_slug(routes, "w1", "harbour-at-dawn")
    routes["/artists/ada-adler/artworks/harbour-at-dawn"] = routes["/artworks/w1"]
    ada = artist("ada-adler", "Ada Adler")
    routes["/artworks/w2/similar"] = {
        "items": [card(routes["/artworks/w1"], ada, slug="harbour-at-dawn")]
    }
    return FakeApi(routes)


def hrefs(html: str) -> list[str]:
    """Return the link targets of a page."""
    return re.findall(r'href="([^"]+)"', html)


def test_the_id_url_of_a_work_with_a_slug_moves_permanently_to_its_readable_url(
    client: FlaskClient,
) -> None:
    response = client.get("/artworks/w1")

    assert response.status_code == 301
    assert response.headers["Location"] == READABLE


def test_the_readable_url_shows_the_work_and_is_its_canonical_url(client: FlaskClient) -> None:
    response = client.get(READABLE)
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Harbour at Dawn" in html
    assert f'<link rel="canonical" href="{PUBLIC}{READABLE}">' in html
    assert f'<meta property="og:url" content="{PUBLIC}{READABLE}">' in html
    assert "/artworks/w1/similar" in hrefs(html)


def test_a_wrong_artist_for_an_existing_work_slug_is_not_found(client: FlaskClient) -> None:
    assert client.get("/artists/ben-brandt/harbour-at-dawn").status_code == 404
    assert client.get("/artists/ada-adler/no-such-work").status_code == 404


def test_a_work_without_a_slug_is_still_served_by_its_id(client: FlaskClient) -> None:
    response = client.get("/artworks/w2")

    assert response.status_code == 200
    assert f'<link rel="canonical" href="{PUBLIC}/artworks/w2">' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/gallery", "/artists/ada-adler", "/search?q=harbour"])
def test_every_page_links_a_work_by_its_readable_url(client: FlaskClient, path: str) -> None:
    links = hrefs(client.get(path).get_data(as_text=True))

    assert READABLE in links
    assert "/artworks/w1" not in links


def test_similar_works_link_their_readable_urls(client: FlaskClient) -> None:
    links = hrefs(client.get("/artworks/w2/similar").get_data(as_text=True))

    assert READABLE in links
    assert "/artworks/w2" in links  # the work itself has no slug yet


def test_the_similar_page_of_a_work_with_a_slug_links_back_to_its_readable_url(
    client: FlaskClient,
) -> None:
    response = client.get("/artworks/w1/similar")

    assert response.status_code == 200
    assert READABLE in hrefs(response.get_data(as_text=True))


def test_the_sitemap_lists_works_by_their_readable_url(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seo, "_sitemaps", {})  # not another test's cached sitemap
    body = client.get("/sitemap.xml").get_data(as_text=True)

    assert f"<loc>{PUBLIC}{READABLE}</loc>" in body
    assert f"<loc>{PUBLIC}/artworks/w1</loc>" not in body
    assert f"<loc>{PUBLIC}/artworks/w2</loc>" in body
