"""The gallery app on a recording fake of the API: no network, no sockets."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from heroku_web import create_app
from heroku_web.client import GalleryClient
from tests.unit.web.fakes import FakeApi, gallery_routes


@pytest.fixture
def fake_api() -> FakeApi:
    """Return a fake API holding a small gallery."""
    return FakeApi(gallery_routes())


@pytest.fixture
def app(fake_api: FakeApi) -> Flask:
    """Return the gallery app wired to the fake API."""
    config: dict[str, Any] = {
        "TESTING": True,
        "API_CLIENT": GalleryClient(fake_api),
        "PUBLIC_URL": "https://gallery.example.test",
        "MEDIA_BASE_URL": "https://cdn.example.test/media",
        "SECRET_KEY": "test",
    }
    return create_app(config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of the app."""
    return app.test_client()
