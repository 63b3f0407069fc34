"""Per-browser log-in limits through the studio: the studio vouches for each browser's address
to the real API over HTTP, so one browser's failures pause that browser only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from heroku_artist import create_app
from testkit.stack import LocalStack
from tests.integration.studio.conftest import PASSWORD
from tests.integration.studio.test_studio_login_limits import csrf


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    """A fresh API per test (each test spends a client address's whole allowance)."""
    with LocalStack(tmp_path, worker=False) as running:
        yield running


def studio_sharing_the_secret(stack: LocalStack, secret: str) -> Flask:
    """The studio with the API's client vouch secret, no proxy in front, and a studio-side
    throttle loose enough that only the API's per-address limit can pause a browser."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "integration-secret",
            "API_URL": stack.api_url,
            "SESSION_COOKIE_SECURE": False,
            "API_RETRIES": 0,
            "LOGIN_ATTEMPTS": 100,
            "API_VOUCH_SECRET": secret,
        }
    )


def browser(studio: Flask, address: str) -> FlaskClient:
    """A browser reaching the studio from `address`."""
    client = studio.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def log_in(client: FlaskClient, email: str, password: str) -> int:
    """Submit the log-in form; return the studio's status."""
    form = {"email": email, "password": password, "csrf_token": csrf(client)}
    return client.post("/login", data=form).status_code


def test_two_browsers_behind_the_studio_have_separate_api_counters(stack: LocalStack) -> None:
    assert stack.services.vouch_key  # generated into the stack's data directory
    studio = studio_sharing_the_secret(stack, stack.services.vouch_key.decode())
    email = f"vouched.{time.monotonic_ns()}@example.com"
    stack.call(
        "POST",
        "/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "display_name": f"Vouched {time.monotonic_ns()}",
        },
    )
    first, second = browser(studio, "203.0.113.7"), browser(studio, "2001:db8::7")
    for n in range(20):  # twenty strangers' addresses from the first browser
        assert log_in(first, f"guess{n}.{time.monotonic_ns()}@example.com", "wrong") == 401
    assert log_in(first, email, PASSWORD) == 429  # the API paused the first browser
    assert log_in(second, email, "still not the password") == 401
    assert log_in(second, email, PASSWORD) == 302


def test_without_the_secret_every_browser_shares_the_studios_counter(stack: LocalStack) -> None:
    studio = studio_sharing_the_secret(stack, "")
    email = f"shared.{time.monotonic_ns()}@example.com"
    stack.call(
        "POST",
        "/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "display_name": f"Shared {time.monotonic_ns()}",
        },
    )
    first, second = browser(studio, "198.51.100.7"), browser(studio, "198.51.100.8")
    for n in range(20):
        assert log_in(first, f"guess{n}.{time.monotonic_ns()}@example.com", "wrong") == 401
    assert log_in(second, email, PASSWORD) == 429  # the API sees the studio's address only
