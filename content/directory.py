"""The public artist directory: artists with at least one published work, each with a cover."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from content.cursor import artists_page, page_limit
from content.model import Artist, Artwork
from content.repository import ContentRepository, NotFound, Page, every_artist


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
    for artist in every_artist(repository, cursor):
        cover = cover_of(repository, artist)
        if cover is not None:
            found.append(artist)
            covers[artist.id] = cover
        if len(found) > size:
            break
    page = artists_page(found, size)
    return Page(tuple(Showcased(a, covers[a.id]) for a in page.items), page.next_cursor)


def shuffled(repository: ContentRepository, seed: str, limit: int) -> tuple[Showcased, ...]:
    """Return up to `limit` artists with a published work in an order that `seed` fixes.

    The home page's "artists to discover": the same seed (a day) gives the same few. Covers
    are looked up only until `limit` artists are found, not for every artist.
    """

    def place(artist: Artist) -> str:
        return hashlib.sha256(f"{seed}:{artist.id}".encode()).hexdigest()

    found: list[Showcased] = []
    for artist in sorted(every_artist(repository), key=place):
        cover = cover_of(repository, artist)
        if cover is not None:
            found.append(Showcased(artist, cover))
        if len(found) == page_limit(limit):
            break
    return tuple(found)


def artists_of(
    repository: ContentRepository, works: Iterable[Artwork], known: Artist | None = None
) -> dict[str, Artist]:
    """Return the artists of `works` by id, each read once (`known` is not read again)."""
    found = {known.id: known} if known is not None else {}
    for artist_id in dict.fromkeys(work.artist_id for work in works):
        if artist_id in found:
            continue
        try:
            found[artist_id] = repository.get_artist(artist_id)
        except NotFound:
            continue
    return found
