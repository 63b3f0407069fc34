"""Every page of the gallery renders from the API's JSON."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.unit.web.fakes import FakeApi


def test_the_home_page_shows_featured_and_newest_works_and_artists_to_discover(
    client: FlaskClient,
) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Featured" in html and "Newest works" in html and "Artists to discover" in html
    assert "Harbour at Dawn" in html and "Ada Adler" in html
    assert 'href="/artists/ben-brandt"' in html


def test_the_home_page_shares_a_large_rendition_as_its_opengraph_image(
    client: FlaskClient,
) -> None:
    html = client.get("/").get_data(as_text=True)
    assert (
        '<meta property="og:image" content="https://media.example.test/renditions/w1/1600px.jpg">'
        in html
    )


def test_the_grid_lists_a_page_of_works_with_a_link_to_the_next_page(
    client: FlaskClient,
) -> None:
    response = client.get("/gallery")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="cell"') == 3
    assert 'href="/gallery?cursor=page-2"' in html
    assert 'rel="next"' in html


def test_a_grid_cell_keeps_the_works_aspect_ratio_and_shows_its_dominant_colour_first(
    client: FlaskClient,
) -> None:
    html = client.get("/gallery").get_data(as_text=True)
    assert 'style="--ar: 1.5; --tint: #2e5e8c"' in html
    assert 'style="--ar: 0.6667; --tint: #2e5e8c"' in html
    assert 'data-blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj"' in html


def test_grid_images_are_lazy_with_their_size_and_alt_text_from_title_and_artist(
    client: FlaskClient,
) -> None:
    html = client.get("/gallery?cursor=page-1").get_data(as_text=True)
    images = re.findall(r"<img [^>]+>", html)
    assert images
    for img in images:
        assert 'loading="lazy"' in img
        assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img)
    assert 'alt="Harbour at Dawn by Ada Adler"' in html
    assert 'alt="Tall Pines by Ben Brandt"' in html


def test_the_grid_never_offers_renditions_larger_than_a_cell_needs(client: FlaskClient) -> None:
    html = client.get("/gallery").get_data(as_text=True)
    assert "1600px" not in html and "2400px" not in html
    assert "1024px.avif 1024w" in html


def test_an_artwork_page_offers_avif_webp_and_jpeg_and_lets_the_browser_choose(
    client: FlaskClient,
) -> None:
    html = client.get("/artworks/w1").get_data(as_text=True)
    picture = re.search(r"<picture>.*?</picture>", html, re.S)
    assert picture is not None
    markup = picture.group(0)
    avif = markup.index('type="image/avif"')
    webp = markup.index('type="image/webp"')
    assert avif < webp < markup.index("<img ")
    assert "https://media.example.test/renditions/w1/2400px.avif 2400w" in markup
    assert "https://media.example.test/renditions/w1/320px.webp 320w" in markup
    assert 'src="https://media.example.test/renditions/w1/1024px.jpg"' in markup
    assert 'sizes="min(calc(100vw - 2rem), 120.0vh, 1400px)"' in markup
    assert 'width="3000" height="2000"' in markup
    assert 'fetchpriority="high"' in markup and 'loading="eager"' in markup


def test_an_artwork_page_tells_its_story_and_links_everything_it_names(
    client: FlaskClient,
) -> None:
    html = client.get("/artworks/w1").get_data(as_text=True)
    assert '<h1 id="artwork-title">Harbour at Dawn</h1>' in html
    assert 'href="/artists/ada-adler">Ada Adler</a>' in html
    assert "etching" in html and "2021" in html and "30 × 20 cm" in html
    assert "<p>A quiet harbour at dawn.</p><p>Pulled on handmade paper.</p>" in html
    assert 'href="/search?tag=harbour"' in html and 'href="/search?tag=boats"' in html
    assert 'href="/search?colour=2e5e8c"' in html
    assert html.index("colour=2e5e8c") < html.index("colour=8a4b2a")
    assert "dpi" not in html and " px" not in html  # pixel facts stay in the studio


def test_an_artwork_page_links_more_like_this_and_loads_it_after_the_work(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    html = client.get("/artworks/w1").get_data(as_text=True)
    assert 'data-similar="/artworks/w1/similar"' in html
    assert '<a href="/artworks/w1/similar">See works like this one' in html
    assert "/artworks/w1/similar" not in fake_api.paths()


def test_more_like_this_shows_similar_works_from_the_similar_endpoint(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    html = client.get("/artworks/w1/similar").get_data(as_text=True)
    assert "Works like" in html and "Tall Pines" in html and 'class="tile"' in html
    assert "/artworks/w1/similar" in fake_api.paths()


def test_more_like_this_still_shows_when_similar_works_are_unavailable(
    client: FlaskClient,
) -> None:
    response = client.get("/artworks/w3/similar")
    assert response.status_code == 200
    assert "Nothing quite like it yet" in response.get_data(as_text=True)


def test_a_rendition_without_a_url_is_served_from_the_media_base_url_and_its_key(
    client: FlaskClient,
) -> None:
    html = client.get("/artworks/w3").get_data(as_text=True)
    assert "https://cdn.example.test/media/renditions/w3/640px.avif 640w" in html


def test_titles_are_escaped(client: FlaskClient) -> None:
    html = client.get("/artworks/w3").get_data(as_text=True)
    assert "Low Tide &lt;b&gt;" in html and "Low Tide <b>" not in html


def test_an_artist_page_shows_the_bio_and_published_works(client: FlaskClient) -> None:
    response = client.get("/artists/ada-adler")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Ada Adler</h1>" in html
    assert "<p>Etcher of harbours.</p><p>Lives by the sea.</p>" in html
    assert html.count('class="cell"') == 2


def test_the_artists_page_lists_every_artist(client: FlaskClient) -> None:
    html = client.get("/artists").get_data(as_text=True)
    assert 'href="/artists/ada-adler"' in html and 'href="/artists/ben-brandt"' in html


def test_every_page_has_a_title_a_description_and_a_canonical_url(client: FlaskClient) -> None:
    pages = {
        "/": "https://gallery.example.test/",
        "/gallery": "https://gallery.example.test/gallery",
        "/artworks/w1": "https://gallery.example.test/artworks/w1",
        "/artists/ada-adler": "https://gallery.example.test/artists/ada-adler",
        "/artists": "https://gallery.example.test/artists",
    }
    for path, canonical in pages.items():
        html = client.get(path).get_data(as_text=True)
        assert re.search(r"<title>[^<]+</title>", html), path
        assert re.search(r'<meta name="description" content="[^"]+">', html), path
        assert f'<link rel="canonical" href="{canonical}">' in html, path


def test_every_page_has_landmarks_and_a_skip_link_to_the_main_content(
    client: FlaskClient,
) -> None:
    for path in ("/", "/gallery", "/artworks/w1", "/artists/ada-adler", "/search?q=harbour"):
        html = client.get(path).get_data(as_text=True)
        assert html.index('class="skip-link" href="#main"') < html.index("<header")
        assert '<main id="main"' in html and "<nav" in html and "<footer" in html
        assert '<html lang="en">' in html


def test_pages_carry_no_inline_scripts(client: FlaskClient) -> None:
    for path in ("/", "/gallery", "/artworks/w1", "/search?q=harbour", "/nope"):
        html = client.get(path).get_data(as_text=True)
        for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S):
            assert script.strip() == "", path
        assert re.search(r'<script src="/static/site\.js\?v=[0-9a-f]{12}" defer>', html)
