"""The artist's profile: name, statement, portrait, links, cover, contact and watermark."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as Redirect

from heroku_artist.api import ApiError
from heroku_artist.auth import login_required, token
from heroku_artist.client import api
from heroku_artist.present import rendition_url, thumbnail_url

blueprint = Blueprint("profile", __name__)

POSITIONS = (
    ("top-left", "Top left"),
    ("top", "Top"),
    ("top-right", "Top right"),
    ("left", "Left"),
    ("center", "Centre"),
    ("right", "Right"),
    ("bottom-left", "Bottom left"),
    ("bottom", "Bottom"),
    ("bottom-right", "Bottom right"),
    ("tiled", "Tiled across the image"),
)
LINK_ROWS = 6
IMAGE_MAX_BYTES = 4 * 1024 * 1024  # the API's limit on a portrait or logo body
FORM_OVERHEAD = 64 * 1024  # room for the multipart envelope around the file
TOO_LARGE = "The image is larger than 4 MiB. Choose a smaller one, or export it at 2000 pixels."
IMAGE_ENDPOINTS = ("profile.portrait", "profile.logo")


def allow_image_bodies() -> Redirect | None:
    """Let the image forms carry 4 MiB (the studio's limit is 1 MiB); refuse more, plainly.

    Runs before the CSRF check, which reads the form and would refuse the body first.
    """
    if request.endpoint not in IMAGE_ENDPOINTS:
        return None
    request.max_content_length = IMAGE_MAX_BYTES + FORM_OVERHEAD
    if (request.content_length or 0) > IMAGE_MAX_BYTES + FORM_OVERHEAD:
        flash(TOO_LARGE, "error")
        return redirect(url_for("profile.edit"))
    return None


@blueprint.record_once
def install_body_limit(state: BlueprintSetupState) -> None:
    """Run `allow_image_bodies` before every other request hook of the app."""
    state.app.before_request_funcs.setdefault(None, []).insert(0, allow_image_bodies)


def submitted_links() -> list[dict[str, str]]:
    """Return the link rows of the form that have an address, in order."""
    form = request.form
    rows = ((form.get(f"link_label_{n}", ""), form.get(f"link_url_{n}", "")) for n in range(9))
    return [{"label": label.strip(), "url": url.strip()} for label, url in rows if url.strip()]


def submitted() -> dict[str, Any]:
    """Return the profile form as the API's PATCH /me body."""
    form = request.form
    try:
        opacity = round(float(form.get("opacity", "40")) / 100, 2)
    except ValueError:
        opacity = -1.0
    text = form.get("watermark_text", "").strip()
    changes: dict[str, Any] = {
        "display_name": form.get("display_name", "").strip(),
        "bio": form.get("bio", "").strip(),
        "copyright_line": form.get("copyright_line", "").strip(),
        "watermark": {
            "enabled": form.get("watermark_enabled") == "on",
            "text": text or None,
            "position": form.get("position", "bottom-right"),
            "opacity": opacity,
        },
    }
    if "watermark_kind" in form:
        changes["watermark"]["kind"] = "logo" if form["watermark_kind"] == "logo" else "text"
    if "contact_email" in form:
        changes["contact_email"] = form["contact_email"].strip()
    if "cover_artwork_id" in form:
        changes["cover_artwork_id"] = form["cover_artwork_id"] or None
    if any(name.startswith("link_url_") for name in form):
        changes["links"] = submitted_links()
    return changes


def cover_choices() -> list[dict[str, Any]]:
    """Return the artist's published, ready works with a thumbnail, newest first."""
    works = api().my_artworks(token(), limit=100)["items"]
    shown = (w for w in works if w.get("status") == "ready" and w.get("visibility") == "published")
    return [{"id": w["id"], "title": w["title"], "thumbnail": thumbnail_url(w)} for w in shown]


def portrait_of(account: dict[str, Any]) -> dict[str, Any] | None:
    """Return the portrait image the studio shows (the larger one), if any."""
    images = account.get("portrait") or []
    return {**images[-1], "src": rendition_url(images[-1])} if images else None


def form_page(account: dict[str, Any], error: str | None = None) -> str:
    """Render the profile page for `account`."""
    links = list(account.get("links") or [])
    rows = links + [{"label": "", "url": ""}] * max(0, LINK_ROWS - len(links))
    return render_template(
        "profile/edit.html",
        account=account,
        positions=POSITIONS,
        covers=cover_choices(),
        link_rows=rows[:LINK_ROWS],
        portrait=portrait_of(account),
        image_max_bytes=IMAGE_MAX_BYTES,
        error=error,
    )


@blueprint.route("/profile", methods=["GET", "POST"])
@login_required
def edit() -> Any:
    """Show the profile form, or save it (optimistically, from the version shown)."""
    account = api().profile(token())
    if request.method == "GET":
        return form_page(dict(account))
    changes = submitted()
    raw_version = request.form.get("version", "")
    version = int(raw_version) if raw_version.isdigit() else None
    try:
        saved = api().update_profile(token(), changes, version)
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        message = (
            "Your profile changed elsewhere since you opened this page. Check and save again."
            if error.status == 409
            else error.message
        )
        shown = {**account, **changes, "version": account["version"]}
        shown["watermark"] = {**account["watermark"], **changes["watermark"]}
        return form_page(shown, message), error.status
    session["display_name"] = saved["display_name"]
    marks = (account["copyright_line"], account["watermark"])
    if marks != (saved["copyright_line"], saved["watermark"]):
        flash("Saved. Your processed works are being rendered again with the new mark.", "success")
    else:
        flash("Saved.", "success")
    return redirect(url_for("profile.edit"))


def uploaded_image(field: str) -> tuple[bytes, str] | str:
    """Return the posted image's bytes and type, or a message saying what is wrong."""
    try:
        upload = request.files.get(field)
    except RequestEntityTooLarge:
        return TOO_LARGE
    if upload is None or not upload.filename:
        return "Choose an image file first."
    data = upload.read(IMAGE_MAX_BYTES + 1)
    if len(data) > IMAGE_MAX_BYTES:
        return TOO_LARGE
    return data, upload.mimetype or "application/octet-stream"


def send_image(kind: str, field: str, done: str) -> Redirect:
    """Send the posted image to PUT /me/{kind}; flash the outcome and go back to the profile."""
    found = uploaded_image(field)
    if isinstance(found, str):
        flash(found, "error")
        return redirect(url_for("profile.edit"))
    data, content_type = found
    try:
        api().put_image(token(), kind, data, content_type)
    except ApiError as error:
        if error.status not in (400, 413, 415, 422):
            raise
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("profile.edit"))


@blueprint.post("/profile/portrait")
@login_required
def portrait() -> Redirect:
    """Upload (or replace) the artist's portrait."""
    return send_image("portrait", "portrait", "Your portrait is saved.")


@blueprint.post("/profile/portrait/remove")
@login_required
def remove_portrait() -> Redirect:
    """Remove the artist's portrait."""
    api().delete_image(token(), "portrait")
    flash("Your portrait is removed.", "success")
    return redirect(url_for("profile.edit"))


@blueprint.post("/profile/logo")
@login_required
def logo() -> Redirect:
    """Upload (or replace) the watermark logo."""
    return send_image("logo", "logo", "Your logo is saved.")


@blueprint.post("/profile/logo/remove")
@login_required
def remove_logo() -> Redirect:
    """Remove the watermark logo."""
    api().delete_image(token(), "logo")
    flash("Your logo is removed.", "success")
    return redirect(url_for("profile.edit"))


@blueprint.get("/profile/logo.png")
@login_required
def logo_image() -> Response:
    """Send the artist's logo (private in the media store) for the preview."""
    data = api().logo(token())
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response
