"""Writes to the SQLite search index: versioned upserts, deletions with tombstones."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from search.candidates import phash_chunks
from search.document import SearchDocument
from search.query import BulkReport
from search.sqlite.records import MAX_PARAMS, decode
from search.sqlite.tables import Tables
from search.text import FIELD_BOOSTS, words

BATCH_SIZE = 500

Row = tuple[Any, ...]


def batches(documents: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    """Yield lists of at most `size` documents."""
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


def delete(db: sqlite3.Connection, tables: Tables, artwork_id: str, version: int) -> bool:
    """Remove a work unless a newer version is stored, leaving a tombstone; return whether."""
    stored = _stored_version(db, tables, artwork_id)
    if stored is not None and version < stored:
        return False
    _remove(db, tables, [artwork_id])
    db.execute(
        f"INSERT OR REPLACE INTO {tables.tombstones} (artwork_id, version) VALUES (?, ?)",
        (artwork_id, version),
    )
    return True


def _stored_version(db: sqlite3.Connection, tables: Tables, artwork_id: str) -> int | None:
    """Return the version of the stored document or tombstone, if any."""
    row = db.execute(
        f"""SELECT version FROM {tables.docs} WHERE artwork_id = ?
            UNION ALL SELECT version FROM {tables.tombstones} WHERE artwork_id = ?""",
        (artwork_id, artwork_id),
    ).fetchone()
    return None if row is None else int(row[0])


def upsert_batch(
    db: sqlite3.Connection,
    tables: Tables,
    batch: Sequence[SearchDocument],
    same_version: bool = False,
) -> BulkReport:
    """Write the documents that are newer than what is stored (or earlier in the batch).

    With `same_version` a document at the stored version replaces it too, as OpenSearch's
    `external_gte` does.
    """
    ids = list(dict.fromkeys(document.artwork_id for document in batch))
    stored = _versions(db, tables.tombstones, ids)
    buried = set(stored)
    in_docs = _versions(db, tables.docs, ids)
    stored.update(in_docs)
    pending: dict[str, SearchDocument] = {}
    stale = 0
    for document in batch:
        version = stored.get(document.artwork_id)
        if version is not None and (
            document.version < version or (document.version == version and not same_version)
        ):
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
    insert(db, tables, list(pending.values()))
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


def _remove(db: sqlite3.Connection, tables: Tables, artwork_ids: Sequence[str]) -> None:
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
        for word in _vocabulary(decode(record)):
            gone[word] = gone.get(word, 0) + 1
    db.executemany(
        f"UPDATE {tables.vocab} SET documents = documents - ? WHERE word = ?",
        [(count, word) for word, count in gone.items()],
    )
    db.executemany(
        f"DELETE FROM {tables.vocab} WHERE word = ? AND documents <= 0",
        [(word,) for word in gone],
    )


def insert(db: sqlite3.Connection, tables: Tables, documents: Sequence[SearchDocument]) -> None:
    """Insert documents, their full-text rows and their side rows."""
    if not documents:
        return
    seq = db.execute(f"SELECT coalesce(max(seq), 0) FROM {tables.docs}").fetchone()[0]
    docs: list[Row] = []
    records: list[Row] = []
    texts: list[Row] = []
    tags: list[Row] = []
    palette: list[Row] = []
    chunks: list[Row] = []
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
        palette.extend((seq, *entry[:3], entry[5]) for entry in d.palette)
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
    db.executemany(f"INSERT INTO {tables.palette} VALUES (?, ?, ?, ?, ?)", palette)
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
