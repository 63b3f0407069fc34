"""Stored documents of the SQLite search index: records by seq, hits and stamps."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import numpy as np

from search.document import DocumentStamp, SearchDocument
from search.query import SearchHit
from search.sqlite.tables import Tables

MAX_PARAMS = 500  # ids per `IN (...)` list


def decode(record: str) -> SearchDocument:
    """Return the document stored as JSON."""
    return SearchDocument.from_record(json.loads(record))


def records(db: sqlite3.Connection, tables: Tables, seqs: Sequence[int]) -> dict[int, str]:
    """Return the JSON records of these documents by seq."""
    if not seqs:
        return {}
    rows = db.execute(
        f"SELECT seq, record FROM {tables.records} WHERE seq IN ({', '.join('?' * len(seqs))})",
        list(seqs),
    )
    return dict(rows.fetchall())


def page_hits(
    db: sqlite3.Connection, tables: Tables, seqs: np.ndarray, scores: Sequence[float]
) -> list[SearchHit]:
    """Return the hits of these documents, in order, with these scores."""
    found = records(db, tables, seqs.tolist())
    return [
        SearchHit(decode(found[seq]), float(score))
        for seq, score in zip(seqs.tolist(), scores, strict=True)
    ]


def load_document(db: sqlite3.Connection, tables: Tables, artwork_id: str) -> SearchDocument | None:
    """Return a stored document, or None."""
    row = db.execute(
        f"""SELECT r.record FROM {tables.docs} d JOIN {tables.records} r ON r.seq = d.seq
            WHERE d.artwork_id = ?""",
        (artwork_id,),
    ).fetchone()
    return None if row is None else decode(row[0])


def count(db: sqlite3.Connection, tables: Tables) -> int:
    """Return how many documents (visible or hidden, not deleted) a generation holds."""
    return int(db.execute(f"SELECT count(*) FROM {tables.docs}").fetchone()[0])


def stamp_page(
    db: sqlite3.Connection, tables: Tables, after: str | None, size: int
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
