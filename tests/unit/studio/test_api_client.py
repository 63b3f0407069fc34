"""The HTTP client of the API: headers, timeouts, GET-only retries, errors and its log line."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests
from flask import Flask, g

from heroku_artist.api import ApiError, ApiUnavailable, HttpTransport


class RecordingSession(requests.Session):
    """A requests session that answers from a queue instead of the network."""

    def __init__(self, *answers: requests.Response | Exception) -> None:
        super().__init__()
        self.answers = list(answers)
        self.sent: list[dict[str, Any]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append({"method": method, "url": url, **kwargs})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def response(status: int, body: bytes = b"") -> requests.Response:
    """Return a canned response."""
    made = requests.Response()
    made.status_code = status
    made._content = body
    return made


def test_a_call_sends_the_token_the_request_id_and_a_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = RecordingSession(response(200, b'{"items": []}'))
    client = HttpTransport("http://api.test/", timeout=5, session=session)
    caplog.set_level(logging.INFO, logger="heroku_artist.api")
    with Flask(__name__).test_request_context():
        g.request_id = "req-abcdef12"
        answer = client.call("GET", "/me/artworks", token="t0k", params={"limit": 100})
    sent = session.sent[0]
    assert answer == {"items": []}
    assert sent["url"] == "http://api.test/me/artworks"
    assert sent["headers"]["X-Request-Id"] == "req-abcdef12"
    assert sent["headers"]["Authorization"] == "Bearer t0k"
    assert sent["timeout"] == (3.05, 5)
    assert "GET /me/artworks -> 200" in caplog.text
    assert "request_id=req-abcdef12" in caplog.text


def test_only_idempotent_gets_are_retried() -> None:
    client = HttpTransport("http://api.test", retries=2, session=RecordingSession())
    retry = client.session.get_adapter("http://api.test/").max_retries
    assert retry.allowed_methods == frozenset({"GET"})
    assert retry.total == 2
    assert 503 in retry.status_forcelist


def test_an_api_error_keeps_its_status_code_and_message() -> None:
    body = b'{"error": {"code": "version_conflict", "message": "The record changed."}}'
    client = HttpTransport("http://api.test", session=RecordingSession(response(409, body)))
    with pytest.raises(ApiError) as refused:
        client.call("PATCH", "/me/artworks/w1", json={"title": "x"})
    assert (refused.value.status, refused.value.code) == (409, "version_conflict")
    assert refused.value.message == "The record changed."


@pytest.mark.parametrize(
    "answer",
    [
        response(503, b'{"error": {"code": "unavailable", "message": "busy"}}'),
        requests.ConnectionError("refused"),
    ],
)
def test_an_unreachable_or_busy_api_is_unavailable(answer: Any) -> None:
    client = HttpTransport("http://api.test", session=RecordingSession(answer))
    with pytest.raises(ApiUnavailable):
        client.call("GET", "/me")


def test_an_empty_success_is_none() -> None:
    client = HttpTransport("http://api.test", session=RecordingSession(response(204)))
    assert client.call("DELETE", "/me/artworks/w1") is None
