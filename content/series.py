"""Series: an artist's named groups of works, the rules they keep and the use cases on them.

A series has a slug (its address in `?series=`), a title unique among the artist's series
(case and spacing folded) and an optional description. Renaming keeps the slug, so links
and the works in the series stay as they are; deleting a series leaves its works in none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from content import lifecycle
from content.fields import InvalidArtwork, clean_text
from content.model import Artist, Artwork, Series
from content.repository import ContentRepository, NotFound, name_key, retry_on_conflict, works_of

MAX_SERIES = 50
MAX_SERIES_TITLE = 120
MAX_SERIES_DESCRIPTION = 1000
MAX_SLUG = 60
SERIES_FIELDS = ("title", "description")


class InvalidSeries(InvalidArtwork):
    """Series input that cannot be saved, with a message for the artist (and the field)."""


def series_slug(title: str, taken: set[str]) -> str:
    """Return a URL slug for a new series' title, lower-case ASCII, not one of `taken`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = "-".join(re.findall(r"[a-z0-9]+", ascii_title.lower()))[:MAX_SLUG].strip("-")
    base = base or "series"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def clean_series_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, str]:
    """Return a series' checked title and description; unknown fields are refused."""
    unknown = sorted(set(fields) - set(SERIES_FIELDS))
    if unknown:
        raise InvalidSeries(unknown[0], f"'{unknown[0]}' is not part of a series.")
    cleaned: dict[str, str] = {}
    if "title" in fields or creating:
        title = clean_text(fields.get("title", ""), "title", MAX_SERIES_TITLE)
        if not title:
            raise InvalidSeries("title", "Please give the series a title.")
        cleaned["title"] = title
    if "description" in fields:
        cleaned["description"] = clean_text(
            fields["description"], "description", MAX_SERIES_DESCRIPTION
        )
    return cleaned


def find_series(artist: Artist, slug: str) -> Series:
    """Return the artist's series with this slug; NotFound if they have none."""
    for series in artist.series:
        if series.slug == slug:
            return series
    raise NotFound(f"no series {slug!r}")


def check_title_free(artist: Artist, title: str, keep: str | None = None) -> None:
    """Raise InvalidSeries if another of the artist's series (not `keep`) has this title."""
    wanted = name_key(title)
    for series in artist.series:
        if series.slug != keep and name_key(series.title) == wanted:
            raise InvalidSeries("title", f"You already have a series called “{series.title}”.")


def with_new_series(artist: Artist, fields: dict[str, Any]) -> tuple[Artist, Series]:
    """Return the artist with a new series added at the end, and the series."""
    cleaned = clean_series_fields(fields, creating=True)
    if len(artist.series) >= MAX_SERIES:
        raise InvalidSeries("series", f"You can have at most {MAX_SERIES} series.")
    check_title_free(artist, cleaned["title"])
    slug = series_slug(cleaned["title"], {s.slug for s in artist.series})
    series = Series(slug=slug, **cleaned)
    return replace(artist, series=(*artist.series, series)), series


def with_changed_series(artist: Artist, slug: str, fields: dict[str, Any]) -> Artist:
    """Return the artist with one series renamed or described anew (its slug kept)."""
    cleaned = clean_series_fields(fields, creating=False)
    changed = replace(find_series(artist, slug), **cleaned)
    check_title_free(artist, changed.title, keep=slug)
    return replace(artist, series=tuple(changed if s.slug == slug else s for s in artist.series))


def without_series(artist: Artist, slug: str) -> Artist:
    """Return the artist without the series `slug` (NotFound if they have none by that slug)."""
    find_series(artist, slug)
    return replace(artist, series=tuple(s for s in artist.series if s.slug != slug))


def series_choice(artist: Artist, value: Any) -> str | None:
    """Return the series slug a work may be given (None or "": no series), or InvalidArtwork."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidArtwork("series", "The series is the slug of one of your series.")
    if not any(series.slug == value for series in artist.series):
        raise InvalidArtwork(
            "series",
            f"“{value}” is not one of your series. Create it on the Series page first, "
            "or choose one of yours.",
        )
    return value


@dataclass
class SeriesService:
    """An artist's own series: create, rename, describe and delete them."""

    repository: ContentRepository

    def create(self, artist_id: str, fields: dict[str, Any]) -> Series:
        """Add a series to the artist's list; return it with its slug."""

        def write() -> Series:
            current = self.repository.get_artist(artist_id)
            changed, series = with_new_series(current, fields)
            self.repository.update_artist(changed, current.version)
            return series

        return retry_on_conflict(write)

    def edit(self, artist_id: str, slug: str, fields: dict[str, Any]) -> Series:
        """Change a series' title or description; return it."""

        def write() -> Series:
            current = self.repository.get_artist(artist_id)
            changed = with_changed_series(current, slug, fields)
            saved = self.repository.update_artist(changed, current.version)
            return find_series(saved, slug)

        return retry_on_conflict(write)

    def delete(self, artist_id: str, slug: str) -> int:
        """Delete a series; its works are left in none. Return how many works it held."""

        def write() -> Artist:
            current = self.repository.get_artist(artist_id)
            return self.repository.update_artist(without_series(current, slug), current.version)

        retry_on_conflict(write)
        members = [
            work
            for work in works_of(self.repository, artist_id)
            if work.series == slug and not lifecycle.is_deleted(work)
        ]
        for work in members:
            self.leave(artist_id, work.id, slug)
        return len(members)

    def leave(self, artist_id: str, artwork_id: str, slug: str) -> Artwork:
        """Take one work out of the series `slug` (nothing if it has moved on since)."""

        def write() -> Artwork:
            current = self.repository.get_artwork(artwork_id, owner_id=artist_id)
            if current.series != slug:
                return current
            return self.repository.save_artwork(
                replace(current, series=None), current.version, owner_id=artist_id
            )

        return retry_on_conflict(write)
