"""The gallery grid: every published work, newest first, a page at a time."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from heroku_web.client import api
from heroku_web.pages import canonical, page, work_cards

blueprint = Blueprint("gallery", __name__)


@blueprint.get("/gallery")
def grid() -> Response:
    """Show a page of the justified grid, with a link to the next page."""
    cursor = request.args.get("cursor") or None
    listing = api().artworks(cursor=cursor, limit=int(current_app.config["PAGE_SIZE"]))
    return page(
        "gallery.html",
        cards=work_cards(listing["items"]),
        next_cursor=listing.get("next_cursor"),
        cursor=cursor,
        canonical_url=canonical("gallery.grid", cursor=cursor),
    )
