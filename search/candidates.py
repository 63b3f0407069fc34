"""Which works take part in a colour or similarity search: plain arithmetic, no numpy.

Both adapters select candidates with these (a Lab box around each query colour, shared
perceptual-hash chunks) and rank them with `search.colour` and `search.similarity`, which
need numpy; keeping the selection apart lets the OpenSearch adapter, and so the API
functions' cold start, load numpy only when a search ranks by colour or likeness.
"""

from __future__ import annotations

from collections.abc import Sequence

from search.document import PaletteEntry
from search.errors import InvalidQuery
from search.query import MAX_LIMIT, PHASH_CHUNKS, ColourQuery

COLOUR_BOX = 40.0  # half-width, in Lab units, of the candidate box around a query colour
MAX_COLOUR_CANDIDATES = 5000
NEAR_DUPLICATE_CANDIDATES = 200


def palette_colours(palette: Sequence[PaletteEntry]) -> tuple[ColourQuery, ...]:
    """Return a palette as colour queries weighted by each colour's share of the work."""
    return tuple(ColourQuery(entry[:3], entry[3]) for entry in palette if entry[3] > 0)


def colour_box(colour: ColourQuery) -> tuple[tuple[float, float], ...]:
    """Return the (low, high) ranges of L, a and b that make a palette colour a candidate."""
    return tuple((value - COLOUR_BOX, value + COLOUR_BOX) for value in colour.lab)


def phash_chunks(phash: str | None) -> tuple[str, ...]:
    """Return the hash's chunks as "index:hex" keys; near-duplicates share at least one."""
    if not phash:
        return ()
    size = max(len(phash) // PHASH_CHUNKS, 1)
    return tuple(f"{i}:{phash[i * size : (i + 1) * size]}" for i in range(PHASH_CHUNKS))


def similar_limit(limit: int) -> int:
    """Return the limit of similar works, capped; InvalidQuery unless a positive integer."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidQuery(f"limit must be a positive integer, not {limit!r}")
    return min(limit, MAX_LIMIT)
