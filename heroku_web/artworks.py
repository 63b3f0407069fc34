"""The artwork page: the largest fitting rendition, its story, its facts and similar works.

A closer look: a work with a tile pyramid opens in the zoom viewer (OpenSeadragon, loaded only
when asked for); a smaller one opens in a lightbox at the largest size the screen takes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, redirect, url_for
from werkzeug.wrappers import Response as ResponseBase

from heroku_web.api import ApiError
from heroku_web.client import api
from heroku_web.collector import collector_facts
from heroku_web.media import alt_text, aspect, palette, picture, rendition, rendition_url
from heroku_web.pages import canonical, page, public_url

blueprint = Blueprint("artworks", __name__)

OG_RENDITION = "1600px"
PYRAMID_FORMAT = "dzi"
TILE_EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}


@blueprint.app_template_global("work_url")
def work_url(work: dict[str, Any], artist: dict[str, Any] | None) -> str:
    """Return the path of a work's page: readable when it has a slug and its artist is known."""
    artist_slug = (artist or {}).get("slug")
    if work.get("slug") and artist_slug:
        return url_for("artworks.readable", artist_slug=artist_slug, work_slug=work["slug"])
    return url_for("artworks.detail", artwork_id=work["id"])


@blueprint.get("/artists/<artist_slug>/<work_slug>")
def readable(artist_slug: str, work_slug: str) -> Response:
    """Show one published work at its readable URL (the canonical one)."""
    artwork = api().artist_artwork(artist_slug, work_slug)
    return show(artwork, api().artist(artist_slug))


@blueprint.get("/artworks/<artwork_id>")
def detail(artwork_id: str) -> ResponseBase:
    """Send a work with a readable URL there (301); show one without it here."""
    artwork = api().artwork(artwork_id)
    artist = api().artist_of(artwork)
    path = work_url(artwork, artist)
    if path != url_for("artworks.detail", artwork_id=artwork_id):
        moved = redirect(path, 301)
        moved.headers["Cache-Control"] = f"public, max-age={current_app.config['PAGE_MAX_AGE']}"
        return moved
    return show(artwork, api().artist(artist["slug"]) if artist else None)


def show(artwork: dict[str, Any], artist: dict[str, Any] | None) -> Response:
    """Render the artwork page, its canonical URL being the work's own path."""
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
        canonical_url=public_url(work_url(artwork, artist)),
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
