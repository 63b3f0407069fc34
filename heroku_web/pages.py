"""What every page shares: canonical URLs, caching headers and work cards."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, make_response, render_template, request, url_for

from heroku_web.client import api
from heroku_web.media import aspect, dominant, picture

GRID_MAX_WIDTH = 1024  # grid cells never need a larger rendition
ROW_DESKTOP, ROW_PHONE = 240, 150  # target row heights of the justified grid, in CSS px


def public_url(path: str) -> str:
    """Return the absolute public URL of a path (FLASK_PUBLIC_URL, else this request's host)."""
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/") or request.url_root.rstrip("/")
    return base + path


def canonical(endpoint: str, **values: Any) -> str:
    """Return the canonical absolute URL of an endpoint."""
    return public_url(url_for(endpoint, **values))


def page(template: str, status: int = 200, **context: Any) -> Response:
    """Render a page that browsers and shared caches may keep briefly."""
    response = make_response(render_template(template, **context), status)
    if status == 200:
        max_age = int(current_app.config["PAGE_MAX_AGE"])
        response.headers["Cache-Control"] = (
            f"public, max-age={max_age}, stale-while-revalidate={max_age * 5}"
        )
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def grid_sizes(ratio: float) -> str:
    """Return the `sizes` of a justified grid cell of this aspect ratio."""
    phone = round(ratio * ROW_PHONE * 1.6)
    desktop = round(ratio * ROW_DESKTOP * 1.25)
    return f"(max-width: 40em) min(calc(100vw - 2rem), {phone}px), {desktop}px"


def work_card(artwork: dict[str, Any], artist: dict[str, Any] | None) -> dict[str, Any]:
    """Return what a grid cell shows of a work: its picture, ratio, placeholder and captions."""
    ratio = aspect(artwork)
    return {
        "id": artwork["id"],
        "title": artwork.get("title") or "Untitled",
        "year": artwork.get("year"),
        "medium": artwork.get("medium"),
        "artist": artist,
        "aspect": ratio,
        "colour": dominant(artwork),
        "blurhash": (artwork.get("facts") or {}).get("blurhash") or "",
        "picture": picture(artwork, grid_sizes(ratio), max_width=GRID_MAX_WIDTH),
        "artwork": artwork,
    }


def work_cards(artworks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return grid cards for works, naming each work's artist."""
    return [work_card(artwork, api().artist_of(artwork)) for artwork in artworks]
