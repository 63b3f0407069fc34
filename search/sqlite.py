"""The search index in one SQLite file (FTS5): the embedded adapter of `SearchIndex`.

Each generation of the index is a set of tables named with its number (documents, an
FTS5 table, tags, palette colours, hash chunks, the vocabulary for typo tolerance and
tombstones); the row `generation` in `search_meta` points at the live one. `rebuild`
fills the next generation, then moves the pointer and drops the old tables in one
transaction. Reads run in a transaction too, so a search sees one generation throughout.
Writes made by other callers while a rebuild loads are lost when it swaps in.

Side tables (tags, palette colours, hash chunks) refer to documents by their integer
`seq`. The records table also keeps each palette packed (L, a, b, share as float64s).

Searches filter, count facets and order on numpy columns of the live generation held by
each connection (`_Columns`: facet codes, years, visibility, tags, packed palettes and sort
ranks, by seq); SQLite answers the full-text MATCH, bm25 scores, records and highlights.
The first search reads the columns (about a second at 100,000 works); every write also
appends the changed artwork ids to `search_changes`, and a search reloads only the works
written since its columns were read (everything after a rebuild, or when the log, which
keeps the last CHANGES_KEPT writes, no longer reaches back that far).

Typo tolerance: a vocabulary table holds every distinct word of the documents (with how
many documents use it); each query term also matches the vocabulary words within its edit
budget (optimal string alignment).

`stamps` reads STAMP_PAGE documents per read transaction, each page after the last id.

`search_meta` also records the layout of the tables (`layout`); a database written in an
older layout is copied into a new generation when it is opened.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from search.cursor import (
    COLOUR_KEY,
    NEWEST_KEY,
    RELEVANCE_KEY,
    Key,
    decode_cursor,
    encode_cursor,
)
from search.document import DocumentStamp, SearchDocument
from search.errors import SearchUnavailable
from search.index import Progress
from search.query import (
    COVERAGE_PENALTY,
    FACET_SIZE,
    FACETS,
    MAX_COLOUR_CANDIDATES,
    NEAR_DUPLICATE_BITS,
    NEAR_DUPLICATE_CANDIDATES,
    BulkReport,
    Candidates,
    ColourQuery,
    SearchHit,
    SearchQuery,
    SearchResult,
    colour_box,
    delta_e_2000,
    most_alike_rows,
    nearest_hashes,
    palette_colours,
    phash_chunks,
    similar_limit,
)
from search.text import (
    FIELD_BOOSTS,
    MARK_CLOSE,
    MARK_OPEN,
    edit_budget,
    edit_distance,
    marked_html,
    query_terms,
    words,
)
from storage.sqlite import Connect, Database, unavailable_as

SHARED_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS search_changes (id INTEGER PRIMARY KEY AUTOINCREMENT,
        generation INTEGER NOT NULL, artwork_id TEXT NOT NULL)""",
)
CHANGES_KEPT = 100_000  # the change log keeps this many writes; older readers reload it all
MAX_EXPANSIONS = 50
BATCH_SIZE = 500
CONNECTION_PRAGMAS = (
    "PRAGMA cache_size = -131072",  # KiB: 128 MB of page cache
    "PRAGMA temp_store = MEMORY",
)
LAYOUT = 2  # the layout of the generation tables, in search_meta
MAX_PARAMS = 500  # ids per `IN (...)` list
BEST_SCORED = 200  # text scores a relevance page asks for first
MAX_ORDER_INSERTS = 1_000  # more changed works than this at once: sort the columns again
STAMP_PAGE = 1_000  # stamps read per read transaction


def _batches(documents: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    """Yield lists of at most `size` documents."""
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass(frozen=True)
class _Tables:
    """The table names of one generation of the index."""

    generation: int

    def name(self, kind: str) -> str:
        """Return the name of this generation's `kind` table."""
        return f"search_{kind}_{self.generation}"

    @property
    def docs(self) -> str:
        """Documents: the filter, facet and sort columns."""
        return self.name("docs")

    @property
    def records(self) -> str:
        """The document as JSON and its palette packed as float64s, by docs.seq."""
        return self.name("records")

    @property
    def fts(self) -> str:
        """The FTS5 table of the searchable text (rowid = docs.seq)."""
        return self.name("fts")

    @property
    def tags(self) -> str:
        """One row per (document seq, tag)."""
        return self.name("tags")

    @property
    def palette(self) -> str:
        """One row per palette colour (document seq, L, a, b)."""
        return self.name("palette")

    @property
    def chunks(self) -> str:
        """One row per (document seq, perceptual-hash chunk)."""
        return self.name("chunks")

    @property
    def vocab(self) -> str:
        """The vocabulary: one row per distinct folded word, with how many documents hold it."""
        return self.name("vocab")

    @property
    def tombstones(self) -> str:
        """Deleted works and the version of their deletion."""
        return self.name("tombstones")

    def schema(self) -> tuple[str, ...]:
        """Return the statements that create this generation's tables."""
        fts_columns = ", ".join(FIELD_BOOSTS)
        return (
            f"""CREATE TABLE {self.docs} (
                seq INTEGER PRIMARY KEY,
                artwork_id TEXT NOT NULL UNIQUE,
                artist_slug TEXT NOT NULL,
                medium TEXT,
                orientation TEXT,
                year INTEGER,
                visible INTEGER NOT NULL,
                published_sort TEXT NOT NULL,
                version INTEGER NOT NULL)""",
            f"CREATE INDEX {self.docs}_newest ON {self.docs} (published_sort, artwork_id)",
            f"""CREATE TABLE {self.records} (seq INTEGER PRIMARY KEY, record TEXT NOT NULL,
                colours BLOB NOT NULL)""",
            f"""CREATE VIRTUAL TABLE {self.fts} USING fts5({fts_columns},
                tokenize = 'porter unicode61 remove_diacritics 2')""",
            f"""CREATE TABLE {self.tags} (seq INTEGER NOT NULL, tag TEXT NOT NULL,
                PRIMARY KEY (seq, tag)) WITHOUT ROWID""",
            f"CREATE INDEX {self.tags}_by_tag ON {self.tags} (tag, seq)",
            f"""CREATE TABLE {self.palette} (seq INTEGER NOT NULL,
                l REAL NOT NULL, a REAL NOT NULL, b REAL NOT NULL)""",
            f"CREATE INDEX {self.palette}_by_seq ON {self.palette} (seq, l, a, b)",
            f"""CREATE TABLE {self.chunks} (seq INTEGER NOT NULL, chunk TEXT NOT NULL,
                PRIMARY KEY (seq, chunk)) WITHOUT ROWID""",
            f"CREATE INDEX {self.chunks}_by_chunk ON {self.chunks} (chunk, seq)",
            f"""CREATE TABLE {self.vocab} (word TEXT PRIMARY KEY, length INTEGER NOT NULL,
                documents INTEGER NOT NULL) WITHOUT ROWID""",
            f"CREATE INDEX {self.vocab}_by_length ON {self.vocab} (length, word)",
            f"""CREATE TABLE {self.tombstones} (artwork_id TEXT PRIMARY KEY,
                version INTEGER NOT NULL)""",
        )

    def drop(self) -> tuple[str, ...]:
        """Return the statements that drop this generation's tables (of any layout)."""
        return tuple(f"DROP TABLE IF EXISTS {self.name(kind)}" for kind in _TABLE_KINDS)


# "words" is the vocabulary of layout 1 (one row per document and word).
_TABLE_KINDS = (
    "docs",
    "records",
    "fts",
    "tags",
    "palette",
    "chunks",
    "vocab",
    "words",
    "tombstones",
)


class SqliteSearchIndex:
    """Artwork search documents in one SQLite database file (WAL mode, FTS5)."""

    def __init__(
        self,
        path: str | Path,
        *,
        connect: Connect = sqlite3.connect,
        busy_timeout: float = 5.0,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        """Remember where the database lives; connect (and create the first generation) lazily."""
        self._database = Database(
            path, _create_first_generation, connect=connect, busy_timeout=busy_timeout
        )
        self._batch_size = batch_size
        self._columns: _Columns | None = None

    def close(self) -> None:
        """Close the connection; the next call opens it again."""
        self._database.close()

    # writes

    def upsert(self, documents: Iterable[SearchDocument]) -> BulkReport:
        """Write documents whose version is newer than the stored one; report the rest stale."""
        report = BulkReport()
        for batch in _batches(documents, self._batch_size):
            with self._write() as db:
                tables = _live_tables(db)
                report += _upsert_batch(db, tables, batch)
                _log_changes(db, tables, [document.artwork_id for document in batch])
        return report

    def delete(self, artwork_id: str, version: int) -> None:
        """Remove a work unless a newer version is stored; remember the deletion's version."""
        with self._write() as db:
            tables = _live_tables(db)
            stored = _stored_version(db, tables, artwork_id)
            if stored is not None and version < stored:
                return
            _remove(db, tables, [artwork_id])
            _log_changes(db, tables, [artwork_id])
            db.execute(
                f"INSERT OR REPLACE INTO {tables.tombstones} (artwork_id, version) VALUES (?, ?)",
                (artwork_id, version),
            )

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Index `documents` into a new generation and swap it in; return how many were written."""
        with self._write() as db:
            old = _live_tables(db)
            new = _Tables(old.generation + 1)
            _run(db, new.drop() + new.schema())
            db.execute(f"INSERT INTO {new.tombstones} SELECT * FROM {old.tombstones}")
        try:
            written = self._load(new, documents, progress)
        except BaseException:
            with self._write() as db:
                _run(db, new.drop())
            raise
        with self._write() as db:
            db.execute(
                "UPDATE search_meta SET value = ? WHERE key = 'generation'", (new.generation,)
            )
            _run(db, old.drop())
        return written

    def _load(
        self, tables: _Tables, documents: Iterable[SearchDocument], progress: Progress | None
    ) -> int:
        """Write documents into a (not yet live) generation in batches; return how many."""
        written = 0
        for batch in _batches(documents, self._batch_size):
            with self._write() as db:
                written += _upsert_batch(db, tables, batch).written
            if progress is not None:
                progress(written)
        return written

    # reads

    def count(self) -> int:
        """Return how many documents (visible or hidden, not deleted) the index holds."""
        with self._read() as db:
            return db.execute(f"SELECT count(*) FROM {_live_tables(db).docs}").fetchone()[0]

    def stamps(self) -> Iterator[DocumentStamp]:
        """Yield the stamp of every live document (not tombstones), in artwork id order."""
        # One read transaction per page, never open while the caller holds a page.
        after: str | None = None
        while True:
            with self._read() as db:
                page = _stamp_page(db, _live_tables(db), after, STAMP_PAGE)
            yield from page
            if len(page) < STAMP_PAGE:
                return
            after = page[-1].artwork_id

    def search(self, query: SearchQuery) -> SearchResult:
        """Return one page of matches with facets; InvalidQuery for a bad cursor."""
        with self._read() as db:
            tables = _live_tables(db)
            columns = self._current_columns(db, tables)
            match = _match_expression(db, tables, query_terms(query.text))
            if match is not None and not query.colours and query.sort == "relevance":
                return self._best_text(db, tables, columns, query, match)
            matches = _matches(db, tables, columns, query, match)
            if query.colours:
                hits, next_key = _colour_page(db, tables, columns, matches, query)
            else:
                hits, next_key = _ranked_page(db, tables, columns, matches, query, bool(match))
            if match is not None:
                hits = _highlighted(db, tables, match, hits)
            return SearchResult(
                hits=tuple(hits),
                total=len(matches[0]),
                facets=columns.facet_counts(matches[0]),
                next_cursor=None if next_key is None else encode_cursor(query, next_key),
            )

    def _best_text(
        self,
        db: sqlite3.Connection,
        tables: _Tables,
        columns: _Columns,
        query: SearchQuery,
        match: str,
    ) -> SearchResult:
        """Return a text-relevance page, scoring only the best matches in Python."""
        seqs = _text_seqs(db, tables, match, columns.matches(query))
        hits, next_key = _best_page(db, tables, columns, match, seqs, query)
        return SearchResult(
            hits=tuple(_highlighted(db, tables, match, hits)),
            total=len(seqs),
            facets=columns.facet_counts(seqs),
            next_cursor=None if next_key is None else encode_cursor(query, next_key),
        )

    def _current_columns(self, db: sqlite3.Connection, tables: _Tables) -> _Columns:
        """Return the in-memory columns of the live generation, brought up to date."""
        last = db.execute("SELECT coalesce(max(id), 0) FROM search_changes").fetchone()[0]
        columns, self._columns = self._columns, None
        if columns is None or columns.generation != tables.generation:
            columns = _Columns.load(db, tables, last)
        elif columns.last != last:
            changed = _changes_since(db, tables, columns.last)
            if changed is None:
                columns = _Columns.load(db, tables, last)
            else:
                columns.update(db, tables, changed, last)
        self._columns = columns
        return columns

    def more_like_this(self, artwork_id: str, limit: int = 12) -> tuple[SearchHit, ...]:
        """Return visible works most like this one (palette, perceptual hash, tags), not itself."""
        limit = similar_limit(limit)
        with self._read() as db:
            tables = _live_tables(db)
            source = _load_document(db, tables, artwork_id)
            if source is None:
                return ()
            seqs, candidates = _similar_candidates(db, tables, source)
            best = most_alike_rows(source, candidates, limit)
            records = _records(db, tables, [seqs[row] for row, _ in best])
        return tuple(SearchHit(_document(records[seqs[row]]), score) for row, score in best)

    def near_duplicates(self, phash: str, max_distance: int = NEAR_DUPLICATE_BITS) -> list[str]:
        """Return works whose perceptual hash is within `max_distance` bits, nearest first."""
        chunks = phash_chunks(phash)
        if not chunks:
            return []
        with self._read() as db:
            tables = _live_tables(db)
            rows = db.execute(
                f"""SELECT r.record FROM {tables.records} r WHERE r.seq IN (
                      SELECT seq FROM {tables.chunks}
                      WHERE chunk IN ({", ".join("?" * len(chunks))}))
                    LIMIT {NEAR_DUPLICATE_CANDIDATES}""",
                chunks,
            ).fetchall()
        candidates = ((doc.artwork_id, doc.phash) for doc in map(_document, (r[0] for r in rows)))
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


def _run(db: sqlite3.Connection, statements: Iterable[str]) -> None:
    """Execute statements one by one (inside the caller's transaction)."""
    for statement in statements:
        db.execute(statement)


def _create_first_generation(db: sqlite3.Connection) -> None:
    """Tune the connection; create the shared tables and generation 1, unless they exist."""
    _run(db, CONNECTION_PRAGMAS)
    db.execute("BEGIN IMMEDIATE")
    try:
        _run(db, SHARED_SCHEMA)
        row = db.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()
        if row is None:
            _run(db, _Tables(1).drop() + _Tables(1).schema())
            db.execute("INSERT INTO search_meta (key, value) VALUES ('generation', 1)")
        else:
            layout = db.execute("SELECT value FROM search_meta WHERE key = 'layout'").fetchone()
            if layout is None or layout[0] != LAYOUT:
                _migrate(db, _Tables(int(row[0])))
        db.execute(
            "INSERT OR REPLACE INTO search_meta (key, value) VALUES ('layout', ?)", (LAYOUT,)
        )
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _migrate(db: sqlite3.Connection, old: _Tables) -> None:
    """Copy a generation of an older layout into a new generation and swap it in."""
    new = _Tables(old.generation + 1)
    _run(db, new.drop() + new.schema())
    db.execute(f"INSERT INTO {new.tombstones} SELECT artwork_id, version FROM {old.tombstones}")
    rows = db.execute(f"SELECT record FROM {old.docs} ORDER BY seq")
    while batch := rows.fetchmany(BATCH_SIZE):
        _insert(db, new, [_document(record) for (record,) in batch])
    db.execute("UPDATE search_meta SET value = ? WHERE key = 'generation'", (new.generation,))
    _run(db, old.drop())


def _live_tables(db: sqlite3.Connection) -> _Tables:
    """Return the tables of the generation searches use."""
    row = db.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()
    return _Tables(int(row[0]))


# writes


def _log_changes(db: sqlite3.Connection, tables: _Tables, artwork_ids: Sequence[str]) -> None:
    """Record that these works changed in the live generation; forget the oldest records."""
    db.executemany(
        "INSERT INTO search_changes (generation, artwork_id) VALUES (?, ?)",
        [(tables.generation, artwork_id) for artwork_id in dict.fromkeys(artwork_ids)],
    )
    db.execute(
        "DELETE FROM search_changes WHERE id <= (SELECT max(id) FROM search_changes) - ?",
        (CHANGES_KEPT,),
    )


def _changes_since(db: sqlite3.Connection, tables: _Tables, last: int) -> list[str] | None:
    """Return the works changed after change `last`; None if the log no longer reaches back."""
    first = db.execute("SELECT min(id) FROM search_changes").fetchone()[0]
    if first is None or first > last + 1:
        return None
    rows = db.execute(
        "SELECT artwork_id FROM search_changes WHERE id > ? AND generation = ? ORDER BY id",
        (last, tables.generation),
    )
    return [artwork_id for (artwork_id,) in rows]


def _stored_version(db: sqlite3.Connection, tables: _Tables, artwork_id: str) -> int | None:
    """Return the version of the stored document or tombstone, if any."""
    row = db.execute(
        f"""SELECT version FROM {tables.docs} WHERE artwork_id = ?
            UNION ALL SELECT version FROM {tables.tombstones} WHERE artwork_id = ?""",
        (artwork_id, artwork_id),
    ).fetchone()
    return None if row is None else int(row[0])


def _upsert_batch(
    db: sqlite3.Connection, tables: _Tables, batch: Sequence[SearchDocument]
) -> BulkReport:
    """Write the documents that are newer than what is stored (or earlier in the batch)."""
    ids = list(dict.fromkeys(document.artwork_id for document in batch))
    stored = _versions(db, tables.tombstones, ids)
    buried = set(stored)
    in_docs = _versions(db, tables.docs, ids)
    stored.update(in_docs)
    pending: dict[str, SearchDocument] = {}
    stale = 0
    for document in batch:
        version = stored.get(document.artwork_id)
        if version is not None and document.version <= version:
            stale += 1
            continue
        stored[document.artwork_id] = document.version
        pending.pop(document.artwork_id, None)
        pending[document.artwork_id] = document
    _remove(db, tables, [artwork_id for artwork_id in pending if artwork_id in in_docs])
    db.executemany(
        f"DELETE FROM {tables.tombstones} WHERE artwork_id = ?",
        [(artwork_id,) for artwork_id in pending if artwork_id in buried],
    )
    _insert(db, tables, list(pending.values()))
    return BulkReport(written=len(batch) - stale, stale=stale)


def _versions(db: sqlite3.Connection, table: str, ids: Sequence[str]) -> dict[str, int]:
    """Return the stored versions of these ids in a table with artwork_id and version."""
    versions: dict[str, int] = {}
    for start in range(0, len(ids), MAX_PARAMS):
        chunk = ids[start : start + MAX_PARAMS]
        rows = db.execute(
            f"""SELECT artwork_id, version FROM {table}
                WHERE artwork_id IN ({", ".join("?" * len(chunk))})""",
            chunk,
        )
        versions.update((artwork_id, int(version)) for artwork_id, version in rows)
    return versions


def _remove(db: sqlite3.Connection, tables: _Tables, artwork_ids: Sequence[str]) -> None:
    """Delete documents and their side rows (not their tombstones)."""
    found = []
    for start in range(0, len(artwork_ids), MAX_PARAMS):
        chunk = artwork_ids[start : start + MAX_PARAMS]
        found += db.execute(
            f"""SELECT d.seq, r.record FROM {tables.docs} d
                JOIN {tables.records} r ON r.seq = d.seq
                WHERE d.artwork_id IN ({", ".join("?" * len(chunk))})""",
            chunk,
        ).fetchall()
    if not found:
        return
    seqs = [(seq,) for seq, _ in found]
    db.executemany(f"DELETE FROM {tables.fts} WHERE rowid = ?", seqs)
    for kind in ("docs", "records", "tags", "palette", "chunks"):
        db.executemany(f"DELETE FROM {tables.name(kind)} WHERE seq = ?", seqs)
    gone: dict[str, int] = {}
    for _, record in found:
        for word in _vocabulary(_document(record)):
            gone[word] = gone.get(word, 0) + 1
    db.executemany(
        f"UPDATE {tables.vocab} SET documents = documents - ? WHERE word = ?",
        [(count, word) for word, count in gone.items()],
    )
    db.executemany(
        f"DELETE FROM {tables.vocab} WHERE word = ? AND documents <= 0",
        [(word,) for word in gone],
    )


def _insert(db: sqlite3.Connection, tables: _Tables, documents: Sequence[SearchDocument]) -> None:
    """Insert documents, their full-text rows and their side rows."""
    if not documents:
        return
    seq = db.execute(f"SELECT coalesce(max(seq), 0) FROM {tables.docs}").fetchone()[0]
    docs, records, texts, tags, palette, chunks = [], [], [], [], [], []
    vocabulary: dict[str, int] = {}
    for d in documents:
        seq += 1
        docs.append(
            (
                seq,
                d.artwork_id,
                d.artist_slug,
                d.medium or None,
                d.orientation or None,
                d.year,
                int(d.visible),
                d.published_sort,
                d.version,
            )
        )
        records.append((seq, json.dumps(d.to_record()), _packed_palette(d)))
        searchable = _searchable_texts(d)
        texts.append((seq, *searchable.values()))
        tags.extend((seq, tag) for tag in dict.fromkeys(d.tags))
        palette.extend((seq, *entry[:3]) for entry in d.palette)
        chunks.extend((seq, chunk) for chunk in dict.fromkeys(phash_chunks(d.phash)))
        for word in _vocabulary(d, searchable):
            vocabulary[word] = vocabulary.get(word, 0) + 1
    db.executemany(f"INSERT INTO {tables.docs} VALUES ({', '.join('?' * len(docs[0]))})", docs)
    db.executemany(f"INSERT INTO {tables.records} VALUES (?, ?, ?)", records)
    db.executemany(
        f"""INSERT INTO {tables.fts} (rowid, {", ".join(FIELD_BOOSTS)})
            VALUES (?, {", ".join("?" * len(FIELD_BOOSTS))})""",
        texts,
    )
    db.executemany(f"INSERT INTO {tables.tags} VALUES (?, ?)", tags)
    db.executemany(f"INSERT INTO {tables.palette} VALUES (?, ?, ?, ?)", palette)
    db.executemany(f"INSERT INTO {tables.chunks} VALUES (?, ?)", chunks)
    db.executemany(
        f"""INSERT INTO {tables.vocab} (word, length, documents) VALUES (?, ?, ?)
            ON CONFLICT (word) DO UPDATE SET documents = documents + excluded.documents""",
        [(word, len(word), count) for word, count in vocabulary.items()],
    )


def _vocabulary(document: SearchDocument, texts: dict[str, str] | None = None) -> list[str]:
    """Return the distinct folded words of a document's searchable text."""
    texts = _searchable_texts(document) if texts is None else texts
    return list(dict.fromkeys(word for text in texts.values() for word in words(text)))


def _packed_palette(document: SearchDocument) -> bytes:
    """Return the palette as float64s: L, a, b and share of each colour in turn."""
    return array("d", [value for entry in document.palette for value in entry[:4]]).tobytes()


def _searchable_texts(document: SearchDocument) -> dict[str, str]:
    """Return the full-text fields of a document, in FIELD_BOOSTS order."""
    texts = {
        "title": document.title,
        "artist_name": document.artist_name,
        "tags": " ".join(document.tags),
        "medium": document.medium,
        "description": document.description,
    }
    return {name: texts[name] for name in FIELD_BOOSTS}


# stamps


def _stamp_page(
    db: sqlite3.Connection, tables: _Tables, after: str | None, size: int
) -> list[DocumentStamp]:
    """Return the stamps of at most `size` documents by artwork id, after `after` if given."""
    where, params = ("", ()) if after is None else ("WHERE d.artwork_id > ?", (after,))
    rows = db.execute(
        f"""SELECT d.artwork_id, d.version, d.visible, json_extract(r.record, '$.title')
            FROM {tables.docs} d JOIN {tables.records} r ON r.seq = d.seq {where}
            ORDER BY d.artwork_id LIMIT ?""",
        (*params, size),
    ).fetchall()
    return [
        DocumentStamp(artwork_id, int(version), bool(visible), title)
        for artwork_id, version, visible, title in rows
    ]


# search


def _match_expression(db: sqlite3.Connection, tables: _Tables, terms: Sequence[str]) -> str | None:
    """Return the FTS5 query: every term, or a word within its typo budget, must match."""
    if not terms:
        return None
    groups = []
    for term in terms:
        variants = [term, *_similar_words(db, tables, term)]
        groups.append("(" + " OR ".join(f'"{variant}"' for variant in variants) + ")")
    return " AND ".join(groups)


def _similar_words(db: sqlite3.Connection, tables: _Tables, term: str) -> list[str]:
    """Return vocabulary words within the term's edit budget (nearest first, at most 50)."""
    budget = edit_budget(term)
    if budget == 0:
        return []
    rows = db.execute(
        f"SELECT word FROM {tables.vocab} WHERE length BETWEEN ? AND ?",
        (len(term) - budget, len(term) + budget),
    )
    near = [(edit_distance(term, word, budget), word) for (word,) in rows if word != term]
    return [word for distance, word in sorted(near) if distance <= budget][:MAX_EXPANSIONS]


def _text_matches(
    db: sqlite3.Connection, tables: _Tables, match: str, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the seqs and text scores of the full-text matches that pass the filters."""
    weights = ", ".join(str(boost) for boost in FIELD_BOOSTS.values())
    rows = db.execute(
        f"""SELECT rowid, -bm25({tables.fts}, {weights}) FROM {tables.fts}
            WHERE {tables.fts} MATCH ?""",
        (match,),
    ).fetchall()
    found = np.array(rows, dtype=np.float64).reshape(-1, 2)
    seqs = found[:, 0].astype(np.int64)
    inside = seqs < len(mask)
    keep = np.zeros(len(seqs), dtype=bool)
    keep[inside] = mask[seqs[inside]]
    return seqs[keep], found[keep, 1]


def _text_seqs(db: sqlite3.Connection, tables: _Tables, match: str, mask: np.ndarray) -> np.ndarray:
    """Return the seqs of the full-text matches that pass the filters (no scores)."""
    rows = db.execute(f"SELECT rowid FROM {tables.fts} WHERE {tables.fts} MATCH ?", (match,))
    seqs = np.fromiter((seq for (seq,) in rows), dtype=np.int64)
    return seqs[_inside(mask, seqs)]


def _inside(mask: np.ndarray, seqs: np.ndarray) -> np.ndarray:
    """Return, for each seq, whether the mask holds it (false beyond the mask)."""
    inside = seqs < len(mask)
    keep = np.zeros(len(seqs), dtype=bool)
    keep[inside] = mask[seqs[inside]]
    return keep


def _scored(
    db: sqlite3.Connection, tables: _Tables, match: str, bounds: str, params: Sequence[Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Return (seqs, scores) of the full-text matches within `bounds` on `score`, best first."""
    weights = ", ".join(str(boost) for boost in FIELD_BOOSTS.values())
    rows = db.execute(
        f"""SELECT * FROM (SELECT rowid AS seq, -bm25({tables.fts}, {weights}) AS score
            FROM {tables.fts} WHERE {tables.fts} MATCH ?) {bounds}""",
        (match, *params),
    ).fetchall()
    found = np.array(rows, dtype=np.float64).reshape(-1, 2)
    return found[:, 0].astype(np.int64), found[:, 1]


def _best_page(
    db: sqlite3.Connection,
    tables: _Tables,
    columns: _Columns,
    match: str,
    matched: np.ndarray,
    query: SearchQuery,
) -> tuple[list[SearchHit], Key | None]:
    """Return a text-relevance page, asking SQLite for the best scores only.

    The first `BEST_SCORED` scores (after the cursor's) decide the page when the last hit
    it needs scores above the last one fetched; a tie there fetches every score down to it.
    """
    after, order, count = decode_cursor(query, RELEVANCE_KEY), columns.order(), query.limit + 1
    chosen = np.zeros(columns.size, dtype=bool)
    chosen[matched] = True
    below, params = ("WHERE score <= ?", [after[0]]) if after is not None else ("WHERE 1", [])
    fetch = max(BEST_SCORED, 4 * count)
    seqs, scores = _scored(
        db, tables, match, f"{below} ORDER BY score DESC LIMIT ?", [*params, fetch]
    )
    kept = np.flatnonzero(_inside(chosen, seqs) & _after(order, seqs, scores, after))
    if len(seqs) == fetch and (len(kept) < count or scores[kept[count - 1]] <= scores[-1]):
        floor = ("AND score >= ?", [scores[kept[count - 1]]]) if len(kept) >= count else ("", [])
        seqs, scores = _scored(db, tables, match, f"{below} {floor[0]}", [*params, *floor[1]])
        kept = np.flatnonzero(_inside(chosen, seqs) & _after(order, seqs, scores, after))
    picked = kept[np.lexsort((order.id_rank[seqs[kept]], -scores[kept]))][:count]
    page = picked[: query.limit]
    hits = _page_hits(db, tables, seqs[page], scores[page].tolist())
    if len(picked) <= query.limit:
        return hits, None
    return hits, (hits[-1].score, hits[-1].document.artwork_id)


def _after(
    order: _Order, seqs: np.ndarray, scores: np.ndarray, after: Key | None
) -> np.ndarray | bool:
    """Return which (seq, score) pairs come after a relevance cursor's position."""
    if after is None:
        return True
    later = order.id_rank[seqs] >= order.ids_after(after[1])
    return (scores < after[0]) | ((scores == after[0]) & later)


def _matches(
    db: sqlite3.Connection,
    tables: _Tables,
    columns: _Columns,
    query: SearchQuery,
    match: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the seqs of a query's matches and their text scores (0 without text)."""
    mask = columns.matches(query)
    if match is not None:
        return _text_matches(db, tables, match, mask)
    seqs = np.flatnonzero(mask)
    return seqs, np.zeros(len(seqs))


def _smallest(values: np.ndarray, count: int) -> np.ndarray:
    """Return the indices of the `count` smallest values, smallest first."""
    if len(values) > count:
        picked = np.argpartition(values, count - 1)[:count]
        return picked[np.argsort(values[picked], kind="stable")]
    return np.argsort(values, kind="stable")


def _page_hits(
    db: sqlite3.Connection, tables: _Tables, seqs: np.ndarray, scores: Sequence[float]
) -> list[SearchHit]:
    """Return the hits of these documents, in order, with these scores."""
    records = _records(db, tables, seqs.tolist())
    return [
        SearchHit(_document(records[seq]), float(score))
        for seq, score in zip(seqs.tolist(), scores, strict=True)
    ]


def _ranked_page(
    db: sqlite3.Connection,
    tables: _Tables,
    columns: _Columns,
    matches: tuple[np.ndarray, np.ndarray],
    query: SearchQuery,
    text: bool,
) -> tuple[list[SearchHit], Key | None]:
    """Return a page of text-relevance or newest-first hits and the last hit's sort key."""
    (seqs, scores), order = matches, columns.order()
    if query.sort == "relevance" and text:
        after = decode_cursor(query, RELEVANCE_KEY)
        if after is not None:
            later = order.id_rank[seqs] >= order.ids_after(after[1])
            keep = (scores < after[0]) | ((scores == after[0]) & later)
            seqs, scores = seqs[keep], scores[keep]
        picked = np.lexsort((order.id_rank[seqs], -scores))[: query.limit + 1]
    else:
        after = decode_cursor(query, NEWEST_KEY)
        if after is not None:
            keep = order.newest_rank[seqs] < order.newest_before(after[0], after[1])
            seqs, scores = seqs[keep], scores[keep]
        picked = _smallest(-order.newest_rank[seqs], query.limit + 1)
    page = picked[: query.limit]
    hits = _page_hits(db, tables, seqs[page], scores[page].tolist())
    if len(picked) <= query.limit:
        return hits, None
    last = hits[-1]
    if query.sort == "relevance" and text:
        return hits, (last.score, last.document.artwork_id)
    return hits, (columns.published[int(seqs[page[-1]])], last.document.artwork_id)


def _colour_page(
    db: sqlite3.Connection,
    tables: _Tables,
    columns: _Columns,
    matches: tuple[np.ndarray, np.ndarray],
    query: SearchQuery,
) -> tuple[list[SearchHit], Key | None]:
    """Return a page of hits ranked by colour distance, then text score, then id."""
    after = decode_cursor(query, COLOUR_KEY)
    (seqs, scores), order = matches, columns.order()
    if len(seqs) > MAX_COLOUR_CANDIDATES:
        lowest = np.argpartition(order.id_rank[seqs], MAX_COLOUR_CANDIDATES - 1)
        seqs, scores = seqs[lowest[:MAX_COLOUR_CANDIDATES]], scores[lowest[:MAX_COLOUR_CANDIDATES]]
    if not len(seqs):
        return [], None
    distances, negated = columns.colour_distances(seqs, query.colours), -scores
    if after is not None:
        bound, later = -after[1], order.id_rank[seqs] >= order.ids_after(after[2])
        tied = (negated > bound) | ((negated == bound) & later)
        keep = (distances > after[0]) | ((distances == after[0]) & tied)
        seqs, scores, distances, negated = seqs[keep], scores[keep], distances[keep], negated[keep]
    ranked = np.lexsort((order.id_rank[seqs], negated, distances))
    page = ranked[: query.limit]
    hits = _page_hits(db, tables, seqs[page], (-distances[page]).tolist())
    if len(ranked) <= query.limit:
        return hits, None
    last = page[-1]
    return hits, (float(distances[last]), -float(negated[last]), hits[-1].document.artwork_id)


def _colour_boxes(colours: Sequence[ColourQuery]) -> tuple[str, list[float]]:
    """Return SQL (on `s`) true when a palette colour is in the box of any query colour."""
    box = "(s.l BETWEEN ? AND ? AND s.a BETWEEN ? AND ? AND s.b BETWEEN ? AND ?)"
    params = [bound for colour in colours for pair in colour_box(colour) for bound in pair]
    return " OR ".join([box] * len(colours)), params


def _records(db: sqlite3.Connection, tables: _Tables, seqs: Sequence[int]) -> dict[int, str]:
    """Return the JSON records of these documents by seq."""
    if not seqs:
        return {}
    rows = db.execute(
        f"SELECT seq, record FROM {tables.records} WHERE seq IN ({', '.join('?' * len(seqs))})",
        list(seqs),
    )
    return dict(rows.fetchall())


def _highlighted(
    db: sqlite3.Connection, tables: _Tables, match: str, hits: list[SearchHit]
) -> list[SearchHit]:
    """Return the hits with their title and description highlights."""
    if not hits:
        return hits
    ids = [hit.document.artwork_id for hit in hits]
    seqs = dict(
        db.execute(
            f"""SELECT seq, artwork_id FROM {tables.docs}
                WHERE artwork_id IN ({", ".join("?" * len(ids))})""",
            ids,
        ).fetchall()
    )
    columns = list(FIELD_BOOSTS)
    rows = db.execute(
        f"""SELECT rowid, highlight({tables.fts}, {columns.index("title")}, ?, ?),
            highlight({tables.fts}, {columns.index("description")}, ?, ?)
            FROM {tables.fts}
            WHERE {tables.fts} MATCH ? AND rowid IN ({", ".join("?" * len(seqs))})""",
        (MARK_OPEN, MARK_CLOSE, MARK_OPEN, MARK_CLOSE, match, *seqs),
    )
    marked = {seqs[seq]: (title, description) for seq, title, description in rows}
    return [_with_highlights(hit, *marked.get(hit.document.artwork_id, ("", ""))) for hit in hits]


def _with_highlights(hit: SearchHit, title: str, description: str) -> SearchHit:
    """Return a hit with the highlighted fields that have a match."""
    fields = {
        "title": marked_html(title or "", hit.document.title),
        "description": marked_html(description or "", hit.document.description),
    }
    highlights = {name: html for name, html in fields.items() if html is not None}
    return SearchHit(hit.document, hit.score, highlights)


# in-memory columns


@dataclass
class _Pairs:
    """Rows of a side table as arrays: the document seq, a value, and whether it is current."""

    seq: np.ndarray
    value: np.ndarray
    alive: np.ndarray

    @classmethod
    def empty(cls, width: int = 0) -> _Pairs:
        """Return no rows (values of `width` columns, or codes when 0)."""
        value = np.zeros((0, width)) if width else np.zeros(0, dtype=np.int64)
        return cls(np.zeros(0, dtype=np.int64), value, np.zeros(0, dtype=bool))

    def append(self, seq: np.ndarray, value: np.ndarray) -> int:
        """Add rows; return the index of the first one."""
        start = len(self.seq)
        self.seq = np.concatenate([self.seq, seq])
        self.value = np.concatenate([self.value, value])
        self.alive = np.concatenate([self.alive, np.ones(len(seq), dtype=bool)])
        return start

    def kill(self, seqs: np.ndarray) -> None:
        """Forget the rows of these documents."""
        if len(seqs) and len(self.seq):
            self.alive &= ~np.isin(self.seq, seqs)

    def holders(self, rows: np.ndarray, size: int) -> np.ndarray:
        """Return a mask over seqs: true where a current row among `rows` belongs to it."""
        mask = np.zeros(size, dtype=bool)
        mask[self.seq[rows & self.alive]] = True
        return mask


class _Codes:
    """One facet column as integer codes by seq (-1 for no value), with the values."""

    def __init__(self) -> None:
        self.code: np.ndarray = np.full(0, -1, dtype=np.int64)
        self.values: list[Any] = []
        self.index: dict[Any, int] = {}

    def codes(self, values: Sequence[Any]) -> np.ndarray:
        """Return the codes of values (new values get new codes; None is -1)."""
        index = self.index
        for value in values:
            if value is not None and value not in index:
                index[value] = len(self.values)
                self.values.append(value)
        return np.array([-1 if v is None else index[v] for v in values], dtype=np.int64)

    def counts(self, codes: np.ndarray) -> tuple[tuple[str, int], ...]:
        """Return the FACET_SIZE most frequent values of `codes`: by count, then value."""
        counts = np.bincount(codes[codes >= 0], minlength=len(self.values))
        found = sorted((-int(counts[c]), self.values[c]) for c in np.flatnonzero(counts))
        return tuple((str(value), -count) for count, value in found[:FACET_SIZE])


_FACET_COLUMNS = ("artist", "medium", "orientation", "year")


class _Columns:
    """The filter, facet and sort columns of one generation in memory, indexed by seq.

    Kept current from `search_changes`: each search reloads only the works written since.
    """

    def __init__(self, generation: int, last: int) -> None:
        self.generation, self.last = generation, last
        self.live = np.zeros(0, dtype=bool)
        self.visible = np.zeros(0, dtype=bool)
        self.year = np.zeros(0)
        self.facets = {name: _Codes() for name in (*_FACET_COLUMNS, "tags")}
        self.ids: list[str | None] = []
        self.published: list[str | None] = []
        self.seq_of: dict[str, int] = {}
        self.tags = _Pairs.empty()
        self.palette = _Pairs.empty(4)
        self.palette_start = np.zeros(0, dtype=np.int64)
        self.palette_size = np.zeros(0, dtype=np.int64)
        self._order: _Order | None = None
        self._lab: tuple[np.ndarray, ...] | None = None

    @classmethod
    def load(cls, db: sqlite3.Connection, tables: _Tables, last: int) -> _Columns:
        """Return the columns of every document of a generation."""
        columns = cls(tables.generation, last)
        columns._add(db, tables, "", (), everything=True)
        return columns

    @property
    def size(self) -> int:
        """Return the number of seq slots."""
        return len(self.live)

    def update(
        self, db: sqlite3.Connection, tables: _Tables, changed: list[str], last: int
    ) -> None:
        """Reload the works written since the columns were read."""
        ids = list(dict.fromkeys(changed))
        self._kill(np.array([self.seq_of.pop(i) for i in ids if i in self.seq_of], dtype=np.int64))
        added: list[int] = []
        for start in range(0, len(ids), MAX_PARAMS):
            chunk = ids[start : start + MAX_PARAMS]
            where = f"WHERE d.artwork_id IN ({', '.join('?' * len(chunk))})"
            added += self._add(db, tables, where, chunk)
        if self._order is not None and len(added) <= MAX_ORDER_INSERTS:
            self._order.insert(self, added)
        else:
            self._order = None
        self.last, self._lab = last, None

    def _kill(self, seqs: np.ndarray) -> None:
        """Forget these seq slots."""
        seqs = seqs[seqs < self.size]
        self.live[seqs] = False
        self.tags.kill(seqs)
        self.palette.kill(seqs)

    def _add(
        self,
        db: sqlite3.Connection,
        tables: _Tables,
        where: str,
        params: Sequence[Any],
        *,
        everything: bool = False,
    ) -> list[int]:
        """Read documents (and their tags and palettes) into their seq slots; return the seqs."""
        rows = db.execute(
            f"""SELECT d.seq, d.artwork_id, d.artist_slug, d.medium, d.orientation, d.year,
                d.visible, d.published_sort, r.colours
                FROM {tables.docs} d JOIN {tables.records} r ON r.seq = d.seq {where}""",
            params,
        ).fetchall()
        if not rows:
            return []
        seqs, ids, artists, mediums, orientations, years, visible, published, colours = zip(
            *rows, strict=True
        )
        slots = np.array(seqs, dtype=np.int64)
        self._vacate(slots)
        self._grow(int(slots.max()) + 1)
        self.live[slots] = True
        self.visible[slots] = np.array(visible, dtype=bool)
        self.year[slots] = np.array([np.nan if y is None else y for y in years], dtype=float)
        for name, values in zip(
            _FACET_COLUMNS, (artists, mediums, orientations, years), strict=True
        ):
            self.facets[name].code[slots] = self.facets[name].codes(values)
        for seq, artwork_id, stamp in zip(seqs, ids, published, strict=True):
            self.ids[seq], self.published[seq] = artwork_id, stamp
            self.seq_of[artwork_id] = seq
        self._add_palettes(slots, colours)
        self._add_tags(db, tables, seqs, everything)
        return list(seqs)

    def _vacate(self, slots: np.ndarray) -> None:
        """Forget whatever still occupies these seq slots."""
        taken = slots[slots < self.size]
        taken = taken[self.live[taken]]
        for seq in taken.tolist():
            if self.seq_of.get(self.ids[seq]) == seq:
                del self.seq_of[self.ids[seq]]
        self._kill(taken)

    def _grow(self, size: int) -> None:
        """Make room for seqs below `size`."""
        if size <= self.size:
            return
        size = max(size, self.size * 5 // 4)
        extra = size - self.size
        self.live = np.concatenate([self.live, np.zeros(extra, dtype=bool)])
        self.visible = np.concatenate([self.visible, np.zeros(extra, dtype=bool)])
        self.year = np.concatenate([self.year, np.full(extra, np.nan)])
        for codes in self.facets.values():
            codes.code = np.concatenate([codes.code, np.full(extra, -1, dtype=np.int64)])
        self.palette_start = np.concatenate([self.palette_start, np.zeros(extra, np.int64)])
        self.palette_size = np.concatenate([self.palette_size, np.zeros(extra, np.int64)])
        self.ids.extend([None] * extra)
        self.published.extend([None] * extra)

    def _add_palettes(self, slots: np.ndarray, colours: Sequence[bytes]) -> None:
        """Append the packed palettes (L, a, b, share) of these documents."""
        sizes = np.array([len(blob) // 32 for blob in colours], dtype=np.int64)
        values = np.frombuffer(b"".join(colours), dtype=np.float64).reshape(-1, 4)
        start = self.palette.append(np.repeat(slots, sizes), values)
        self.palette_start[slots] = start + np.cumsum(sizes) - sizes
        self.palette_size[slots] = sizes

    def _add_tags(
        self, db: sqlite3.Connection, tables: _Tables, seqs: Sequence[int], everything: bool
    ) -> None:
        """Append the tags of these documents (of every document when `everything`)."""
        rows: list[tuple[int, str]] = []
        if everything:
            rows = db.execute(f"SELECT seq, tag FROM {tables.tags}").fetchall()
        else:
            for start in range(0, len(seqs), MAX_PARAMS):
                chunk = seqs[start : start + MAX_PARAMS]
                rows += db.execute(
                    f"""SELECT seq, tag FROM {tables.tags}
                        WHERE seq IN ({", ".join("?" * len(chunk))})""",
                    chunk,
                ).fetchall()
        if rows:
            seq, tags = zip(*rows, strict=True)
            self.tags.append(np.array(seq, dtype=np.int64), self.facets["tags"].codes(tags))

    # queries

    def matches(self, query: SearchQuery) -> np.ndarray:
        """Return a mask over seqs of the documents that pass the query's filters."""
        mask = self.live & self.visible if not query.include_hidden else self.live.copy()
        for name, value in (("artist", query.artist), ("medium", query.medium)):
            mask &= self._equal(name, value)
        mask &= self._equal("orientation", query.orientation)
        if query.year_from is not None:
            mask &= self.year >= query.year_from
        if query.year_to is not None:
            mask &= self.year <= query.year_to
        for tag in query.tags:
            code = self.facets["tags"].index.get(tag, -2)
            mask &= self.tags.holders(self.tags.value == code, self.size)
        if query.colours:
            mask &= self.palette.holders(self._in_boxes(query.colours), self.size)
        return mask

    def _equal(self, name: str, value: Any) -> np.ndarray | bool:
        """Return a mask of the documents whose `name` column equals value (True if None)."""
        if value is None:
            return True
        return self.facets[name].code == self.facets[name].index.get(value, -2)

    def _in_boxes(self, colours: Sequence[ColourQuery]) -> np.ndarray:
        """Return a mask over palette rows: inside the box of any query colour."""
        if self._lab is None:
            self._lab = tuple(np.ascontiguousarray(self.palette.value[:, i]) for i in range(3))
        inside = np.zeros(len(self.palette.seq), dtype=bool)
        for colour in colours:
            box = np.ones(len(inside), dtype=bool)
            for values, (low, high) in zip(self._lab, colour_box(colour), strict=True):
                box &= values >= low
                box &= values <= high
            inside |= box
        return inside

    def facet_counts(self, seqs: np.ndarray) -> dict[str, tuple[tuple[str, int], ...]]:
        """Return the value counts of every facet over these documents."""
        facets = {
            name: self.facets[name].counts(self.facets[name].code[seqs]) for name in _FACET_COLUMNS
        }
        chosen = np.zeros(self.size, dtype=bool)
        chosen[seqs] = True
        rows = self.tags.alive & chosen[self.tags.seq]
        facets["tags"] = self.facets["tags"].counts(self.tags.value[rows])
        return {name: facets[name] for name in FACETS}

    def order(self) -> _Order:
        """Return the sort columns (built once per change)."""
        if self._order is None:
            self._order = _Order(self)
        return self._order

    def colour_distances(self, seqs: np.ndarray, colours: Sequence[ColourQuery]) -> np.ndarray:
        """Return `colour_distance` of these documents' palettes (each has at least one colour)."""
        sizes = self.palette_size[seqs]
        ends = np.cumsum(sizes)
        rows = np.repeat(self.palette_start[seqs] - ends + sizes, sizes) + np.arange(ends[-1])
        values = self.palette.value[rows]
        query_lab = np.array([colour.lab for colour in colours], dtype=np.float64)
        weights = np.array([colour.weight for colour in colours], dtype=np.float64)
        delta = delta_e_2000(query_lab[None, :, :], values[:, None, :3])
        penalty = COVERAGE_PENALTY * (1.0 - np.clip(values[:, 3], 0.0, 1.0))
        nearest = np.minimum.reduceat(delta + penalty[:, None], ends - sizes, axis=0)
        return (weights[None, :] * nearest).sum(axis=1) / weights.sum()


class _Order:
    """Sort ranks by seq: of the artwork id, and of (published_sort, artwork id), ascending.

    A rank is a position in a sorted list of keys that also keeps the keys of works removed
    since the list was built, so a write inserts its keys (shifting the ranks after them)
    instead of sorting everything again.
    """

    def __init__(self, columns: _Columns) -> None:
        live = np.flatnonzero(columns.live).tolist()
        ids, published = columns.ids, columns.published
        by_id = sorted(live, key=ids.__getitem__)
        by_date = sorted(live, key=lambda seq: (published[seq], ids[seq]))
        self.ids = [ids[seq] for seq in by_id]
        self.newest = [(published[seq], ids[seq]) for seq in by_date]
        self.id_rank = np.zeros(columns.size, dtype=np.int64)
        self.newest_rank = np.zeros(columns.size, dtype=np.int64)
        self.id_rank[by_id] = np.arange(len(by_id))
        self.newest_rank[by_date] = np.arange(len(by_date))

    def insert(self, columns: _Columns, seqs: Sequence[int]) -> None:
        """Rank documents just added to the columns."""
        extra = columns.size - len(self.id_rank)
        if extra > 0:
            self.id_rank = np.concatenate([self.id_rank, np.zeros(extra, dtype=np.int64)])
            self.newest_rank = np.concatenate([self.newest_rank, np.zeros(extra, dtype=np.int64)])
        for seq in seqs:
            artwork_id = columns.ids[seq]
            _insert_key(self.ids, self.id_rank, seq, artwork_id)
            _insert_key(self.newest, self.newest_rank, seq, (columns.published[seq], artwork_id))

    def ids_after(self, artwork_id: str) -> int:
        """Return the rank from which ids sort after `artwork_id`."""
        return bisect_right(self.ids, artwork_id)

    def newest_before(self, published: str, artwork_id: str) -> int:
        """Return the rank below which (published_sort, id) sorts before the given pair."""
        return bisect_left(self.newest, (published, artwork_id))


def _insert_key(keys: list[Any], ranks: np.ndarray, seq: int, key: Any) -> None:
    """Insert a document's key into a sorted key list and give it its rank."""
    at = bisect_left(keys, key)
    keys.insert(at, key)
    ranks[ranks >= at] += 1
    ranks[seq] = at


# more like this


def _load_document(
    db: sqlite3.Connection, tables: _Tables, artwork_id: str
) -> SearchDocument | None:
    """Return a stored document, or None."""
    row = db.execute(
        f"""SELECT r.record FROM {tables.docs} d JOIN {tables.records} r ON r.seq = d.seq
            WHERE d.artwork_id = ?""",
        (artwork_id,),
    ).fetchone()
    return None if row is None else _document(row[0])


def _similar_candidates(
    db: sqlite3.Connection, tables: _Tables, source: SearchDocument
) -> tuple[list[int], Candidates]:
    """Return the seqs and likeness inputs of visible works sharing a tag, a hash chunk or a
    nearby palette colour (only what likeness reads: full records are decoded for the best)."""
    shared, params = [], []
    if source.tags:
        shared.append(_side_match(tables.tags, "tag", len(source.tags)))
        params.extend(source.tags)
    chunks = phash_chunks(source.phash)
    if chunks:
        shared.append(_side_match(tables.chunks, "chunk", len(chunks)))
        params.extend(chunks)
    colours = palette_colours(source.palette)
    if colours:
        boxes, box_params = _colour_boxes(colours)
        shared.append(_exists(tables.palette, f"({boxes})"))
        params.extend(box_params)
    if not shared:
        return [], Candidates.of([])
    rows = db.execute(
        f"""SELECT d.seq, d.artwork_id, r.colours, json_extract(r.record, '$.phash'),
                   json_extract(r.record, '$.tags')
            FROM {tables.docs} d JOIN {tables.records} r ON r.seq = d.seq
            WHERE d.visible = 1 AND d.artwork_id <> ? AND ({" OR ".join(shared)})
            ORDER BY d.artwork_id ASC LIMIT {MAX_COLOUR_CANDIDATES}""",
        (source.artwork_id, *params),
    ).fetchall()
    if not rows:
        return [], Candidates.of([])
    seqs, ids, colour_blobs, phashes, tags = zip(*rows, strict=True)
    palettes = [np.frombuffer(blob, dtype=np.float64) for blob in colour_blobs]
    tag_lists = [json.loads(text) if text else [] for text in tags]
    return list(seqs), Candidates.packed(ids, palettes, phashes, tag_lists)


def _side_match(table: str, column: str, count: int) -> str:
    """Return SQL true when a side table has a row of `d` whose column is one of `count` values."""
    return _exists(table, f"s.{column} IN ({', '.join('?' * count)})")


def _exists(table: str, condition: str) -> str:
    """Return SQL true when a side table (as `s`) has a row of `d`'s work meeting `condition`."""
    return f"EXISTS (SELECT 1 FROM {table} s WHERE s.seq = d.seq AND {condition})"


def _document(record: str) -> SearchDocument:
    """Return the document stored as JSON."""
    return SearchDocument.from_record(json.loads(record))
