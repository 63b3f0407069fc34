"""Pagination shared by the content store adapters: opaque cursors, limits, sort keys.

A cursor names the position of the last item of a page (for example the last artwork id)
and the kind of listing it belongs to, as URL-safe base64 of a small JSON document.
Both adapters encode the same positions, so a cursor means the same thing to either.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from content.model import Artist, Artwork
from content.repository import MAX_PAGE_SIZE, InvalidPage, Page
from storage.cursor import pack, unpack

T = TypeVar("T")


def page_limit(limit: int) -> int:
    """Return `limit` capped at MAX_PAGE_SIZE; InvalidPage unless it is a positive integer."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidPage(f"limit must be a positive integer, not {limit!r}")
    return min(limit, MAX_PAGE_SIZE)


def encode_cursor(kind: str, position: Sequence[str]) -> str:
    """Return the opaque cursor of a page that ends at `position` in a `kind` listing."""
    return pack({"k": kind, "p": list(position)})


def decode_cursor(cursor: str, kind: str, size: int) -> tuple[str, ...]:
    """Return the position in a cursor of a `kind` listing; InvalidPage if it is malformed."""
    try:
        document = unpack(cursor)
    except ValueError as e:
        raise InvalidPage("malformed cursor") from e
    if document.get("k") != kind:
        raise InvalidPage("malformed cursor")
    position = document.get("p")
    if (
        not isinstance(position, list)
        or len(position) != size
        or not all(isinstance(part, str) and part for part in position)
    ):
        raise InvalidPage("malformed cursor")
    return tuple(position)


def page_of(items: Sequence[T], size: int, cursor_of: Callable[[T], str]) -> Page[T]:
    """Return a page of the first `size` of `items` (fetched as size + 1) and its next cursor."""
    if len(items) <= size:
        return Page(tuple(items), None)
    return Page(tuple(items[:size]), cursor_of(items[size - 1]))


def published_key(artwork: Artwork) -> str | None:
    """Return a public work's sort key in the published listing; None if it is not public.

    Newest `published_at` first, then newest id; a public work without `published_at`
    sorts after every dated one.
    """
    if not artwork.is_public:
        return None
    return f"{artwork.published_at or ''}#{artwork.id}"


# The three listings, and the position each cursor holds.


def artists_after(cursor: str) -> tuple[str, str]:
    """Return the (slug, id) of the last artist of the previous page; InvalidPage if bad."""
    slug, artist_id = decode_cursor(cursor, "artists", 2)
    return slug, artist_id


def artists_page(artists: Sequence[Artist], size: int) -> Page[Artist]:
    """Return a page of artists (listed by slug) and its next cursor."""
    return page_of(artists, size, lambda a: encode_cursor("artists", (a.slug, a.id)))


def by_artist_after(cursor: str, artist_id: str) -> str:
    """Return the id of the last work of the artist's previous page; InvalidPage if bad."""
    cursor_artist, after = decode_cursor(cursor, "by_artist", 2)
    if cursor_artist != artist_id:
        raise InvalidPage("malformed cursor")
    return after


def by_artist_page(works: Sequence[Artwork], size: int) -> Page[Artwork]:
    """Return a page of an artist's works (newest id first) and its next cursor."""
    return page_of(works, size, lambda w: encode_cursor("by_artist", (w.artist_id, w.id)))


def published_after(cursor: str) -> tuple[str, str]:
    """Return the (published key, id) of the last work of the previous page; InvalidPage if bad."""
    sort_key, artwork_id = decode_cursor(cursor, "published", 2)
    return sort_key, artwork_id


def published_page(works: Sequence[Artwork], size: int) -> Page[Artwork]:
    """Return a page of published works (newest first) and its next cursor."""
    return page_of(works, size, lambda w: encode_cursor("published", (listed_key(w), w.id)))


def listed_key(artwork: Artwork) -> str:
    """Return the sort key of a work in the published listing (only public works are there)."""
    key = published_key(artwork)
    if key is None:
        raise ValueError(f"artwork {artwork.id} is not public, so not in the published listing")
    return key
