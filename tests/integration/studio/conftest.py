"""Fixtures of the studio's integration tests: the studio over a real local stack."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from content.model import Role
from heroku_artist import create_app
from testkit.stack import LocalStack

STUDIO_ORIGIN = "http://studio.test"
PASSWORD = "correct horse battery"
XHR = {"X-Requested-With": "XMLHttpRequest"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """A real API and worker over a temporary data directory (a failing message dead-letters
    after two receives)."""
    data_dir = tmp_path_factory.mktemp("stack")
    with LocalStack(data_dir, cors_origins=(STUDIO_ORIGIN,), max_receive_count=2) as running:
        yield running


@pytest.fixture(scope="module")
def studio(stack: LocalStack) -> Flask:
    """The studio pointed at the stack's API, CSRF on, plain-http cookies."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "integration-secret",
            "API_URL": stack.api_url,
            "SESSION_COOKIE_SECURE": False,
            "API_RETRIES": 0,
        }
    )


class Artist:
    """A browser session in the studio: forms with their CSRF token, script calls, uploads."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def token(self, page: str = "/upload") -> str:
        """Return the CSRF token of a studio page."""
        html = self.client.get(page).get_data(as_text=True)
        return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    def post_form(self, url: str, data: dict[str, Any], page: str = "/login") -> Any:
        """Submit a form as the browser would, with the page's CSRF token."""
        return self.client.post(url, data={**data, "csrf_token": self.token(page)})

    def xhr(self, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
        """Call a studio JSON endpoint as the page's script does."""
        headers = {**XHR, "X-CSRFToken": self.token()}
        return self.client.open(url, method=method, json=body, headers=headers)

    def register(self, name: str) -> None:
        """Register a new artist through the studio."""
        email = f"{name.split()[0].lower()}.{time.monotonic_ns()}@example.com"
        form = {"display_name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD}
        response = self.post_form("/register", form, page="/register")
        assert response.status_code == 302, response.get_data(as_text=True)

    def drop(self, name: str, data: bytes, content_type: str = "image/jpeg") -> str:
        """Upload one file the way the upload page does; return the work id."""
        created = self.xhr(
            "POST", "/studio/works", {"name": name, "type": content_type, "size": len(data)}
        )
        assert created.status_code == 201, created.json
        form = created.json["upload"]
        stored = requests.post(
            form["url"],
            data=form["fields"],
            files={"file": (name, data, content_type)},
            headers={"Origin": STUDIO_ORIGIN},
            timeout=30,
        )
        assert stored.status_code == 204, stored.text
        assert stored.headers["Access-Control-Allow-Origin"] == STUDIO_ORIGIN
        return str(created.json["work"]["id"])

    def wait(
        self,
        ids: list[str],
        until: tuple[str, ...] = ("ready", "rejected", "failed"),
        timeout: float = 60,
    ) -> dict[str, dict[str, Any]]:
        """Poll the studio's status endpoint until every work is in `until`; return the cards."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.client.get(f"/studio/works/status?ids={','.join(ids)}", headers=XHR)
            cards = {card["id"]: card for card in answer.json["works"]}
            if all(c["status"] in until for c in cards.values()):
                return cards
            if time.monotonic() > deadline:
                raise TimeoutError(str(cards))
            time.sleep(0.2)


@pytest.fixture
def artist(studio: Flask) -> Artist:
    """A newly registered artist, logged in to the studio."""
    session = Artist(studio.test_client())
    session.register(f"Ada {time.monotonic_ns()}")  # display names are unique
    return session


@pytest.fixture
def admin(studio: Flask, stack: LocalStack) -> Artist:
    """An administrator logged in to the studio."""
    email = f"admin.{time.monotonic_ns()}@example.com"
    stack.services.accounts.register(email, PASSWORD, "Gallery Admin", role=Role.ADMIN)
    session = Artist(studio.test_client())
    response = session.post_form("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return session
