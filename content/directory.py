"""The public artist directory: artists with at least one published work, each with a cover."""

from __future__ import annotations

from dataclasses import dataclass

from content.cursor import artists_page, page_limit
from content.model import Artist, Artwork
from content.repository import MAX_PAGE_SIZE, ContentRepository, NotFound, Page


@dataclass(frozen=True)
class Showcased:
    """An artist as the directory lists them: with the work that stands for them."""

    artist: Artist
    cover: Artwork


def cover_of(repository: ContentRepository, artist: Artist) -> Artwork | None:
    """Return the artist's chosen cover if it is public, else their newest public work."""
    if artist.cover_artwork_id:
        try:
            chosen = repository.get_artwork(artist.cover_artwork_id, owner_id=artist.id)
        except NotFound:
            chosen = None
        if chosen is not None and chosen.is_public:
            return chosen
    newest = repository.list_by_artist(artist.id, include_drafts=False, limit=1).items
    return newest[0] if newest else None


def showcase(repository: ContentRepository, cursor: str | None, limit: int) -> Page[Showcased]:
    """Return a page of artists (by slug) that have a published work, each with its cover.

    Accounts with nothing published (an admin, a newcomer) are never listed.
    """
    size = page_limit(limit)
    found: list[Artist] = []
    covers: dict[str, Artwork] = {}
    after = cursor
    while len(found) <= size:
        listed = repository.list_artists(after, MAX_PAGE_SIZE)
        for artist in listed.items:
            cover = cover_of(repository, artist)
            if cover is not None:
                found.append(artist)
                covers[artist.id] = cover
            if len(found) > size:
                break
        if listed.next_cursor is None:
            break
        after = listed.next_cursor
    page = artists_page(found, size)
    return Page(tuple(Showcased(a, covers[a.id]) for a in page.items), page.next_cursor)
