"""Search speaks print-making on the page: what was searched for, facets, named colours."""

from __future__ import annotations

import numpy as np
import pytest
from flask.testing import FlaskClient

from heroku_web.colours import NAMED, _lab, colour_name
from pipeline.palette import srgb_to_lab
from search.vocabulary import COLOURS
from tests.unit.web.fakes import FakeApi

EMPTY = {"items": [], "total": 0, "facets": {}, "next_cursor": None, "interpreted": None}
GALLERY_FACETS = {
    "artist": [{"value": "ada-adler", "count": 3}],
    "medium": [{"value": "Aquatint", "count": 2}, {"value": "Woodcut", "count": 1}],
    "tags": [{"value": "sea", "count": 2}],
    "orientation": [],
    "year": [{"value": 2021, "count": 3}],
}


def test_a_search_read_more_widely_says_what_it_showed(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    fake_api.routes["/search"]["interpreted"] = {
        "words": [{"said": "etching", "also": ["aquatint", "drypoint"]}],
        "colours": [{"said": "gray", "name": "grey", "hex": "7f8c8d"}],
    }
    html = client.get("/search?q=gray+etching").get_data(as_text=True)
    reading = html[html.index("data-interpreted") :]
    reading = " ".join(reading[: reading.index("</p>")].split())
    assert "Showing results for" in reading
    assert "“etching” (also aquatint, drypoint)" in reading
    assert "the colour grey (“gray”)" in reading
    assert "--tint: #7f8c8d" in reading


def test_a_search_read_as_typed_says_nothing_more(client: FlaskClient, fake_api: FakeApi) -> None:
    fake_api.routes["/search"]["interpreted"] = None
    assert "Showing results for" not in client.get("/search?q=harbour").get_data(as_text=True)


def test_facets_stay_on_a_search_that_found_nothing_and_count_the_whole_gallery(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    # GIVEN a search that finds nothing, in a gallery that holds aquatints
    fake_api.routes["/search"] = EMPTY
    fake_api.routes["/search?limit=1"] = EMPTY | {"total": 3, "facets": GALLERY_FACETS}
    # WHEN the visitor sees the empty result
    html = client.get("/search?q=zzz&medium=etching").get_data(as_text=True)
    # THEN the facets are still there, counting the gallery, each starting a new search
    assert "Nothing matches that yet" in html
    assert "these count the whole gallery" in html
    assert 'href="/search?medium=Aquatint"' in html
    assert 'href="/search?tag=sea"' in html
    assert 'href="/search?year_from=2021&amp;year_to=2021"' in html
    assert '<span class="count">2</span>' in html


def test_an_empty_page_with_nothing_asked_shows_no_gallery_facets(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    fake_api.routes["/search"] = EMPTY
    html = client.get("/search").get_data(as_text=True)
    assert "count the whole gallery" not in html
    assert [path for path, _ in fake_api.calls].count("/search") == 1


def test_colour_chips_name_the_colour_in_words(client: FlaskClient) -> None:
    html = client.get("/search?colour=1e8c7e&colour=35b0a5").get_data(as_text=True)
    assert "colour: teal" in html
    assert "colour: near turquoise" in html
    assert "colour #" not in html


@pytest.mark.parametrize(
    ("hex_code", "name"),
    [("#2e5e8c", "blue"), ("cc7722", "ochre"), ("0000ff", "near ultramarine"), ("zz", "a colour")],
)
def test_a_colour_is_named_by_its_own_name_or_the_nearest(hex_code: str, name: str) -> None:
    assert colour_name(hex_code) == name


def test_the_gallery_names_colours_with_the_words_search_understands() -> None:
    words = {word for colour in COLOURS for word in colour.words}
    assert {name for _, name in NAMED} <= words
    for hex_code, _ in NAMED:
        expected = srgb_to_lab(np.frombuffer(bytes.fromhex(hex_code), dtype=np.uint8))
        assert _lab(hex_code) == pytest.approx(tuple(expected), abs=0.01)


def test_a_works_palette_swatches_are_named_in_words(client: FlaskClient) -> None:
    html = client.get("/artworks/w1").get_data(as_text=True)
    assert 'title="Find works in blue"' in html
