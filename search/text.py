"""Full-text rules both adapters share: query terms, typo budgets and highlight mark-up."""

from __future__ import annotations

import html
import re
import unicodedata

MAX_TERMS = 16
MAX_TERM_LENGTH = 64

# Lucene's English stop words (what OpenSearch's `english` analyzer drops), dropped from
# queries by both adapters so that a stop word never decides whether a work matches.
STOPWORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into"),
        *("is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then"),
        *("there", "these", "they", "this", "to", "was", "will", "with"),
    }
)

# Field boosts of the full-text search.
FIELD_BOOSTS: dict[str, float] = {
    "title": 3.0,
    "artist_name": 2.0,
    "tags": 2.0,
    "medium": 1.5,
    "description": 1.0,
}
HIGHLIGHT_FIELDS = ("title", "description")

# Private-use characters that bracket matches while highlighting, before HTML-escaping.
MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Return text case-folded and without diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Return the folded words of a text, in order."""
    return _WORD.findall(fold(text))


def query_terms(text: str) -> tuple[str, ...]:
    """Return the distinct search terms of a query: folded words, no stop words, at most 16."""
    terms: list[str] = []
    for word in words(text):
        if word not in STOPWORDS and word not in terms and len(word) <= MAX_TERM_LENGTH:
            terms.append(word)
    return tuple(terms[:MAX_TERMS])


def edit_budget(term: str) -> int:
    """Return the typos a term tolerates: none under 4 letters, one under 8, then two."""
    if len(term) >= 8:
        return 2
    return 1 if len(term) >= 4 else 0


def edit_distance(a: str, b: str, limit: int) -> int:
    """Return the optimal-string-alignment distance of a and b (transpositions cost 1).

    Stops early and returns limit + 1 once the distance is known to exceed `limit`.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def marked_html(highlighted: str, original: str) -> str | None:
    """Return a field with MARK_OPEN/MARK_CLOSE turned into <mark>…</mark>, the rest escaped.

    None when nothing is marked, or when the original itself holds the marker characters.
    """
    if MARK_OPEN not in highlighted or MARK_OPEN in original or MARK_CLOSE in original:
        return None
    escaped = html.escape(highlighted, quote=True)
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
