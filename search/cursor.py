"""Opaque, validated cursors: the sort key of a page's last hit, bound to its query."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from search.errors import InvalidQuery
from search.query import SearchQuery

MAX_CURSOR_LENGTH = 2048
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")

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
    document = json.dumps({"q": fingerprint(query), "k": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode()).rstrip(b"=").decode("ascii")


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
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidQuery("malformed cursor")
    if not _ALPHABET.fullmatch(cursor):
        raise InvalidQuery("malformed cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise InvalidQuery("malformed cursor") from e
    if not isinstance(document, dict):
        raise InvalidQuery("malformed cursor")
    return document


def _fits(key: Any, shape: Sequence[type]) -> bool:
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
