"""The artwork page: the largest fitting rendition, its story, its facts and similar works.

A closer look: a work with a tile pyramid opens in the zoom viewer (OpenSeadragon, loaded only
when asked for); a smaller one opens in a lightbox at the largest size the screen takes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, url_for

from heroku_web.api import ApiError
from heroku_web.client import api
from heroku_web.collector import collector_facts
from heroku_web.media import alt_text, aspect, palette, picture, rendition, rendition_url
from heroku_web.pages import canonical, page

blueprint = Blueprint("artworks", __name__)

OG_RENDITION = "1600px"
PYRAMID_FORMAT = "dzi"
TILE_EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}


@blueprint.get("/artworks/<artwork_id>")
def detail(artwork_id: str) -> Response:
    """Show one published work."""
    artwork = api().artwork(artwork_id)
    artist = api().artist_of(artwork)
    ratio = aspect(artwork)
    zoom = zoom_source(artwork)
    g.zoom_viewer = zoom is not None  # its CSP allows the viewer's one style sheet
    return page(
        "artwork.html",
        artwork=artwork,
        artist=artist,
        picture=picture(artwork, stage_sizes(ratio), fallback_width=1024),
        zoom=zoom,
        lightbox=picture(artwork, lightbox_sizes(ratio), fallback_width=1600),
        colours=palette(artwork),
        collector=collector_facts(artwork, artist),
        fidelity_warning=bool(((artwork.get("facts") or {}).get("fidelity") or {}).get("warning")),
        og_image=og_image(artwork, artist),
        canonical_url=canonical("artworks.detail", artwork_id=artwork_id),
        search_url=url_for("search.results"),
    )


def og_image(artwork: dict[str, Any], artist: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the OpenGraph image: a large JPEG rendition, with its alt text."""
    chosen = rendition(artwork, OG_RENDITION)
    return chosen | {"alt": alt_text(artwork, artist)} if chosen else None


def stage_sizes(ratio: float) -> str:
    """Return the `sizes` of the artwork stage: full width, no taller than 80% of the screen."""
    return f"min(calc(100vw - 2rem), {round(ratio * 80, 2)}vh, 1400px)"


def lightbox_sizes(ratio: float) -> str:
    """Return the `sizes` of the lightbox: the whole screen, keeping the work's proportions."""
    return f"min(100vw, {round(ratio * 100, 2)}vh)"


def zoom_source(artwork: dict[str, Any]) -> dict[str, Any] | None:
    """Return the zoom viewer's Deep Zoom source for a work with a tile pyramid, else None.

    The tiles' folder is the descriptor's URL with `.dzi` replaced by `_files/`; the page
    hands the viewer the descriptor's fields, so it fetches no XML (only the tiles, as images).
    """
    entry = next(
        (r for r in artwork.get("renditions") or () if r.get("format") == PYRAMID_FORMAT), None
    )
    url = rendition_url(entry) if entry else None
    extension = TILE_EXTENSIONS.get(str((entry or {}).get("tile_format")))
    if entry is None or url is None or extension is None:
        return None
    path, _, query = url.partition("?")
    if not path.endswith(".dzi"):
        return None
    return {
        "tiles": path.removesuffix(".dzi") + "_files/",
        "query": f"?{query}" if query else "",
        "width": int(entry["width"]),
        "height": int(entry["height"]),
        "tile_size": int(entry["tile_size"]),
        "overlap": int(entry.get("overlap", 0)),
        "extension": extension,
    }


@blueprint.get("/artworks/<artwork_id>/similar")
def similar(artwork_id: str) -> Response:
    """Show works like this one (the artwork page loads this section after the work itself)."""
    artwork = api().artwork(artwork_id)
    return page(
        "similar.html",
        artwork=artwork,
        artist=api().artist_of(artwork),
        similar=similar_works(artwork_id),
        canonical_url=canonical("artworks.similar", artwork_id=artwork_id),
    )


def similar_works(artwork_id: str) -> list[dict[str, Any]]:
    """Return cards of similar works; the page still shows without them."""
    try:
        return [hit for hit in api().similar(artwork_id) if hit.get("id") != artwork_id]
    except ApiError:
        return []
