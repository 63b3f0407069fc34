"""Similar works in the SQLite search index: more-like-this and near-duplicate candidates."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from search.candidates import (
    MAX_COLOUR_CANDIDATES,
    NEAR_DUPLICATE_CANDIDATES,
    colour_box,
    palette_colours,
    phash_chunks,
)
from search.document import SearchDocument
from search.query import ColourQuery, SearchHit
from search.similarity import Candidates, most_alike_rows
from search.sqlite.records import decode, load_document, records
from search.sqlite.tables import Tables


def more_like_this(
    db: sqlite3.Connection, tables: Tables, artwork_id: str, limit: int
) -> tuple[SearchHit, ...]:
    """Return up to `limit` visible works most like this one, not itself (none if unknown)."""
    source = load_document(db, tables, artwork_id)
    if source is None:
        return ()
    seqs, candidates = _similar_candidates(db, tables, source)
    best = most_alike_rows(source, candidates, limit)
    found = records(db, tables, [seqs[row] for row, _ in best])
    return tuple(SearchHit(decode(found[seqs[row]]), score) for row, score in best)


def hash_candidates(
    db: sqlite3.Connection, tables: Tables, chunks: Sequence[str]
) -> list[tuple[str, str | None]]:
    """Return (artwork id, perceptual hash) of works sharing one of these hash chunks."""
    rows = db.execute(
        f"""SELECT r.record FROM {tables.records} r WHERE r.seq IN (
              SELECT seq FROM {tables.chunks}
              WHERE chunk IN ({", ".join("?" * len(chunks))}))
            LIMIT {NEAR_DUPLICATE_CANDIDATES}""",
        chunks,
    ).fetchall()
    return [(doc.artwork_id, doc.phash) for doc in (decode(record) for (record,) in rows)]


def _similar_candidates(
    db: sqlite3.Connection, tables: Tables, source: SearchDocument
) -> tuple[list[int], Candidates]:
    """Return the seqs and likeness inputs of visible works sharing a tag, a hash chunk or a
    nearby palette colour (only what likeness reads: full records are decoded for the best)."""
    shared: list[str] = []
    params: list[Any] = []
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


def _colour_boxes(colours: Sequence[ColourQuery]) -> tuple[str, list[float]]:
    """Return SQL (on `s`) true when a palette colour is in the box of any query colour."""
    box = "(s.l BETWEEN ? AND ? AND s.a BETWEEN ? AND ? AND s.b BETWEEN ? AND ?)"
    params = [bound for colour in colours for pair in colour_box(colour) for bound in pair]
    return " OR ".join([box] * len(colours)), params
