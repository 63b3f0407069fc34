"""Queries and results of the search index, and the colour maths both adapters rank with.

Colour search
-------------
A colour query is one or more Lab colours `q_j`, each with a weight `v_j`. A work's palette
is colours `p_i` with shares `w_i` (0..1). The work's colour distance is

    d_j = min_i [ ΔE00(q_j, p_i) + COVERAGE_PENALTY · (1 − w_i) ]
    colour_distance = Σ_j v_j · d_j / Σ_j v_j

so each query colour is matched by the palette colour closest to it, and a colour that
covers more of the work counts as nearer (an exact match covering 10 % of a work is
18 ΔE00 away; one covering 90 % is 2). Lower is better.

Candidates: a work takes part in a colour search only if one of its palette colours lies
inside the box of ± COLOUR_BOX Lab units around one of the query colours (a range filter
both engines evaluate natively). Both adapters rank at most MAX_COLOUR_CANDIDATES
candidates (the lowest artwork ids) in Python with `colour_distance`; total and facets
still count every match.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from pipeline.palette import srgb_to_lab
from pipeline.phash import hamming_distance
from search.document import PaletteEntry, SearchDocument
from search.errors import InvalidQuery

Sort = Literal["relevance", "newest"]
SORTS: tuple[str, ...] = ("relevance", "newest")
DEFAULT_LIMIT = 24
MAX_LIMIT = 100
MAX_COLOURS = 5
MAX_TAGS = 10
FACETS: tuple[str, ...] = ("artist", "medium", "tags", "orientation", "year")
FACET_SIZE = 50

COVERAGE_PENALTY = 20.0  # ΔE00 added for a palette colour that covers none of the work
COLOUR_BOX = 40.0  # half-width, in Lab units, of the candidate box around a query colour
MAX_COLOUR_CANDIDATES = 5000

# more_like_this: weights of palette, perceptual hash and tag likeness (they sum to 1).
LIKENESS_WEIGHTS = (0.45, 0.4, 0.15)
LIKENESS_COLOUR_SCALE = 50.0  # colour distance at which palette likeness reaches 0
LIKENESS_HASH_SCALE = 32  # Hamming distance at which hash likeness reaches 0 (random pairs)
PHASH_CHUNKS = 4  # a hash within 3 bits shares at least one of its 4 chunks exactly
NEAR_DUPLICATE_BITS = PHASH_CHUNKS - 1  # the largest distance the chunks are sure to find
NEAR_DUPLICATE_CANDIDATES = 200

_HEX = re.compile(r"#?([0-9a-fA-F]{6})")


@dataclass(frozen=True)
class ColourQuery:
    """One colour to search for (CIELAB, D65) and how much it matters."""

    lab: tuple[float, float, float]
    weight: float = 1.0

    def __post_init__(self) -> None:
        """Refuse colours that are not three finite numbers, or a weight that is not positive."""
        values = (*self.lab, self.weight) if len(self.lab) == 3 else ()
        if not values or not all(_is_number(v) and math.isfinite(v) for v in values):
            raise InvalidQuery(f"a colour needs three finite Lab values, not {self.lab!r}")
        if self.weight <= 0:
            raise InvalidQuery(f"a colour weight must be positive, not {self.weight!r}")
        object.__setattr__(self, "lab", tuple(float(v) for v in self.lab))
        object.__setattr__(self, "weight", float(self.weight))


def colour_from_hex(value: str, weight: float = 1.0) -> ColourQuery:
    """Return the colour query of an sRGB hex code such as '#c0392b'."""
    match = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise InvalidQuery(f"not a hex colour: {value!r}")
    rgb = np.frombuffer(bytes.fromhex(match.group(1)), dtype=np.uint8)
    lightness, a, b = (float(v) for v in srgb_to_lab(rgb))
    return ColourQuery((lightness, a, b), weight)


@dataclass(frozen=True)
class SearchQuery:
    """What a visitor (or the studio) asks the index for."""

    text: str = ""
    artist: str | None = None
    tags: tuple[str, ...] = ()
    medium: str | None = None
    orientation: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    colours: tuple[ColourQuery, ...] = ()
    sort: Sort = "relevance"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT
    include_hidden: bool = False

    def __post_init__(self) -> None:
        """Check the query; cap the limit at MAX_LIMIT."""
        if self.sort not in SORTS:
            raise InvalidQuery(f"sort must be one of {', '.join(SORTS)}")
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1:
            raise InvalidQuery(f"limit must be a positive integer, not {self.limit!r}")
        for name in ("year_from", "year_to"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidQuery(f"{name} must be an integer")
        if not isinstance(self.text, str):
            raise InvalidQuery("text must be a string")
        object.__setattr__(self, "tags", tuple(self.tags))
        object.__setattr__(self, "colours", tuple(self.colours))
        if len(self.tags) > MAX_TAGS or len(self.colours) > MAX_COLOURS:
            raise InvalidQuery(f"at most {MAX_TAGS} tags and {MAX_COLOURS} colours")
        object.__setattr__(self, "limit", min(self.limit, MAX_LIMIT))


@dataclass(frozen=True)
class SearchHit:
    """One result: the document, its score (higher is better) and highlighted fields as HTML."""

    document: SearchDocument
    score: float
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    """One page of hits, the number of matches, facet counts and the next page's cursor."""

    hits: tuple[SearchHit, ...]
    total: int
    facets: dict[str, tuple[tuple[str, int], ...]]
    next_cursor: str | None


@dataclass(frozen=True)
class BulkReport:
    """What a bulk write did: written, ignored as stale (older version), failed."""

    written: int = 0
    stale: int = 0
    failed: int = 0

    def __add__(self, other: BulkReport) -> BulkReport:
        """Return the sum of two reports."""
        return BulkReport(
            self.written + other.written, self.stale + other.stale, self.failed + other.failed
        )


def _is_number(value: object) -> bool:
    """Return whether a value is an int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


# Colour maths


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """Return CIEDE2000 colour differences (kL = kC = kH = 1) between Lab arrays (..., 3).

    Sharma, Wu and Dalal, "The CIEDE2000 color-difference formula" (2005), equations 1–17.
    """
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_bar7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2.0) ** 7
    g = 0.5 * (1.0 - np.sqrt(c_bar7 / (c_bar7 + 25.0**7)))
    a1p, a2p = (1.0 + g) * a1, (1.0 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360.0
    chroma_product = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > 180.0, dh - 360.0, np.where(dh < -180.0, dh + 360.0, dh))
    dh = np.where(chroma_product == 0.0, 0.0, dh)
    d_hue = 2.0 * np.sqrt(chroma_product) * np.sin(np.radians(dh / 2.0))
    l_bar = (l1 + l2) / 2.0
    c_bar_p = (c1p + c2p) / 2.0
    h_bar = _mean_hue(h1p, h2p, chroma_product)
    t = (
        1.0
        - 0.17 * np.cos(np.radians(h_bar - 30.0))
        + 0.24 * np.cos(np.radians(2.0 * h_bar))
        + 0.32 * np.cos(np.radians(3.0 * h_bar + 6.0))
        - 0.20 * np.cos(np.radians(4.0 * h_bar - 63.0))
    )
    d_theta = 30.0 * np.exp(-(((h_bar - 275.0) / 25.0) ** 2))
    r_c = 2.0 * np.sqrt(c_bar_p**7 / (c_bar_p**7 + 25.0**7))
    s_l = 1.0 + 0.015 * (l_bar - 50.0) ** 2 / np.sqrt(20.0 + (l_bar - 50.0) ** 2)
    s_c = 1.0 + 0.045 * c_bar_p
    s_h = 1.0 + 0.015 * c_bar_p * t
    r_t = -np.sin(np.radians(2.0 * d_theta)) * r_c
    dl, dc, dhh = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_hue / s_h
    return np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh)


def _mean_hue(h1: np.ndarray, h2: np.ndarray, chroma_product: np.ndarray) -> np.ndarray:
    """Return the mean hue angle of CIEDE2000 (equation 14), in degrees."""
    total = h1 + h2
    wrapped = np.where(total < 360.0, (total + 360.0) / 2.0, (total - 360.0) / 2.0)
    mean = np.where(np.abs(h1 - h2) <= 180.0, total / 2.0, wrapped)
    return np.where(chroma_product == 0.0, total, mean)


def colour_distance(palette: Sequence[PaletteEntry], colours: Sequence[ColourQuery]) -> float:
    """Return a palette's weighted CIEDE2000 distance to the query colours (see module doc)."""
    if not colours:
        return 0.0
    if not palette:
        return math.inf
    palette_lab = np.array([entry[:3] for entry in palette], dtype=np.float64)
    shares = np.clip(np.array([entry[3] for entry in palette], dtype=np.float64), 0.0, 1.0)
    query_lab = np.array([colour.lab for colour in colours], dtype=np.float64)
    weights = np.array([colour.weight for colour in colours], dtype=np.float64)
    delta = delta_e_2000(query_lab[:, None, :], palette_lab[None, :, :])
    nearest = (delta + COVERAGE_PENALTY * (1.0 - shares)[None, :]).min(axis=1)
    return float((weights * nearest).sum() / weights.sum())


def colour_box(colour: ColourQuery) -> tuple[tuple[float, float], ...]:
    """Return the (low, high) ranges of L, a and b that make a palette colour a candidate."""
    return tuple((value - COLOUR_BOX, value + COLOUR_BOX) for value in colour.lab)


def palette_colours(palette: Sequence[PaletteEntry]) -> tuple[ColourQuery, ...]:
    """Return a palette as colour queries weighted by each colour's share of the work."""
    return tuple(ColourQuery(entry[:3], entry[3]) for entry in palette if entry[3] > 0)


# More like this


def phash_chunks(phash: str | None) -> tuple[str, ...]:
    """Return the hash's chunks as "index:hex" keys; near-duplicates share at least one."""
    if not phash:
        return ()
    size = max(len(phash) // PHASH_CHUNKS, 1)
    return tuple(f"{i}:{phash[i * size : (i + 1) * size]}" for i in range(PHASH_CHUNKS))


@dataclass(frozen=True)
class Candidates:
    """Works to compare with a source, as arrays: what likeness reads and nothing more.

    `lab` is (works, colours, 3), `shares` and `present` (works, colours): palettes padded
    to one length, `present` false on the padding.
    """

    ids: Sequence[str]
    lab: np.ndarray
    shares: np.ndarray
    present: np.ndarray
    phashes: Sequence[str | None]
    tags: Sequence[Sequence[str]]

    @classmethod
    def of(cls, documents: Sequence[SearchDocument]) -> Candidates:
        """Return the candidates of whole documents."""
        return cls.packed(
            [d.artwork_id for d in documents],
            [[value for entry in d.palette for value in entry[:4]] for d in documents],
            [d.phash for d in documents],
            [d.tags for d in documents],
        )

    @classmethod
    def packed(
        cls,
        ids: Sequence[str],
        palettes: Sequence[Sequence[float] | np.ndarray],
        phashes: Sequence[str | None],
        tags: Sequence[Sequence[str]],
    ) -> Candidates:
        """Return candidates whose palettes are flat L, a, b, share sequences."""
        width = max((len(palette) // 4 for palette in palettes), default=0)
        values = np.zeros((len(ids), width, 4))
        present = np.zeros((len(ids), width), dtype=bool)
        for row, palette in enumerate(palettes):
            size = len(palette) // 4
            values[row, :size] = np.asarray(palette, dtype=np.float64).reshape(size, 4)
            present[row, :size] = True
        return cls(ids, values[..., :3], values[..., 3], present, phashes, tags)


def likeness(source: SearchDocument, other: SearchDocument) -> float:
    """Return how alike two works are, 0..1: palette ΔE00, pHash Hamming distance, shared tags."""
    return float(likenesses(source, Candidates.of([other]))[0])


def likenesses(source: SearchDocument, candidates: Candidates) -> np.ndarray:
    """Return `likeness` of the source to every candidate at once."""
    colour_weight, hash_weight, tag_weight = LIKENESS_WEIGHTS
    hashes = np.array([_hash_likeness(source.phash, other) for other in candidates.phashes])
    tags = np.array([_tag_likeness(source.tags, other) for other in candidates.tags])
    return (
        colour_weight * _palette_likenesses(source, candidates)
        + hash_weight * hashes.reshape(-1)
        + tag_weight * tags.reshape(-1)
    )


def _palette_likenesses(source: SearchDocument, candidates: Candidates) -> np.ndarray:
    """Return 1 for the same palette, falling to 0 at LIKENESS_COLOUR_SCALE, per candidate."""
    colours = palette_colours(source.palette)
    if not colours:
        return np.zeros(len(candidates.ids))
    distances = colour_distances(candidates.lab, candidates.shares, candidates.present, colours)
    return np.maximum(0.0, 1.0 - distances / LIKENESS_COLOUR_SCALE)


def similar_limit(limit: int) -> int:
    """Return the limit of similar works, capped; InvalidQuery unless a positive integer."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidQuery(f"limit must be a positive integer, not {limit!r}")
    return min(limit, MAX_LIMIT)


def most_alike_rows(
    source: SearchDocument, candidates: Candidates, limit: int
) -> list[tuple[int, float]]:
    """Return (candidate row, likeness) of the `limit` most alike, best first (ties by id)."""
    scores = likenesses(source, candidates)
    rows = sorted(range(len(candidates.ids)), key=lambda row: (-scores[row], candidates.ids[row]))
    return [(row, float(scores[row])) for row in rows[:limit]]


def most_alike(
    source: SearchDocument, candidates: Iterable[SearchDocument], limit: int
) -> tuple[SearchHit, ...]:
    """Return up to `limit` candidates as hits, most like `source` first (ties by id)."""
    documents = list(candidates)
    best = most_alike_rows(source, Candidates.of(documents), limit)
    return tuple(SearchHit(documents[row], score) for row, score in best)


def _hash_likeness(a: str | None, b: str | None) -> float:
    """Return 1 for equal perceptual hashes, falling to 0 at LIKENESS_HASH_SCALE bits."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return max(0.0, 1.0 - hamming_distance(a, b) / LIKENESS_HASH_SCALE)


def _tag_likeness(a: Sequence[str], b: Sequence[str]) -> float:
    """Return the Jaccard index of two tag sets."""
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else 0.0


def colour_distances(
    lab: np.ndarray, shares: np.ndarray, present: np.ndarray, colours: Sequence[ColourQuery]
) -> np.ndarray:
    """Return `colour_distance` of many palettes at once (the same numbers).

    `lab` is (works, colours, 3), `shares` and `present` (works, colours): palettes padded to
    one length, `present` false on the padding. A work without colours is infinitely far.
    """
    count = lab.shape[0]
    if not colours:
        return np.zeros(count, dtype=np.float64)
    if count == 0 or lab.shape[1] == 0:
        return np.full(count, math.inf, dtype=np.float64)
    query_lab = np.array([colour.lab for colour in colours], dtype=np.float64)
    weights = np.array([colour.weight for colour in colours], dtype=np.float64)
    shares = np.clip(np.asarray(shares, dtype=np.float64), 0.0, 1.0)
    delta = delta_e_2000(query_lab[None, :, None, :], np.asarray(lab)[:, None, :, :])
    penalised = delta + (COVERAGE_PENALTY * (1.0 - shares))[:, None, :]
    nearest = np.where(present[:, None, :], penalised, math.inf).min(axis=2)
    return (weights[None, :] * nearest).sum(axis=1) / weights.sum()


def nearest_hashes(
    phash: str, candidates: Iterable[tuple[str, str | None]], max_distance: int
) -> list[str]:
    """Return the ids of (id, phash) candidates within `max_distance` bits, nearest first."""
    near = []
    for artwork_id, other in candidates:
        if other and len(other) == len(phash):
            distance = hamming_distance(phash, other)
            if distance <= max_distance:
                near.append((distance, artwork_id))
    return [artwork_id for _, artwork_id in sorted(near)]
