"""The gallery against the real API with processed, published works."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from flask.testing import FlaskClient

from copper.seed import ARTISTS
from testkit.stack import LocalStack


@pytest.fixture(scope="module")
def paths(stack: LocalStack, works: list[dict[str, Any]]) -> dict[str, str]:
    """Return each work's readable page path (/artists/{artist}/{work}) by work id."""
    listed = requests.get(f"{stack.api_url}/artists?limit=100", timeout=10).json()["items"]
    slugs = {artist["id"]: artist["slug"] for artist in listed}
    return {w["id"]: f"/artists/{slugs[w['artist_id']]}/{w['slug']}" for w in works}


def test_every_seeded_work_is_in_the_grid_with_its_artist(
    client: FlaskClient, works: list[dict[str, Any]], paths: dict[str, str]
) -> None:
    html = client.get("/gallery").get_data(as_text=True)
    assert len(works) == 9
    for work in works:
        assert f'href="{paths[work["id"]]}"' in html
    for name in ("Ada Verdigris", "Rufus Ochre", "Mina Cobalt"):
        assert name in html


def test_the_home_page_shows_featured_newest_and_artists(client: FlaskClient) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Featured" in html and "Artists to discover" in html


def test_every_image_the_artwork_page_offers_is_served_by_the_media_store(
    client: FlaskClient, works: list[dict[str, Any]], paths: dict[str, str]
) -> None:
    html = client.get(paths[works[0]["id"]]).get_data(as_text=True)
    picture = re.search(r"<picture>.*?</picture>", html, re.S)
    assert picture is not None
    urls = set(re.findall(r"(http://[^\s\"]+) \d+w", picture.group(0)))
    assert len(urls) == 9  # 320, 640 and 1024 px in AVIF, WebP and JPEG
    types = set()
    for url in urls:
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, url
        types.add(response.headers["Content-Type"])
    assert types == {"image/avif", "image/webp", "image/jpeg"}


def test_an_artwork_page_names_the_artist_and_shows_facts_and_similar_works(
    client: FlaskClient, works: list[dict[str, Any]], paths: dict[str, str]
) -> None:
    work = works[0]
    html = client.get(paths[work["id"]]).get_data(as_text=True)
    assert ">" + work["title"].replace("'", "&#39;") + "</h1>" in html
    assert 'class="artwork-artist">by <a href="/artists/' in html
    assert "dpi" not in html and " px" not in html  # pixel facts stay in the studio
    assert f"<dt>Size</dt><dd>{work['physical_size']}</dd>" in html
    assert f'<a href="/search?medium={work["medium"].replace(" ", "+")}">' in html
    assert "More like this" in html
    similar = client.get(f"/artworks/{work['id']}/similar").get_data(as_text=True)
    assert similar.count('class="tile"') >= 1
    colour = work["facts"]["palette"][0]["hex"].lstrip("#").lower()
    assert f'href="/search?colour={colour}"' in html


def test_an_artist_page_shows_their_bio_and_lists_only_their_works(client: FlaskClient) -> None:
    html = client.get("/artists/rufus-ochre").get_data(as_text=True)
    rufus = next(artist for artist in ARTISTS if artist.name == "Rufus Ochre")
    assert "<h1>Rufus Ochre</h1>" in html
    assert f'<div class="bio"><p>{rufus.bio}</p></div>' in html
    assert f'<meta name="description" content="{rufus.bio[:100]}' in html
    assert html.count('class="cell"') == 3


def test_the_artists_directory_shows_each_bio(client: FlaskClient) -> None:
    html = client.get("/artists").get_data(as_text=True)
    for artist in ARTISTS:
        assert artist.bio[:60] in html


def test_a_text_search_finds_works_and_offers_facets(
    client: FlaskClient, works: list[dict[str, Any]], paths: dict[str, str]
) -> None:
    word = works[0]["title"].split()[-1]
    html = client.get(f"/search?q={word}").get_data(as_text=True)
    assert f'href="{paths[works[0]["id"]]}"' in html
    assert "<mark>" in html
    assert 'class="facet-link"' in html


def test_a_facet_narrows_the_results(client: FlaskClient, works: list[dict[str, Any]]) -> None:
    medium = works[0]["medium"]
    html = client.get("/search", query_string={"medium": medium}).get_data(as_text=True)
    expected = [w for w in works if w["medium"] == medium]
    assert 0 < len(expected) < len(works)
    assert html.count('class="tile"') == len(expected)


def test_a_colour_search_ranks_works_by_palette(
    client: FlaskClient, works: list[dict[str, Any]]
) -> None:
    colour = works[0]["facts"]["palette"][0]["hex"].lstrip("#")
    response = client.get(f"/search?colour={colour}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="tile"') >= 1


def test_an_unknown_work_is_the_sites_404(client: FlaskClient) -> None:
    assert client.get("/artworks/01AAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404


def test_the_request_id_follows_the_visitor_into_the_api(
    client: FlaskClient, stack: LocalStack, app: Any
) -> None:
    echoed: list[str] = []
    session = app.extensions["gallery_api"].transport.session
    session.hooks["response"].append(lambda r, *a, **k: echoed.append(r.headers["X-Request-Id"]))
    visitor_id = "visitor-req-0001"
    response = client.get("/artists/ada-verdigris", headers={"X-Request-Id": visitor_id})
    assert response.headers["X-Request-Id"] == visitor_id
    assert echoed and set(echoed) == {visitor_id}


def test_the_sitemap_lists_every_published_work(
    client: FlaskClient, works: list[dict[str, Any]], paths: dict[str, str]
) -> None:
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert all(f"{paths[work['id']]}</loc>" in xml for work in works)


def test_an_id_address_moves_permanently_to_the_readable_one(
    client: FlaskClient, works: list[dict[str, Any]], paths: dict[str, str]
) -> None:
    response = client.get(f"/artworks/{works[0]['id']}")
    assert (response.status_code, response.headers["Location"]) == (301, paths[works[0]["id"]])


def test_pages_ask_the_api_for_their_own_works_never_for_every_artist(
    client: FlaskClient, app: Any, works: list[dict[str, Any]], paths: dict[str, str]
) -> None:
    # The works name their artists, so no page walks the whole directory (whose covers cost a
    # query per artist); the home page asks for its few artists to discover, shuffled by day.
    asked: list[str] = []
    session = app.extensions["gallery_api"].transport.session
    session.hooks["response"].append(lambda r, *a, **k: asked.append(r.url))
    work = works[0]
    pages = [
        "/",
        "/gallery",
        paths[work["id"]],
        f"/artworks/{work['id']}",
        "/artists/ada-verdigris",
    ]
    for path in pages:
        assert client.get(path).status_code in (200, 301), path
    directory_walks = [
        url for url in asked if urlsplit(url).path == "/artists" and "shuffle=" not in url
    ]
    assert asked and directory_walks == []
    assert any("shuffle=" in url for url in asked), "the home page's artists to discover"
