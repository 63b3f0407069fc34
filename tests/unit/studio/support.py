"""Helpers of the studio's unit tests: build the app over the fake, log in, read CSRF tokens."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from heroku_artist import create_app
from heroku_artist.client import StudioClient
from tests.unit.studio.fake_api import PASSWORD, FakeApi

API_URL = "http://api.test"


def make_app(fake: FakeApi, **config: Any) -> Flask:
    """Create the studio over `fake` with test settings."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "API_URL": API_URL,
            "API_CLIENT": StudioClient(fake),
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )


def log_in(client: FlaskClient, name: str) -> Any:
    """Log in as one of the fake's accounts and return the response."""
    body = {"email": f"{name}@example.com", "password": PASSWORD}
    return client.post("/login", data=body)


def csrf_token(client: FlaskClient, page: str = "/login") -> str:
    """Return the CSRF token a page of the studio carries."""
    html = client.get(page).get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "the page has no CSRF meta tag"
    return found.group(1)
