"""The upload page and the small JSON endpoints its script calls (create, re-issue, poll)."""

from __future__ import annotations

from pathlib import PurePath

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.wrappers import Response

from heroku_artist.api import ApiError
from heroku_artist.auth import login_required, token
from heroku_artist.client import UploadForm, Work, api
from heroku_artist.inputs import json_object
from heroku_artist.present import card, megabytes

blueprint = Blueprint("upload", __name__)

IMAGE_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/tiff",
    "image/gif",
    "image/heic",
    "image/heif",
    "image/avif",
)
EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".gif": "image/gif",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".avif": "image/avif",
}
MAX_TITLE = 200
MAX_POLLED = 50


def json_error(status: int, code: str, message: str) -> tuple[Response, int]:
    """Return the studio's JSON error body with `status`."""
    return jsonify(error={"code": code, "message": message}), status


def content_type_of(name: str, declared: str) -> str | None:
    """Return the image type of a file from what the browser declared, else its extension."""
    declared = declared.strip().lower()
    if declared in IMAGE_TYPES:
        return declared
    if declared in ("", "application/octet-stream"):
        return EXTENSIONS.get(PurePath(name).suffix.lower())
    return None


def title_from(name: str) -> str:
    """Return a work title from a file name (its stem, or the name itself)."""
    stem = PurePath(name).stem.strip() or name.strip() or "Untitled"
    return stem[:MAX_TITLE]


def too_large(limit: int) -> str:
    """Return the message for a file over the upload limit."""
    return f"This file is too large: the largest upload is {megabytes(limit)}."


def max_bytes() -> int:
    """Return the largest upload: the limit of the API's latest form, else the configured one."""
    learned = current_app.extensions.get("studio_max_bytes")
    return int(learned or current_app.config["UPLOAD_MAX_BYTES"])


def issue(artwork_id: str, content_type: str) -> UploadForm:
    """Ask the API for a signed upload form for one work and remember its size limit."""
    form = api().upload_form(token(), artwork_id, content_type)
    current_app.extensions["studio_max_bytes"] = int(form["max_bytes"])
    return form


@blueprint.get("/upload")
@login_required
def index() -> str:
    """Show the drop zone."""
    accept = ",".join((*IMAGE_TYPES, *EXTENSIONS))
    return render_template(
        "upload/index.html",
        accept=accept,
        types=" ".join(IMAGE_TYPES),
        extensions=" ".join(EXTENSIONS),
        max_bytes=max_bytes(),
        poll_ms=current_app.config["POLL_INTERVAL_MS"],
    )


@blueprint.post("/studio/works")
@login_required
def create() -> tuple[Response, int]:
    """Create a work for one dropped file and return the form to upload it straight to storage."""
    body = json_object()
    name, size = str(body.get("name", "")), body.get("size")
    content_type = content_type_of(name, str(body.get("type", "")))
    if content_type is None:
        return json_error(
            415, "unsupported_type", "Only JPEG, PNG, WebP, TIFF, GIF, HEIC and AVIF images."
        )
    limit = max_bytes()
    if isinstance(size, int) and size > limit:
        return json_error(413, "too_large", too_large(limit))
    work = api().create_artwork(token(), title_from(name), title_from_file=True)
    try:
        form = issue(work["id"], content_type)
    except ApiError:
        api().delete(token(), work["id"])
        raise
    if isinstance(size, int) and size > form["max_bytes"]:
        api().delete(token(), work["id"])
        return json_error(413, "too_large", too_large(int(form["max_bytes"])))
    return jsonify(work=card(work), upload=form, content_type=content_type), 201


@blueprint.post("/studio/works/<artwork_id>/upload")
@login_required
def reissue(artwork_id: str) -> Response | tuple[Response, int]:
    """Return a fresh one-shot upload form for a work, with the work as it stands after it.

    Every upload attempt gets its own form: after a failed or interrupted upload, and for a
    new or replacement file. A used form is refused by storage (403 `form_used`), so the
    page never posts one twice. The work's `version` lets the page tell the outcome of
    this upload from the state the work had before it.
    """
    body = json_object()
    content_type = content_type_of(str(body.get("name", "")), str(body.get("type", "")))
    if content_type is None:
        return json_error(415, "unsupported_type", "This file type cannot be uploaded.")
    form = issue(artwork_id, content_type)
    work = api().artwork(token(), artwork_id)
    return jsonify(upload=form, content_type=content_type, work=card(work))


@blueprint.post("/studio/works/<artwork_id>/reprocess")
@login_required
def reprocess(artwork_id: str) -> Response:
    """Send a failed work through the pipeline again."""
    work = api().reprocess(token(), artwork_id)
    return jsonify(work=card(work))


@blueprint.post("/studio/works/<artwork_id>/discard")
@login_required
def discard(artwork_id: str) -> Response | tuple[Response, int]:
    """Delete a work the upload page gave up on (a refused or failed file)."""
    try:
        api().delete(token(), artwork_id)
    except ApiError as error:
        if error.status != 404:
            raise
    return jsonify(discarded=artwork_id)


@blueprint.get("/studio/works/status")
@login_required
def status() -> Response:
    """Return the live status of the works the upload page shows."""
    wanted = [i for i in request.args.get("ids", "").split(",") if i][:MAX_POLLED]
    found: dict[str, Work] = {}
    if wanted:
        page = api().my_artworks(token(), limit=100)
        found = {w["id"]: w for w in page["items"] if w["id"] in wanted}
    cards = []
    for artwork_id in wanted:
        work = found.get(artwork_id)
        if work is None:
            try:
                work = api().artwork(token(), artwork_id)
            except ApiError as error:
                if error.status != 404:
                    raise
                cards.append({"id": artwork_id, "status": "deleted", "status_label": "Deleted"})
                continue
        cards.append(card(work))
    return jsonify(works=cards)
