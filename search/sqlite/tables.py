"""The tables of one generation of the SQLite search index: their names and schema.

Side tables (tags, palette colours, hash chunks) refer to documents by their integer
`seq`. The records table also keeps each palette packed (L, a, b, share as float64s).
"""

from __future__ import annotations

from dataclasses import dataclass

from search.text import FIELD_BOOSTS

# "words" is the vocabulary of layout 1 (one row per document and word).
TABLE_KINDS = (
    "docs",
    "records",
    "fts",
    "tags",
    "palette",
    "chunks",
    "vocab",
    "words",
    "tombstones",
)


@dataclass(frozen=True)
class Tables:
    """The table names of one generation of the index."""

    generation: int

    def name(self, kind: str) -> str:
        """Return the name of this generation's `kind` table."""
        return f"search_{kind}_{self.generation}"

    @property
    def docs(self) -> str:
        """Documents: the filter, facet and sort columns."""
        return self.name("docs")

    @property
    def records(self) -> str:
        """The document as JSON and its palette packed as float64s, by docs.seq."""
        return self.name("records")

    @property
    def fts(self) -> str:
        """The FTS5 table of the searchable text (rowid = docs.seq)."""
        return self.name("fts")

    @property
    def tags(self) -> str:
        """One row per (document seq, tag)."""
        return self.name("tags")

    @property
    def palette(self) -> str:
        """One row per palette colour (document seq, L, a, b, colour family), in palette order."""
        return self.name("palette")

    @property
    def chunks(self) -> str:
        """One row per (document seq, perceptual-hash chunk)."""
        return self.name("chunks")

    @property
    def vocab(self) -> str:
        """The vocabulary: one row per distinct folded word, with how many documents hold it."""
        return self.name("vocab")

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
                version INTEGER NOT NULL)""",
            f"CREATE INDEX {self.docs}_newest ON {self.docs} (published_sort, artwork_id)",
            f"""CREATE TABLE {self.records} (seq INTEGER PRIMARY KEY, record TEXT NOT NULL,
                colours BLOB NOT NULL)""",
            f"""CREATE VIRTUAL TABLE {self.fts} USING fts5({fts_columns},
                tokenize = 'porter unicode61 remove_diacritics 2')""",
            f"""CREATE TABLE {self.tags} (seq INTEGER NOT NULL, tag TEXT NOT NULL,
                PRIMARY KEY (seq, tag)) WITHOUT ROWID""",
            f"CREATE INDEX {self.tags}_by_tag ON {self.tags} (tag, seq)",
            f"""CREATE TABLE {self.palette} (seq INTEGER NOT NULL,
                l REAL NOT NULL, a REAL NOT NULL, b REAL NOT NULL, family TEXT NOT NULL)""",
            f"CREATE INDEX {self.palette}_by_seq ON {self.palette} (seq, l, a, b)",
            f"""CREATE TABLE {self.chunks} (seq INTEGER NOT NULL, chunk TEXT NOT NULL,
                PRIMARY KEY (seq, chunk)) WITHOUT ROWID""",
            f"CREATE INDEX {self.chunks}_by_chunk ON {self.chunks} (chunk, seq)",
            f"""CREATE TABLE {self.vocab} (word TEXT PRIMARY KEY, length INTEGER NOT NULL,
                documents INTEGER NOT NULL) WITHOUT ROWID""",
            f"CREATE INDEX {self.vocab}_by_length ON {self.vocab} (length, word)",
            f"""CREATE TABLE {self.tombstones} (artwork_id TEXT PRIMARY KEY,
                version INTEGER NOT NULL)""",
        )

    def drop(self) -> tuple[str, ...]:
        """Return the statements that drop this generation's tables (of any layout)."""
        return tuple(f"DROP TABLE IF EXISTS {self.name(kind)}" for kind in TABLE_KINDS)
