"""Error pages, the API being down, headers, request ids, sitemap and robots."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from heroku_web import create_app
from heroku_web.client import GalleryClient
from tests.unit.web.fakes import FakeApi


def test_an_unknown_page_is_a_404_in_the_sites_style(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "We couldn" in html and 'class="site-header"' in html
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unpublished_or_unknown_work_is_a_404(client: FlaskClient) -> None:
    assert client.get("/artworks/nope").status_code == 404
    assert client.get("/artists/nobody").status_code == 404


def test_when_the_api_is_down_visitors_get_a_friendly_503_not_a_stack_trace(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    fake_api.down = True
    for path in ("/", "/gallery", "/artworks/w1", "/search?q=x", "/artists/ada-adler"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert "taking a short break" in html
        assert "Traceback" not in html
        assert response.headers["Retry-After"] == "30"


def test_a_bug_is_a_friendly_500_page(app: Flask, fake_api: FakeApi) -> None:
    fake_api.routes["/artworks/w1"] = ZeroDivisionError("boom")
    response = app.test_client().get("/artworks/w1")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html and "boom" not in html and "Traceback" not in html


def test_an_expired_page_link_asks_to_start_again(client: FlaskClient, fake_api: FakeApi) -> None:
    from heroku_web.api import ApiRejected

    fake_api.routes["/artworks?limit=24&cursor=bad"] = ApiRejected(400, "bad_request", "cursor")
    response = client.get("/gallery?cursor=bad")
    assert response.status_code == 400
    assert "That link has expired" in response.get_data(as_text=True)


def test_security_headers_forbid_inline_scripts_framing_and_sniffing(client: FlaskClient) -> None:
    for path in ("/", "/artworks/w1", "/nope"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"]
        assert directives["frame-ancestors"] == "'none'"
        assert "https://cdn.example.test" in directives["img-src"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_csp_takes_style_sheets_from_the_site_only_and_allows_style_attributes(
    client: FlaskClient,
) -> None:
    csp = client.get("/gallery").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["style-src"] == "'self'"
    assert directives["style-src-attr"] == "'unsafe-inline'"
    assert "style-src-elem" not in directives  # falls back to style-src: 'self'


PAGES = ("/", "/gallery", "/artworks/w1", "/artists/ada-adler", "/search?q=harbour&colour=c0392b")
CUSTOM_PROPERTY = r"--ar: \d+(\.\d+)?|--tint: #[0-9a-f]{6}"
SAFE_STYLE = re.compile(rf"({CUSTOM_PROPERTY})(; ({CUSTOM_PROPERTY}))*")


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_style_element_and_style_attributes_only_set_ratio_and_colour(
    client: FlaskClient, path: str
) -> None:
    html = client.get(path).get_data(as_text=True)
    assert "<style" not in html
    styles = re.findall(r'style="([^"]*)"', html)
    assert styles
    assert [s for s in styles if not SAFE_STYLE.fullmatch(s)] == []


def test_a_palette_colour_that_is_not_hex_never_reaches_a_style_attribute(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    work = dict(fake_api.routes["/artworks/w1"])
    hostile = {"hex": "#fff;background:url(//evil.test/x)", "weight": 0.9}
    work["facts"] = work["facts"] | {"palette": [hostile, *work["facts"]["palette"]]}
    fake_api.routes["/artworks/w1"] = work
    html = client.get("/artworks/w1").get_data(as_text=True)
    assert "evil.test" not in html
    assert 'style="--ar: 1.5; --tint: #2e5e8c"' in html


def test_the_csp_allows_images_from_the_origins_the_renditions_name(client: FlaskClient) -> None:
    csp = client.get("/artworks/w1").headers["Content-Security-Policy"]
    assert "https://media.example.test" in csp


def test_pages_are_briefly_cacheable_and_static_files_for_a_year(client: FlaskClient) -> None:
    assert client.get("/gallery").headers["Cache-Control"].startswith("public, max-age=60")
    static = client.get("/static/site.css")
    assert "max-age=31536000" in static.headers["Cache-Control"]


def test_each_request_gets_an_id_that_is_sent_to_the_api_and_returned(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    response = client.get("/artworks/w1")
    request_id = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert fake_api.request_ids and set(fake_api.request_ids) == {request_id}


def test_a_valid_incoming_request_id_is_adopted_and_a_hostile_one_replaced(
    client: FlaskClient,
) -> None:
    heroku_id = "5d5c1a8a-4a4e-4bd0-9a7f-2d5b0d3b7f11"
    assert client.get("/", headers={"X-Request-Id": heroku_id}).headers["X-Request-Id"] == heroku_id
    hostile = client.get("/", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"]
    assert hostile != "<script>" and re.fullmatch(r"[0-9a-f]{32}", hostile)


def test_the_sitemap_lists_pages_artists_and_works_at_the_public_url(client: FlaskClient) -> None:
    response = client.get("/sitemap.xml")
    xml = response.get_data(as_text=True)
    assert response.mimetype == "application/xml"
    assert "<loc>https://gallery.example.test/</loc>" in xml
    assert "<loc>https://gallery.example.test/artists/ada-adler</loc>" in xml
    assert "<loc>https://gallery.example.test/artworks/w2</loc><lastmod>2024-05-01</lastmod>" in xml


def test_robots_allow_the_gallery_point_to_the_sitemap_and_skip_search(
    client: FlaskClient,
) -> None:
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /search" in text
    assert "Sitemap: https://gallery.example.test/sitemap.xml" in text


def test_healthz_answers_without_asking_the_api(client: FlaskClient, fake_api: FakeApi) -> None:
    fake_api.down = True
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_the_app_starts_from_flask_prefixed_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASK_API_URL", "http://api.internal:9000")
    monkeypatch.setenv("FLASK_SECRET_KEY", "s3cret")
    monkeypatch.setenv("FLASK_PAGE_SIZE", "12")
    app = create_app()
    assert app.config["API_URL"] == "http://api.internal:9000"
    assert app.config["SECRET_KEY"] == "s3cret"
    assert app.config["PAGE_SIZE"] == 12
    assert app.config["MEDIA_BASE_URL"] == "http://127.0.0.1:8000/media"
    assert app.extensions["gallery_api"].transport.base_url == "http://api.internal:9000"


def test_the_heroku_router_forwarded_scheme_and_host_make_the_canonical_url(
    fake_api: FakeApi,
) -> None:
    config = {"TESTING": True, "API_CLIENT": GalleryClient(fake_api), "TRUSTED_PROXIES": 1}
    app = create_app(config)
    html = (
        app.test_client()
        .get("/gallery", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "prints.test"})
        .get_data(as_text=True)
    )
    assert '<link rel="canonical" href="https://prints.test/gallery">' in html
