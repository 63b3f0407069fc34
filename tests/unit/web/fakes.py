"""A recording fake of the backend API: canned JSON by path, and every call it was asked."""

from __future__ import annotations

from typing import Any

from heroku_web.api import ApiNotFound, ApiRejected, ApiUnavailable, Params, encoded

LADDER = (320, 640, 1024, 1600, 2400)
FORMATS = ("avif", "webp", "jpeg")
EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}


def renditions(
    artwork_id: str, width: int, height: int, *, with_url: bool = True
) -> list[dict[str, Any]]:
    """Return the rendition entries the processor writes for a work of this size."""
    entries = []
    for edge in LADDER:
        scale = edge / max(width, height)
        w, h = round(width * scale), round(height * scale)
        for fmt in FORMATS:
            key = f"renditions/{artwork_id}/{edge}px.{EXTENSIONS[fmt]}"
            entry = {"name": f"{edge}px", "format": fmt, "width": w, "height": h, "bytes": 1000}
            entry["key"] = key
            if with_url:
                entry["url"] = f"https://media.example.test/{key}"
            entries.append(entry)
    key = f"renditions/{artwork_id}/thumb.jpg"
    thumb = {"name": "thumb", "format": "jpeg", "width": 400, "height": 400, "bytes": 900}
    thumb["key"] = key
    if with_url:
        thumb["url"] = f"https://media.example.test/{key}"
    return [*entries, thumb]


def print_size(dpi: int, w_in: float, h_in: float, w_cm: float, h_cm: float) -> dict[str, Any]:
    """Return a print size entry of the facts."""
    return {"dpi": dpi, "width_in": w_in, "height_in": h_in, "width_cm": w_cm, "height_cm": h_cm}


def artist(slug: str, name: str, bio: str = "") -> dict[str, Any]:
    """Return a public artist record."""
    return {"id": f"id-{slug}", "slug": slug, "display_name": name, "bio": bio}


def artwork(
    artwork_id: str,
    artist_slug: str,
    title: str,
    *,
    width: int = 3000,
    height: int = 2000,
    with_url: bool = True,
    **fields: Any,
) -> dict[str, Any]:
    """Return a published, ready work as GET /artworks/{id} answers it."""
    record = {
        "id": artwork_id,
        "artist_id": f"id-{artist_slug}",
        "title": title,
        "description": "A quiet harbour at dawn.\nPulled on handmade paper.",
        "tags": ["harbour", "boats"],
        "medium": "etching",
        "year": 2021,
        "physical_size": "30 × 20 cm",
        "renditions": renditions(artwork_id, width, height, with_url=with_url),
        "facts": {
            "width": width,
            "height": height,
            "orientation": "landscape" if width > height else "portrait",
            "palette": [
                {"lab": [40.0, 20.0, 30.0], "hex": "#8a4b2a", "family": "brown", "weight": 0.2},
                {"lab": [60.0, 0.0, -30.0], "hex": "#2e5e8c", "family": "blue", "weight": 0.5},
            ],
            "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
            "phash": "aa2a830f830b9f3f",
            "print": [
                print_size(150, 20, 13.33, 50.8, 33.87),
                print_size(300, 10, 6.67, 25.4, 16.93),
            ],
            "fidelity": {"warning": False},
        },
        "published_at": "2024-05-01T10:00:00.000Z",
    }
    return record | fields


def card(work: dict[str, Any], artist_record: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Return the search card of a work."""
    thumb = next(r for r in work["renditions"] if r["name"] == "thumb")
    return {
        "id": work["id"],
        "title": work["title"],
        "artist": {"slug": artist_record["slug"], "display_name": artist_record["display_name"]},
        "medium": work["medium"],
        "year": work["year"],
        "tags": work["tags"],
        "orientation": work["facts"]["orientation"],
        "width": work["facts"]["width"],
        "height": work["facts"]["height"],
        "blurhash": work["facts"]["blurhash"],
        "palette": ["#2e5e8c", "#8a4b2a"],
        "thumbnail": thumb,
        "published_at": work["published_at"],
        "score": 1.0,
        "highlights": {},
    } | fields


class FakeApi:
    """Answer GETs from canned JSON keyed by path (or path?query); record every call."""

    def __init__(self, routes: dict[str, Any] | None = None) -> None:
        self.routes: dict[str, Any] = dict(routes or {})
        self.calls: list[tuple[str, str]] = []
        self.request_ids: list[str] = []
        self.down = False

    def get_json(self, path: str, params: Params = None) -> Any:
        """Return the canned answer for `path` (exact query first), or raise as the API would."""
        from flask import g, has_request_context

        query = encoded(params)
        self.calls.append((path, query))
        if has_request_context():
            self.request_ids.append(g.get("request_id", ""))
        if self.down:
            raise ApiUnavailable(503, "unreachable", "down")
        answer = self.routes.get(f"{path}?{query}", self.routes.get(path))
        if answer is None:
            raise ApiNotFound(404, "not_found", "Not found.")
        if isinstance(answer, Exception):
            raise answer
        return answer

    def paths(self) -> list[str]:
        """Return the paths asked, in order."""
        return [path for path, _ in self.calls]


def gallery_routes() -> dict[str, Any]:
    """Return a small gallery: two artists, three works, search and similar answers."""
    ada = artist("ada-adler", "Ada Adler", "Etcher of harbours.\nLives by the sea.")
    ben = artist("ben-brandt", "Ben Brandt", "Woodcuts of forests.")
    works = [
        artwork("w1", "ada-adler", "Harbour at Dawn"),
        artwork("w2", "ben-brandt", "Tall Pines", width=2000, height=3000, medium="woodcut"),
        artwork("w3", "ada-adler", "Low Tide <b>", with_url=False),
    ]
    cards = [card(works[0], ada), card(works[1], ben)]
    search = {
        "items": [
            cards[0] | {"highlights": {"title": "<mark>Harbour</mark> at Dawn &amp; &lt;x&gt;"}},
            cards[1],
        ],
        "total": 2,
        "facets": {
            "artist": [{"value": "ada-adler", "count": 1}, {"value": "ben-brandt", "count": 1}],
            "medium": [{"value": "etching", "count": 1}, {"value": "woodcut", "count": 1}],
            "tags": [{"value": "harbour", "count": 2}],
            "orientation": [{"value": "landscape", "count": 1}],
            "year": [{"value": 2021, "count": 2}],
        },
        "next_cursor": "search-cursor-2",
    }
    routes: dict[str, Any] = {
        "/artworks": {"items": works, "next_cursor": "page-2"},
        "/artists": {"items": [ada, ben], "next_cursor": None},
        "/artists/ada-adler": ada,
        "/artists/ben-brandt": ben,
        "/artists/ada-adler/artworks": {"items": [works[0], works[2]], "next_cursor": None},
        "/artists/ben-brandt/artworks": {"items": [works[1]], "next_cursor": None},
        "/search": search,
        "/artworks/w1/similar": {"items": [cards[1]]},
        "/artworks/w2/similar": {"items": []},
        "/artworks/w3/similar": ApiUnavailable(503, "unavailable", "busy"),
    }
    routes |= {f"/artworks/{work['id']}": work for work in works}
    return routes


__all__ = ["ApiRejected", "FakeApi", "artist", "artwork", "card", "gallery_routes"]
