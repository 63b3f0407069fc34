"""The search index port: what the Search Service needs from OpenSearch or SQLite.

Both adapters behave identically (one contract test suite runs against both):

- Writes use external versioning: an upsert applies only if its version is higher than
  the stored one (a live document or a deletion's tombstone); otherwise it is stale.
  A delete applies if its version is at least the stored one and leaves a tombstone,
  so a late, older upsert never revives the work. Tombstones survive `rebuild`.
- Text search: the words are read by `search.interpret` (one reading for both adapters).
  Every concept (a word, or a technique with its synonyms and phrases) must match one of
  title ×3, artist_name ×2, tags ×2, medium ×1.5, description ×1; a plain word allows one
  typo from 4 letters and two from 8, and a word of 3+ letters also matches the words it
  begins, scored below an exact match. Every colour word must match a palette colour of its
  families (or the word itself), and ranks by colour like an asked colour. Filters: artist
  slug, tags (all), medium, orientation, year range; hidden works only with `include_hidden`.
- Facets count every match (not just the page) for artist, medium, tags, orientation
  and year: at most FACET_SIZE values each, by count, then value.
- Order: "relevance" is the text score (higher first), or the colour distance (nearest
  first, then text score) when colours are given, then artwork id; with neither text nor
  colours it is "newest": published_at descending (unpublished last), then id descending.
- Highlights: title and description with matches in <mark>…</mark>, the rest HTML-escaped.
- Stamps stream every live document's id, version, visibility and title by artwork id
  (code point order), a page at a time: a long walk may see writes made while it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from search.document import DocumentStamp, SearchDocument
from search.errors import InvalidQuery, SearchError, SearchUnavailable
from search.query import NEAR_DUPLICATE_BITS, BulkReport, SearchHit, SearchQuery, SearchResult

__all__ = ["InvalidQuery", "SearchError", "SearchIndex", "SearchUnavailable"]

Progress = Callable[[int], None]


class SearchIndex(Protocol):
    """Artwork search documents: versioned writes, search, similar works and rebuilds."""

    def upsert(
        self, documents: Iterable[SearchDocument], *, same_version: bool = False
    ) -> BulkReport:
        """Write documents whose version is newer than the stored one; report the rest stale.

        With `same_version`, a document at the stored version replaces it too: its artist's
        name or slug changed, the work did not. (A deleted work is never written again at its
        deletion's version, so no tombstone is met at an equal version.)
        """

    def delete(self, artwork_id: str, version: int) -> None:
        """Remove a work unless a newer version is stored; remember the deletion's version."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Return one page of matches with facets; InvalidQuery for a bad cursor."""

    def more_like_this(self, artwork_id: str, limit: int = 12) -> tuple[SearchHit, ...]:
        """Return visible works most like this one (palette, perceptual hash, tags), not itself."""

    def near_duplicates(self, phash: str, max_distance: int = NEAR_DUPLICATE_BITS) -> list[str]:
        """Return the ids of works (visible or hidden) whose perceptual hash is within
        `max_distance` bits of `phash`, nearest first, then by id."""

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Index `documents` afresh and swap them in atomically; return how many were written."""

    def count(self) -> int:
        """Return how many documents (visible or hidden, not deleted) the index holds."""

    def stamps(self) -> Iterator[DocumentStamp]:
        """Yield the stamp of every live document (not tombstones), in artwork id order."""
