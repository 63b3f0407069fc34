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


def test_an_artwork_page_tells_a_collector_edition_paper_signature_price_and_how_to_enquire(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    work = fake_api.routes["/artworks/w1"]
    fake_api.routes["/artworks/w1"] = work | {
        "edition_size": 30,
        "edition_number": 12,
        "paper": "Somerset velvet, 300 gsm",
        "signed": True,
        "availability": "available",
        "price": "1450.5",
        "currency": "EUR",
    }
    ada = fake_api.routes["/artists/ada-adler"]
    directory = fake_api.routes["/artists"]
    contact = ada | {"contact_email": "ada@studio.example"}
    fake_api.routes["/artists"] = directory | {"items": [contact, *directory["items"][1:]]}
    fake_api.routes["/artists/ada-adler"] = contact  # the page reads the artist's own profile
    html = client.get("/artworks/w1").get_data(as_text=True)
    assert "<dt>Edition</dt><dd>12 of 30</dd>" in html
    assert "<dt>Paper</dt><dd>Somerset velvet, 300 gsm</dd>" in html
    assert "<dt>Signed</dt><dd>Signed by the artist</dd>" in html
    assert "<dt>Availability</dt><dd>Available</dd>" in html
    assert "<dt>Price</dt><dd>€1,450.50</dd>" in html
    assert 'href="mailto:ada@studio.example?subject=Enquiry%20about%20' in html
    assert "dpi" not in html and " px" not in html


def test_a_sold_open_edition_shows_no_price_and_no_enquiry(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    work = fake_api.routes["/artworks/w1"]
    fake_api.routes["/artworks/w1"] = work | {
        "open_edition": True,
        "availability": "sold",
        "price": "90",
        "currency": "CHF",
        "signed": False,
    }
    html = client.get("/artworks/w1").get_data(as_text=True)
    assert "<dt>Edition</dt><dd>Open edition</dd>" in html
    assert "<dt>Availability</dt><dd>Sold</dd>" in html
    assert "<dt>Signed</dt><dd>Not signed</dd>" in html
    assert "CHF" not in html and "mailto:" not in html
