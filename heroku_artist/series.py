"""Series: the artist's named groups of works, created, renamed, described and deleted here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from heroku_artist.api import ApiError
from heroku_artist.auth import login_required, token
from heroku_artist.client import api

blueprint = Blueprint("series", __name__)


def submitted() -> dict[str, str]:
    """Return the series form's title and description."""
    return {
        "title": request.form.get("title", "").strip(),
        "description": request.form.get("description", "").strip(),
    }


def refused(error: ApiError, form: dict[str, Any] | None = None) -> tuple[str, int]:
    """Show the series page again with the API's reason (and what was typed)."""
    if error.status not in (409, 422):
        raise error
    page = render_template(
        "series/index.html", series=api().series(token()), error=error.message, form=form or {}
    )
    return page, error.status


@blueprint.get("/series")
@login_required
def index() -> str:
    """List the artist's series, each editable, with a form to create one."""
    return render_template("series/index.html", series=api().series(token()), form={})


@blueprint.post("/series")
@login_required
def create() -> Response | tuple[str, int]:
    """Create a series from the form."""
    fields = submitted()
    try:
        made = api().create_series(token(), fields["title"], fields["description"])
    except ApiError as error:
        return refused(error, fields)
    flash(f"Created the series “{made['title']}”.", "success")
    return redirect(url_for("series.index"))


@blueprint.post("/series/<slug>")
@login_required
def edit(slug: str) -> Response | tuple[str, int]:
    """Rename or describe a series (its address stays the same)."""
    try:
        saved = api().update_series(token(), slug, submitted())
    except ApiError as error:
        if error.status == 404:
            abort(404)
        return refused(error)
    flash(f"Saved the series “{saved['title']}”.", "success")
    return redirect(url_for("series.index"))


@blueprint.route("/series/<slug>/delete", methods=["GET", "POST"])
@login_required
def delete(slug: str) -> Any:
    """Ask for confirmation, then delete the series; its works stay, in no series."""
    found = next((s for s in api().series(token()) if s["slug"] == slug), None)
    if found is None:
        abort(404)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("series/delete.html", series=found)
    try:
        api().delete_series(token(), slug)
    except ApiError as error:
        if error.status == 404:
            abort(404)
        raise
    flash(f"Deleted the series “{found['title']}”. Its works are kept, in no series.", "success")
    return redirect(url_for("series.index"))
