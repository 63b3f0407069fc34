"""Artwork use cases: create, edit, publish, delete, reprocess, and the public listings."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from content import collector, lifecycle
from content.fields import InvalidArtwork, clean_text
from content.lifecycle import DEFAULT_PROCESSING_SECONDS, REPROCESSABLE, NotAllowed, deadline_after
from content.model import Artwork, Visibility, now
from content.repository import (
    ContentRepository,
    NotFound,
    Page,
    SlugTaken,
    retry_on_conflict,
    works_of,
)
from content.series import series_choice
from content.slugs import first_free, work_slug
from kernel.keys import original_key

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_TAGS = 20
MAX_TAG = 40
MAX_MEDIUM = 80
MAX_SIZE_TEXT = 80
EARLIEST_YEAR = 1000
SLUG_ATTEMPTS = 20  # claims of a free-looking slug before SlugTaken is raised (heavy contention)
TAG_PATTERN = re.compile(r"[^\w\s-]", re.UNICODE)
EDITABLE = ("title", "description", "tags", "medium", "year", "physical_size", *collector.FIELDS)
__all__ = ["REPROCESSABLE", "ArtworkService", "InvalidArtwork", "NotAllowed"]


def clean_tags(value: Any) -> tuple[str, ...]:
    """Return unique, lower-case tags in their given order, or raise InvalidArtwork."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(tag, str) for tag in value):
        raise InvalidArtwork("tags", "Tags must be a list of words.")
    tags: list[str] = []
    for raw in value:
        tag = " ".join(TAG_PATTERN.sub("", raw).lower().split())
        if len(tag) > MAX_TAG:
            raise InvalidArtwork("tags", f"Each tag is limited to {MAX_TAG} characters.")
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidArtwork("tags", f"A work can have at most {MAX_TAGS} tags.")
    return tuple(tags)


def clean_year(value: Any) -> int | None:
    """Return a plausible year or None, or raise InvalidArtwork."""
    if value in (None, ""):
        return None
    latest = datetime.now(UTC).year + 1
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidArtwork("year", "The year must be a number.")
    try:
        year = int(value)
    except ValueError as error:
        raise InvalidArtwork("year", "The year must be a number.") from error
    if not EARLIEST_YEAR <= year <= latest:
        raise InvalidArtwork("year", f"The year must be between {EARLIEST_YEAR} and {latest}.")
    return year


CLEANERS: dict[str, Callable[[Any], Any]] = {
    "title": lambda v: clean_text(v, "title", MAX_TITLE, required=True),
    "description": lambda v: clean_text(v, "description", MAX_DESCRIPTION),
    "tags": clean_tags,
    "medium": lambda v: clean_text(v, "medium", MAX_MEDIUM),
    "year": clean_year,
    "physical_size": lambda v: clean_text(v, "physical_size", MAX_SIZE_TEXT),
    **collector.CLEANERS,
}


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Return validated editable fields; unknown fields are refused, not ignored."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InvalidArtwork(unknown[0], f"'{unknown[0]}' cannot be edited.")
    return {name: CLEANERS[name](value) for name, value in fields.items()}


def clean_focal_point(value: Any) -> tuple[float, float] | None:
    """Return (x, y) fractions in 0-1, None to clear, or raise InvalidArtwork."""
    if value is None:
        return None
    try:
        x, y = (float(part) for part in value)
    except (TypeError, ValueError) as error:
        raise InvalidArtwork("focal_point", "The focal point is two numbers, x and y.") from error
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise InvalidArtwork("focal_point", "The focal point must lie inside the image (0 to 1).")
    return round(x, 4), round(y, 4)


def fill_from_file(artwork: Artwork, embedded: Any) -> Artwork:
    """Return the work with the file's own title, description and keywords where it has none.

    `embedded` is the facts' `embedded` entry. The title replaces only a stand-in title (the
    file's name); the description and tags fill only empty fields. A value that does not
    pass the artist's own rules is left out.
    """
    if not isinstance(embedded, dict):
        return artwork
    found: dict[str, Any] = {}
    for name, value, empty in (
        ("title", embedded.get("title"), artwork.title_from_file),
        ("description", embedded.get("description"), not artwork.description),
        ("tags", list(embedded.get("keywords") or []), not artwork.tags),
    ):
        if not (empty and value):
            continue
        try:
            found[name] = CLEANERS[name](value)
        except InvalidArtwork:
            continue
    if found.get("title"):
        found["title_from_file"] = False
    return replace(artwork, **{k: v for k, v in found.items() if v or k == "title_from_file"})


def needs_slug(artwork: Artwork) -> bool:
    """Return whether a work should be given its slug now: public (published and ready), none yet.

    A work published before its file is processed waits: its title may still be the file's
    name, which the file's own embedded title replaces when processing ends.
    """
    return artwork.slug is None and artwork.is_public


def save_with_slug(
    repository: ContentRepository, artwork: Artwork, expected: int, owner_id: str | None
) -> Artwork:
    """Save a work; a public one without a slug claims the first free one of its title.

    The store refuses a slug another work holds (SlugTaken), so concurrent claims each end
    with a different slug; the artist's other slugs are read only after a clash.
    """
    if not needs_slug(artwork):
        return repository.save_artwork(artwork, expected, owner_id=owner_id)
    base = work_slug(artwork.title)
    slug, tried = base, set()
    for _ in range(SLUG_ATTEMPTS - 1):
        try:
            return repository.save_artwork(replace(artwork, slug=slug), expected, owner_id=owner_id)
        except SlugTaken:
            tried.add(slug)
            taken = {w.slug for w in works_of(repository, artwork.artist_id) if w.slug}
            slug = first_free(base, taken | tried)
    return repository.save_artwork(replace(artwork, slug=slug), expected, owner_id=owner_id)


def give_slug(repository: ContentRepository, artwork_id: str) -> bool:
    """Give one public work without a slug its slug; return whether it was given one."""

    def write() -> bool:
        current = repository.get_artwork(artwork_id)
        if not needs_slug(current):
            return False
        save_with_slug(repository, current, current.version, None)
        return True

    return retry_on_conflict(write)


def keep_original(key: str) -> None:
    """Do nothing with a deleted work's original (the default when no store is wired)."""


def ignore_request(artwork: Artwork) -> None:
    """Do nothing with a reprocess request (the default when no queue is wired)."""


@dataclass(frozen=True)
class Resembled:
    """The work another was flagged as resembling, as far as its owner may see it."""

    own: bool
    artwork: Artwork | None = None
    artist_name: str | None = None


@dataclass
class ArtworkService:
    """What artists and visitors can do with artworks; owner checks live in the store."""

    repository: ContentRepository
    remove_original: Callable[[str], None] = keep_original
    on_reprocess: Callable[[Artwork], None] = ignore_request
    processing_seconds: float = DEFAULT_PROCESSING_SECONDS

    def create(self, artist_id: str, fields: dict[str, Any]) -> Artwork:
        """Create a draft artwork awaiting its upload.

        With `title_from_file` true the title is a stand-in (the file's name): a title the
        file itself carries replaces it when the file is processed.
        """
        fields = dict(fields)
        from_file = fields.pop("title_from_file", False)
        if not isinstance(from_file, bool):
            raise InvalidArtwork("title_from_file", "'title_from_file' must be true or false.")
        cleaned = clean_fields({"title": fields.get("title", ""), **fields})
        artwork = collector.check_collector_facts(
            Artwork(id=str(ULID()), artist_id=artist_id, title_from_file=from_file, **cleaned)
        )
        self.repository.add_artwork(artwork)
        return artwork

    def own(self, artist_id: str, artwork_id: str) -> Artwork:
        """Return one of the artist's works (NotFound for anyone else's or a deleted one)."""
        artwork = self.repository.get_artwork(artwork_id, owner_id=artist_id)
        if lifecycle.is_deleted(artwork):
            raise NotFound(artwork_id)
        return artwork

    def edit(
        self, artist_id: str, artwork_id: str, fields: dict[str, Any], version: int | None = None
    ) -> Artwork:
        """Change the descriptive fields of the artist's own work (and its series)."""
        fields = dict(fields)
        in_series = "series" in fields
        chosen = fields.pop("series", None)
        cleaned = clean_fields(fields)
        if in_series:
            cleaned["series"] = series_choice(self.repository.get_artist(artist_id), chosen)
        if "title" in cleaned:
            cleaned["title_from_file"] = False  # the artist chose a title
        return self._change(
            artist_id, artwork_id, version, lambda a: collector.with_collector_facts(a, cleaned)
        )

    def set_focal_point(
        self, artist_id: str, artwork_id: str, point: Any, version: int | None = None
    ) -> Artwork:
        """Set or clear the focal point; a ready work's thumbnail is then cropped again."""
        focal = clean_focal_point(point)
        request_id = secrets.token_hex(8)
        deadline = deadline_after(self.processing_seconds)
        saved = self._change(
            artist_id,
            artwork_id,
            version,
            lambda a: lifecycle.move_focal_point(a, focal, request_id, deadline),
        )
        if saved.reprocess_request == request_id:
            self.on_reprocess(saved)
        return saved

    def set_visibility(
        self, artist_id: str, artwork_id: str, visibility: Visibility, version: int | None = None
    ) -> Artwork:
        """Publish or unpublish; a published work shows once it is ready."""
        return self._change(
            artist_id, artwork_id, version, lambda a: lifecycle.set_visibility(a, visibility, now())
        )

    def delete(self, artist_id: str, artwork_id: str, version: int | None = None) -> Artwork:
        """Mark the work deleted, then remove its original (whose event cleans up renditions).

        The file of a pending form is removed too (one still in flight is removed by the
        processor when it lands).
        """
        pending = self.own(artist_id, artwork_id).upload_id
        deleted = self._change(artist_id, artwork_id, version, lifecycle.delete)
        if deleted.original is not None:
            self.remove_original(deleted.original.key)
        if pending is not None:
            self.remove_original(original_key(artist_id, artwork_id, pending))
        return deleted

    def request_reprocess(
        self, artist_id: str, artwork_id: str, version: int | None = None
    ) -> Artwork:
        """Send a processed work through the pipeline again (the artist's own retry)."""
        request_id = secrets.token_hex(8)
        deadline = deadline_after(self.processing_seconds)
        saved = self._change(
            artist_id,
            artwork_id,
            version,
            lambda a: lifecycle.request_reprocess(a, request_id, deadline),
        )
        self.on_reprocess(saved)
        return saved

    def list_own(self, artist_id: str, cursor: str | None = None, limit: int = 24) -> Page[Artwork]:
        """Return the artist's works, drafts included, newest first (deleted ones hidden)."""
        page = self.repository.list_by_artist(
            artist_id, include_drafts=True, cursor=cursor, limit=limit
        )
        kept = tuple(a for a in page.items if not lifecycle.is_deleted(a))
        return Page(kept, page.next_cursor)

    def public_artwork(self, artwork_id: str) -> Artwork:
        """Return a published, ready work, or NotFound (drafts never leak)."""
        artwork = self.repository.get_artwork(artwork_id)
        if not artwork.is_public:
            raise NotFound(artwork_id)
        return artwork

    def public_by_slug(self, artist_id: str, slug: str) -> Artwork:
        """Return the artist's published, ready work under `slug`, or NotFound."""
        return self.repository.find_public_artwork(artist_id, slug)

    def give_slugs(self) -> int:
        """Give each published work that has no slug its slug, earliest published first.

        For works published before works had slugs; running it again does nothing more.
        Returns how many works were given one.
        """
        waiting = sorted(
            (a.published_at or "", a.id) for a in self.repository.iter_artworks() if needs_slug(a)
        )
        return sum(give_slug(self.repository, artwork_id) for _, artwork_id in waiting)

    def resembled(self, artist_id: str, artwork_id: str) -> Resembled:
        """Return what the artist may know of the work their work was flagged as resembling.

        Their own work in full; another artist's only if it is public (title, artist's name,
        renditions), else nothing but that it is someone else's. NotFound without a flag.
        """
        flagged = self.own(artist_id, artwork_id).possible_duplicate_of
        if flagged is None:
            raise NotFound(artwork_id)
        try:
            other = self.repository.get_artwork(flagged)
        except NotFound:
            return Resembled(own=False)
        if lifecycle.is_deleted(other):
            return Resembled(own=False)
        if other.artist_id == artist_id:
            return Resembled(own=True, artwork=other)
        if not other.is_public:
            return Resembled(own=False)
        artist = self.repository.get_artist(other.artist_id)
        return Resembled(own=False, artwork=other, artist_name=artist.display_name)

    def change(
        self, artist_id: str, artwork_id: str, change: Callable[[Artwork], Artwork]
    ) -> Artwork:
        """Apply a named transition to the artist's own work (at its current version)."""
        return self._change(artist_id, artwork_id, None, change)

    def _change(
        self,
        artist_id: str,
        artwork_id: str,
        version: int | None,
        change: Callable[[Artwork], Artwork],
    ) -> Artwork:
        """Save `change` of the latest record; with no version given, re-apply it after a race."""

        def write() -> Artwork:
            current = self.own(artist_id, artwork_id)
            expected = current.version if version is None else version
            return self._save(change(current), expected, artist_id)

        return retry_on_conflict(write) if version is None else write()

    def _save(self, artwork: Artwork, expected: int, owner_id: str | None) -> Artwork:
        """Save a work, giving a public one its slug (see save_with_slug)."""
        return save_with_slug(self.repository, artwork, expected, owner_id)
