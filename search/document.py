"""The search document: what the index knows about one artwork, built from the content model."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, fields
from typing import Any

from content.model import Artist, Artwork

# One palette colour: (L, a, b, weight, hex, family); weight is its share of the work, 0..1.
PaletteEntry = tuple[float, float, float, float, str, str]

THUMBNAIL_NAME = "thumb"
PREFERRED_THUMBNAIL_FORMAT = "jpeg"


@dataclass(frozen=True)
class SearchDocument:
    """One artwork as the search index stores and returns it."""

    artwork_id: str
    artist_id: str
    artist_slug: str
    artist_name: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    medium: str = ""
    year: int | None = None
    orientation: str | None = None
    palette: tuple[PaletteEntry, ...] = ()
    phash: str | None = None
    blurhash: str | None = None
    width: int | None = None
    height: int | None = None
    visible: bool = False
    published_at: str | None = None
    version: int = 1
    thumbnail: dict[str, Any] | None = None
    slug: str | None = None  # the work's slug under its artist (None until it has one)

    @property
    def published_sort(self) -> str:
        """Return the key of the newest-first order: `published_at`, or "" (sorts last)."""
        return self.published_at or ""

    def to_record(self) -> dict[str, Any]:
        """Return the document as JSON-ready data (fields in declaration order)."""
        record = {field.name: getattr(self, field.name) for field in fields(self)}
        record["tags"] = list(self.tags)
        record["palette"] = [list(entry) for entry in self.palette]
        record["thumbnail"] = deepcopy(self.thumbnail)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SearchDocument:
        """Return the document that `to_record` described."""
        data = dict(record)
        data["tags"] = tuple(data.get("tags") or ())
        data["palette"] = tuple(palette_entry(entry) for entry in data.get("palette") or ())
        return cls(**data)


@dataclass(frozen=True)
class DocumentStamp:
    """What an audit compares of one document with its record: version, visibility, title."""

    artwork_id: str
    version: int
    visible: bool
    title: str


def palette_entry(entry: Any) -> PaletteEntry:
    """Return a palette entry from a stored list or tuple (L, a, b, weight, hex, family)."""
    lightness, a, b, weight, hex_code, family = entry
    return (float(lightness), float(a), float(b), float(weight), str(hex_code), str(family))


def document_for(artwork: Artwork, artist: Artist) -> SearchDocument:
    """Build the search document of an artwork by its artist."""
    facts = artwork.facts or {}
    return SearchDocument(
        artwork_id=artwork.id,
        artist_id=artwork.artist_id,
        artist_slug=artist.slug,
        artist_name=artist.display_name,
        title=artwork.title,
        description=artwork.description,
        tags=tuple(artwork.tags),
        medium=artwork.medium,
        year=artwork.year,
        orientation=facts.get("orientation"),
        palette=tuple(_palette_from_facts(facts.get("palette") or ())),
        phash=facts.get("phash"),
        blurhash=facts.get("blurhash"),
        width=facts.get("width"),
        height=facts.get("height"),
        visible=artwork.is_public,
        published_at=artwork.published_at,
        version=artwork.version,
        thumbnail=_thumbnail(artwork.renditions),
        slug=artwork.slug,
    )


def _palette_from_facts(palette: Any) -> list[PaletteEntry]:
    """Return the facts' palette ({lab, hex, family, weight} dicts) as entries."""
    return [
        palette_entry((*colour["lab"], colour["weight"], colour["hex"], colour["family"]))
        for colour in palette
    ]


def _thumbnail(renditions: tuple[dict[str, Any], ...]) -> dict[str, Any] | None:
    """Return the thumbnail rendition entry (the JPEG one when there are several formats)."""
    thumbs = [r for r in renditions if r.get("name") == THUMBNAIL_NAME]
    preferred = [r for r in thumbs if r.get("format") == PREFERRED_THUMBNAIL_FORMAT]
    chosen = preferred or thumbs
    return dict(chosen[0]) if chosen else None
