"""Curated slots: featured works offer every rendition, sized for their own shape."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.unit.web.fakes import FakeApi, artist, artwork


def featured_items(html: str) -> list[str]:
    """Return the HTML of each featured item."""
    block = html.split('class="featured-list"', 1)[1].split("</ul>", 1)[0]
    return block.split('<li class="featured-item')[1:]


def test_featured_images_offer_the_largest_rendition_for_wide_screens(
    client: FlaskClient,
) -> None:
    html = client.get("/").get_data(as_text=True)
    items = featured_items(html)
    assert items
    for item in items:
        assert re.search(r'srcset="[^"]*2400px\.avif \d+w"', item)
        assert 'sizes="(max-width: 40em) calc(100vw - 2rem), min(' in item


def test_featured_items_name_their_shape_and_keep_their_aspect(client: FlaskClient) -> None:
    items = featured_items(client.get("/").get_data(as_text=True))
    assert any(item.startswith(" featured-plain") and "--ar: 1.5;" in item for item in items)


def test_the_artists_page_shows_cards_with_each_artists_cover_uncropped(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    ada = artist("ada-adler", "Ada Adler", "Etcher of harbours.")
    cover = artwork("w2", "ada-adler", "Tall Pines", width=2000, height=3000)
    fake_api.routes["/artists"] = {"items": [ada | {"cover": cover}], "next_cursor": None}
    html = client.get("/artists").get_data(as_text=True)
    card = html.split('<li class="artist-card">', 1)[1].split("</li>", 1)[0]
    assert 'href="/artists/ada-adler"' in card
    assert 'class="cover-frame"' in card
    assert 'alt="Tall Pines by Ada Adler"' in card
    assert "renditions/w2/1024px.avif" in card
    assert "Etcher of harbours." in card
