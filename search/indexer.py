"""Keep the search index in step with the content store: apply a change, or rebuild all.

The index is a projection of the content store fed by its change stream: `refresh` reads
the record a change names and writes its document (the latest state, so a repeated or
reordered change converges; the index's external versioning ignores a stale write).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from content.changes import RecordKind
from content.lifecycle import is_deleted
from content.model import Artist, Artwork, now
from content.repository import ContentRepository, NotFound, works_of
from search.document import SearchDocument, document_for
from search.errors import DocumentRefused
from search.index import SearchIndex

log = logging.getLogger("copper.search")


@dataclass
class Indexer:
    """Builds documents from content records and writes them to the index."""

    repository: ContentRepository
    index: SearchIndex

    def sync(self, artwork: Artwork, *, artist_changed: bool = False) -> None:
        """Index a changed work (or delete its document); a stale version is ignored.

        `artist_changed` rewrites a document at its work's own version: the artist's name or
        slug it carries changed, not the work.
        """
        if is_deleted(artwork):
            self.index.delete(artwork.id, artwork.version)
            return
        artist = self.repository.get_artist(artwork.artist_id)
        document = document_for(artwork, artist)
        report = self.index.upsert([document], same_version=artist_changed)
        if report.failed:
            raise DocumentRefused(f"the search index refused the document of artwork {artwork.id}")

    def refresh(self, kind: RecordKind, record_id: str) -> int:
        """Bring the documents a changed record feeds up to date; return how many were synced.

        An artwork feeds its own document; an artist (name, slug) feeds all of their works'.
        """
        if kind == "artwork":
            try:
                artwork = self.repository.get_artwork(record_id)
            except NotFound:
                return 0  # never committed
            self.sync(artwork)
            return 1
        synced = 0
        for artwork in works_of(self.repository, record_id):
            self.sync(artwork, artist_changed=True)
            synced += 1
        return synced

    def documents(self) -> Iterator[SearchDocument]:
        """Yield the document of every work that is not deleted."""
        artists: dict[str, Artist] = {}
        for artwork in self.repository.iter_artworks():
            if is_deleted(artwork):
                continue
            if artwork.artist_id not in artists:
                artists[artwork.artist_id] = self.repository.get_artist(artwork.artist_id)
            yield document_for(artwork, artists[artwork.artist_id])

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the index from the content store, then re-sync works changed meanwhile."""
        started = now()
        written = self.index.rebuild(self.documents(), progress)
        for artwork in self.repository.iter_artworks():
            if artwork.updated_at >= started:
                self.sync(artwork)
        return written
