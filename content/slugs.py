"""Readable work slugs: made from a title once, unique per artist, never a route's own word."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

MAX_SLUG = 60
EMPTY = "untitled"
# Words a page under /artists/{artist}/ may need for itself: never a work's slug.
RESERVED = frozenset(
    {
        "about",
        "artworks",
        "atom",
        "edit",
        "feed",
        "links",
        "logo",
        "new",
        "page",
        "portrait",
        "rss",
        "search",
        "series",
        "similar",
        "works",
    }
)
# Letters that Unicode does not decompose into an ASCII base letter.
_FOLDS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_WORDS = re.compile(r"[a-z0-9]+")


def ascii_words(text: str) -> list[str]:
    """Return the lower-case ASCII words of `text`, accents and wide forms folded."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    folded = folded.translate(_FOLDS)
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return _WORDS.findall(plain.replace("'", ""))  # "Zoë's" is one word: "zoes"


def clip(words: list[str], limit: int) -> str:
    """Return words joined by hyphens, cut at a word boundary within `limit` characters."""
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > limit:
            return slug or word[:limit]
        slug = longer
    return slug


def work_slug(title: str) -> str:
    """Return the slug a title suggests (EMPTY when it has no ASCII words; never RESERVED)."""
    base = clip(ascii_words(title), MAX_SLUG) or EMPTY
    return numbered(base, 2) if base in RESERVED else base


def numbered(base: str, n: int) -> str:
    """Return `base` with "-n" (none for 1), cut so the whole stays within MAX_SLUG."""
    if n == 1:
        return base
    suffix = f"-{n}"
    return base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix


def candidates(base: str) -> Iterator[str]:
    """Yield `base`, then `base-2`, `base-3`… (without reserved words)."""
    n = 1
    while True:
        slug = numbered(base, n)
        if slug not in RESERVED:
            yield slug
        n += 1


def first_free(base: str, taken: set[str]) -> str:
    """Return the first candidate of `base` not in `taken`."""
    return next(slug for slug in candidates(base) if slug not in taken)
