"""The content store port: what the services need from DynamoDB or SQLite, its errors and rules."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from content.model import Artist, Artwork, OriginalObject, Role
from content.sequencer import is_newer
from kernel.errors import Conflicting, CopperError, Invalid, Missing, Transient

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100
WRITE_ATTEMPTS = 5  # read-change-save rounds before a busy record's VersionConflict is raised


class ContentError(CopperError):
    """Base class of content store errors."""


class NotFound(ContentError, Missing):
    """No such record, or not one this caller may see (wrong owner looks the same)."""


class Conflict(ContentError, Conflicting):
    """A uniqueness rule was broken (email or slug taken, id exists)."""


class NameTaken(Conflict):
    """Another artist already shows their work under this display name."""


class SlugTaken(Conflict):
    """Another work of the same artist already holds this slug."""


class VersionConflict(ContentError, Conflicting):
    """The record changed since it was read (optimistic locking)."""


class StaleEvent(ContentError, Conflicting):
    """An S3 event older than (or equal to) the last one applied for this object."""


class StoreUnavailable(ContentError, Transient):
    """The store could not be reached or throttled us: transient, retry later."""


class InvalidPage(ContentError, Invalid, ValueError):
    """A listing cannot serve this page: a malformed cursor, or a limit below one."""


def email_key(email: str) -> str:
    """Return the form of an e-mail address that uniqueness and look-ups use."""
    return email.lower()


def name_key(display_name: str) -> str:
    """Return the form of a display name that uniqueness uses: case, width and spacing folded."""
    return " ".join(unicodedata.normalize("NFKC", display_name).casefold().split())


def guarded_name(artist: Artist) -> str | None:
    """Return the name key an artist holds uniquely; None for an admin (never listed publicly)."""
    return name_key(artist.display_name) if artist.role is Role.ARTIST else None


def visible_artwork(artwork: Artwork | None, artwork_id: str, owner_id: str | None) -> Artwork:
    """Return the artwork; NotFound if missing or, when `owner_id` is given, not theirs."""
    if artwork is None or (owner_id is not None and artwork.artist_id != owner_id):
        raise NotFound(f"no artwork {artwork_id}")
    return artwork


def public_by_slug(artwork: Artwork | None, artist_id: str, slug: str) -> Artwork:
    """Return the work if it is the artist's public work under `slug`; else NotFound."""
    found = artwork is not None and (artwork.artist_id, artwork.slug) == (artist_id, slug)
    if artwork is None or not found or not artwork.is_public:
        raise NotFound(f"no work {slug} of artist {artist_id}")
    return artwork


def check_version(stored: Artwork, expected_version: int) -> None:
    """Raise VersionConflict unless the stored artwork is at `expected_version`."""
    if stored.version != expected_version:
        raise VersionConflict(f"artwork {stored.id} is at version {stored.version}")


def check_event_record(artwork: Artwork, sequencer: str) -> OriginalObject:
    """Return the original an event change records; refuse one without the event's sequencer."""
    if artwork.original is None or artwork.original.sequencer != sequencer:
        raise ValueError("the artwork's original.sequencer must equal the event's sequencer")
    return artwork.original


def check_event_applies(stored: Artwork, expected_version: int, sequencer: str, key: str) -> None:
    """Raise StaleEvent unless `sequencer` is newer, then VersionConflict if the version moved.

    Sequencers order the events of one key only: a file under a new upload key is compared
    with nothing.
    """
    applied = stored.original.sequencer if stored.original and stored.original.key == key else None
    if not is_newer(sequencer, applied):
        raise StaleEvent(f"sequencer {sequencer} is not newer than {applied}")
    check_version(stored, expected_version)


def retry_on_conflict(write: Callable[[], T], attempts: int = WRITE_ATTEMPTS) -> T:
    """Return `write()` (a re-read and a pure change), calling it again on VersionConflict."""
    for _ in range(attempts - 1):
        try:
            return write()
        except VersionConflict:
            continue
    return write()


def works_of(repository: ContentRepository, artist_id: str) -> Iterator[Artwork]:
    """Yield every work of an artist, drafts and deleted ones included, a page at a time."""
    cursor: str | None = None
    while True:
        page = repository.list_by_artist(
            artist_id, include_drafts=True, cursor=cursor, limit=MAX_PAGE_SIZE
        )
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def every_artist(repository: ContentRepository, after: str | None = None) -> Iterator[Artist]:
    """Yield every account by slug (after the `after` cursor), a page at a time."""
    cursor = after
    while True:
        page = repository.list_artists(cursor, MAX_PAGE_SIZE)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and the opaque cursor of the next page (None at the end)."""

    items: tuple[T, ...]
    next_cursor: str | None


class ContentRepository(Protocol):
    """Artists and artworks, with conditional writes; every adapter behaves identically."""

    def add_artist(self, artist: Artist) -> None:
        """Store a new artist; Conflict if the id, email or slug is taken, NameTaken if the
        display name (by `name_key`) is."""

    def get_artist(self, artist_id: str) -> Artist:
        """Return an artist by id, or raise NotFound."""

    def find_artist_by_email(self, email: str) -> Artist:
        """Return an artist by e-mail (case-insensitive), or raise NotFound."""

    def find_artist_by_slug(self, slug: str) -> Artist:
        """Return an artist by slug, or raise NotFound."""

    def update_artist(self, artist: Artist, expected_version: int) -> Artist:
        """Replace an artist if its stored version is `expected_version`; return it at +1.

        Conflict if the new email or slug is another artist's, NameTaken if the name is."""

    def list_artists(
        self, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Artist]:
        """Return artists ordered by slug."""

    def add_artwork(self, artwork: Artwork) -> None:
        """Store a new artwork; Conflict if the id exists, SlugTaken if its slug is.

        Every artwork write (add, save, event) refuses with SlugTaken a slug another work of
        the same artist holds; the store enforces it, so concurrent claims cannot both win.
        """

    def get_artwork(self, artwork_id: str, owner_id: str | None = None) -> Artwork:
        """Return an artwork; NotFound if missing or, when `owner_id` is given, not theirs."""

    def find_public_artwork(self, artist_id: str, slug: str) -> Artwork:
        """Return the artist's ready, published work under `slug`, or raise NotFound."""

    def save_artwork(
        self, artwork: Artwork, expected_version: int, owner_id: str | None = None
    ) -> Artwork:
        """Replace an artwork if its version matches (and its owner, when given); return it at +1.

        NotFound if missing or owned by someone else; VersionConflict if the version moved;
        SlugTaken if its slug is another work's of the artist.
        """

    def apply_event(self, artwork: Artwork, expected_version: int, sequencer: str) -> Artwork:
        """Save a change caused by an S3 event, refusing it (StaleEvent) unless `sequencer` is
        newer than the stored `original.sequencer`; the saved record stores `sequencer`.

        The new artwork's `original.sequencer` must equal `sequencer`. VersionConflict as in
        save_artwork.
        """

    def list_by_artist(
        self,
        artist_id: str,
        *,
        include_drafts: bool,
        cursor: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Artwork]:
        """Return an artist's works, newest first (by id); public callers see public works only.

        `include_drafts=False` returns only works that are ready and published.
        """

    def list_published(
        self, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Artwork]:
        """Return ready, published works, newest published first."""

    def list_overdue(self, at: str, limit: int = 500) -> list[Artwork]:
        """Return up to `limit` works whose deadline is at or before `at`, earliest first."""

    def iter_artworks(self) -> Iterator[Artwork]:
        """Yield every artwork (any status), for reindexing and audits."""
