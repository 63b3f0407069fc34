"""Keep the search index in step with the content store: sync one work, or rebuild all."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from content.model import Artist, Artwork, Status, now
from content.repository import ContentError, ContentRepository
from search.document import SearchDocument, document_for
from search.errors import DocumentRefused, SearchError
from search.index import SearchIndex

log = logging.getLogger("copper.search")


@dataclass
class Indexer:
    """Builds documents from content records and writes them to the index."""

    repository: ContentRepository
    index: SearchIndex

    def sync(self, artwork: Artwork) -> None:
        """Index a changed work (or delete its document); a stale version is ignored."""
        if artwork.status is Status.DELETED:
            self.index.delete(artwork.id, artwork.version)
            return
        artist = self.repository.get_artist(artwork.artist_id)
        report = self.index.upsert([document_for(artwork, artist)])
        if report.failed:
            raise DocumentRefused(f"the search index refused the document of artwork {artwork.id}")

    def sync_quietly(self, artwork: Artwork) -> None:
        """Sync after an API write; an index outage is logged (a reindex repairs it)."""
        try:
            self.sync(artwork)
        except (SearchError, ContentError):
            log.warning("search index not updated for artwork %s", artwork.id, exc_info=True)

    def documents(self) -> Iterator[SearchDocument]:
        """Yield the document of every work that is not deleted."""
        artists: dict[str, Artist] = {}
        for artwork in self.repository.iter_artworks():
            if artwork.status is Status.DELETED:
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
