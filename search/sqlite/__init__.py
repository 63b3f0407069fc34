"""The search index in one SQLite file (FTS5): the embedded adapter of `SearchIndex`.

- `index`: `SqliteSearchIndex`, the adapter: transactions, delegating to the modules below.
- `tables`, `schema`: the tables of a generation; opening, migrating and swapping generations.
- `writes`, `changes`: versioned upserts and tombstones; the log of changed works.
- `records`: stored documents (JSON records by seq), hits and stamps.
- `columns`, `order`: the numpy column engine that filters, counts facets and sorts.
- `matching`, `ranking`: FTS5 matches with typo tolerance and highlights; result pages.
- `similarity`: candidates for more-like-this and near-duplicates.
"""

from search.sqlite.index import SqliteSearchIndex

__all__ = ["SqliteSearchIndex"]
