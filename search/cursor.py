"""Opaque, validated cursors: the sort key of a page's last hit, bound to its query."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any, TypeGuard

from search.errors import InvalidQuery
from search.query import SearchQuery
from storage.cursor import pack, unpack

# Sort key shapes: the types of each part of a page position.
NEWEST_KEY = (str, str)  # published_sort, artwork_id
RELEVANCE_KEY = (float, str)  # score, artwork_id
COLOUR_KEY = (float, float, str)  # colour distance, text score, artwork_id
OFFSET_KEY = (int,)  # hits already returned (OpenSearch relevance pages)
MAX_OFFSET = 1_000_000

Key = tuple[Any, ...]


def fingerprint(query: SearchQuery) -> str:
    """Return a short digest of everything in a query that decides its order and matches."""
    data = asdict(replace(query, cursor=None, limit=1))
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=list).encode())
    return digest.hexdigest()[:16]


def encode_cursor(query: SearchQuery, key: Sequence[Any]) -> str:
    """Return the cursor of the page after the hit whose sort key is `key`."""
    return pack({"q": fingerprint(query), "k": list(key)})


def decode_cursor(query: SearchQuery, shape: Sequence[type]) -> Key | None:
    """Return the sort key in the query's cursor (None without one); InvalidQuery if bad."""
    if query.cursor is None:
        return None
    document = _decoded(query.cursor)
    key = document.get("k") if isinstance(document, dict) else None
    if document.get("q") != fingerprint(query) or not _fits(key, shape):
        raise InvalidQuery("malformed cursor")
    return tuple(
        float(part) if kind is float else part for part, kind in zip(key, shape, strict=True)
    )


def _decoded(cursor: Any) -> dict[str, Any]:
    """Return the JSON document inside a cursor; InvalidQuery if it is not one."""
    try:
        return unpack(cursor)
    except ValueError as e:
        raise InvalidQuery("malformed cursor") from e


def _fits(key: Any, shape: Sequence[type]) -> TypeGuard[list[Any]]:
    """Return whether a decoded key has the shape's length and part types."""
    if not isinstance(key, list) or len(key) != len(shape):
        return False
    return all(_part_fits(part, kind) for part, kind in zip(key, shape, strict=True))


def _part_fits(part: Any, kind: type) -> bool:
    """Return whether one key part is of its kind (a finite number for float)."""
    if kind is int:
        return isinstance(part, int) and not isinstance(part, bool) and 0 <= part <= MAX_OFFSET
    if kind is float:
        return isinstance(part, int | float) and not isinstance(part, bool) and abs(part) < 1e300
    return isinstance(part, str) and len(part) <= 512
