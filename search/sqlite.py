"""The search index in one SQLite file (FTS5): the embedded adapter of `SearchIndex`.

Each generation of the index is a set of tables named with its number (documents, an
FTS5 table, tags, palette colours, hash chunks, the vocabulary for typo tolerance and
tombstones); the row `generation` in `search_meta` points at the live one. `rebuild`
fills the next generation, then moves the pointer and drops the old tables in one
transaction. Reads run in a transaction too, so a search sees one generation throughout.
Writes made by other callers while a rebuild loads are lost when it swaps in.

Typo tolerance: a vocabulary table holds every word of every document; each query term
also matches the vocabulary words within its edit budget (optimal string alignment).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

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
    BulkReport,
    ColourQuery,
    SearchHit,
    SearchQuery,
    SearchResult,
    colour_box,
    colour_distance,
    likeness,
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
        """Documents: the filter and sort columns, and the whole document as JSON."""
        return self.name("docs")

    @property
    def fts(self) -> str:
        """The FTS5 table of the searchable text (rowid = docs.seq)."""
        return self.name("fts")

    @property
    def tags(self) -> str:
        """One row per (artwork, tag)."""
        return self.name("tags")

    @property
    def palette(self) -> str:
        """One row per palette colour (L, a, b)."""
        return self.name("palette")

    @property
    def chunks(self) -> str:
        """One row per perceptual-hash chunk."""
        return self.name("chunks")

    @property
    def words(self) -> str:
        """The vocabulary: one row per (artwork, folded word)."""
        return self.name("words")

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
                version INTEGER NOT NULL,
                record TEXT NOT NULL)""",
            f"CREATE INDEX {self.docs}_newest ON {self.docs} (published_sort, artwork_id)",
            f"""CREATE VIRTUAL TABLE {self.fts} USING fts5({fts_columns},
                tokenize = 'porter unicode61 remove_diacritics 2')""",
            f"""CREATE TABLE {self.tags} (artwork_id TEXT NOT NULL, tag TEXT NOT NULL,
                PRIMARY KEY (artwork_id, tag)) WITHOUT ROWID""",
            f"CREATE INDEX {self.tags}_by_tag ON {self.tags} (tag, artwork_id)",
            f"""CREATE TABLE {self.palette} (artwork_id TEXT NOT NULL,
                l REAL NOT NULL, a REAL NOT NULL, b REAL NOT NULL)""",
            f"CREATE INDEX {self.palette}_by_id ON {self.palette} (artwork_id)",
            f"""CREATE TABLE {self.chunks} (artwork_id TEXT NOT NULL, chunk TEXT NOT NULL,
                PRIMARY KEY (artwork_id, chunk)) WITHOUT ROWID""",
            f"CREATE INDEX {self.chunks}_by_chunk ON {self.chunks} (chunk)",
            f"""CREATE TABLE {self.words} (artwork_id TEXT NOT NULL, word TEXT NOT NULL,
                length INTEGER NOT NULL, PRIMARY KEY (artwork_id, word)) WITHOUT ROWID""",
            f"CREATE INDEX {self.words}_by_length ON {self.words} (length, word)",
            f"""CREATE TABLE {self.tombstones} (artwork_id TEXT PRIMARY KEY,
                version INTEGER NOT NULL)""",
        )

    def drop(self) -> tuple[str, ...]:
        """Return the statements that drop this generation's tables."""
        return tuple(f"DROP TABLE IF EXISTS {self.name(kind)}" for kind in _TABLE_KINDS)


_TABLE_KINDS = ("docs", "fts", "tags", "palette", "chunks", "words", "tombstones")


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
                tables = _live_tables(db)
                for document in batch:
                    report += _upsert_one(db, tables, document)
        return report

    def delete(self, artwork_id: str, version: int) -> None:
        """Remove a work unless a newer version is stored; remember the deletion's version."""
        with self._write() as db:
            tables = _live_tables(db)
            stored = _stored_version(db, tables, artwork_id)
            if stored is not None and version < stored:
                return
            _remove(db, tables, artwork_id)
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
                for document in batch:
                    written += _upsert_one(db, tables, document).written
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
    """Create the shared tables and generation 1, unless they exist."""
    db.execute("BEGIN IMMEDIATE")
    try:
        _run(db, SHARED_SCHEMA)
        row = db.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()
        if row is None:
            _run(db, _Tables(1).drop() + _Tables(1).schema())
            db.execute("INSERT INTO search_meta (key, value) VALUES ('generation', 1)")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


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


def _upsert_one(db: sqlite3.Connection, tables: _Tables, document: SearchDocument) -> BulkReport:
    """Write one document if it is newer than what is stored."""
    stored = _stored_version(db, tables, document.artwork_id)
    if stored is not None and document.version <= stored:
        return BulkReport(stale=1)
    _remove(db, tables, document.artwork_id)
    db.execute(f"DELETE FROM {tables.tombstones} WHERE artwork_id = ?", (document.artwork_id,))
    _insert(db, tables, document)
    return BulkReport(written=1)


def _remove(db: sqlite3.Connection, tables: _Tables, artwork_id: str) -> None:
    """Delete a document and its side rows (not its tombstone)."""
    row = db.execute(
        f"SELECT seq FROM {tables.docs} WHERE artwork_id = ?", (artwork_id,)
    ).fetchone()
    if row is None:
        return
    db.execute(f"DELETE FROM {tables.fts} WHERE rowid = ?", (row[0],))
    for kind in ("docs", "tags", "palette", "chunks", "words"):
        db.execute(f"DELETE FROM {tables.name(kind)} WHERE artwork_id = ?", (artwork_id,))


def _insert(db: sqlite3.Connection, tables: _Tables, document: SearchDocument) -> None:
    """Insert a document, its full-text row and its side rows."""
    d = document
    cursor = db.execute(
        f"""INSERT INTO {tables.docs} (artwork_id, artist_slug, medium, orientation, year,
            visible, published_sort, version, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            d.artwork_id,
            d.artist_slug,
            d.medium or None,
            d.orientation or None,
            d.year,
            int(d.visible),
            d.published_sort,
            d.version,
            json.dumps(d.to_record()),
        ),
    )
    texts = _searchable_texts(d)
    db.execute(
        f"INSERT INTO {tables.fts} (rowid, {', '.join(texts)}) VALUES (?, ?, ?, ?, ?, ?)",
        (cursor.lastrowid, *texts.values()),
    )
    _insert_rows(db, tables.tags, d.artwork_id, [(tag,) for tag in dict.fromkeys(d.tags)])
    _insert_rows(db, tables.palette, d.artwork_id, [entry[:3] for entry in d.palette])
    _insert_rows(db, tables.chunks, d.artwork_id, [(chunk,) for chunk in phash_chunks(d.phash)])
    vocabulary = dict.fromkeys(word for text in texts.values() for word in words(text))
    _insert_rows(db, tables.words, d.artwork_id, [(word, len(word)) for word in vocabulary])


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


def _insert_rows(
    db: sqlite3.Connection, table: str, artwork_id: str, rows: Sequence[Sequence[Any]]
) -> None:
    """Insert side rows (artwork_id first) into a table."""
    if rows:
        marks = ", ".join("?" * (len(rows[0]) + 1))
        db.executemany(
            f"INSERT INTO {table} VALUES ({marks})", [(artwork_id, *row) for row in rows]
        )


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
        f"SELECT DISTINCT word FROM {tables.words} WHERE length BETWEEN ? AND ?",
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

    def count(self, db: sqlite3.Connection) -> int:
        """Return the number of matches."""
        sql = f"SELECT count(*) FROM {self.source} WHERE {self.conditions}"
        return db.execute(sql, self.params).fetchone()[0]

    def facets(self, db: sqlite3.Connection) -> dict[str, tuple[tuple[str, int], ...]]:
        """Return the value counts of every facet over the matches."""
        columns = {"artist": "d.artist_slug", "medium": "d.medium", "orientation": "d.orientation"}
        facets = {name: self._facet(db, column) for name, column in columns.items()}
        facets["tags"] = self._facet(
            db, "g.tag", f"JOIN {self.tables.tags} g ON g.artwork_id = d.artwork_id"
        )
        facets["year"] = self._facet(db, "d.year")
        return {name: facets[name] for name in FACETS}

    def _facet(
        self, db: sqlite3.Connection, column: str, join: str = ""
    ) -> tuple[tuple[str, int], ...]:
        """Return one facet's values and counts: by count, then value."""
        sql = f"""SELECT {column}, count(*) FROM {self.source} {join}
            WHERE {self.conditions} AND {column} IS NOT NULL
            GROUP BY {column} ORDER BY 2 DESC, 1 ASC LIMIT {FACET_SIZE}"""
        return tuple((str(value), count) for value, count in db.execute(sql, self.params))

    def rows(self, db: sqlite3.Connection, tail: str, params: Sequence[Any] = ()) -> list[Any]:
        """Return (id, published_sort, score, record) of matches, filtered and ordered by `tail`."""
        sql = f"""SELECT * FROM (SELECT d.artwork_id AS id, d.published_sort AS published,
            {self.score} AS score, d.record AS record
            FROM {self.source} WHERE {self.conditions}) {tail}"""
        return db.execute(sql, (*self.params, *params)).fetchall()


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
        conditions.append(_exists(tables.tags, "s.tag = ?"))
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
    rows = where.rows(db, f"{keyset} {order} LIMIT {query.limit + 1}", params)
    page = rows[: query.limit]
    hits = [SearchHit(_document(row[3]), float(row[2])) for row in page]
    return hits, key_of(page[-1]) if len(rows) > query.limit else None


def _colour_page(
    db: sqlite3.Connection, where: _Where, query: SearchQuery
) -> tuple[list[SearchHit], Key | None]:
    """Return a page of hits ranked by colour distance, then text score, then id."""
    after = decode_cursor(query, COLOUR_KEY)
    rows = where.rows(db, f"ORDER BY id ASC LIMIT {MAX_COLOUR_CANDIDATES}")
    ranked = []
    for artwork_id, _, score, record in rows:
        document = _document(record)
        distance = colour_distance(document.palette, query.colours)
        ranked.append(((distance, -float(score), artwork_id), document))
    ranked.sort(key=lambda pair: pair[0])
    if after is not None:
        bound = (after[0], -after[1], after[2])
        ranked = [pair for pair in ranked if pair[0] > bound]
    page = ranked[: query.limit]
    hits = [SearchHit(document, -key[0]) for key, document in page]
    last = page[-1][0] if len(ranked) > query.limit else None
    return hits, None if last is None else (last[0], -last[1], last[2])


def _highlighted(
    db: sqlite3.Connection, tables: _Tables, match: str, hits: list[SearchHit]
) -> list[SearchHit]:
    """Return the hits with their title and description highlights."""
    if not hits:
        return hits
    ids = [hit.document.artwork_id for hit in hits]
    marks = ", ".join("?" * len(ids))
    columns = list(FIELD_BOOSTS)
    rows = db.execute(
        f"""SELECT d.artwork_id, highlight({tables.fts}, {columns.index("title")}, ?, ?),
            highlight({tables.fts}, {columns.index("description")}, ?, ?)
            FROM {tables.fts} JOIN {tables.docs} d ON d.seq = {tables.fts}.rowid
            WHERE {tables.fts} MATCH ? AND d.artwork_id IN ({marks})""",
        (MARK_OPEN, MARK_CLOSE, MARK_OPEN, MARK_CLOSE, match, *ids),
    )
    marked = {artwork_id: (title, description) for artwork_id, title, description in rows}
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
        f"SELECT record FROM {tables.docs} WHERE artwork_id = ?", (artwork_id,)
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
        f"""SELECT d.record FROM {tables.docs} d
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
    return f"EXISTS (SELECT 1 FROM {table} s WHERE s.artwork_id = d.artwork_id AND {condition})"


def _document(record: str) -> SearchDocument:
    """Return the document stored as JSON."""
    return SearchDocument.from_record(json.loads(record))
