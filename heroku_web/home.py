"""The home page: featured and newest works, and artists to discover."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app

from heroku_web.api import ApiError, ApiNotFound
from heroku_web.client import api
from heroku_web.media import alt_text, picture, rendition
from heroku_web.pages import canonical, page, work_cards

blueprint = Blueprint("home", __name__)

RECENT = 24
NEWEST = 12
FEATURED = 5
FEATURE_SIZES = ("(max-width: 60em) 100vw, 55vw", "(max-width: 60em) 50vw, 33vw")
DISCOVER = 4


@blueprint.get("/")
def index() -> Response:
    """Show featured and newest works and a few artists to discover."""
    recent = api().artworks(limit=RECENT)["items"]
    featured = featured_works(recent)
    shown = {work["id"] for work in featured}
    newest = [work for work in recent if work["id"] not in shown][:NEWEST]
    cards = [
        card | {"picture": picture(work, FEATURE_SIZES[0 if i == 0 else 1], max_width=1600)}
        for i, (work, card) in enumerate(zip(featured, work_cards(featured), strict=True))
    ]
    og = rendition(featured[0], "1600px") if featured else None
    return page(
        "home.html",
        featured=cards,
        og_image=og | {"alt": alt_text(featured[0], cards[0]["artist"])} if og else None,
        newest=work_cards(newest),
        more=len(recent) > len(featured) + len(newest),
        discover=artists_to_discover(),
        canonical_url=canonical("home.index"),
    )


def featured_works(recent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the featured works: FLASK_FEATURED ids, else the newest work of each artist."""
    chosen = [i.strip() for i in str(current_app.config["FEATURED"]).split(",") if i.strip()]
    if chosen:
        found = []
        for artwork_id in chosen[:FEATURED]:
            try:
                found.append(api().artwork(artwork_id))
            except ApiNotFound:
                continue
        return found
    seen: set[str] = set()
    featured = []
    for work in recent:
        if work["artist_id"] not in seen:
            seen.add(work["artist_id"])
            featured.append(work)
    return featured[: FEATURED if len(featured) >= FEATURED else 3]


def daily_order(artist_id: str) -> str:
    """Return a sort key that reshuffles the artists once a day."""
    today = datetime.now(UTC).date().isoformat()
    return hashlib.sha256(f"{today}:{artist_id}".encode()).hexdigest()


def artists_to_discover() -> list[dict[str, Any]]:
    """Return a few artists (with a cover work), a different few each day."""
    artists = sorted(api().artist_directory().values(), key=lambda a: daily_order(a["id"]))
    chosen = []
    for artist in artists[: DISCOVER * 3]:
        try:
            works = api().artist_artworks(artist["slug"], limit=1)["items"]
        except ApiError:
            continue
        if works:
            chosen.append({"artist": artist, "cover": work_cards(works)[0]})
        if len(chosen) == DISCOVER:
            break
    return chosen
