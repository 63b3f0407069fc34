"""The artist's profile: display name, bio, copyright line and watermark preference."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from heroku_artist.api import ApiError
from heroku_artist.auth import login_required, token
from heroku_artist.client import api

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


def submitted() -> dict[str, Any]:
    """Return the profile form as the API's PATCH /me body."""
    form = request.form
    try:
        opacity = round(float(form.get("opacity", "40")) / 100, 2)
    except ValueError:
        opacity = -1.0
    text = form.get("watermark_text", "").strip()
    return {
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


@blueprint.route("/profile", methods=["GET", "POST"])
@login_required
def edit() -> Any:
    """Show the profile form, or save it (optimistically, from the version shown)."""
    account = api().profile(token())
    if request.method == "GET":
        return render_template("profile/edit.html", account=account, positions=POSITIONS)
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
        page = render_template(
            "profile/edit.html", account=shown, positions=POSITIONS, error=message
        )
        return page, error.status
    session["display_name"] = saved["display_name"]
    marks = (account["copyright_line"], account["watermark"])
    if marks != (saved["copyright_line"], saved["watermark"]):
        flash("Saved. Your processed works are being rendered again with the new mark.", "success")
    else:
        flash("Saved.", "success")
    return redirect(url_for("profile.edit"))
