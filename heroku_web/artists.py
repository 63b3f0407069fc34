"""Artists: the directory and each artist's page with their published works."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from heroku_web.client import api
from heroku_web.media import picture
from heroku_web.pages import canonical, page, work_card
from heroku_web.profiles import portrait_image, safe_links

blueprint = Blueprint("artists", __name__)
blueprint.add_app_template_global(portrait_image)
blueprint.add_app_template_global(safe_links)

COVER_SIZES = "(max-width: 40em) calc(50vw - 1.5rem), 340px"
COVER_MAX_WIDTH = 1024


def artist_card(artist: dict[str, Any], cover: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return what an artist card shows: the artist and their cover work (chosen or newest)."""
    work = cover or artist.get("cover")
    if not isinstance(work, dict):
        return {"artist": artist, "cover": None}
    card = work_card(work, artist)
    card["picture"] = picture(work, COVER_SIZES, max_width=COVER_MAX_WIDTH)
    return {"artist": artist, "cover": card}


@blueprint.get("/artists")
def directory() -> Response:
    """List the artists with published works, by name, as cards with a cover work."""
    cursor = request.args.get("cursor") or None
    listing = api().artists(cursor=cursor, limit=60)
    return page(
        "artists.html",
        artists=[artist_card(artist) for artist in listing["items"]],
        next_cursor=listing.get("next_cursor"),
        cursor=cursor,
        canonical_url=canonical("artists.directory", cursor=cursor),
    )


@blueprint.get("/artists/<slug>")
def profile(slug: str) -> Response:
    """Show an artist's bio and their published works in their order, or one series of them."""
    artist = api().artist(slug)
    series_nav = shown_series(artist)
    chosen = chosen_series(artist, request.args.get("series") or None)
    cursor = request.args.get("cursor") or None
    listing = api().artist_artworks(
        slug,
        cursor=cursor,
        limit=int(current_app.config["PAGE_SIZE"]),
        series=chosen["slug"] if chosen else None,
    )
    cards = [work_card(work, artist) for work in listing["items"]]
    series_slug = chosen["slug"] if chosen else None
    return page(
        "artist.html",
        artist=artist,
        cards=cards,
        series_nav=series_nav,
        series=chosen,
        next_cursor=listing.get("next_cursor"),
        cursor=cursor,
        canonical_url=canonical("artists.profile", slug=slug, series=series_slug, cursor=cursor),
    )


def shown_series(artist: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the artist's series that have public works, for the series navigation."""
    listed = artist.get("series") or []
    return [s for s in listed if isinstance(s, dict) and s.get("slug") and s.get("count", 1) > 0]


def chosen_series(artist: dict[str, Any], slug: str | None) -> dict[str, Any] | None:
    """Return the artist's series named in the query string; 404 for one they do not have."""
    if slug is None:
        return None
    for series in artist.get("series") or []:
        if isinstance(series, dict) and series.get("slug") == slug:
            return series
    abort(404)
