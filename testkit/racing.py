"""A content store whose next read of a record is overtaken by another writer's save.

`RacingRepository` wraps a real repository (SQLite in the tests). `overtake_artwork(id, change)`
arms a one-shot race (`overtake_artist` likewise for an artist's next read): the next
`get_artwork(id)` returns the record as read, and before the
caller can save, `change` of that record is saved underneath it (as a worker saving renditions
would). Saves that lost such a race are counted in `conflicts`.

    racing = RacingRepository(SqliteContentRepository(tmp_path / "content.db"))
    racing.overtake_artwork(artwork_id, lambda a: replace(a, status=Status.READY))
    ArtworkService(racing).set_visibility("ada", artwork_id, Visibility.PUBLISHED)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from content.model import Artist, Artwork
from content.repository import ContentRepository, VersionConflict


@dataclass
class RacingRepository:
    """A real repository with a concurrent save slipped in after an armed read."""

    inner: ContentRepository
    conflicts: int = 0
    _artworks: dict[str, Callable[[Artwork], Artwork]] = field(default_factory=dict)
    _artists: dict[str, Callable[[Artist], Artist]] = field(default_factory=dict)

    def overtake_artwork(self, artwork_id: str, change: Callable[[Artwork], Artwork]) -> None:
        """Save `change` of the work right after its next read (once)."""
        self._artworks[artwork_id] = change

    def overtake_artist(self, artist_id: str, change: Callable[[Artist], Artist]) -> None:
        """Save `change` of the artist right after their next read (once)."""
        self._artists[artist_id] = change

    def get_artwork(self, artwork_id: str, owner_id: str | None = None) -> Artwork:
        """Read the work; an armed race then saves the other writer's change."""
        read = self.inner.get_artwork(artwork_id, owner_id=owner_id)
        change = self._artworks.pop(artwork_id, None)
        if change is not None:
            self.inner.save_artwork(change(read), read.version)
        return read

    def get_artist(self, artist_id: str) -> Artist:
        """Read the artist; an armed race then saves the other writer's change."""
        return self._overtaken(self.inner.get_artist(artist_id))

    def find_artist_by_email(self, email: str) -> Artist:
        """Find the artist; an armed race then saves the other writer's change."""
        return self._overtaken(self.inner.find_artist_by_email(email))

    def _overtaken(self, read: Artist) -> Artist:
        """Save an armed change of the artist just read; return the read record."""
        change = self._artists.pop(read.id, None)
        if change is not None:
            self.inner.update_artist(change(read), read.version)
        return read

    def save_artwork(
        self, artwork: Artwork, expected_version: int, owner_id: str | None = None
    ) -> Artwork:
        """Save through the real store, counting lost races."""
        try:
            return self.inner.save_artwork(artwork, expected_version, owner_id=owner_id)
        except VersionConflict:
            self.conflicts += 1
            raise

    def update_artist(self, artist: Artist, expected_version: int) -> Artist:
        """Update through the real store, counting lost races."""
        try:
            return self.inner.update_artist(artist, expected_version)
        except VersionConflict:
            self.conflicts += 1
            raise

    def __getattr__(self, name: str) -> Any:
        """Pass every other call to the real store."""
        return getattr(self.inner, name)
