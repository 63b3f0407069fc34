"""The search index in one SQLite file (FTS5): the embedded adapter of `SearchIndex`.

Each generation of the index is a set of tables named with its number (documents, an
FTS5 table, tags, palette colours, hash chunks, the vocabulary for typo tolerance and
tombstones); the row `generation` in `search_meta` points at the live one. `rebuild`
fills the next generation, then moves the pointer and drops the old tables in one
transaction. Reads run in a transaction too, so a search sees one generation throughout.
Writes made by other callers while a rebuild loads are lost when it swaps in.

Side tables (tags, palette colours, hash chunks) refer to documents by their integer
`seq`. The documents table also keeps each palette packed (L, a, b, share as float64s) so
that colour ranking decodes no JSON. A search collects its matches once into a temporary
table; the page, the total and the facets are read from there.

Typo tolerance: a vocabulary table holds every distinct word of the documents (with how
many documents use it); each query term also matches the vocabulary words within its edit
budget (optimal string alignment).

`search_meta` also records the layout of the tables (`layout`); a database written in an
older layout is copied into a new generation when it is opened.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
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
from search.document import SearchDocument
from search.errors import InvalidQuery, SearchUnavailable
from search.index import Progress
from search.query import (
    FACET_SIZE,
    FACETS,
    MAX_COLOUR_CANDIDATES,
    MAX_LIMIT,
    NEAR_DUPLICATE_BITS,
    NEAR_DUPLICATE_CANDIDATES,
    BulkReport,
    ColourQuery,
    SearchHit,
    SearchQuery,
    SearchResult,
    colour_box,
    colour_distances,
    likeness,
    nearest_hashes,
    palette_colours,
    phash_chunks,
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
from storage.sqlite import Connect, Database, is_unavailable

SHARED_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)
MAX_EXPANSIONS = 50
BATCH_SIZE = 500
CONNECTION_PRAGMAS = (
    "PRAGMA cache_size = -131072",  # KiB: 128 MB of page cache
    "PRAGMA temp_store = MEMORY",
)
LAYOUT = 2  # the layout of the generation tables, in search_meta
MAX_PARAMS = 500  # ids per `IN (...)` list
MATCHES = "temp.search_matches"


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

    def close(self) -> None:
        """Close the connection; the next call opens it again."""
        self._database.close()

    # writes

    def upsert(self, documents: Iterable[SearchDocument]) -> BulkReport:
        """Write documents whose version is newer than the stored one; report the rest stale."""
        report = BulkReport()
        for batch in _batches(documents, self._batch_size):
            with self._write() as db:
                report += _upsert_batch(db, _live_tables(db), batch)
        return report

    def delete(self, artwork_id: str, version: int) -> None:
        """Remove a work unless a newer version is stored; remember the deletion's version."""
        with self._write() as db:
            tables = _live_tables(db)
            stored = _stored_version(db, tables, artwork_id)
            if stored is not None and version < stored:
                return
            _remove(db, tables, [artwork_id])
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

    def search(self, query: SearchQuery) -> SearchResult:
        """Return one page of matches with facets; InvalidQuery for a bad cursor."""
        with self._read() as db:
            tables = _live_tables(db)
            match = _match_expression(db, tables, query_terms(query.text))
            where = _Where.of(tables, query, match)
            where.collect(db)
            try:
                if query.colours:
                    hits, next_key = _colour_page(db, where, query)
                else:
                    hits, next_key = _ranked_page(db, where, query)
                if match is not None:
                    hits = _highlighted(db, tables, match, hits)
                return SearchResult(
                    hits=tuple(hits),
                    total=where.count(db),
                    facets=where.facets(db),
                    next_cursor=None if next_key is None else encode_cursor(query, next_key),
                )
            finally:
                db.execute(f"DELETE FROM {MATCHES}")

    def more_like_this(self, artwork_id: str, limit: int = 12) -> tuple[SearchHit, ...]:
        """Return visible works most like this one (palette, perceptual hash, tags), not itself."""
        limit = _similar_limit(limit)
        with self._read() as db:
            tables = _live_tables(db)
            source = _load_document(db, tables, artwork_id)
            if source is None:
                return ()
            candidates = _similar_candidates(db, tables, source)
        ranked = sorted(
            ((likeness(source, other), other) for other in candidates),
            key=lambda pair: (-pair[0], pair[1].artwork_id),
        )
        return tuple(SearchHit(document, score) for score, document in ranked[:limit])

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


@contextmanager
def _translated() -> Iterator[None]:
    """Turn busy, locked or unreachable databases into SearchUnavailable."""
    try:
        yield
    except sqlite3.OperationalError as e:
        if is_unavailable(e):
            raise SearchUnavailable("the search database is busy or unavailable") from e
        raise


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
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {MATCHES} (
            seq INTEGER PRIMARY KEY, id TEXT NOT NULL, published TEXT NOT NULL,
            score REAL NOT NULL, artist TEXT, medium TEXT, orientation TEXT, year INTEGER)"""
    )


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


@dataclass(frozen=True)
class _Where:
    """The matches of a query as SQL: FROM (documents `d`, with `score`) and WHERE."""

    tables: _Tables
    source: str
    conditions: str
    params: tuple[Any, ...]
    has_text: bool

    @classmethod
    def of(cls, tables: _Tables, query: SearchQuery, match: str | None) -> _Where:
        """Return the SQL of a query's matches."""
        source, params = f"{tables.docs} d", []
        if match is not None:
            weights = ", ".join(str(boost) for boost in FIELD_BOOSTS.values())
            source = f"""{tables.docs} d JOIN (SELECT rowid AS seq,
                -bm25({tables.fts}, {weights}) AS score FROM {tables.fts}
                WHERE {tables.fts} MATCH ?) m ON m.seq = d.seq"""
            params.append(match)
        conditions, filter_params = _filters(tables, query)
        return cls(tables, source, conditions, (*params, *filter_params), match is not None)

    @property
    def score(self) -> str:
        """Return the SQL expression of a match's text score."""
        return "m.score" if self.has_text else "0.0"

    def collect(self, db: sqlite3.Connection) -> None:
        """Write the matches (seq, id, published_sort, score) into the temporary table."""
        db.execute(f"DELETE FROM {MATCHES}")
        db.execute(
            f"""INSERT INTO {MATCHES}
                SELECT d.seq, d.artwork_id, d.published_sort, {self.score},
                d.artist_slug, d.medium, d.orientation, d.year
                FROM {self.source} WHERE {self.conditions}""",
            self.params,
        )

    def count(self, db: sqlite3.Connection) -> int:
        """Return the number of matches."""
        return db.execute(f"SELECT count(*) FROM {MATCHES}").fetchone()[0]

    def facets(self, db: sqlite3.Connection) -> dict[str, tuple[tuple[str, int], ...]]:
        """Return the value counts of every facet over the matches."""
        columns = {"artist": "m.artist", "medium": "m.medium", "orientation": "m.orientation"}
        facets = {name: self._facet(db, column) for name, column in columns.items()}
        facets["tags"] = self._facet(
            db, "g.tag", f"CROSS JOIN {self.tables.tags} g ON g.seq = m.seq"
        )
        facets["year"] = self._facet(db, "m.year")
        return {name: facets[name] for name in FACETS}

    def _facet(
        self, db: sqlite3.Connection, column: str, join: str = ""
    ) -> tuple[tuple[str, int], ...]:
        """Return one facet's values and counts: by count, then value."""
        sql = f"""SELECT {column}, count(*) FROM {MATCHES} m {join}
            WHERE {column} IS NOT NULL
            GROUP BY {column} ORDER BY 2 DESC, 1 ASC LIMIT {FACET_SIZE}"""
        return tuple((str(value), count) for value, count in db.execute(sql))

    def rows(
        self,
        db: sqlite3.Connection,
        keyset: str,
        order: str,
        limit: int,
        params: Sequence[Any] = (),
    ) -> list[Any]:
        """Return (id, published_sort, score, record) of matches after `keyset`, in `order`."""
        sql = f"""SELECT m.id, m.published, m.score, r.record
            FROM (SELECT * FROM {MATCHES} {keyset} {order} LIMIT {limit}) m
            CROSS JOIN {self.tables.records} r ON r.seq = m.seq {order}"""
        return db.execute(sql, params).fetchall()


def _filters(tables: _Tables, query: SearchQuery) -> tuple[str, list[Any]]:
    """Return the WHERE conditions (on `d`) and parameters of a query's filters."""
    conditions, params = ["1 = 1"], []
    if not query.include_hidden:
        conditions.append("d.visible = 1")
    simple = {
        "d.artist_slug = ?": query.artist,
        "d.medium = ?": query.medium,
        "d.orientation = ?": query.orientation,
        "d.year >= ?": query.year_from,
        "d.year <= ?": query.year_to,
    }
    for condition, value in simple.items():
        if value is not None:
            conditions.append(condition)
            params.append(value)
    for tag in query.tags:
        conditions.append(f"d.seq IN (SELECT seq FROM {tables.tags} WHERE tag = ?)")
        params.append(tag)
    if query.colours:
        boxes, box_params = _colour_boxes(query.colours)
        conditions.append(_exists(tables.palette, f"({boxes})"))
        params.extend(box_params)
    return " AND ".join(conditions), params


def _colour_boxes(colours: Sequence[ColourQuery]) -> tuple[str, list[float]]:
    """Return SQL (on `s`) true when a palette colour is in the box of any query colour."""
    box = "(s.l BETWEEN ? AND ? AND s.a BETWEEN ? AND ? AND s.b BETWEEN ? AND ?)"
    params = [bound for colour in colours for pair in colour_box(colour) for bound in pair]
    return " OR ".join([box] * len(colours)), params


def _ranked_page(
    db: sqlite3.Connection, where: _Where, query: SearchQuery
) -> tuple[list[SearchHit], Key | None]:
    """Return a page of text-relevance or newest-first hits and the last hit's sort key."""
    if query.sort == "relevance" and where.has_text:
        after = decode_cursor(query, RELEVANCE_KEY)
        keyset = "WHERE score < ? OR (score = ? AND id > ?)" if after else ""
        params = (after[0], after[0], after[1]) if after else ()
        order, key_of = "ORDER BY score DESC, id ASC", lambda row: (row[2], row[0])
    else:
        after = decode_cursor(query, NEWEST_KEY)
        keyset = "WHERE published < ? OR (published = ? AND id < ?)" if after else ""
        params = (after[0], after[0], after[1]) if after else ()
        order, key_of = "ORDER BY published DESC, id DESC", lambda row: (row[1], row[0])
    rows = where.rows(db, keyset, order, query.limit + 1, params)
    page = rows[: query.limit]
    hits = [SearchHit(_document(row[3]), float(row[2])) for row in page]
    return hits, key_of(page[-1]) if len(rows) > query.limit else None


def _colour_page(
    db: sqlite3.Connection, where: _Where, query: SearchQuery
) -> tuple[list[SearchHit], Key | None]:
    """Return a page of hits ranked by colour distance, then text score, then id."""
    after = decode_cursor(query, COLOUR_KEY)
    rows = db.execute(
        f"""SELECT m.id, m.score, m.seq, r.colours
            FROM (SELECT seq, id, score FROM {MATCHES} ORDER BY id ASC
                LIMIT {MAX_COLOUR_CANDIDATES}) m
            CROSS JOIN {where.tables.records} r ON r.seq = m.seq ORDER BY m.id ASC"""
    ).fetchall()
    distances = _colour_distances([row[3] for row in rows], query)
    ranked = sorted(
        ((float(distance), -float(score), artwork_id), seq)
        for (artwork_id, score, seq, _), distance in zip(rows, distances.tolist(), strict=True)
    )
    if after is not None:
        bound = (after[0], -after[1], after[2])
        ranked = [pair for pair in ranked if pair[0] > bound]
    page = ranked[: query.limit]
    records = _records(db, where.tables, [seq for _, seq in page])
    hits = [SearchHit(_document(records[seq]), -key[0]) for key, seq in page]
    last = page[-1][0] if len(ranked) > query.limit else None
    return hits, None if last is None else (last[0], -last[1], last[2])


def _colour_distances(packed: Sequence[bytes], query: SearchQuery) -> np.ndarray:
    """Return the colour distance of each packed palette to the query's colours."""
    sizes = [len(blob) // 32 for blob in packed]
    width = max(sizes, default=0)
    values = np.zeros((len(packed), width, 4), dtype=np.float64)
    present = np.zeros((len(packed), width), dtype=bool)
    for i, (blob, size) in enumerate(zip(packed, sizes, strict=True)):
        if size:
            values[i, :size] = np.frombuffer(blob, dtype=np.float64).reshape(size, 4)
            present[i, :size] = True
    return colour_distances(values[:, :, :3], values[:, :, 3], present, query.colours)


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


# more like this


def _similar_limit(limit: int) -> int:
    """Return the limit of similar works, capped; InvalidQuery unless a positive integer."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidQuery(f"limit must be a positive integer, not {limit!r}")
    return min(limit, MAX_LIMIT)


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
) -> list[SearchDocument]:
    """Return visible works sharing a tag, a hash chunk or a nearby palette colour."""
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
        return []
    rows = db.execute(
        f"""SELECT (SELECT record FROM {tables.records} r WHERE r.seq = d.seq)
            FROM {tables.docs} d
            WHERE d.visible = 1 AND d.artwork_id <> ? AND ({" OR ".join(shared)})
            ORDER BY d.artwork_id ASC LIMIT {MAX_COLOUR_CANDIDATES}""",
        (source.artwork_id, *params),
    )
    return [_document(record) for (record,) in rows]


def _side_match(table: str, column: str, count: int) -> str:
    """Return SQL true when a side table has a row of `d` whose column is one of `count` values."""
    return _exists(table, f"s.{column} IN ({', '.join('?' * count)})")


def _exists(table: str, condition: str) -> str:
    """Return SQL true when a side table (as `s`) has a row of `d`'s work meeting `condition`."""
    return f"EXISTS (SELECT 1 FROM {table} s WHERE s.seq = d.seq AND {condition})"


def _document(record: str) -> SearchDocument:
    """Return the document stored as JSON."""
    return SearchDocument.from_record(json.loads(record))
