"""Search: the state lives in the URL, facets and colours refine it, highlights render safely."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask.testing import FlaskClient

from tests.unit.web.fakes import ApiRejected, FakeApi


def asked(fake_api: FakeApi) -> dict[str, list[str]]:
    """Return the query string of the last /search call the API got."""
    query = [q for path, q in fake_api.calls if path == "/search"][-1]
    return parse_qs(query)


def test_the_whole_search_state_is_forwarded_from_the_url_to_the_api(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    url = (
        "/search?q=harbor&artist=ada-adler&tag=boats&tag=harbour&medium=etching"
        "&orientation=landscape&year_from=2020&year_to=2022&colour=c0392b:0.5&sort=newest"
    )
    assert client.get(url).status_code == 200
    assert asked(fake_api) == {
        "q": ["harbor"],
        "artist": ["ada-adler"],
        "tag": ["boats", "harbour"],
        "medium": ["etching"],
        "orientation": ["landscape"],
        "year_from": ["2020"],
        "year_to": ["2022"],
        "colour": ["c0392b:0.5"],
        "sort": ["newest"],
        "limit": ["24"],
    }


def test_a_search_url_is_tidied_with_a_redirect_so_it_stays_shareable(
    client: FlaskClient,
) -> None:
    response = client.get("/search?q=+moon+&medium=&colour=%23C0392B&sort=relevance&junk=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/search?q=moon&colour=c0392b"


def test_results_show_cards_with_thumbnails_and_the_total(client: FlaskClient) -> None:
    html = client.get("/search?q=harbour").get_data(as_text=True)
    assert "2 works for “harbour”" in html
    assert 'src="https://media.example.test/renditions/w1/thumb.jpg"' in html
    assert 'alt="Harbour at Dawn by Ada Adler"' in html


def test_highlights_keep_only_mark_tags_and_escape_everything_else(client: FlaskClient) -> None:
    html = client.get("/search?q=harbour").get_data(as_text=True)
    assert "<mark>Harbour</mark> at Dawn &amp; &lt;x&gt;" in html


def test_facets_show_counts_and_link_to_the_refined_search(client: FlaskClient) -> None:
    html = client.get("/search?q=harbour").get_data(as_text=True)
    assert 'href="/search?q=harbour&amp;medium=woodcut"' in html
    assert 'href="/search?q=harbour&amp;tag=harbour"' in html
    assert 'href="/search?q=harbour&amp;year_from=2021&amp;year_to=2021"' in html
    assert 'href="/search?q=harbour&amp;artist=ben-brandt"' in html
    assert "<span>Ben Brandt</span>" in html
    assert '<span class="count">2</span>' in html


def test_an_active_facet_links_back_to_the_search_without_it(client: FlaskClient) -> None:
    html = client.get("/search?q=harbour&medium=etching&tag=harbour").get_data(as_text=True)
    assert 'href="/search?q=harbour&amp;tag=harbour" aria-current="true"' in html
    assert 'href="/search?q=harbour&amp;medium=etching" aria-current="true"' in html
    assert 'href="/search?q=harbour">Clear all filters' in html


def test_colour_swatches_add_a_colour_and_the_picker_keeps_the_rest_of_the_state(
    client: FlaskClient,
) -> None:
    html = client.get("/search?q=harbour&tag=boats").get_data(as_text=True)
    assert 'href="/search?q=harbour&amp;tag=boats&amp;colour=2e5e8c"' in html
    form = html[html.index('class="colour-form"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="q" value="harbour">' in form
    assert '<input type="hidden" name="tag" value="boats">' in form
    assert 'type="color" name="colour"' in form


def test_the_next_page_link_carries_the_cursor_and_the_state(client: FlaskClient) -> None:
    html = client.get("/search?q=harbour&tag=boats").get_data(as_text=True)
    assert 'href="/search?q=harbour&amp;tag=boats&amp;cursor=search-cursor-2"' in html


def test_refining_a_search_starts_again_from_the_first_page(client: FlaskClient) -> None:
    html = client.get("/search?q=harbour&cursor=abc").get_data(as_text=True)
    assert 'href="/search?q=harbour&amp;medium=woodcut"' in html
    link = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query)["cursor"] == ["search-cursor-2"]


def test_an_empty_result_offers_ways_forward(client: FlaskClient, fake_api: FakeApi) -> None:
    fake_api.routes["/search"] = {"items": [], "total": 0, "facets": {}, "next_cursor": None}
    html = client.get("/search?q=zzz&medium=etching").get_data(as_text=True)
    assert "Nothing matches that yet" in html
    assert 'href="/search?q=zzz">Search “zzz” without filters' in html
    assert 'href="/gallery"' in html


def test_an_empty_filtered_result_without_words_offers_to_remove_the_filters(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    fake_api.routes["/search"] = {"items": [], "total": 0, "facets": {}, "next_cursor": None}
    html = client.get("/search?medium=etching&tag=boats").get_data(as_text=True)
    assert "Nothing matches that yet" in html
    assert '<a href="/search">Remove all filters</a>' in html
    assert "“”" not in html
    assert "drop the words" not in html


def test_a_search_the_api_refuses_explains_itself(client: FlaskClient, fake_api: FakeApi) -> None:
    fake_api.routes["/search"] = ApiRejected(400, "invalid_query", "'year_from' must be a number")
    response = client.get("/search?year_from=abc")
    assert response.status_code == 400
    assert "&#39;year_from&#39; must be a number" in response.get_data(as_text=True)


def test_filtered_searches_are_not_indexed(client: FlaskClient) -> None:
    assert 'content="noindex, follow"' in client.get("/search?tag=boats").get_data(as_text=True)
    assert "noindex" not in client.get("/search").get_data(as_text=True)
