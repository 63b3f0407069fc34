"""An artist's page order: the works they placed first, then the rest newest first.

The artist chooses the order of some or all of their works (`Artist.work_order`, ids). The
public listing shows those first, in that order, skipping any no longer public, then every
other public work newest first. It is built here once, over the repository port, so both
content store adapters list the same works in the same order.

A page's cursor names the last work shown and which part of the listing it was in: in the
chosen part, its place in the order; in the rest, its id (the repository's own listing then
resumes after it). `?series=` filters both parts to one series, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from content import lifecycle
from content.cursor import decode_cursor, encode_cursor, page_limit
from content.fields import InvalidArtwork
from content.model import Artist, Artwork, Series
from content.repository import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ContentRepository,
    InvalidPage,
    NotFound,
    Page,
    retry_on_conflict,
    works_of,
)
from content.series import find_series

MAX_ORDER = 1000
CURSOR_KIND = "arranged"
CHOSEN = "chosen"
REST = "rest"
ALL = "*"  # the cursor's stand-in for "no series filter"


@dataclass(frozen=True)
class Position:
    """Where a listing page ended: in the chosen part (at `index`) or the rest, after `last`."""

    part: str
    index: int
    last: str


def clean_order(value: Any) -> tuple[str, ...]:
    """Return a work order: a list of distinct work ids, at most MAX_ORDER; else InvalidArtwork."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidArtwork("work_order", "The work order is a list of your works' ids.")
    if len(value) > MAX_ORDER:
        raise InvalidArtwork("work_order", f"The work order holds at most {MAX_ORDER} works.")
    seen: set[str] = set()
    for item in value:
        if item in seen:
            raise InvalidArtwork("work_order", f"The work {item} is in the order twice.")
        seen.add(item)
    return tuple(value)


def check_own(order: tuple[str, ...], own: set[str]) -> None:
    """Raise InvalidArtwork unless every id in the order is one of the artist's own works."""
    strangers = [item for item in order if item not in own]
    if strangers:
        raise InvalidArtwork(
            "work_order", f"{strangers[0]} is not one of your works; leave it out of the order."
        )


def encode_position(artist: Artist, series: str | None, position: Position) -> str:
    """Return the opaque cursor of a page that ends at `position`."""
    parts = (artist.id, series or ALL, position.part, str(position.index), position.last)
    return encode_cursor(CURSOR_KIND, parts)


def decode_position(cursor: str, artist: Artist, series: str | None) -> Position:
    """Return the position a cursor of this listing names; InvalidPage if it is another's."""
    artist_id, filtered, part, index, last = decode_cursor(cursor, CURSOR_KIND, 5)
    if artist_id != artist.id or filtered != (series or ALL) or part not in (CHOSEN, REST):
        raise InvalidPage("malformed cursor")
    if not index.isascii() or not index.isdigit():
        raise InvalidPage("malformed cursor")
    return Position(part, int(index), last)


def resume_index(order: tuple[str, ...], position: Position) -> int:
    """Return where the chosen part resumes: after the last work shown, wherever it is now."""
    if position.last in order:
        return order.index(position.last) + 1
    return position.index  # it left the order: the works after it moved up one place


@dataclass
class Arrangement:
    """An artist's page order: setting it, and listing their public works in it."""

    repository: ContentRepository

    def set_order(self, artist_id: str, value: Any) -> Artist:
        """Save the artist's chosen order of their works; return the artist."""
        order = clean_order(value)
        own = {w.id for w in works_of(self.repository, artist_id) if not lifecycle.is_deleted(w)}
        check_own(order, own)

        def write() -> Artist:
            current = self.repository.get_artist(artist_id)
            return self.repository.update_artist(
                replace(current, work_order=order), current.version
            )

        return retry_on_conflict(write)

    def listing(
        self,
        artist: Artist,
        series: str | None = None,
        cursor: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Artwork]:
        """Return a page of the artist's public works in their order, optionally one series.

        NotFound if the artist has no series `series`; InvalidPage for a bad cursor or limit.
        """
        size = page_limit(limit)
        if series is not None:
            find_series(artist, series)
        start = decode_position(cursor, artist, series) if cursor else Position(CHOSEN, 0, "")
        found: list[tuple[Artwork, Position]] = []
        for item in self.walk(artist, series, start):
            found.append(item)
            if len(found) > size:
                break
        if len(found) <= size:
            return Page(tuple(work for work, _ in found), None)
        cursor_out = encode_position(artist, series, found[size - 1][1])
        return Page(tuple(work for work, _ in found[:size]), cursor_out)

    def walk(
        self, artist: Artist, series: str | None, start: Position
    ) -> Iterator[tuple[Artwork, Position]]:
        """Yield the public works after `start`, each with its position: chosen, then the rest."""
        order = artist.work_order
        if start.part == CHOSEN:
            begin = resume_index(order, start) if start.last else start.index
            for index in range(begin, len(order)):
                work = self.public_work(artist, order[index])
                if work is not None and in_series(work, series):
                    yield work, Position(CHOSEN, index, work.id)
        chosen = set(order)
        after = start.last if start.part == REST else None
        for work in self.newest_after(artist.id, after):
            if work.id not in chosen and in_series(work, series):
                yield work, Position(REST, 0, work.id)

    def public_work(self, artist: Artist, artwork_id: str) -> Artwork | None:
        """Return the artist's work if visitors may see it, else None."""
        try:
            work = self.repository.get_artwork(artwork_id, owner_id=artist.id)
        except NotFound:
            return None
        return work if work.is_public else None

    def newest_after(self, artist_id: str, after: str | None) -> Iterator[Artwork]:
        """Yield the artist's public works newest first, after the work `after` (if given)."""
        cursor = encode_cursor("by_artist", (artist_id, after)) if after else None
        while True:
            page = self.repository.list_by_artist(
                artist_id, include_drafts=False, cursor=cursor, limit=MAX_PAGE_SIZE
            )
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def series_overview(self, artist: Artist) -> list[tuple[Series, int, Artwork | None]]:
        """Return each of the artist's series with its number of public works and its cover.

        The cover is the series' first work in the artist's order. One pass over the artist's
        public works, and none at all for an artist without series.
        """
        if not artist.series:
            return []
        rank = {artwork_id: index for index, artwork_id in enumerate(artist.work_order)}
        counts: dict[str, int] = {}
        covers: dict[str, tuple[tuple[int, int], Artwork]] = {}
        for newest, work in enumerate(self.newest_after(artist.id, None)):
            if work.series is None:
                continue
            counts[work.series] = counts.get(work.series, 0) + 1
            place = (0, rank[work.id]) if work.id in rank else (1, newest)
            if work.series not in covers or place < covers[work.series][0]:
                covers[work.series] = (place, work)
        return [
            (s, counts.get(s.slug, 0), covers[s.slug][1] if s.slug in covers else None)
            for s in artist.series
        ]


def in_series(work: Artwork, series: str | None) -> bool:
    """Return whether the work belongs in a listing filtered to `series` (None: every work)."""
    return series is None or work.series == series
