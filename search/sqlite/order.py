"""Sort ranks of the SQLite search index's columns: by artwork id, and newest first."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np


class Columns(Protocol):
    """What the ranks read of the column engine: the live slots, ids and publish keys."""

    live: np.ndarray
    ids: list[str]
    published: list[str]

    @property
    def size(self) -> int:
        """Return the number of slots."""
        ...


class Order:
    """Sort ranks by seq: of the artwork id, and of (published_sort, artwork id), ascending.

    A rank is a position in a sorted list of keys that also keeps the keys of works removed
    since the list was built, so a write inserts its keys (shifting the ranks after them)
    instead of sorting everything again.
    """

    def __init__(self, columns: Columns) -> None:
        live = np.flatnonzero(columns.live).tolist()
        ids, published = columns.ids, columns.published
        by_id = sorted(live, key=lambda seq: ids[seq])
        by_date = sorted(live, key=lambda seq: (published[seq], ids[seq]))
        self.ids = [ids[seq] for seq in by_id]
        self.newest = [(published[seq], ids[seq]) for seq in by_date]
        self.id_rank = np.zeros(columns.size, dtype=np.int64)
        self.newest_rank = np.zeros(columns.size, dtype=np.int64)
        self.id_rank[by_id] = np.arange(len(by_id))
        self.newest_rank[by_date] = np.arange(len(by_date))

    def insert(self, columns: Columns, seqs: Sequence[int]) -> None:
        """Rank documents just added to the columns."""
        extra = columns.size - len(self.id_rank)
        if extra > 0:
            self.id_rank = np.concatenate([self.id_rank, np.zeros(extra, dtype=np.int64)])
            self.newest_rank = np.concatenate([self.newest_rank, np.zeros(extra, dtype=np.int64)])
        for seq in seqs:
            artwork_id = columns.ids[seq]
            _insert_key(self.ids, self.id_rank, seq, artwork_id)
            _insert_key(self.newest, self.newest_rank, seq, (columns.published[seq], artwork_id))

    def ids_after(self, artwork_id: str) -> int:
        """Return the rank from which ids sort after `artwork_id`."""
        return bisect_right(self.ids, artwork_id)

    def newest_before(self, published: str, artwork_id: str) -> int:
        """Return the rank below which (published_sort, id) sorts before the given pair."""
        return bisect_left(self.newest, (published, artwork_id))


def _insert_key(keys: list[Any], ranks: np.ndarray, seq: int, key: Any) -> None:
    """Insert a document's key into a sorted key list and give it its rank."""
    at = bisect_left(keys, key)
    keys.insert(at, key)
    ranks[ranks >= at] += 1
    ranks[seq] = at
