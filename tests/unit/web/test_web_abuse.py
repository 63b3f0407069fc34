"""Hostile input to the gallery: forwarded headers, header splitting, odd answers from the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from heroku_web import create_app
from heroku_web.api import ApiUnavailable, answer
from heroku_web.client import GalleryClient
from tests.unit.web.fakes import FakeApi

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}


def gallery(fake_api: FakeApi, **config: Any) -> Flask:
    """Return the gallery over the fake, without a configured public URL."""
    return create_app({"TESTING": True, "API_CLIENT": GalleryClient(fake_api), **config})


def test_without_a_trusted_proxy_forwarded_headers_do_not_make_the_canonical_url(
    fake_api: FakeApi,
) -> None:
    html = gallery(fake_api).test_client().get("/gallery", headers=FORWARDED).get_data(True)
    assert "evil.example" not in html
    assert '<link rel="canonical" href="http://localhost/gallery">' in html


def test_trusted_proxies_come_from_a_flask_variable(
    fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_TRUSTED_PROXIES", "1")
    assert create_app().config["TRUSTED_PROXIES"] == 1
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        gallery(fake_api, TRUSTED_PROXIES="yes")


def test_crlf_in_any_query_parameter_or_path_never_answers_500_or_splits_a_header(
    client: FlaskClient, app: Flask
) -> None:
    crlf = "%0d%0aSet-Cookie:%20evil=1"
    names = ("q", "cursor", "tag", "artist", "colour", "sort", "page", "year_from")
    query = "&".join(f"{name}={crlf}" for name in names)
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", crlf).replace(f"<path:{argument}>", crlf)
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, path
        assert "\n" not in json.dumps(dict(response.headers))
        assert "evil" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("content", [b"[" * 10_000, b"\xff\xfe", b"<html>"])
def test_an_api_answer_that_is_not_json_is_a_bad_gateway_not_a_crash(content: bytes) -> None:
    response = requests.Response()
    response.status_code = 200
    response._content = content
    with pytest.raises(ApiUnavailable):
        answer(response)


@pytest.mark.parametrize("app_name", ["web", "studio"])
def test_the_heroku_deploys_trust_exactly_the_router(app_name: str) -> None:
    manifest = Path(__file__).parents[3] / "deploy" / "heroku" / app_name / "app.json"
    env = json.loads(manifest.read_text())["env"]
    assert env["FLASK_TRUSTED_PROXIES"]["value"] == "1"
