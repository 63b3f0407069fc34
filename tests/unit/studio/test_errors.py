"""Friendly error pages: not found, the API down, and a bug."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.unit.studio.fake_api import FakeApi


def test_an_unknown_page_is_the_studios_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page and "<main" in page
    assert response.headers["X-Request-Id"] in page


def test_the_api_down_is_a_calm_503_page(ada: FlaskClient, fake: FakeApi) -> None:
    fake.down = True
    response = ada.get("/works")
    assert response.status_code == 503
    assert "cannot reach the gallery" in response.get_data(as_text=True)


def test_scripts_get_json_when_the_api_is_down(ada: FlaskClient, fake: FakeApi) -> None:
    fake.down = True
    response = ada.get(
        "/studio/works/status?ids=w1", headers={"X-Requested-With": "XMLHttpRequest"}
    )
    assert response.status_code == 503
    assert "cannot reach" in response.json["error"]["message"]


def test_a_bug_is_a_generic_500_page(
    ada: FlaskClient, fake: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(fake, "call", broken)
    response = ada.get("/works")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and "KeyError" not in page
