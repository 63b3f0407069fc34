"""An index written before palette colours had their families is migrated when opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from search.query import SearchQuery
from search.sqlite import SqliteSearchIndex
from tests.integration.search.test_print_vocabulary import COLOURED, ids


def test_a_layout_2_index_is_copied_into_a_new_generation_with_palette_families(
    tmp_path: Path,
) -> None:
    # GIVEN an index as layout 2 wrote it: palette rows without a family
    path = tmp_path / "search.db"
    index = SqliteSearchIndex(path)
    index.upsert(COLOURED)
    index.close()
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE search_palette_1 DROP COLUMN family")
        db.execute("UPDATE search_meta SET value = 2 WHERE key = 'layout'")
    # WHEN it is opened again
    index = SqliteSearchIndex(path)
    try:
        # THEN its works are copied into generation 2 and colour words find them
        assert ids(index.search(SearchQuery(text="orange"))) == ["c1", "c6"]
        assert index.count() == len(COLOURED)
    finally:
        index.close()
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        layout = db.execute("SELECT value FROM search_meta WHERE key = 'layout'").fetchone()
    assert "search_palette_2" in tables and "search_palette_1" not in tables
    assert layout == (3,)
