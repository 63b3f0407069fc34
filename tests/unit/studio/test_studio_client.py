"""The studio's typed API client: named calls become the API's requests, attached by init_app."""

from __future__ import annotations

from typing import Any

from flask import Flask

from heroku_artist.client import EXTENSION, StudioClient


class RecordingTransport:
    """A transport that records each request and answers a canned body."""

    def __init__(self, answer: Any = None) -> None:
        self.answer = answer
        self.sent: list[dict[str, Any]] = []

    def call(self, method: str, path: str, **options: Any) -> Any:
        """Record the request and return the canned answer."""
        self.sent.append({"method": method, "path": path, **options})
        return self.answer


def attached(answer: Any = None) -> tuple[StudioClient, RecordingTransport]:
    """Return a client attached to an app with short and long timeouts, and its transport."""
    app = Flask(__name__)
    app.config.update(API_URL="http://api.test", API_TIMEOUT=4.0, ADMIN_API_TIMEOUT=20.0)
    transport = RecordingTransport(answer)
    client = StudioClient(transport)
    client.init_app(app)
    assert app.extensions[EXTENSION] is client
    return client, transport


def test_ids_are_quoted_into_their_own_path_segment() -> None:
    client, transport = attached({"id": "x"})
    client.artwork("t0k", "a/../b")
    assert transport.sent[-1]["path"] == "/me/artworks/a%2F..%2Fb"
    assert transport.sent[-1]["token"] == "t0k"


def test_admin_calls_get_the_admin_timeout_and_health_the_ordinary_one() -> None:
    client, transport = attached({"task": {"id": "t1"}, "status": "ok"})
    assert client.reindex("t0k") == {"id": "t1"}
    assert transport.sent[-1]["timeout"] == 20.0
    client.health()
    assert transport.sent[-1] == {
        "method": "GET",
        "path": "/healthz",
        "token": None,
        "json": None,
        "timeout": 4.0,
    }


def test_a_replay_sends_the_choice_with_its_dry_run_flag() -> None:
    client, transport = attached({"dry_run": True, "count": 0, "messages": []})
    client.replay("t0k", {"ids": ["m1"]}, dry_run=True)
    assert transport.sent[-1]["json"] == {"ids": ["m1"], "dry_run": True}


def test_the_app_attaches_an_http_client_from_its_settings() -> None:
    app = Flask(__name__)
    app.config.update(
        API_URL="http://api.test/", API_TIMEOUT=4.0, API_RETRIES=1, ADMIN_API_TIMEOUT=20.0
    )
    StudioClient().init_app(app)
    assert app.extensions[EXTENSION].transport.base_url == "http://api.test"
