"""What the gallery asks of the backend API: named reads, as a Flask extension."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

from flask import Flask, current_app, g, has_request_context

from heroku_web.api import HttpTransport, Params

EXTENSION = "gallery_api"
ARTISTS_PAGE = 100
ARTIST_DIRECTORY_PAGES = 50


class Transport(Protocol):
    """How the gallery reaches the API: GET a path, return its JSON (HTTP, or a fake in tests)."""

    def get_json(self, path: str, params: Params = None) -> Any:
        """Return the JSON answer to GET `path`."""


class GalleryClient:
    """What the gallery asks of the API, as a Flask extension: `init_app` attaches it."""

    def __init__(self, transport: Transport | None = None) -> None:
        self.transport = transport

    def init_app(self, app: Flask) -> None:
        """Reach the API over HTTP (unless given a transport) and attach to `app`."""
        if self.transport is None:
            self.transport = HttpTransport.from_config(app.config)
        app.extensions[EXTENSION] = self

    def get_json(self, path: str, params: Params = None) -> Any:
        """Return the JSON answer to GET `path` through the transport."""
        if self.transport is None:
            raise RuntimeError("the gallery's API client is not attached to an app")
        return self.transport.get_json(path, params)

    def artworks(self, cursor: str | None = None, limit: int = 24) -> dict[str, Any]:
        """Return a page of published works, newest first."""
        return self.get_json("/artworks", {"limit": limit, "cursor": cursor})

    def artwork(self, artwork_id: str) -> dict[str, Any]:
        """Return one published work."""
        return self.get_json(f"/artworks/{quote(artwork_id, safe='')}")

    def similar(self, artwork_id: str) -> list[dict[str, Any]]:
        """Return search cards of works like this one."""
        return self.get_json(f"/artworks/{quote(artwork_id, safe='')}/similar")["items"]

    def artists(self, cursor: str | None = None, limit: int = ARTISTS_PAGE) -> dict[str, Any]:
        """Return a page of artists, by slug."""
        return self.get_json("/artists", {"limit": limit, "cursor": cursor})

    def shuffled_artists(self, seed: str, limit: int) -> list[dict[str, Any]]:
        """Return up to `limit` artists with published works, in an order `seed` fixes."""
        return list(self.get_json("/artists", {"limit": limit, "shuffle": seed})["items"])

    def artist(self, slug: str) -> dict[str, Any]:
        """Return an artist's public profile."""
        return self.get_json(f"/artists/{quote(slug, safe='')}")

    def artist_artworks(
        self, slug: str, cursor: str | None = None, limit: int = 24, series: str | None = None
    ) -> dict[str, Any]:
        """Return a page of an artist's published works in their order (or one series')."""
        path = f"/artists/{quote(slug, safe='')}/artworks"
        return self.get_json(path, {"limit": limit, "cursor": cursor, "series": series})

    def artist_artwork(self, slug: str, work_slug: str) -> dict[str, Any]:
        """Return one published work of an artist, by the work's slug."""
        path = f"/artists/{quote(slug, safe='')}/artworks/{quote(work_slug, safe='')}"
        return self.get_json(path)

    def search(self, params: Params) -> dict[str, Any]:
        """Return a page of search results with facets."""
        return self.get_json("/search", params)

    def artist_directory(self) -> dict[str, dict[str, Any]]:
        """Return every artist by id (the artwork JSON names its artist by id only)."""
        if has_request_context() and "artist_directory" in g:
            return g.artist_directory
        directory = self.walk_artists()
        if has_request_context():
            g.artist_directory = directory
        return directory

    def walk_artists(self) -> dict[str, dict[str, Any]]:
        """Return every artist by id, walking the pages of GET /artists."""
        directory: dict[str, dict[str, Any]] = {}
        cursor = None
        for _ in range(ARTIST_DIRECTORY_PAGES):
            page = self.artists(cursor)
            directory.update({artist["id"]: artist for artist in page["items"]})
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return directory

    def artist_of(self, artwork: dict[str, Any]) -> dict[str, Any] | None:
        """Return the artist of an artwork (embedded, or from the directory)."""
        embedded = artwork.get("artist")
        if isinstance(embedded, dict) and embedded.get("slug"):
            return embedded
        return self.artist_directory().get(artwork.get("artist_id", ""))


def api() -> GalleryClient:
    """Return the app's API client."""
    client: GalleryClient = current_app.extensions[EXTENSION]
    return client
