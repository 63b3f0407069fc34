"""The API's log-in limit, seen through the studio over a real local stack."""

from __future__ import annotations

import re
import time

from flask import Flask

from heroku_artist import create_app
from testkit.stack import LocalStack
from tests.integration.studio.conftest import PASSWORD


def csrf(client: object, page: str = "/login") -> str:
    """Return the CSRF token of a studio page."""
    html = client.get(page).get_data(as_text=True)  # type: ignore[attr-defined]
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def studio_behind_the_router(stack: LocalStack) -> Flask:
    """The studio as deployed on Heroku: one trusted proxy, over the stack's API."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "integration-secret",
            "API_URL": stack.api_url,
            "SESSION_COOKIE_SECURE": False,
            "API_RETRIES": 0,
            "TRUSTED_PROXIES": 1,
        }
    )


def test_an_account_paused_by_the_api_is_a_429_page_with_the_apis_wait(
    stack: LocalStack,
) -> None:
    client = studio_behind_the_router(stack).test_client()
    email = f"paused.{time.monotonic_ns()}@example.com"
    form = {"display_name": "Paused", "email": email, "password": PASSWORD, "confirm": PASSWORD}
    registered = client.post("/register", data={**form, "csrf_token": csrf(client, "/register")})
    assert registered.status_code == 302
    client.post("/logout", data={"csrf_token": csrf(client, "/works")})
    for n in range(5):  # from five addresses: the studio's own per-address limit never trips
        wrong = {"email": email, "password": "not the password", "csrf_token": csrf(client)}
        answer = client.post("/login", data=wrong, headers={"X-Forwarded-For": f"192.0.2.{n}"})
        assert answer.status_code == 401
    right = {"email": email, "password": PASSWORD, "csrf_token": csrf(client)}
    paused = client.post("/login", data=right, headers={"X-Forwarded-For": "192.0.2.99"})
    assert paused.status_code == 429
    assert 1 <= int(paused.headers["Retry-After"]) <= 900
    assert "Too many failed attempts" in paused.get_data(as_text=True)
