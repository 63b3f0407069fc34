"""The Search Service's routes: search and more-like-this."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, request

from search.document import SearchDocument
from search.errors import InvalidQuery
from search.index import SearchIndex
from search.interpret import Interpretation
from search.query import SearchHit, SearchQuery, SearchResult, Sort
from service.http.context import services
from service.http.params import whole_number

blueprint = Blueprint("search", __name__)

MAX_QUERY_LENGTH = 200
SIMILAR_LIMIT = 12


def index() -> SearchIndex:
    """Return the search index of this app's services."""
    return services().search


def optional_int(name: str) -> int | None:
    """Return an integer query parameter, or None when absent."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    number = whole_number(raw, 6)
    if number is None:
        raise InvalidQuery(f"'{name}' must be a whole number")
    return number


def colour_params() -> tuple[Any, ...]:
    """Return the colour queries of `colour=HEX` or `colour=HEX:WEIGHT` parameters."""
    raws = request.args.getlist("colour")
    if not raws:
        return ()
    # The colour maths needs numpy: loaded by the first colour query, not at a cold start.
    from search.colour import colour_from_hex

    colours = []
    for raw in raws:
        hex_code, _, weight = raw.partition(":")
        try:
            colours.append(colour_from_hex(hex_code, float(weight) if weight else 1.0))
        except ValueError as error:
            raise InvalidQuery(f"'{raw}' is not a colour such as c0392b or c0392b:0.5") from error
    return tuple(colours)


def query_from_request() -> SearchQuery:
    """Build the search query from the URL, so a search is shareable."""
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery(f"the search text is limited to {MAX_QUERY_LENGTH} characters")
    limit = optional_int("limit")
    limit = 24 if limit is None else limit
    if not 1 <= limit <= 100:
        raise InvalidQuery("'limit' must be 1 to 100")
    return SearchQuery(
        text=text,
        artist=request.args.get("artist") or None,
        tags=tuple(tag.lower() for tag in request.args.getlist("tag") if tag),
        medium=request.args.get("medium") or None,
        orientation=request.args.get("orientation") or None,
        year_from=optional_int("year_from"),
        year_to=optional_int("year_to"),
        colours=colour_params(),
        sort=cast(Sort, request.args.get("sort", "relevance")),  # SearchQuery checks it
        cursor=request.args.get("cursor") or None,
        limit=limit,
    )


def document_view(document: SearchDocument) -> dict[str, Any]:
    """Return what a gallery card needs of a document."""
    return {
        "id": document.artwork_id,
        "title": document.title,
        "slug": document.slug,
        "artist": {"slug": document.artist_slug, "display_name": document.artist_name},
        "medium": document.medium,
        "year": document.year,
        "tags": list(document.tags),
        "orientation": document.orientation,
        "width": document.width,
        "height": document.height,
        "blurhash": document.blurhash,
        "palette": [hex_code for *_, hex_code, _family in document.palette],
        "thumbnail": document.thumbnail,
        "published_at": document.published_at,
    }


def hit_view(hit: SearchHit) -> dict[str, Any]:
    """Return one hit: the card, its score and highlighted fields (HTML, escaped)."""
    return document_view(hit.document) | {"score": hit.score, "highlights": hit.highlights}


def interpretation_view(reading: Interpretation | None) -> dict[str, Any] | None:
    """Return what the words were read as (None when they were searched as typed)."""
    if reading is None:
        return None
    return {
        "words": [{"said": c.said, "also": list(c.also)} for c in reading.concepts],
        "colours": [
            {"said": w.said, "name": w.colour.name, "hex": w.colour.hex}
            for w in reading.colour_words
        ],
    }


def facet_view(counts: tuple[tuple[str, int], ...], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Return a facet's buckets, each with its label when it has one; a labelled value that
    counts nothing (the chosen artist, when nothing of theirs matched) ends the list at 0."""
    buckets: list[dict[str, Any]] = [{"value": value, "count": count} for value, count in counts]
    buckets += [{"value": v, "count": 0} for v in sorted(labels.keys() - dict(counts).keys())]
    for bucket in buckets:
        if bucket["value"] in labels:
            bucket["label"] = labels[bucket["value"]]
    return buckets


def result_view(result: SearchResult) -> dict[str, Any]:
    """Return a page of results with facet counts and what the words were read as."""
    facets = {
        name: facet_view(counts, result.labels.get(name, {}))
        for name, counts in result.facets.items()
    }
    return {
        "items": [hit_view(hit) for hit in result.hits],
        "total": result.total,
        "facets": facets,
        "next_cursor": result.next_cursor,
        "interpreted": interpretation_view(result.interpretation),
    }


@blueprint.get("/search")
def search() -> dict[str, Any]:
    """Search published works by text, filters and colour, with facets."""
    return result_view(index().search(query_from_request()))


@blueprint.get("/artworks/<artwork_id>/similar")
def similar(artwork_id: str) -> dict[str, Any]:
    """Return published works like this one (palette, perceptual hash, tags)."""
    services().artworks.public_artwork(artwork_id)
    hits = index().more_like_this(artwork_id, limit=SIMILAR_LIMIT)
    return {"items": [hit_view(hit) for hit in hits]}
