"""The home page: featured and newest works, and artists to discover."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app

from heroku_web.api import ApiNotFound
from heroku_web.artists import artist_card
from heroku_web.client import api
from heroku_web.media import alt_text, picture, rendition
from heroku_web.pages import canonical, page, work_cards

blueprint = Blueprint("home", __name__)

RECENT = 24
NEWEST = 12
FEATURED = 5
FEATURE_ROW_VW, FEATURE_ROW_MAX = 28, 520  # the featured rows' height: 28vw, at most 520 px
WIDE, TALL = 1.8, 0.85  # a featured panorama spans the row; a portrait stands tall
DISCOVER = 4


@blueprint.get("/")
def index() -> Response:
    """Show featured and newest works and a few artists to discover."""
    recent = api().artworks(limit=RECENT)["items"]
    featured = featured_works(recent)
    shown = {work["id"] for work in featured}
    newest = [work for work in recent if work["id"] not in shown][:NEWEST]
    cards = [
        featured_card(work, card) for work, card in zip(featured, work_cards(featured), strict=True)
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


def shape(ratio: float) -> str:
    """Return how a featured work is laid out: 'wide' (spans the row), 'tall' or 'plain'."""
    return "wide" if ratio >= WIDE else "tall" if ratio <= TALL else "plain"


def feature_sizes(ratio: float) -> str:
    """Return the `sizes` of a featured work: its frame's width at the featured row height."""
    phone = "(max-width: 40em) calc(100vw - 2rem)"
    if shape(ratio) == "wide":
        return f"{phone}, min(calc(100vw - 5rem), 1420px)"
    grow = 1.6  # a row's works may grow up to this much past their basis (site.css)
    vw, px = round(ratio * FEATURE_ROW_VW * grow, 1), round(ratio * FEATURE_ROW_MAX * grow)
    return f"{phone}, min({vw}vw, {px}px)"


def featured_card(work: dict[str, Any], card: dict[str, Any]) -> dict[str, Any]:
    """Return a featured card: every rendition (up to the largest) and the work's shape."""
    ratio = card["aspect"]
    return card | {"picture": picture(work, feature_sizes(ratio)), "shape": shape(ratio)}


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


def artists_to_discover() -> list[dict[str, Any]]:
    """Return a few artists (with a cover work), a different few each day."""
    today = datetime.now(UTC).date().isoformat()
    return [artist_card(artist) for artist in api().shuffled_artists(today, DISCOVER)]
