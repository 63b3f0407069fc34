"""CSRF on every form and script call, security headers, request ids, proxies and start-up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from heroku_artist import create_app
from tests.unit.studio.fake_api import PASSWORD, FakeApi
from tests.unit.studio.support import csrf_token, make_app

TEMPLATES = Path(__file__).parents[3] / "heroku_artist" / "templates"
XHR = {"X-Requested-With": "XMLHttpRequest"}


@pytest.fixture
def guarded(fake: FakeApi) -> FlaskClient:
    """A client of the studio with CSRF checks on."""
    return make_app(fake, WTF_CSRF_ENABLED=True).test_client()


def test_a_form_post_without_its_csrf_token_is_refused(guarded: FlaskClient, fake: FakeApi) -> None:
    response = guarded.post("/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)
    assert not fake.calls


def test_a_form_post_with_its_token_goes_through(guarded: FlaskClient) -> None:
    token = csrf_token(guarded)
    body = {"email": "ada@example.com", "password": PASSWORD, "csrf_token": token}
    assert guarded.post("/login", data=body).status_code == 302


def test_a_script_call_needs_the_token_in_its_header(guarded: FlaskClient, fake: FakeApi) -> None:
    token = csrf_token(guarded)
    guarded.post(
        "/login", data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": token}
    )
    body = {"name": "a.jpg", "type": "image/jpeg", "size": 10}
    refused = guarded.post("/studio/works", json=body, headers=XHR)
    assert refused.status_code == 400
    assert refused.json["error"]["message"].startswith("This form expired")
    accepted = guarded.post(
        "/studio/works", json=body, headers={**XHR, "X-CSRFToken": csrf_token(guarded, "/upload")}
    )
    assert accepted.status_code == 201


def test_every_response_carries_the_security_headers(client: FlaskClient) -> None:
    headers = client.get("/login").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Frame-Options"] == "DENY"
    policy = dict(
        (part.split(" ", 1) + [""])[:2] for part in headers["Content-Security-Policy"].split("; ")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert "http://api.test" in policy["connect-src"]
    assert "http://api.test" in policy["form-action"]
    assert "http://api.test" in policy["img-src"]


def test_the_policy_allows_the_upload_bucket_and_the_media_origin(fake: FakeApi) -> None:
    app = make_app(
        fake,
        API_URL="http://internal-api:8000",
        API_PUBLIC_URL="https://api.example",
        UPLOAD_ORIGINS="https://copper-uploads.s3.amazonaws.com/, https://other.example/x",
        MEDIA_BASE_URL="https://media.example/renditions",
    )
    policy = app.test_client().get("/login").headers["Content-Security-Policy"]
    connect = re.search(r"connect-src ([^;]+)", policy).group(1).split()
    assert connect == [
        "'self'",
        "https://api.example",
        "https://copper-uploads.s3.amazonaws.com",
        "https://other.example",
    ]
    assert "img-src 'self' data: blob: https://media.example" in policy
    assert "internal-api" not in policy


def test_no_template_carries_an_inline_script_or_style_attribute() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag, f"inline script in {template.name}"
        assert " style=" not in text, f"style attribute in {template.name}"
        assert not re.search(r"\son[a-z]+=", text), f"inline handler in {template.name}"


def test_the_request_id_follows_the_request_into_the_api(ada: FlaskClient, fake: FakeApi) -> None:
    response = ada.get("/works", headers={"X-Request-Id": "router-id-12345"})
    assert response.headers["X-Request-Id"] == "router-id-12345"
    assert fake.last("GET", "/me/artworks").request_id == "router-id-12345"
    own = ada.get("/works", headers={"X-Request-Id": "bad id!"})
    assert re.fullmatch(r"[0-9a-f]{32}", own.headers["X-Request-Id"])
    assert fake.last("GET", "/me/artworks").request_id == own.headers["X-Request-Id"]


def test_behind_the_router_the_clients_address_is_the_forwarded_one(fake: FakeApi) -> None:
    client = make_app(fake, TRUSTED_PROXIES=1).test_client()  # as on Heroku
    wrong = {"email": "ada@example.com", "password": "wrong password"}
    for _ in range(5):
        client.post("/login", data=wrong, headers={"X-Forwarded-For": "203.0.113.9"})
    ok = {"email": "ada@example.com", "password": PASSWORD}
    assert (
        client.post("/login", data=ok, headers={"X-Forwarded-For": "203.0.113.9"}).status_code
        == 429
    )
    assert (
        client.post("/login", data=ok, headers={"X-Forwarded-For": "198.51.100.4"}).status_code
        == 302
    )


def test_the_app_starts_with_only_the_api_url_and_secret_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASK_API_URL", "http://api.internal:9000")
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("FLASK_SESSION_COOKIE_SECURE", "false")
    app = create_app()
    assert app.config["API_URL"] == "http://api.internal:9000"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.extensions["studio_api"].transport.base_url == "http://api.internal:9000"
    assert app.test_client().get("/login").status_code == 200


def test_the_app_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        create_app()
