"""When the API is down, slow or flaky, visitors get a calm page, quickly."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from testkit.gallery_stack import gallery_app, served

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_gives_the_friendly_page(tmp_path: Any) -> None:
    app = gallery_app(f"http://127.0.0.1:{closed_port()}", API_RETRIES=1)
    started = time.monotonic()
    response = app.test_client().get("/gallery")
    assert response.status_code == 503
    assert "taking a short break" in response.get_data(as_text=True)
    assert time.monotonic() - started < 3


def test_a_slow_api_is_given_up_on_after_the_read_timeout_without_a_retry() -> None:
    calls: list[str] = []

    def slow(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        calls.append(environ["PATH_INFO"])
        time.sleep(1.0)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"items": [], "next_cursor": null}']

    with served(slow) as url:
        app = gallery_app(url, API_READ_TIMEOUT=0.3)
        started = time.monotonic()
        response = app.test_client().get("/gallery")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 0.9
    assert calls == ["/artworks"]


def test_a_get_answered_503_is_retried_and_then_succeeds() -> None:
    lock = threading.Lock()
    calls: list[str] = []

    def flaky(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        with lock:
            calls.append(environ["PATH_INFO"])
            first = len(calls) == 1
        if first:
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "unavailable", "message": "busy"}}']
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"items": [], "next_cursor": null}']

    with served(flaky) as url:
        response = gallery_app(url).test_client().get("/gallery")
    assert response.status_code == 200
    assert calls == ["/artworks", "/artworks"]
