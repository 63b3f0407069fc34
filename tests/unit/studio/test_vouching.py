"""The studio vouches for the browser's address on log-in and registration, and only with the
secret it shares with the API."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from flask import Flask

from heroku_artist.client import StudioClient
from service.vouch import HEADER, vouched_address

SECRET = "shared-" + "s" * 40


class RecordingTransport:
    """A transport that records each request and answers a signed-in artist."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def call(self, method: str, path: str, **options: Any) -> Any:
        """Record the request and answer."""
        self.sent.append({"method": method, "path": path, **options})
        return {"artist": {}, "token": "t"}


def attached(secret: str) -> tuple[Flask, StudioClient, RecordingTransport]:
    """Return an app with the client attached, and the client's transport."""
    app = Flask(__name__)
    app.config.update(
        API_URL="http://api.test", API_TIMEOUT=4.0, ADMIN_API_TIMEOUT=20.0, API_VOUCH_SECRET=secret
    )
    transport = RecordingTransport()
    client = StudioClient(transport)
    client.init_app(app)
    return app, client, transport


def test_log_in_and_registration_vouch_for_the_browsers_address() -> None:
    app, client, transport = attached(SECRET)
    with app.test_request_context("/login", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        client.login("ada@example.com", "pw")
        client.register("ada@example.com", "Ada", "pw")
        client.profile("t")
    login, register, profile = transport.sent
    for call in (login, register):
        header = call["headers"][HEADER]
        checked = vouched_address(header, SECRET.encode(), "POST", call["path"], time.time())
        assert checked == "203.0.113.7"
    assert not profile.get("headers")


def test_without_the_secret_nothing_is_vouched_and_start_up_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="heroku_artist.client"):
        app, client, transport = attached("")
    assert [r for r in caplog.records if "FLASK_API_VOUCH_SECRET" in r.getMessage()]
    with app.test_request_context("/login", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        client.login("ada@example.com", "pw")
    assert HEADER not in (transport.sent[0].get("headers") or {})


def test_outside_a_browsers_request_nothing_is_vouched() -> None:
    _, client, transport = attached(SECRET)
    client.login("ada@example.com", "pw")
    assert HEADER not in (transport.sent[0].get("headers") or {})
