"""The real stack for the gallery's tests: a seeded API, and the gallery served over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from heroku_web import create_app
from tests.support.stack import LocalStack

PER_ARTIST = 3


@contextmanager
def seeded_stack(data_dir: Path, per_artist: int = PER_ARTIST) -> Iterator[LocalStack]:
    """Run the API with demo artists and processed, published works."""
    with LocalStack(data_dir) as stack:
        stack.seed(per_artist=per_artist)
        yield stack


def gallery_app(api_url: str, **config: Any) -> Flask:
    """Return the gallery app reading from the API at `api_url`."""
    settings = {
        "TESTING": True,
        "API_URL": api_url,
        "MEDIA_BASE_URL": f"{api_url}/media",
        "SECRET_KEY": "test",
        "API_CACHE_SECONDS": 0.0,
    }
    return create_app(settings | config)


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
