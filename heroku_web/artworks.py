"""The artwork page: the largest fitting rendition, its story, its facts and similar works."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for

from heroku_web.api import ApiError
from heroku_web.client import api
from heroku_web.collector import collector_facts
from heroku_web.media import alt_text, aspect, palette, picture, rendition
from heroku_web.pages import canonical, page

blueprint = Blueprint("artworks", __name__)

OG_RENDITION = "1600px"


@blueprint.get("/artworks/<artwork_id>")
def detail(artwork_id: str) -> Response:
    """Show one published work."""
    artwork = api().artwork(artwork_id)
    artist = api().artist_of(artwork)
    ratio = aspect(artwork)
    return page(
        "artwork.html",
        artwork=artwork,
        artist=artist,
        picture=picture(artwork, stage_sizes(ratio), fallback_width=1024),
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
