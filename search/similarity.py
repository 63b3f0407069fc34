"""Similarity both adapters share: more-like-this likeness and near-duplicate hashes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.phash import hamming_distance
from search.candidates import palette_colours
from search.colour import colour_distances
from search.document import SearchDocument
from search.query import SearchHit

# more_like_this: weights of palette, perceptual hash and tag likeness (they sum to 1).
LIKENESS_WEIGHTS = (0.45, 0.4, 0.15)
LIKENESS_COLOUR_SCALE = 50.0  # colour distance at which palette likeness reaches 0
LIKENESS_HASH_SCALE = 32  # Hamming distance at which hash likeness reaches 0 (random pairs)


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
