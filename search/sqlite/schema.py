"""Generations of the SQLite search index: the shared tables, opening, migrating, swapping.

Each generation of the index is a set of tables named with its number (see `Tables`); the
row `generation` in `search_meta` points at the live one. A rebuild fills the next
generation, then moves the pointer and drops the old tables in one transaction.

`search_meta` also records the layout of the tables (`layout`); a database written in an
older layout is copied into a new generation when it is opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from search.sqlite.records import decode
from search.sqlite.tables import Tables
from search.sqlite.writes import BATCH_SIZE, insert

SHARED_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS search_changes (id INTEGER PRIMARY KEY AUTOINCREMENT,
        generation INTEGER NOT NULL, artwork_id TEXT NOT NULL)""",
)
CONNECTION_PRAGMAS = (
    "PRAGMA cache_size = -131072",  # KiB: 128 MB of page cache
    "PRAGMA temp_store = MEMORY",
)
LAYOUT = 3  # the layout of the generation tables, in search_meta (3: palette families)


def run(db: sqlite3.Connection, statements: Iterable[str]) -> None:
    """Execute statements one by one (inside the caller's transaction)."""
    for statement in statements:
        db.execute(statement)


def create_first_generation(db: sqlite3.Connection) -> None:
    """Tune the connection; create the shared tables and generation 1, unless they exist."""
    run(db, CONNECTION_PRAGMAS)
    db.execute("BEGIN IMMEDIATE")
    try:
        run(db, SHARED_SCHEMA)
        row = db.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()
        if row is None:
            run(db, Tables(1).drop() + Tables(1).schema())
            db.execute("INSERT INTO search_meta (key, value) VALUES ('generation', 1)")
        else:
            layout = db.execute("SELECT value FROM search_meta WHERE key = 'layout'").fetchone()
            if layout is None or layout[0] != LAYOUT:
                _migrate(db, Tables(int(row[0])))
        db.execute(
            "INSERT OR REPLACE INTO search_meta (key, value) VALUES ('layout', ?)", (LAYOUT,)
        )
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def live_tables(db: sqlite3.Connection) -> Tables:
    """Return the tables of the generation searches use."""
    row = db.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()
    return Tables(int(row[0]))


def next_generation(db: sqlite3.Connection, old: Tables) -> Tables:
    """Create the (empty) generation after `old`, with a copy of its tombstones."""
    new = Tables(old.generation + 1)
    run(db, new.drop() + new.schema())
    db.execute(f"INSERT INTO {new.tombstones} SELECT artwork_id, version FROM {old.tombstones}")
    return new


def swap_generations(db: sqlite3.Connection, old: Tables, new: Tables) -> None:
    """Make `new` the live generation and drop the tables of `old`."""
    db.execute("UPDATE search_meta SET value = ? WHERE key = 'generation'", (new.generation,))
    run(db, old.drop())


def _migrate(db: sqlite3.Connection, old: Tables) -> None:
    """Copy a generation of an older layout into a new generation and swap it in."""
    new = next_generation(db, old)
    source = old.records if _exists(db, old.records) else old.docs  # layout 1 kept it in docs
    rows = db.execute(f"SELECT record FROM {source} ORDER BY seq")
    while batch := rows.fetchmany(BATCH_SIZE):
        insert(db, new, [decode(record) for (record,) in batch])
    swap_generations(db, old, new)


def _exists(db: sqlite3.Connection, table: str) -> bool:
    """Return whether a table exists."""
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return row.fetchone() is not None
