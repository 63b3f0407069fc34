"""Pages of the SQLite search index: by text relevance, newest first or colour distance."""

from __future__ import annotations

import sqlite3

import numpy as np

from search.candidates import MAX_COLOUR_CANDIDATES
from search.cursor import COLOUR_KEY, NEWEST_KEY, RELEVANCE_KEY, Key, decode_cursor, encode_cursor
from search.interpret import Interpretation
from search.query import ColourQuery, SearchHit, SearchQuery, SearchResult
from search.sqlite.columns import Columns
from search.sqlite.matching import (
    concept_expression,
    highlighted,
    in_mask,
    match_expressions,
    scored,
    text_matches,
    text_seqs,
)
from search.sqlite.order import Order
from search.sqlite.records import page_hits
from search.sqlite.tables import Tables

BEST_SCORED = 200  # text scores a relevance page asks for first


def search(
    db: sqlite3.Connection, tables: Tables, columns: Columns, query: SearchQuery
) -> SearchResult:
    """Return one page of matches with facets; InvalidQuery for a bad cursor."""
    reading = query.reading()
    colours = query.ranking_colours(reading)
    match, marks = match_expressions(db, tables, reading.concepts)
    mask = columns.matches(query)
    for word in reading.colour_words:
        colour = word.colour
        in_colour = columns.colour_word(ColourQuery(word.lab), colour.families, colour.near)
        in_words = np.zeros(columns.size, dtype=bool)
        in_words[text_seqs(db, tables, concept_expression(db, tables, word.text), mask)] = True
        mask &= in_colour | in_words
    if match is not None and not colours and query.sort == "relevance":
        return _best_text(db, tables, columns, query, match, marks or match, mask, reading)
    matches = _matches(db, tables, mask, match)
    if colours:
        hits, next_key = _colour_page(db, tables, columns, matches, query, colours)
    else:
        hits, next_key = _ranked_page(db, tables, columns, matches, query, bool(match))
    if marks is not None:
        hits = highlighted(db, tables, marks, hits)
    facets = columns.facet_counts(matches[0])
    return SearchResult(
        hits=tuple(hits),
        total=len(matches[0]),
        facets=facets,
        next_cursor=None if next_key is None else encode_cursor(query, next_key),
        interpretation=reading.shown(),
        labels=columns.artist_labels(facets["artist"], query),
    )


def _best_text(
    db: sqlite3.Connection,
    tables: Tables,
    columns: Columns,
    query: SearchQuery,
    match: str,
    marks: str,
    mask: np.ndarray,
    reading: Interpretation,
) -> SearchResult:
    """Return a text-relevance page, scoring only the best matches in Python; `marks` is the
    match spelt out for highlighting."""
    seqs = text_seqs(db, tables, match, mask)
    hits, next_key = _best_page(db, tables, columns, match, seqs, query)
    facets = columns.facet_counts(seqs)
    return SearchResult(
        hits=tuple(highlighted(db, tables, marks, hits)),
        total=len(seqs),
        facets=facets,
        next_cursor=None if next_key is None else encode_cursor(query, next_key),
        interpretation=reading.shown(),
        labels=columns.artist_labels(facets["artist"], query),
    )


def _best_page(
    db: sqlite3.Connection,
    tables: Tables,
    columns: Columns,
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
    seqs, scores = scored(
        db, tables, match, f"{below} ORDER BY score DESC LIMIT ?", [*params, fetch]
    )
    kept = np.flatnonzero(in_mask(chosen, seqs) & _after(order, seqs, scores, after))
    if len(seqs) == fetch and (len(kept) < count or scores[kept[count - 1]] <= scores[-1]):
        floor = ("AND score >= ?", [scores[kept[count - 1]]]) if len(kept) >= count else ("", [])
        seqs, scores = scored(db, tables, match, f"{below} {floor[0]}", [*params, *floor[1]])
        kept = np.flatnonzero(in_mask(chosen, seqs) & _after(order, seqs, scores, after))
    picked = kept[np.lexsort((order.id_rank[seqs[kept]], -scores[kept]))][:count]
    page = picked[: query.limit]
    hits = page_hits(db, tables, seqs[page], scores[page].tolist())
    if len(picked) <= query.limit:
        return hits, None
    return hits, (hits[-1].score, hits[-1].document.artwork_id)


def _after(
    order: Order, seqs: np.ndarray, scores: np.ndarray, after: Key | None
) -> np.ndarray | bool:
    """Return which (seq, score) pairs come after a relevance cursor's position."""
    if after is None:
        return True
    later = order.id_rank[seqs] >= order.ids_after(after[1])
    return (scores < after[0]) | ((scores == after[0]) & later)


def _matches(
    db: sqlite3.Connection, tables: Tables, mask: np.ndarray, match: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the seqs of the filters' and the text's matches and text scores (0 without text)."""
    if match is not None:
        return text_matches(db, tables, match, mask)
    seqs = np.flatnonzero(mask)
    return seqs, np.zeros(len(seqs))


def _smallest(values: np.ndarray, count: int) -> np.ndarray:
    """Return the indices of the `count` smallest values, smallest first."""
    if len(values) > count:
        picked = np.argpartition(values, count - 1)[:count]
        return picked[np.argsort(values[picked], kind="stable")]
    return np.argsort(values, kind="stable")


def _ranked_page(
    db: sqlite3.Connection,
    tables: Tables,
    columns: Columns,
    matches: tuple[np.ndarray, np.ndarray],
    query: SearchQuery,
    text: bool,
) -> tuple[list[SearchHit], Key | None]:
    """Return a page of text-relevance or newest-first hits and the last hit's sort key."""
    (seqs, scores), order = matches, columns.order()
    if query.sort == "relevance" and text:
        after = decode_cursor(query, RELEVANCE_KEY)
        if after is not None:
            keep = _after(order, seqs, scores, after)
            seqs, scores = seqs[keep], scores[keep]
        picked = np.lexsort((order.id_rank[seqs], -scores))[: query.limit + 1]
    else:
        after = decode_cursor(query, NEWEST_KEY)
        if after is not None:
            keep = order.newest_rank[seqs] < order.newest_before(after[0], after[1])
            seqs, scores = seqs[keep], scores[keep]
        picked = _smallest(-order.newest_rank[seqs], query.limit + 1)
    page = picked[: query.limit]
    hits = page_hits(db, tables, seqs[page], scores[page].tolist())
    if len(picked) <= query.limit:
        return hits, None
    last = hits[-1]
    if query.sort == "relevance" and text:
        return hits, (last.score, last.document.artwork_id)
    return hits, (columns.published[int(seqs[page[-1]])], last.document.artwork_id)


def _colour_page(
    db: sqlite3.Connection,
    tables: Tables,
    columns: Columns,
    matches: tuple[np.ndarray, np.ndarray],
    query: SearchQuery,
    colours: tuple[ColourQuery, ...],
) -> tuple[list[SearchHit], Key | None]:
    """Return a page of hits ranked by colour distance (to `colours`), then text score, then id."""
    after = decode_cursor(query, COLOUR_KEY)
    (seqs, scores), order = matches, columns.order()
    if len(seqs) > MAX_COLOUR_CANDIDATES:
        lowest = np.argpartition(order.id_rank[seqs], MAX_COLOUR_CANDIDATES - 1)
        seqs, scores = seqs[lowest[:MAX_COLOUR_CANDIDATES]], scores[lowest[:MAX_COLOUR_CANDIDATES]]
    if not len(seqs):
        return [], None
    distances, negated = columns.colour_distances(seqs, colours), -scores
    if after is not None:
        bound, later = -after[1], order.id_rank[seqs] >= order.ids_after(after[2])
        tied = (negated > bound) | ((negated == bound) & later)
        keep = (distances > after[0]) | ((distances == after[0]) & tied)
        seqs, scores, distances, negated = seqs[keep], scores[keep], distances[keep], negated[keep]
    ranked = np.lexsort((order.id_rank[seqs], negated, distances))
    page = ranked[: query.limit]
    hits = page_hits(db, tables, seqs[page], (-distances[page]).tolist())
    if len(ranked) <= query.limit:
        return hits, None
    last = page[-1]
    return hits, (float(distances[last]), -float(negated[last]), hits[-1].document.artwork_id)
