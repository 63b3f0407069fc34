"""Series and page order routes: an artist's own series, and the order of their works."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from content.arrangement import Arrangement
from content.series import SeriesService
from content.views import series_view
from service.http.auth import authenticated, principal
from service.http.context import services
from service.http.params import json_body

blueprint = Blueprint("series", __name__)


@blueprint.get("/me/series")
@authenticated
def my_series() -> dict[str, Any]:
    """List the caller's series, in their order."""
    artist = services().repository.get_artist(principal().artist_id)
    return {"items": [series_view(series) for series in artist.series]}


@blueprint.post("/me/series")
@authenticated
def create_series() -> tuple[dict[str, Any], int]:
    """Create a series from a title (and a description); its slug is made from the title."""
    series = SeriesService(services().repository).create(principal().artist_id, json_body("title"))
    return series_view(series), 201


@blueprint.patch("/me/series/<series_slug>")
@authenticated
def edit_series(series_slug: str) -> dict[str, Any]:
    """Rename or describe one of the caller's series (its slug stays)."""
    series = SeriesService(services().repository).edit(
        principal().artist_id, series_slug, json_body()
    )
    return series_view(series)


@blueprint.delete("/me/series/<series_slug>")
@authenticated
def delete_series(series_slug: str) -> tuple[str, int]:
    """Delete one of the caller's series; its works are then in no series."""
    SeriesService(services().repository).delete(principal().artist_id, series_slug)
    return "", 204


@blueprint.put("/me/work-order")
@authenticated
def set_work_order() -> dict[str, Any]:
    """Set the order the caller's works appear in on their page (their ids, first to last)."""
    body = json_body("work_order")
    artist = Arrangement(services().repository).set_order(principal().artist_id, body["work_order"])
    return {"work_order": list(artist.work_order)}
