"""Fixtures of the studio's unit tests: the app over an in-memory fake of the API."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.unit.studio.fake_api import FakeApi
from tests.unit.studio.support import log_in, make_app


@pytest.fixture
def fake() -> FakeApi:
    """The fake API with an artist (ada) and an admin (root)."""
    api = FakeApi()
    api.add_artist("ada")
    api.add_artist("bob")
    api.add_artist("root", role="admin")
    return api


@pytest.fixture
def app(fake: FakeApi) -> Flask:
    """The studio with CSRF checks off (the CSRF tests turn them on)."""
    return make_app(fake)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client of the studio."""
    return app.test_client()


@pytest.fixture
def ada(client: FlaskClient) -> FlaskClient:
    """The client, logged in as the artist ada."""
    assert log_in(client, "ada").status_code == 302
    return client


@pytest.fixture
def root(client: FlaskClient) -> FlaskClient:
    """The client, logged in as the admin root."""
    assert log_in(client, "root").status_code == 302
    return client
