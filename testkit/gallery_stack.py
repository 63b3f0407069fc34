"""The real stack for the gallery's tests: a seeded API, and the gallery served over HTTP."""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from copper.seed import ARTISTS, copyright_line, demo_works, register
from heroku_web import create_app
from testkit.stack import LocalStack

PER_ARTIST = 3


@contextmanager
def seeded_stack(data_dir: Path, per_artist: int = PER_ARTIST) -> Iterator[LocalStack]:
    """Run the API with the demo artists (as `copper seed` makes them) and their ready works."""
    with LocalStack(data_dir) as stack:
        seed_demo(stack, per_artist)
        yield stack


def seed_demo(stack: LocalStack, per_artist: int, long_edge: int = 1024) -> list[dict[str, Any]]:
    """Register the demo artists with their profiles, upload their works, wait until ready."""
    artists = [
        register(stack.api_url, a.name, a.bio, demo_email(a.name), copyright_line(a.name))
        for a in ARTISTS
    ]
    uploads = [
        (stack.upload(artists[w.artist_index].token, w.image(long_edge), w.fields), w)
        for w in demo_works(per_artist, random.Random(11))
    ]
    ready = [stack.wait_for(i, artists[w.artist_index].token, {"ready"}) for i, w in uploads]
    published = sum(1 for work in ready if work["visibility"] == "published")
    wait_until_indexed(stack, published)
    return ready


def wait_until_indexed(stack: LocalStack, published: int, timeout: float = 60) -> None:
    """Wait until search finds every published work under its readable URL (the index
    follows the change stream, so it may trail the works' ready state)."""
    deadline = time.monotonic() + timeout
    while True:
        found = stack.call("GET", "/search", params={"limit": 100})
        if found["total"] == published and all(hit["slug"] for hit in found["items"]):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"search finds {found['total']} of {published} published works")
        time.sleep(0.1)


def demo_email(name: str) -> str:
    """Return a fresh e-mail address for a demo artist."""
    return f"{name.split()[0].lower()}.{secrets.token_hex(3)}@example.com"


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
