"""`SqliteSearchIndex`: the embedded adapter of `SearchIndex`, one SQLite file (FTS5).

Reads run in a transaction, so a search sees one generation throughout. Writes made by
other callers while a rebuild loads are lost when it swaps in. `stamps` reads STAMP_PAGE
documents per read transaction, each page after the last id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from search.candidates import phash_chunks, similar_limit
from search.document import DocumentStamp, SearchDocument
from search.errors import SearchUnavailable
from search.index import Progress
from search.query import NEAR_DUPLICATE_BITS, BulkReport, SearchHit, SearchQuery, SearchResult
from search.similarity import nearest_hashes
from search.sqlite import ranking, records, similarity, writes
from search.sqlite.changes import log_changes
from search.sqlite.columns import Columns, current_columns
from search.sqlite.schema import (
    create_first_generation,
    live_tables,
    next_generation,
    run,
    swap_generations,
)
from search.sqlite.tables import Tables
from storage.sqlite import Connect, Database, unavailable_as

STAMP_PAGE = 1_000  # stamps read per read transaction


class SqliteSearchIndex:
    """Artwork search documents in one SQLite database file (WAL mode, FTS5)."""

    def __init__(
        self,
        path: str | Path,
        *,
        connect: Connect = sqlite3.connect,
        busy_timeout: float = 5.0,
        batch_size: int = writes.BATCH_SIZE,
    ) -> None:
        """Remember where the database lives; connect (and create the first generation) lazily."""
        self._database = Database(
            path, create_first_generation, connect=connect, busy_timeout=busy_timeout
        )
        self._batch_size = batch_size
        self._columns: Columns | None = None

    def close(self) -> None:
        """Close the connection; the next call opens it again."""
        self._database.close()

    # writes

    def upsert(
        self, documents: Iterable[SearchDocument], *, same_version: bool = False
    ) -> BulkReport:
        """Write documents newer than the stored ones (`same_version`: or equal); count the rest."""
        report = BulkReport()
        for batch in writes.batches(documents, self._batch_size):
            with self._write() as db:
                tables = live_tables(db)
                report += writes.upsert_batch(db, tables, batch, same_version)
                log_changes(db, tables, [document.artwork_id for document in batch])
        return report

    def delete(self, artwork_id: str, version: int) -> None:
        """Remove a work unless a newer version is stored; remember the deletion's version."""
        with self._write() as db:
            tables = live_tables(db)
            if writes.delete(db, tables, artwork_id, version):
                log_changes(db, tables, [artwork_id])

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Index `documents` into a new generation and swap it in; return how many were written."""
        with self._write() as db:
            old = live_tables(db)
            new = next_generation(db, old)
        try:
            written = self._load(new, documents, progress)
        except BaseException:
            with self._write() as db:
                run(db, new.drop())
            raise
        with self._write() as db:
            swap_generations(db, old, new)
        return written

    def _load(
        self, tables: Tables, documents: Iterable[SearchDocument], progress: Progress | None
    ) -> int:
        """Write documents into a (not yet live) generation in batches; return how many."""
        written = 0
        for batch in writes.batches(documents, self._batch_size):
            with self._write() as db:
                written += writes.upsert_batch(db, tables, batch).written
            if progress is not None:
                progress(written)
        return written

    # reads

    def count(self) -> int:
        """Return how many documents (visible or hidden, not deleted) the index holds."""
        with self._read() as db:
            return records.count(db, live_tables(db))

    def stamps(self) -> Iterator[DocumentStamp]:
        """Yield the stamp of every live document (not tombstones), in artwork id order."""
        # One read transaction per page, never open while the caller holds a page.
        after: str | None = None
        while True:
            with self._read() as db:
                page = records.stamp_page(db, live_tables(db), after, STAMP_PAGE)
            yield from page
            if len(page) < STAMP_PAGE:
                return
            after = page[-1].artwork_id

    def search(self, query: SearchQuery) -> SearchResult:
        """Return one page of matches with facets; InvalidQuery for a bad cursor."""
        with self._read() as db:
            tables = live_tables(db)
            columns, self._columns = self._columns, None  # dropped if an update fails
            self._columns = current_columns(db, tables, columns)
            return ranking.search(db, tables, self._columns, query)

    def more_like_this(self, artwork_id: str, limit: int = 12) -> tuple[SearchHit, ...]:
        """Return visible works most like this one (palette, perceptual hash, tags), not itself."""
        limit = similar_limit(limit)
        with self._read() as db:
            return similarity.more_like_this(db, live_tables(db), artwork_id, limit)

    def near_duplicates(self, phash: str, max_distance: int = NEAR_DUPLICATE_BITS) -> list[str]:
        """Return works whose perceptual hash is within `max_distance` bits, nearest first."""
        chunks = phash_chunks(phash)
        if not chunks:
            return []
        with self._read() as db:
            candidates = similarity.hash_candidates(db, live_tables(db), chunks)
        return nearest_hashes(phash, candidates, max_distance)

    # connections

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """Run the body in a `BEGIN IMMEDIATE` transaction; commit on success."""
        with _translated(), self._database.write() as db:
            yield db

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """Run the body in a read transaction, so it sees one generation throughout."""
        with _translated(), self._database.read() as db:
            yield db


def _translated() -> AbstractContextManager[None]:
    """Turn busy, locked or unreachable databases into SearchUnavailable."""
    return unavailable_as(SearchUnavailable, "search index")
