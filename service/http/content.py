"""The Content Management Service's routes: accounts, artists' own works, public listings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, request

from content.arrangement import Arrangement
from content.directory import Showcased, artists_of, showcase, shuffled
from content.model import Artist, Artwork, Visibility
from content.profile import ProfileService
from content.repository import Page
from content.views import (
    credited_artwork,
    own_artist,
    own_artwork,
    public_artist,
    public_artwork,
    resembled_work,
    series_view,
)
from service.http.auth import attempt_limited, authenticated, principal
from service.http.context import services
from service.http.errors import ApiError
from service.http.params import json_body, page_args

blueprint = Blueprint("content", __name__)
log = logging.getLogger("copper.api")


def paged(page: Page[Any], render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Return a page of records as JSON."""
    return {"items": [render(item) for item in page.items], "next_cursor": page.next_cursor}


@blueprint.post("/auth/register")
@attempt_limited(account=False)
def register() -> tuple[dict[str, Any], int]:
    """Create an artist account and return it with an access token."""
    body = json_body(text=("email", "password", "display_name"))
    accounts = services().accounts
    artist = accounts.register(body["email"], body["password"], body["display_name"])
    return {"artist": own_artist(artist), "token": accounts.tokens.issue(artist)}, 201


@blueprint.post("/auth/login")
@attempt_limited(account=True)
def log_in() -> dict[str, Any]:
    """Exchange an e-mail address and password for an access token."""
    body = json_body(text=("email", "password"))
    artist, token = services().accounts.log_in(body["email"], body["password"])
    return {"artist": own_artist(artist), "token": token}


@blueprint.get("/me")
@authenticated
def me() -> dict[str, Any]:
    """Return the caller's own account."""
    return own_artist(services().repository.get_artist(principal().artist_id))


@blueprint.patch("/me")
@authenticated
def edit_me() -> dict[str, Any]:
    """Change the caller's name, bio, copyright line or watermark (optionally at `version`)."""
    body = json_body()
    version = body.pop("version", None)
    profiles = ProfileService(services().repository, services().artworks.request_reprocess)
    return own_artist(profiles.edit(principal().artist_id, body, version))


@blueprint.get("/me/artworks")
@authenticated
def my_artworks() -> dict[str, Any]:
    """List the caller's works with their status, newest first."""
    cursor, limit = page_args()
    page = services().artworks.list_own(principal().artist_id, cursor, limit)
    return paged(page, own_artwork)


@blueprint.post("/me/artworks")
@authenticated
def create_artwork() -> tuple[dict[str, Any], int]:
    """Create a draft work awaiting its upload."""
    artwork = services().artworks.create(principal().artist_id, json_body("title"))
    return own_artwork(artwork), 201


@blueprint.get("/me/artworks/<artwork_id>")
@authenticated
def my_artwork(artwork_id: str) -> dict[str, Any]:
    """Return one of the caller's works."""
    return own_artwork(services().artworks.own(principal().artist_id, artwork_id))


@blueprint.get("/me/artworks/<artwork_id>/resembles")
@authenticated
def resembles(artwork_id: str) -> dict[str, Any]:
    """Return the work a possible duplicate resembles, as far as its owner may see it."""
    return resembled_work(services().artworks.resembled(principal().artist_id, artwork_id))


@blueprint.patch("/me/artworks/<artwork_id>")
@authenticated
def edit_artwork(artwork_id: str) -> dict[str, Any]:
    """Change a work's title, description, tags, medium, year or size."""
    body = json_body()
    version = body.pop("version", None)
    edited = services().artworks.edit(principal().artist_id, artwork_id, body, version)
    return own_artwork(edited)


@blueprint.put("/me/artworks/<artwork_id>/focal-point")
@authenticated
def set_focal_point(artwork_id: str) -> dict[str, Any]:
    """Set (or clear, with null) the focal point of a work's square thumbnail."""
    body = json_body("focal_point")
    artworks = services().artworks
    changed = artworks.set_focal_point(
        principal().artist_id, artwork_id, body["focal_point"], body.get("version")
    )
    return own_artwork(changed)


@blueprint.post("/me/artworks/<artwork_id>/publish")
@authenticated
def publish(artwork_id: str) -> dict[str, Any]:
    """Publish a work: visitors see it once it is ready."""
    return _set_visibility(artwork_id, Visibility.PUBLISHED)


@blueprint.post("/me/artworks/<artwork_id>/unpublish")
@authenticated
def unpublish(artwork_id: str) -> dict[str, Any]:
    """Take a work back to draft."""
    return _set_visibility(artwork_id, Visibility.DRAFT)


def _set_visibility(artwork_id: str, visibility: Visibility) -> dict[str, Any]:
    """Set the visibility of one of the caller's works; return the work as they see it."""
    changed = services().artworks.set_visibility(principal().artist_id, artwork_id, visibility)
    return own_artwork(changed)


@blueprint.post("/me/artworks/<artwork_id>/upload")
@authenticated
def issue_upload(artwork_id: str) -> dict[str, Any]:
    """Return a signed form to upload the work's original straight to storage."""
    body = json_body("content_type")
    if not isinstance(body["content_type"], str):
        raise ApiError(
            422, "invalid_field", "'content_type' must be a MIME type such as image/jpeg."
        )
    form = services().uploads.issue(principal().artist_id, artwork_id, body["content_type"])
    log.info(
        "upload form issued",
        extra={"request_id": g.get("request_id"), "correlation_id": artwork_id},
    )
    limit = services().settings.upload_max_bytes
    return {
        "url": form.url,
        "fields": form.fields,
        "expires_at": form.expires_at,
        "max_bytes": limit,
    }


@blueprint.post("/me/artworks/<artwork_id>/reprocess")
@authenticated
def reprocess(artwork_id: str) -> tuple[dict[str, Any], int]:
    """Send a processed work through the pipeline again."""
    changed = services().artworks.request_reprocess(principal().artist_id, artwork_id)
    return own_artwork(changed), 202


@blueprint.delete("/me/artworks/<artwork_id>")
@authenticated
def delete_artwork(artwork_id: str) -> tuple[str, int]:
    """Delete a work (its original and renditions are then removed)."""
    services().artworks.delete(principal().artist_id, artwork_id)
    return "", 204


def credited_page(page: Page[Artwork], known: Artist | None = None) -> dict[str, Any]:
    """Return a page of published works, each naming its artist (each artist read once)."""
    artists = artists_of(services().repository, page.items, known)
    return paged(page, lambda work: credited_artwork(work, artists.get(work.artist_id)))


def credited_one(artwork: Artwork, known: Artist | None = None) -> dict[str, Any]:
    """Return one published work naming its artist."""
    artists = artists_of(services().repository, (artwork,), known)
    return credited_artwork(artwork, artists.get(artwork.artist_id))


@blueprint.get("/artworks")
def published_artworks() -> dict[str, Any]:
    """List published works, newest first."""
    cursor, limit = page_args()
    return credited_page(services().repository.list_published(cursor, limit))


@blueprint.get("/artworks/<artwork_id>")
def artwork(artwork_id: str) -> dict[str, Any]:
    """Return one published work."""
    return credited_one(services().artworks.public_artwork(artwork_id))


@blueprint.get("/artists")
def artists() -> dict[str, Any]:
    """List the artists with at least one published work, by slug, each with a cover work.

    `?shuffle=<seed>` gives one page of them in an order the seed fixes (no cursor).
    """
    cursor, limit = page_args()
    seed = request.args.get("shuffle")
    if seed is not None:
        if cursor is not None:
            raise ApiError(400, "bad_request", "'shuffle' gives one page: it takes no cursor.")
        return paged(Page(shuffled(services().repository, seed, limit), None), showcased)
    return paged(showcase(services().repository, cursor, limit), showcased)


def showcased(shown: Showcased) -> dict[str, Any]:
    """Return a listed artist with their cover work."""
    return public_artist(shown.artist) | {"cover": public_artwork(shown.cover)}


@blueprint.get("/artists/<slug>")
def artist(slug: str) -> dict[str, Any]:
    """Return an artist's public profile, with each series' count of works and cover work."""
    found = services().repository.find_artist_by_slug(slug)
    overview = Arrangement(services().repository).series_overview(found)
    series = [
        series_view(s) | {"count": count, "cover": public_artwork(cover) if cover else None}
        for s, count, cover in overview
    ]
    return public_artist(found) | {"series": series}


@blueprint.get("/artists/<slug>/artworks")
def artist_artworks(slug: str) -> dict[str, Any]:
    """List an artist's published works in their chosen order, then newest first.

    `?series=<slug>` lists one of their series, in the same order.
    """
    found = services().repository.find_artist_by_slug(slug)
    cursor, limit = page_args()
    series = request.args.get("series") or None
    page = Arrangement(services().repository).listing(found, series, cursor, limit)
    return credited_page(page, found)


@blueprint.get("/artists/<slug>/artworks/<work_slug>")
def artist_artwork(slug: str, work_slug: str) -> dict[str, Any]:
    """Return one published work of an artist, by the work's slug."""
    found = services().repository.find_artist_by_slug(slug)
    return credited_one(services().artworks.public_by_slug(found.id, work_slug), found)
