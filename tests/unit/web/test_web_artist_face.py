"""The artist's page and card show their portrait (sized, described) and their safe links."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.unit.web.fakes import FakeApi, artist, artwork

PORTRAIT = [
    {
        "key": "renditions/profiles/ada/portrait-ab-160.jpg",
        "size": 160,
        "width": 160,
        "height": 160,
        "format": "jpeg",
    },
    {
        "key": "renditions/profiles/ada/portrait-ab-480.jpg",
        "size": 480,
        "width": 480,
        "height": 480,
        "format": "jpeg",
    },
]


def test_the_artist_page_shows_the_portrait_with_its_size_and_alt_text(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    fake_api.routes["/artists/ada-adler"] = fake_api.routes["/artists/ada-adler"] | {
        "portrait": PORTRAIT
    }
    html = client.get("/artists/ada-adler").get_data(as_text=True)
    head = html.split('class="page-head artist-head"', 1)[1].split("</div>", 1)[0]
    assert 'alt="Portrait of Ada Adler"' in head
    assert 'width="160" height="160"' in head
    assert "portrait-ab-160.jpg 160w" in head and "portrait-ab-480.jpg 480w" in head


def test_links_open_as_rel_me_and_script_or_data_urls_are_never_links(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    links = [
        {"label": "Shop", "url": "https://shop.example/ada"},
        {"label": "", "url": "http://ada.example"},
        {"label": "Bad", "url": "javascript:alert(1)"},
        {"label": "Data", "url": "data:text/html,hi"},
    ]
    fake_api.routes["/artists/ada-adler"] = fake_api.routes["/artists/ada-adler"] | {"links": links}
    html = client.get("/artists/ada-adler").get_data(as_text=True)
    assert '<a href="https://shop.example/ada" rel="me noopener">Shop</a>' in html
    assert '<a href="http://ada.example" rel="me noopener">ada.example</a>' in html
    assert "javascript:" not in html and "data:text" not in html


def test_an_artist_card_shows_a_small_portrait(client: FlaskClient, fake_api: FakeApi) -> None:
    ada = artist("ada-adler", "Ada Adler", "Etcher.") | {"portrait": PORTRAIT}
    cover = artwork("w2", "ada-adler", "Tall Pines", width=2000, height=3000)
    fake_api.routes["/artists"] = {"items": [ada | {"cover": cover}], "next_cursor": None}
    html = client.get("/artists").get_data(as_text=True)
    card = html.split('<li class="artist-card">', 1)[1].split("</li>", 1)[0]
    assert 'alt="Portrait of Ada Adler"' in card and 'width="48" height="48"' in card


def test_an_artist_without_portrait_or_links_shows_neither(client: FlaskClient) -> None:
    html = client.get("/artists/ada-adler").get_data(as_text=True)
    assert "Portrait of" not in html and "artist-links" not in html
