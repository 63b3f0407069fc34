"""Artists: the directory and each artist's page with their published works."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from heroku_web.client import api
from heroku_web.pages import canonical, page, work_card

blueprint = Blueprint("artists", __name__)


@blueprint.get("/artists")
def directory() -> Response:
    """List the artists, by name."""
    cursor = request.args.get("cursor") or None
    listing = api().artists(cursor=cursor, limit=60)
    return page(
        "artists.html",
        artists=listing["items"],
        next_cursor=listing.get("next_cursor"),
        cursor=cursor,
        canonical_url=canonical("artists.directory", cursor=cursor),
    )


@blueprint.get("/artists/<slug>")
def profile(slug: str) -> Response:
    """Show an artist's bio and their published works."""
    artist = api().artist(slug)
    cursor = request.args.get("cursor") or None
    listing = api().artist_artworks(slug, cursor=cursor, limit=int(current_app.config["PAGE_SIZE"]))
    cards = [work_card(work, artist) for work in listing["items"]]
    return page(
        "artist.html",
        artist=artist,
        cards=cards,
        next_cursor=listing.get("next_cursor"),
        cursor=cursor,
        canonical_url=canonical("artists.profile", slug=slug, cursor=cursor),
    )
