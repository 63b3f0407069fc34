"""Full-text matching in the SQLite search index: the FTS5 query, bm25 scores, highlights.

Each concept of the query (`search.interpret`) is a group of alternatives: its words, each
also as a prefix (`"lino"*`, on porter-stemmed words), and its phrases. Typo tolerance: a
vocabulary table holds every distinct word of the documents (with how many documents use
it); a word that tolerates typos also matches the vocabulary words within its edit budget
(optimal string alignment).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from search.interpret import Concept
from search.query import SearchHit
from search.sqlite.tables import Tables
from search.text import FIELD_BOOSTS, MARK_CLOSE, MARK_OPEN, edit_budget, edit_distance, marked_html

MAX_EXPANSIONS = 50


def match_expressions(
    db: sqlite3.Connection, tables: Tables, concepts: Sequence[Concept]
) -> tuple[str | None, str | None]:
    """Return the FTS5 query (every concept, by one of its alternatives, must match) and the
    same query with each prefix spelt out as the vocabulary words it begins, to highlight with.

    Both match the same words in a document, but FTS5 evaluates a prefix query over the whole
    index even when asked for a few rows, so highlighting one page with `"sun"*` cost as much
    as the search itself. Typo expansions are looked up once, for both.
    """
    if not concepts:
        return None, None
    searched, marked = [], []
    for concept in concepts:
        alternatives = _alternatives(db, tables, concept)
        searched.append(_any_of([*alternatives, *(f'"{p}"*' for p in concept.prefixes)]))
        spelt = [f'"{w}"' for p in concept.prefixes for w in _words_beginning(db, tables, p)]
        marked.append(_any_of([*alternatives, *spelt]))
    return " AND ".join(searched), " AND ".join(marked)


def concept_expression(db: sqlite3.Connection, tables: Tables, concept: Concept) -> str:
    """Return the FTS5 query of one concept: its words (and, 3+ letters, the words they begin),
    its phrases, and vocabulary words within a word's typo budget when typos are allowed."""
    prefixes = [f'"{prefix}"*' for prefix in concept.prefixes]
    return _any_of([*_alternatives(db, tables, concept), *prefixes])


def _alternatives(db: sqlite3.Connection, tables: Tables, concept: Concept) -> list[str]:
    """Return a concept's quoted words and phrases, and its words' typo neighbours if allowed."""
    variants = [f'"{word}"' for word in concept.words]
    variants += [f'"{phrase}"' for phrase in concept.phrases]
    if concept.typos:
        for word in concept.words:
            variants += [f'"{near}"' for near in _similar_words(db, tables, word)]
    return variants


def _any_of(variants: list[str]) -> str:
    """Return an FTS5 group matching any of the variants (each once)."""
    return "(" + " OR ".join(dict.fromkeys(variants)) + ")"


def _words_beginning(db: sqlite3.Connection, tables: Tables, prefix: str) -> list[str]:
    """Return the vocabulary words that begin with `prefix` (the most used first, at most 50)."""
    rows = db.execute(
        f"""SELECT word FROM {tables.vocab} WHERE word >= ? AND word < ?
            ORDER BY documents DESC LIMIT ?""",
        (prefix, prefix + "\U0010ffff", MAX_EXPANSIONS),
    )
    return [word for (word,) in rows]


def _similar_words(db: sqlite3.Connection, tables: Tables, term: str) -> list[str]:
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


def text_matches(
    db: sqlite3.Connection, tables: Tables, match: str, mask: np.ndarray
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
    keep = in_mask(mask, seqs)
    return seqs[keep], found[keep, 1]


def text_seqs(db: sqlite3.Connection, tables: Tables, match: str, mask: np.ndarray) -> np.ndarray:
    """Return the seqs of the full-text matches that pass the filters (no scores)."""
    rows = db.execute(f"SELECT rowid FROM {tables.fts} WHERE {tables.fts} MATCH ?", (match,))
    seqs = np.fromiter((seq for (seq,) in rows), dtype=np.int64)
    return seqs[in_mask(mask, seqs)]


def in_mask(mask: np.ndarray, seqs: np.ndarray) -> np.ndarray:
    """Return, for each seq, whether the mask holds it (false beyond the mask)."""
    within = seqs < len(mask)
    keep = np.zeros(len(seqs), dtype=bool)
    keep[within] = mask[seqs[within]]
    return keep


def scored(
    db: sqlite3.Connection, tables: Tables, match: str, bounds: str, params: Sequence[Any]
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


def highlighted(
    db: sqlite3.Connection, tables: Tables, match: str, hits: list[SearchHit]
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
