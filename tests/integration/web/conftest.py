"""The gallery against the real API on the embedded backend, seeded through the upload path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from testkit.gallery_stack import gallery_app, seeded_stack
from testkit.stack import LocalStack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """Run one seeded API for the module."""
    with seeded_stack(tmp_path_factory.mktemp("gallery-api")) as running:
        yield running


@pytest.fixture(scope="module")
def works(stack: LocalStack) -> list[dict[str, Any]]:
    """Return the published works as the API lists them."""
    return requests.get(f"{stack.api_url}/artworks?limit=100", timeout=10).json()["items"]


@pytest.fixture
def app(stack: LocalStack) -> Flask:
    """Return the gallery app reading from the stack's API."""
    return gallery_app(stack.api_url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of the gallery."""
    return app.test_client()
