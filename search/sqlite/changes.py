"""The change log of the SQLite search index: which works each write touched.

Every write appends the changed artwork ids to `search_changes` (keeping the last
CHANGES_KEPT), so the in-memory columns can reload only the works written since they
were read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from search.sqlite.tables import Tables

CHANGES_KEPT = 100_000  # the change log keeps this many writes; older readers reload it all


def log_changes(db: sqlite3.Connection, tables: Tables, artwork_ids: Sequence[str]) -> None:
    """Record that these works changed in the live generation; forget the oldest records."""
    db.executemany(
        "INSERT INTO search_changes (generation, artwork_id) VALUES (?, ?)",
        [(tables.generation, artwork_id) for artwork_id in dict.fromkeys(artwork_ids)],
    )
    db.execute(
        "DELETE FROM search_changes WHERE id <= (SELECT max(id) FROM search_changes) - ?",
        (CHANGES_KEPT,),
    )


def last_change(db: sqlite3.Connection) -> int:
    """Return the id of the latest change (0 when none was logged)."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM search_changes").fetchone()[0])


def changes_since(db: sqlite3.Connection, tables: Tables, last: int) -> list[str] | None:
    """Return the works changed after change `last`; None if the log no longer reaches back."""
    first = db.execute("SELECT min(id) FROM search_changes").fetchone()[0]
    if first is None or first > last + 1:
        return None
    rows = db.execute(
        "SELECT artwork_id FROM search_changes WHERE id > ? AND generation = ? ORDER BY id",
        (last, tables.generation),
    )
    return [artwork_id for (artwork_id,) in rows]
