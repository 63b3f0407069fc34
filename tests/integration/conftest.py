"""Fixtures shared by the API tests of this tier: the services and the API app on them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.bootstrap import Services, build_services
from service.http.app import create_app
from service.settings import ServiceSettings


@pytest.fixture
def services(tmp_path: Path) -> Services:
    """Services on a fresh local backend."""
    return build_services(ServiceSettings(data_dir=str(tmp_path)))


@pytest.fixture
def client(services: Services) -> FlaskClient:
    """A test client of the API app."""
    return create_app(services).test_client()
