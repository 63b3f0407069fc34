"""Queries and results of the search index: what is asked, what comes back."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from search.document import SearchDocument
from search.errors import InvalidQuery
from search.interpret import Interpretation, interpret

Sort = Literal["relevance", "newest"]
SORTS: tuple[str, ...] = ("relevance", "newest")
DEFAULT_LIMIT = 24
MAX_LIMIT = 100
MAX_COLOURS = 5
MAX_TAGS = 10
FACETS: tuple[str, ...] = ("artist", "medium", "tags", "orientation", "year")
FACET_SIZE = 50
PHASH_CHUNKS = 4  # a hash within 3 bits shares at least one of its 4 chunks exactly
NEAR_DUPLICATE_BITS = PHASH_CHUNKS - 1  # the largest distance the chunks are sure to find


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

    def reading(self) -> Interpretation:
        """Return how the words are read: concepts and colour words (`search.interpret`)."""
        return interpret(self.text)

    def ranking_colours(self, reading: Interpretation) -> tuple[ColourQuery, ...]:
        """Return the colours that rank the works: the explicit ones, then the colour words'."""
        named = tuple(ColourQuery(word.lab) for word in reading.colour_words)
        return (*self.colours, *named)[:MAX_COLOURS]


@dataclass(frozen=True)
class SearchHit:
    """One result: the document, its score (higher is better) and highlighted fields as HTML."""

    document: SearchDocument
    score: float
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    """One page of hits, the number of matches, facet counts and the next page's cursor.

    `labels` names facet values for people, by facet then value: `labels["artist"]` holds the
    display name of every artist bucket, and of the selected artist (`SearchQuery.artist`) when
    nothing of theirs matched but they have works the query may show. An artist whose works
    disagree on the name (a rename still being indexed) is labelled with one of them.
    `interpretation` is what the words were read as, when that is more than the words typed
    (a technique's other names, a colour word): the "Showing results for" of the gallery.
    """

    hits: tuple[SearchHit, ...]
    total: int
    facets: dict[str, tuple[tuple[str, int], ...]]
    next_cursor: str | None
    interpretation: Interpretation | None = None
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


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
