"""The numpy column engine of the SQLite search index: filters, facets and sort ranks.

Searches filter, count facets and order on numpy columns of the live generation held by
each connection (`Columns`: facet codes, years, visibility, tags, packed palettes and sort
ranks, by seq); SQLite answers the full-text MATCH, bm25 scores, records and highlights.
The first search reads the columns (about a second at 100,000 works); a search then
reloads only the works written since its columns were read (everything after a rebuild,
or when the change log no longer reaches back that far).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from search.candidates import colour_box
from search.colour import packed_colour_distances
from search.query import FACET_SIZE, FACETS, ColourQuery, SearchQuery
from search.sqlite.changes import changes_since, last_change
from search.sqlite.order import Order
from search.sqlite.records import MAX_PARAMS
from search.sqlite.tables import Tables

MAX_ORDER_INSERTS = 1_000  # more changed works than this at once: sort the columns again


def current_columns(db: sqlite3.Connection, tables: Tables, columns: Columns | None) -> Columns:
    """Return the columns of the live generation: `columns` brought up to date, or read anew."""
    last = last_change(db)
    if columns is None or columns.generation != tables.generation:
        return Columns.load(db, tables, last)
    if columns.last != last:
        changed = changes_since(db, tables, columns.last)
        if changed is None:
            return Columns.load(db, tables, last)
        columns.update(db, tables, changed, last)
    return columns


@dataclass
class _Pairs:
    """Rows of a side table as arrays: the document seq, a value, and whether it is current."""

    seq: np.ndarray
    value: np.ndarray
    alive: np.ndarray

    @classmethod
    def empty(cls, width: int = 0) -> _Pairs:
        """Return no rows (values of `width` columns, or codes when 0)."""
        value = np.zeros((0, width)) if width else np.zeros(0, dtype=np.int64)
        return cls(np.zeros(0, dtype=np.int64), value, np.zeros(0, dtype=bool))

    def append(self, seq: np.ndarray, value: np.ndarray) -> int:
        """Add rows; return the index of the first one."""
        start = len(self.seq)
        self.seq = np.concatenate([self.seq, seq])
        self.value = np.concatenate([self.value, value])
        self.alive = np.concatenate([self.alive, np.ones(len(seq), dtype=bool)])
        return start

    def kill(self, seqs: np.ndarray) -> None:
        """Forget the rows of these documents."""
        if len(seqs) and len(self.seq):
            self.alive &= ~np.isin(self.seq, seqs)

    def holders(self, rows: np.ndarray, size: int) -> np.ndarray:
        """Return a mask over seqs: true where a current row among `rows` belongs to it."""
        mask = np.zeros(size, dtype=bool)
        mask[self.seq[rows & self.alive]] = True
        return mask


class _Codes:
    """One facet column as integer codes by seq (-1 for no value), with the values."""

    def __init__(self) -> None:
        self.code: np.ndarray = np.full(0, -1, dtype=np.int64)
        self.values: list[Any] = []
        self.index: dict[Any, int] = {}

    def codes(self, values: Sequence[Any]) -> np.ndarray:
        """Return the codes of values (new values get new codes; None is -1)."""
        index = self.index
        for value in values:
            if value is not None and value not in index:
                index[value] = len(self.values)
                self.values.append(value)
        return np.array([-1 if v is None else index[v] for v in values], dtype=np.int64)

    def counts(self, codes: np.ndarray) -> tuple[tuple[str, int], ...]:
        """Return the FACET_SIZE most frequent values of `codes`: by count, then value."""
        counts = np.bincount(codes[codes >= 0], minlength=len(self.values))
        found = sorted((-int(counts[c]), self.values[c]) for c in np.flatnonzero(counts))
        return tuple((str(value), -count) for count, value in found[:FACET_SIZE])


_FACET_COLUMNS = ("artist", "medium", "orientation", "year")


class Columns:
    """The filter, facet and sort columns of one generation in memory, indexed by seq.

    Kept current from `search_changes`: each search reloads only the works written since.
    """

    def __init__(self, generation: int, last: int) -> None:
        self.generation, self.last = generation, last
        self.live = np.zeros(0, dtype=bool)
        self.visible = np.zeros(0, dtype=bool)
        self.year = np.zeros(0)
        self.facets = {name: _Codes() for name in (*_FACET_COLUMNS, "tags")}
        self.ids: list[str] = []
        self.published: list[str] = []
        self.seq_of: dict[str, int] = {}
        self.names: dict[str, str] = {}  # artist slug -> display name, as last written
        self.tags = _Pairs.empty()
        self.palette = _Pairs.empty(4)
        self.families = _Codes()  # colour family names, coded
        self.palette_family = np.zeros(0, dtype=np.int64)  # family code of each palette row
        self.palette_start = np.zeros(0, dtype=np.int64)
        self.palette_size = np.zeros(0, dtype=np.int64)
        self._order: Order | None = None
        self._lab: tuple[np.ndarray, ...] | None = None

    @classmethod
    def load(cls, db: sqlite3.Connection, tables: Tables, last: int) -> Columns:
        """Return the columns of every document of a generation."""
        columns = cls(tables.generation, last)
        columns._add(db, tables, "", (), everything=True)
        return columns

    @property
    def size(self) -> int:
        """Return the number of seq slots."""
        return len(self.live)

    def update(self, db: sqlite3.Connection, tables: Tables, changed: list[str], last: int) -> None:
        """Reload the works written since the columns were read."""
        ids = list(dict.fromkeys(changed))
        self._kill(np.array([self.seq_of.pop(i) for i in ids if i in self.seq_of], dtype=np.int64))
        added: list[int] = []
        for start in range(0, len(ids), MAX_PARAMS):
            chunk = ids[start : start + MAX_PARAMS]
            where = f"WHERE d.artwork_id IN ({', '.join('?' * len(chunk))})"
            added += self._add(db, tables, where, chunk)
        if self._order is not None and len(added) <= MAX_ORDER_INSERTS:
            self._order.insert(self, added)
        else:
            self._order = None
        self.last, self._lab = last, None

    def _kill(self, seqs: np.ndarray) -> None:
        """Forget these seq slots."""
        seqs = seqs[seqs < self.size]
        self.live[seqs] = False
        self.tags.kill(seqs)
        self.palette.kill(seqs)

    def _add(
        self,
        db: sqlite3.Connection,
        tables: Tables,
        where: str,
        params: Sequence[Any],
        *,
        everything: bool = False,
    ) -> list[int]:
        """Read documents (and their tags and palettes) into their seq slots; return the seqs."""
        rows = db.execute(
            f"""SELECT d.seq, d.artwork_id, d.artist_slug, d.medium, d.orientation, d.year,
                d.visible, d.published_sort, r.colours
                FROM {tables.docs} d JOIN {tables.records} r ON r.seq = d.seq {where}""",
            params,
        ).fetchall()
        if not rows:
            return []
        seqs, ids, artists, mediums, orientations, years, visible, published, colours = zip(
            *rows, strict=True
        )
        slots = np.array(seqs, dtype=np.int64)
        self._vacate(slots)
        self._grow(int(slots.max()) + 1)
        self.live[slots] = True
        self.visible[slots] = np.array(visible, dtype=bool)
        self.year[slots] = np.array([np.nan if y is None else y for y in years], dtype=float)
        for name, values in zip(
            _FACET_COLUMNS, (artists, mediums, orientations, years), strict=True
        ):
            self.facets[name].code[slots] = self.facets[name].codes(values)
        self._add_names(db, tables, artists, seqs)
        for seq, artwork_id, stamp in zip(seqs, ids, published, strict=True):
            self.ids[seq], self.published[seq] = artwork_id, stamp
            self.seq_of[artwork_id] = seq
        self._add_palettes(slots, colours, _palette_families(db, tables, where, params))
        self._add_tags(db, tables, seqs, everything)
        return list(seqs)

    def _add_names(
        self, db: sqlite3.Connection, tables: Tables, artists: Sequence[str], seqs: Sequence[int]
    ) -> None:
        """Take each artist's name from their latest written document among these (one record
        per artist is read, not one per document)."""
        latest: dict[str, int] = {}
        for artist, seq in zip(artists, seqs, strict=True):
            if latest.get(artist, -1) < seq:
                latest[artist] = seq
        names = artist_names(db, tables, list(latest.values()))
        self.names.update((artist, names[seq]) for artist, seq in latest.items() if seq in names)

    def _vacate(self, slots: np.ndarray) -> None:
        """Forget whatever still occupies these seq slots."""
        taken = slots[slots < self.size]
        taken = taken[self.live[taken]]
        for seq in taken.tolist():
            if self.seq_of.get(self.ids[seq]) == seq:
                del self.seq_of[self.ids[seq]]
        self._kill(taken)

    def _grow(self, size: int) -> None:
        """Make room for seqs below `size`."""
        if size <= self.size:
            return
        size = max(size, self.size * 5 // 4)
        extra = size - self.size
        self.live = np.concatenate([self.live, np.zeros(extra, dtype=bool)])
        self.visible = np.concatenate([self.visible, np.zeros(extra, dtype=bool)])
        self.year = np.concatenate([self.year, np.full(extra, np.nan)])
        for codes in self.facets.values():
            codes.code = np.concatenate([codes.code, np.full(extra, -1, dtype=np.int64)])
        self.palette_start = np.concatenate([self.palette_start, np.zeros(extra, np.int64)])
        self.palette_size = np.concatenate([self.palette_size, np.zeros(extra, np.int64)])
        self.ids.extend([""] * extra)
        self.published.extend([""] * extra)

    def _add_palettes(
        self, slots: np.ndarray, colours: Sequence[bytes], families: dict[int, list[str]]
    ) -> None:
        """Append the packed palettes (L, a, b, share) of these documents, and their families."""
        sizes = np.array([len(blob) // 32 for blob in colours], dtype=np.int64)
        values = np.frombuffer(b"".join(colours), dtype=np.float64).reshape(-1, 4)
        start = self.palette.append(np.repeat(slots, sizes), values)
        names: list[str | None] = []
        for seq, size in zip(slots.tolist(), sizes.tolist(), strict=True):
            known = families.get(seq, [])
            names += known if len(known) == size else [None] * size
        self.palette_family = np.concatenate([self.palette_family, self.families.codes(names)])
        self.palette_start[slots] = start + np.cumsum(sizes) - sizes
        self.palette_size[slots] = sizes

    def _add_tags(
        self, db: sqlite3.Connection, tables: Tables, seqs: Sequence[int], everything: bool
    ) -> None:
        """Append the tags of these documents (of every document when `everything`)."""
        rows: list[tuple[int, str]] = []
        if everything:
            rows = db.execute(f"SELECT seq, tag FROM {tables.tags}").fetchall()
        else:
            for start in range(0, len(seqs), MAX_PARAMS):
                chunk = seqs[start : start + MAX_PARAMS]
                rows += db.execute(
                    f"""SELECT seq, tag FROM {tables.tags}
                        WHERE seq IN ({", ".join("?" * len(chunk))})""",
                    chunk,
                ).fetchall()
        if rows:
            seq, tags = zip(*rows, strict=True)
            self.tags.append(np.array(seq, dtype=np.int64), self.facets["tags"].codes(tags))

    # queries

    def matches(self, query: SearchQuery) -> np.ndarray:
        """Return a mask over seqs of the documents that pass the query's filters."""
        mask = self.live & self.visible if not query.include_hidden else self.live.copy()
        for name, value in (("artist", query.artist), ("medium", query.medium)):
            mask &= self._equal(name, value)
        mask &= self._equal("orientation", query.orientation)
        if query.year_from is not None:
            mask &= self.year >= query.year_from
        if query.year_to is not None:
            mask &= self.year <= query.year_to
        for tag in query.tags:
            code = self.facets["tags"].index.get(tag, -2)
            mask &= self.tags.holders(self.tags.value == code, self.size)
        if query.colours:
            mask &= self.palette.holders(self._in_boxes(query.colours), self.size)
        return mask

    def _equal(self, name: str, value: Any) -> np.ndarray | bool:
        """Return a mask of the documents whose `name` column equals value (True if None)."""
        if value is None:
            return True
        return self.facets[name].code == self.facets[name].index.get(value, -2)

    def colour_word(
        self, colour: ColourQuery, families: Iterable[str], near: Iterable[str]
    ) -> np.ndarray:
        """Return a mask over seqs: a palette colour of one of `families`, or of one of `near`
        inside the colour's box."""
        rows = np.isin(self.palette_family, self._family_codes(families))
        rows |= np.isin(self.palette_family, self._family_codes(near)) & self._in_boxes((colour,))
        return self.palette.holders(rows, self.size)

    def _family_codes(self, families: Iterable[str]) -> list[int]:
        """Return the codes of the colour families that some palette colour has."""
        return [self.families.index[name] for name in families if name in self.families.index]

    def _in_boxes(self, colours: Sequence[ColourQuery]) -> np.ndarray:
        """Return a mask over palette rows: inside the box of any query colour."""
        if self._lab is None:
            self._lab = tuple(np.ascontiguousarray(self.palette.value[:, i]) for i in range(3))
        inside = np.zeros(len(self.palette.seq), dtype=bool)
        for colour in colours:
            box = np.ones(len(inside), dtype=bool)
            for values, (low, high) in zip(self._lab, colour_box(colour), strict=True):
                box &= values >= low
                box &= values <= high
            inside |= box
        return inside

    def facet_counts(self, seqs: np.ndarray) -> dict[str, tuple[tuple[str, int], ...]]:
        """Return the value counts of every facet over these documents."""
        facets = {
            name: self.facets[name].counts(self.facets[name].code[seqs]) for name in _FACET_COLUMNS
        }
        chosen = np.zeros(self.size, dtype=bool)
        chosen[seqs] = True
        rows = self.tags.alive & chosen[self.tags.seq]
        facets["tags"] = self.facets["tags"].counts(self.tags.value[rows])
        return {name: facets[name] for name in FACETS}

    def artist_labels(
        self, buckets: Sequence[tuple[str, int]], query: SearchQuery
    ) -> dict[str, dict[str, str]]:
        """Return the names of the artist buckets, and of the selected artist if it may show."""
        labels = {slug: self.names[slug] for slug, _ in buckets if slug in self.names}
        chosen = query.artist
        if chosen is not None and chosen not in labels and chosen in self.names:
            shown = self.live if query.include_hidden else self.live & self.visible
            if np.any(shown & self._equal("artist", chosen)):
                labels[chosen] = self.names[chosen]
        return {"artist": labels}

    def order(self) -> Order:
        """Return the sort columns (built once per change)."""
        if self._order is None:
            self._order = Order(self)
        return self._order

    def colour_distances(self, seqs: np.ndarray, colours: Sequence[ColourQuery]) -> np.ndarray:
        """Return `colour_distance` of these documents' palettes (each has at least one colour)."""
        sizes = self.palette_size[seqs]
        ends = np.cumsum(sizes)
        rows = np.repeat(self.palette_start[seqs] - ends + sizes, sizes) + np.arange(ends[-1])
        return packed_colour_distances(self.palette.value[rows], sizes, colours)


def artist_names(db: sqlite3.Connection, tables: Tables, seqs: Sequence[int]) -> dict[int, str]:
    """Return the artist name of these documents by seq."""
    names: dict[int, str] = {}
    for start in range(0, len(seqs), MAX_PARAMS):
        chunk = seqs[start : start + MAX_PARAMS]
        rows = db.execute(
            f"""SELECT seq, json_extract(record, '$.artist_name') FROM {tables.records}
                WHERE seq IN ({", ".join("?" * len(chunk))})""",
            chunk,
        )
        names.update(rows.fetchall())
    return names


def _palette_families(
    db: sqlite3.Connection, tables: Tables, where: str, params: Sequence[Any]
) -> dict[int, list[str]]:
    """Return the colour families of the documents' palettes by seq, in palette order."""
    rows = db.execute(
        f"""SELECT p.seq, p.family FROM {tables.palette} p
            JOIN {tables.docs} d ON d.seq = p.seq {where} ORDER BY p.seq, p.rowid""",
        params,
    )
    families: dict[int, list[str]] = {}
    for seq, family in rows:
        families.setdefault(seq, []).append(family)
    return families
