"""My works: the filtered list, and one work's page to edit, frame, publish or delete it."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from heroku_artist.api import ApiError
from heroku_artist.auth import login_required, token, wants_json
from heroku_artist.client import api
from heroku_artist.inputs import json_object
from heroku_artist.present import STATUS_LABELS, pending, plural, thumbnail_url
from heroku_artist.upload import EXTENSIONS, IMAGE_TYPES, max_bytes

blueprint = Blueprint("works", __name__)

FIELDS = ("title", "description", "tags", "medium", "year", "physical_size")
COLLECTOR_FIELDS = ("edition_number", "edition_size", "paper", "availability", "price", "currency")
SIGNED = {"yes": True, "no": False}
STATUS_FILTERS = ("ready", "processing", "awaiting_upload", "rejected", "failed")
VISIBILITY_FILTERS = ("published", "draft")
PAGE_SIZE = 48
API_PAGE = 100
MAX_API_PAGES = 10
# Statuses the API issues an upload form for (a processing work answers 409).
UPLOADABLE = ("awaiting_upload", "ready", "rejected", "failed")
# Statuses a work can be published in (a refused or failed file has no image to show).
PUBLISHABLE = ("awaiting_upload", "processing", "ready")
MAX_BULK = 100
NO_SERIES = "-"  # the bulk form's choice that takes works out of their series
# A failed work whose file never arrived has nothing to process again.
NOTHING_KEPT = ("UploadNotReceived",)


def fetch(artwork_id: str) -> dict[str, Any]:
    """Return one of the artist's works (the studio's 404 for anyone else's)."""
    try:
        return dict(api().artwork(token(), artwork_id))
    except ApiError as error:
        if error.status == 404:
            abort(404)
        raise


def actions(work: dict[str, Any]) -> tuple[str, ...]:
    """Return what the artist can do about the work's file in its status, besides deleting it.

    `retry` sends the kept original through processing again, `upload` asks for a new file,
    `replace` swaps the file of a ready work (which stays public until the new one is ready),
    `process_again` renders a ready work again with the current pipeline.
    """
    status = work.get("status")
    if status == "failed":
        if work.get("error_class") in NOTHING_KEPT:
            return ("upload",)
        return ("retry", "upload")
    if status in ("rejected", "awaiting_upload"):
        return ("upload",)
    if status == "ready":
        return ("replace",) if pending(work) else ("replace", "process_again")
    return ()


def matches(work: dict[str, Any], status: str, visibility: str) -> bool:
    """Return whether a work passes the list's filters."""
    if status and work.get("status") != status:
        return False
    return not visibility or work.get("visibility") == visibility


def collect(status: str, visibility: str, cursor: str | None) -> tuple[list[Any], str | None]:
    """Return up to a page of matching works, reading API pages until it is full."""
    found: list[Any] = []
    for _ in range(MAX_API_PAGES):
        page = api().my_artworks(token(), cursor, limit=API_PAGE)
        found.extend(w for w in page["items"] if matches(w, status, visibility))
        cursor = page.get("next_cursor")
        if cursor is None or len(found) >= PAGE_SIZE:
            break
    return found, cursor


@blueprint.get("/works")
@login_required
def index() -> str:
    """List the artist's works with their status, filtered by status and visibility."""
    status = request.args.get("status", "")
    visibility = request.args.get("visibility", "")
    status = status if status in STATUS_FILTERS else ""
    visibility = visibility if visibility in VISIBILITY_FILTERS else ""
    works, next_cursor = collect(status, visibility, request.args.get("cursor") or None)
    return render_template(
        "works/index.html",
        works=works,
        next_cursor=next_cursor,
        status=status,
        visibility=visibility,
        statuses=[(s, STATUS_LABELS[s]) for s in STATUS_FILTERS],
        selected=set(request.args.get("selected", "").split(",")),
        series_options=series_options() if works else None,
        no_series=NO_SERIES,
    )


def form_fields() -> dict[str, Any]:
    """Return the edit form's fields as the API expects them."""
    fields: dict[str, Any] = {name: request.form.get(name, "").strip() for name in FIELDS}
    fields["tags"] = [t.strip() for t in fields["tags"].split(",") if t.strip()]
    year = fields["year"]
    fields["year"] = int(year) if year.isdigit() else (year or None)
    return fields | collector_fields()


def collector_fields() -> dict[str, Any]:
    """Return the form's collector facts (edition, paper, signed, availability, price);
    none from a form without them (its `availability` select always submits)."""
    if "availability" not in request.form:
        return {}
    fields: dict[str, Any] = {name: request.form.get(name, "").strip() for name in COLLECTOR_FIELDS}
    for name in ("edition_number", "edition_size"):
        fields[name] = int(fields[name]) if fields[name].isdigit() else (fields[name] or None)
    fields["open_edition"] = request.form.get("open_edition") == "yes"
    fields["signed"] = SIGNED.get(request.form.get("signed", ""))
    return fields


def series_options() -> list[dict[str, Any]] | None:
    """Return the artist's series to choose from (None from an API without series)."""
    try:
        return api().series(token())
    except ApiError as error:
        if error.status == 404:
            return None
        raise


def series_field() -> dict[str, Any]:
    """Return the form's series: one chosen, or one created from a typed title (none: omitted)."""
    if "series" not in request.form:
        return {}
    title = request.form.get("new_series", "").strip()
    if title:
        return {"series": api().create_series(token(), title)["slug"]}
    return {"series": request.form.get("series") or None}


def version_field() -> int | None:
    """Return the version the form was made from."""
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


@blueprint.post("/works/bulk")
@login_required
def bulk() -> Response:
    """Apply a title, description or added tags to the chosen works, or publish them."""
    chosen = [i for i in request.form.getlist("selected") if i][:MAX_BULK]
    action = request.form.get("action", "")
    if not chosen:
        flash("Choose one or more works first.", "error")
        return redirect(url_for("works.index"))
    done, skipped = 0, []
    for artwork_id in chosen:
        try:
            work = api().artwork(token(), artwork_id)
            if action == "publish":
                if work.get("status") not in PUBLISHABLE:
                    skipped.append(work.get("title", ""))
                    continue
                api().publish(token(), artwork_id)
            else:
                fields = bulk_fields(work)
                if not fields:
                    continue
                api().update(token(), artwork_id, fields, None)
        except ApiError as error:
            if error.status not in (404, 409, 422):
                raise
            skipped.append(error.message)
            continue
        done += 1
    verb = "Published" if action == "publish" else "Updated"
    flash(f"{verb} {plural(done, 'work')}.", "success")
    if skipped:
        flash(
            f"Left out {plural(len(skipped), 'work')}: a refused or failed work "
            "cannot be published, and a value must fit every work.",
            "error",
        )
    return redirect(url_for("works.index"))


def bulk_fields(work: dict[str, Any]) -> dict[str, Any]:
    """Return the bulk form's non-empty fields for one work (tags are added to its own; a
    series chosen, or "No series", applies to each)."""
    fields: dict[str, Any] = {}
    for name in ("title", "description"):
        value = request.form.get(name, "").strip()
        if value:
            fields[name] = value
    series = request.form.get("series", "")
    if series:
        fields["series"] = None if series == NO_SERIES else series
    added = [t.strip() for t in request.form.get("tags", "").split(",") if t.strip()]
    if added:
        own = list(work.get("tags") or [])
        fields["tags"] = own + [t for t in added if t.lower() not in own]
    return fields


@blueprint.get("/works/<artwork_id>")
@login_required
def detail(artwork_id: str) -> str:
    """Show one work: its facts, the edit form, the focal point and the actions."""
    work = fetch(artwork_id)
    return render_template(
        "works/detail.html",
        work=work,
        duplicate=resembled(work),
        error=None,
        actions=actions(work),
        poll_ms=current_app.config["POLL_INTERVAL_MS"],
        series_options=series_options(),
    )


def resembled(work: dict[str, Any]) -> dict[str, Any] | None:
    """Return what the artist may see of the work theirs resembles (None: not flagged).

    Never another artist's id: their work is named by title and artist only when public.
    """
    if not work.get("possible_duplicate_of"):
        return None
    try:
        found = dict(api().resembles(token(), work["id"]))
    except ApiError:
        found = {"own": False, "title": None, "artist": None, "renditions": []}
    found["thumbnail"] = thumbnail_url(found)
    return found


@blueprint.post("/works/<artwork_id>")
@login_required
def edit(artwork_id: str) -> Any:
    """Save the work's title, description, tags, medium, year, size and series."""
    fields = form_fields()
    try:
        fields |= series_field()
        api().update(token(), artwork_id, fields, version_field())
    except ApiError as error:
        if error.status == 404:
            abort(404)
        if error.status not in (409, 422):
            raise
        work = fetch(artwork_id)
        if error.status == 409:
            message = "This work changed since you opened it. Check the form and save again."
        else:
            message = error.message
        work.update(fields)
        page = render_template(
            "works/detail.html",
            work=work,
            duplicate=resembled(work),
            error=message,
            actions=actions(work),
            poll_ms=current_app.config["POLL_INTERVAL_MS"],
            series_options=series_options(),
        )
        return page, error.status
    flash("Saved.", "success")
    return redirect(url_for("works.detail", artwork_id=artwork_id))


@blueprint.post("/works/<artwork_id>/focal-point")
@login_required
def focal_point(artwork_id: str) -> Any:
    """Set (or clear) the point the square thumbnail is cropped around."""
    body = json_object() if request.is_json else request.form
    if body.get("clear"):
        point = None
    else:
        try:
            point = [round(float(body["x"]), 4), round(float(body["y"]), 4)]
        except (KeyError, TypeError, ValueError):
            return answer_error(artwork_id, 422, "Choose a point on the image.")
    try:
        work = api().set_focal_point(token(), artwork_id, point)
    except ApiError as error:
        if error.status == 404:
            abort(404)
        if error.status not in (409, 422):
            raise
        return answer_error(artwork_id, error.status, error.message)
    if wants_json():
        return jsonify(focal_point=work.get("focal_point"), version=work.get("version"))
    flash("Focal point saved; the thumbnail is being cropped again.", "success")
    return redirect(url_for("works.detail", artwork_id=artwork_id))


def answer_error(artwork_id: str, status: int, message: str) -> Any:
    """Answer a refused action as JSON for scripts, or as a flash on the work's page."""
    if wants_json():
        return jsonify(error={"code": "refused", "message": message}), status
    flash(message, "error")
    return redirect(url_for("works.detail", artwork_id=artwork_id))


@blueprint.post("/works/<artwork_id>/<any(publish, unpublish):action>")
@login_required
def visibility(artwork_id: str, action: str) -> Response:
    """Publish or unpublish the work."""
    try:
        change = api().publish if action == "publish" else api().unpublish
        change(token(), artwork_id)
    except ApiError as error:
        if error.status == 404:
            abort(404)
        if error.status not in (409, 422):
            raise
        flash(error.message, "error")
    else:
        done = "Published: visitors see it once it is ready." if action == "publish" else None
        flash(done or "Unpublished: it is a draft again.", "success")
    return redirect(url_for("works.detail", artwork_id=artwork_id))


@blueprint.post("/works/<artwork_id>/reprocess")
@login_required
def reprocess(artwork_id: str) -> Response:
    """Send the work through the pipeline again."""
    try:
        api().reprocess(token(), artwork_id)
    except ApiError as error:
        if error.status == 404:
            abort(404)
        if error.status not in (409, 422):
            raise
        flash(error.message, "error")
    else:
        flash("Sent for processing again.", "success")
    return redirect(url_for("works.detail", artwork_id=artwork_id))


@blueprint.get("/works/<artwork_id>/upload")
@login_required
def upload(artwork_id: str) -> Any:
    """Show the file picker that uploads a new file for this work straight to storage."""
    work = fetch(artwork_id)
    if work.get("status") not in UPLOADABLE:
        flash("This work is being processed; wait for the result, then upload again.", "error")
        return redirect(url_for("works.detail", artwork_id=artwork_id))
    return render_template(
        "works/upload.html",
        work=work,
        replacing=work.get("status") == "ready",
        accept=",".join((*IMAGE_TYPES, *EXTENSIONS)),
        types=" ".join(IMAGE_TYPES),
        extensions=" ".join(EXTENSIONS),
        max_bytes=max_bytes(),
        poll_ms=current_app.config["POLL_INTERVAL_MS"],
    )


@blueprint.route("/works/<artwork_id>/delete", methods=["GET", "POST"])
@login_required
def delete(artwork_id: str) -> Any:
    """Ask for confirmation, then delete the work and its files."""
    work = fetch(artwork_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("works/delete.html", work=work)
    try:
        api().delete(token(), artwork_id)
    except ApiError as error:
        if error.status == 404:
            abort(404)
        raise
    flash(f"“{work['title']}” was deleted.", "success")
    return redirect(url_for("works.index"))
