"""For search engines and uptime checks: /sitemap.xml, /robots.txt and /healthz."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, current_app, render_template, url_for

from heroku_web.artworks import work_url
from heroku_web.client import api
from heroku_web.pages import public_url

blueprint = Blueprint("seo", __name__)

SITEMAP_SECONDS = 600.0
PAGE = 100
_sitemaps: dict[str, tuple[float, str]] = {}


def sitemap_entries() -> list[dict[str, Any]]:
    """Return the URLs of the home page, the grid, every artist and the newest works."""
    entries = [
        {"loc": public_url(url_for("home.index")), "changefreq": "daily"},
        {"loc": public_url(url_for("gallery.grid")), "changefreq": "daily"},
        {"loc": public_url(url_for("artists.directory")), "changefreq": "weekly"},
    ]
    for artist in sorted(api().artist_directory().values(), key=lambda a: a["slug"]):
        entries.append({"loc": public_url(url_for("artists.profile", slug=artist["slug"]))})
    artists = api().artist_directory()
    remaining, cursor = int(current_app.config["SITEMAP_MAX"]), None
    while remaining > 0:
        listing = api().artworks(cursor=cursor, limit=min(PAGE, remaining))
        for work in listing["items"]:
            loc = public_url(work_url(work, artists.get(work["artist_id"])))
            entries.append({"loc": loc, "lastmod": (work.get("published_at") or "")[:10]})
        remaining -= len(listing["items"])
        cursor = listing.get("next_cursor")
        if not cursor or not listing["items"]:
            break
    return entries


@blueprint.get("/sitemap.xml")
def sitemap() -> Response:
    """Answer the sitemap (rebuilt at most every ten minutes)."""
    key = public_url("")
    cached = _sitemaps.get(key)
    if cached is None or time.monotonic() - cached[0] > SITEMAP_SECONDS:
        body = render_template("sitemap.xml", entries=sitemap_entries())
        cached = _sitemaps[key] = (time.monotonic(), body)
    response = Response(cached[1], mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=600"
    return response


@blueprint.get("/robots.txt")
def robots() -> Response:
    """Answer robots.txt: crawl the gallery, not the endless search combinations."""
    body = render_template("robots.txt", sitemap=public_url(url_for("seo.sitemap")))
    response = Response(body, mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blueprint.get("/healthz")
def healthz() -> dict[str, str]:
    """Answer that the gallery is up (without asking the API)."""
    return {"status": "ok"}
