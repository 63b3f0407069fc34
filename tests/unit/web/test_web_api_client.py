"""The API client: request ids, error mapping, the short cache and stale answers when down."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from flask import Flask, g
from requests.adapters import BaseAdapter

from heroku_web.api import ApiNotFound, ApiRejected, ApiUnavailable, HttpTransport
from heroku_web.client import GalleryClient


class RecordingAdapter(BaseAdapter):
    """A requests transport that records each request and answers from a script."""

    def __init__(self, answers: list[Any]) -> None:
        super().__init__()
        self.answers = answers
        self.requests: list[requests.PreparedRequest] = []
        self.timeouts: list[Any] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Answer the next scripted status and body, or raise the scripted error."""
        self.requests.append(request)
        self.timeouts.append(kwargs.get("timeout"))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to close."""


def client_with(answers: list[Any], **config: Any) -> tuple[Flask, GalleryClient, RecordingAdapter]:
    """Return an app, its API client and the scripted transport under it."""
    app = Flask(__name__)
    app.config.update(
        API_URL="http://api.test/",
        API_CONNECT_TIMEOUT=1.5,
        API_READ_TIMEOUT=3.0,
        API_RETRIES=2,
        API_CACHE_SECONDS=30.0,
        API_STALE_SECONDS=600.0,
        API_CACHE_ENTRIES=10,
    )
    app.config.update(config)
    transport = HttpTransport.from_config(app.config)
    client = GalleryClient(transport)
    client.init_app(app)
    adapter = RecordingAdapter(answers)
    transport.session.mount("http://", adapter)
    return app, client, adapter


def test_every_api_call_has_a_timeout_and_forwards_the_request_id() -> None:
    app, client, adapter = client_with([(200, {"items": [], "next_cursor": None})])
    with app.test_request_context():
        g.request_id = "req-12345678"
        client.artworks(limit=5)
    sent = adapter.requests[0]
    assert sent.url == "http://api.test/artworks?limit=5"
    assert sent.headers["X-Request-Id"] == "req-12345678"
    assert adapter.timeouts[0] == (1.5, 3.0)


def test_answers_are_cached_briefly() -> None:
    app, client, adapter = client_with([(200, {"id": "w1"})])
    with app.test_request_context():
        assert client.artwork("w1") == {"id": "w1"}
        assert client.artwork("w1") == {"id": "w1"}
    assert len(adapter.requests) == 1


def test_api_errors_become_the_clients_exceptions() -> None:
    cases = [
        ((404, {"error": {"code": "not_found", "message": "Not found."}}), ApiNotFound),
        ((400, {"error": {"code": "invalid_query", "message": "bad"}}), ApiRejected),
        ((503, {"error": {"code": "unavailable", "message": "busy"}}), ApiUnavailable),
        ((500, {"error": {"code": "internal", "message": "oops"}}), ApiUnavailable),
        (requests.ConnectionError("refused"), ApiUnavailable),
        (requests.ReadTimeout("slow"), ApiUnavailable),
    ]
    for answer, error in cases:
        app, client, _ = client_with([answer])
        with app.test_request_context(), pytest.raises(error):
            client.artwork("w1")


def test_a_stale_answer_stands_in_while_the_api_is_down() -> None:
    app, client, adapter = client_with(
        [(200, {"id": "w1"}), requests.ConnectionError("down")], API_CACHE_SECONDS=0.001
    )
    with app.test_request_context():
        assert client.artwork("w1") == {"id": "w1"}
        time.sleep(0.01)
        assert client.artwork("w1") == {"id": "w1"}
    assert len(adapter.requests) == 2


def test_only_idempotent_gets_are_retried_and_read_timeouts_are_not() -> None:
    app, _, _ = client_with([(200, {})])
    retry = (
        HttpTransport.from_config(app.config).session.get_adapter("https://api.test/").max_retries
    )
    assert retry.allowed_methods == frozenset({"GET", "HEAD"})
    assert retry.read == 0 and retry.connect == 2
    assert set(retry.status_forcelist) == {502, 503, 504}


def test_the_artist_directory_walks_every_page_of_artists() -> None:
    app, client, adapter = client_with(
        [
            (200, {"items": [{"id": "a1", "slug": "a"}], "next_cursor": "c2"}),
            (200, {"items": [{"id": "a2", "slug": "b"}], "next_cursor": None}),
        ]
    )
    with app.test_request_context():
        assert set(client.artist_directory()) == {"a1", "a2"}
    assert adapter.requests[1].url == "http://api.test/artists?limit=100&cursor=c2"
