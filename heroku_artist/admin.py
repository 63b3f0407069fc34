"""Admin pages: the audit (and its repair), dead letters (inspect, replay, purge), reprocess,
reindex, and the API's health."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from heroku_artist.api import ApiError, ApiUnavailable
from heroku_artist.auth import login_required, token, wants_json
from heroku_artist.client import Audit, api
from heroku_artist.letters import UNREADABLE, first_bytes, sent_time, unreadable
from heroku_artist.present import plural

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

STATUSES = ("ready", "processing", "rejected", "failed", "awaiting_upload")
# Pages where the API's 404 means "no such thing" rather than "no admin API".
LOOKUPS = ("admin.message", "admin.move", "admin.cancel_move")
COUNTS = (
    ("ready", "Ready"),
    ("rejected", "Rejected"),
    ("failed", "Failed"),
    ("deleted", "Deleted"),
    ("processing", "Processing"),
    ("dead_letters", "In the dead-letter queue"),
)
FINDINGS = {
    "orphan_original": "Original that no work uses",
    "unused_original": "Original from an unused upload form",
    "refused_original": "Refused original still stored",
    "unprocessed_original": "Original that was never processed",
    "missing_renditions": "Ready work with missing renditions",
    "orphan_rendition": "Rendition that no work uses",
    "orphan_profile_file": "Portrait or logo file that no profile uses",
    "missing_profile_file": "Portrait or logo file missing from the media store",
    "search_drift": "Search document differs from its work",
    "search_orphan": "Search document without a work",
    "overdue": "Work past its deadline",
    "index_lagging": "Search index lagging behind",
}
HEALTH_CHECKS = (("workers", "Workers"), ("queue", "Queue"))
# A replay preview reads at most this many bodies of unreadable messages (one call each).
PREVIEW_BODIES = 20


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let admins in; everyone else gets the studio's 404 (admin pages do not exist for them)."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if session.get("role") != "admin":
            abort(404)
        try:
            return view(*args, **kwargs)
        except ApiError as error:
            if error.status == 403:
                abort(403)
            if error.status in (404, 405) and error.code in ("not_found", "method_not_allowed"):
                if request.endpoint in LOOKUPS:
                    abort(404)
                return render_template("admin/unavailable.html"), 503
            raise

    return wrapper


def replay_body(form: Any) -> dict[str, Any]:
    """Return the replay request the form describes: the ticked ids, or the filters."""
    ids = [i for i in form.getlist("ids") if i]
    if ids:
        return {"ids": ids}
    body: dict[str, Any] = {}
    for name in ("error_class", "artist"):
        if form.get(name, "").strip():
            body[name] = form[name].strip()
    for name in ("older_than", "limit"):
        raw = form.get(name, "").strip()
        if raw.isdigit():
            body[name] = int(raw)
    return body


def reprocess_body(form: Any) -> dict[str, Any]:
    """Return the reprocess request the form describes."""
    body: dict[str, Any] = {}
    if form.get("artist", "").strip():
        body["artist"] = form["artist"].strip()
    if form.get("status") in STATUSES:
        body["status"] = form["status"]
    for flag in ("outdated", "missing_renditions"):
        if form.get(flag) == "on":
            body[flag] = True
    return body


def health() -> dict[str, Any]:
    """Return the API's health (`/healthz`), or an "unknown" status when it cannot be read."""
    try:
        answer = api().health()
    except (ApiError, ApiUnavailable) as error:
        return {"status": "unknown", "reason": str(error), "checks": {}}
    if not isinstance(answer, dict) or answer.get("status") not in ("ok", "degraded"):
        return {"status": "unknown", "reason": "an unexpected answer", "checks": {}}
    return answer


def audit_page(audit: Audit, repaired: bool) -> str:
    """Render the audit with the API's health (and, after a repair, what was repaired)."""
    return render_template(
        "admin/index.html",
        audit=audit,
        health=health(),
        repaired=repaired,
        counts=COUNTS,
        checks=HEALTH_CHECKS,
    )


@blueprint.get("/")
@admin_required
def index() -> str:
    """Show the audit: counts, uploads in flight, findings; and the API's health."""
    return audit_page(api().audit(token()), repaired=False)


@blueprint.post("/audit/repair")
@admin_required
def repair() -> str:
    """Repair what the audit can repair; show what was repaired and what is left."""
    answer = api().repair(token())
    done, left = len(answer.get("repaired") or []), len(answer.get("unaccounted") or [])
    flash(f"Repaired {plural(done, 'finding')}; {left} left.", "success")
    return audit_page(answer, repaired=True)


@blueprint.get("/dlq")
@admin_required
def dead_letters() -> str:
    """List dead-lettered messages: error class, artist, age; filter and tick to replay."""
    items = api().dead_letters(token())
    error_class = request.args.get("error_class", "").strip()
    artist = request.args.get("artist", "").strip()
    shown = [
        item
        for item in items
        if (not error_class or item.get("error_class") == error_class)
        and (not artist or artist in (item.get("artist_id"), item.get("artist_slug")))
    ]
    classes = sorted({str(i.get("error_class")) for i in items if i.get("error_class")})
    return render_template(
        "admin/dlq.html",
        items=shown,
        total=len(items),
        classes=classes,
        error_class=error_class,
        artist=artist,
    )


@blueprint.get("/dlq/<message_id>")
@admin_required
def message(message_id: str) -> str:
    """Show one dead-lettered message with its body."""
    item = api().dead_letter(token(), message_id)
    return render_template("admin/message.html", item=item)


@blueprint.post("/dlq/replay")
@admin_required
def replay() -> Any:
    """Preview a replay (dry run), then replay once the admin confirms."""
    body = replay_body(request.form)
    confirmed = request.form.get("confirm") == "yes"
    answer = api().replay(token(), body, dry_run=not confirmed)
    if not confirmed:
        bodies = unreadable_bodies(answer.get("messages") or [])
        return render_template("admin/replay.html", body=body, answer=answer, bodies=bodies)
    flash(f"Replayed {plural(answer['count'], 'message')} onto the queue.", "success")
    if answer.get("task"):
        return redirect(url_for("admin.move", handle=answer["task"]["handle"]))
    return redirect(url_for("admin.dead_letters"))


def unreadable_bodies(items: list[Any]) -> dict[str, str]:
    """Return the bodies of the first unreadable messages of a preview, by id."""
    bodies: dict[str, str] = {}
    for item in [i for i in items if unreadable(i)][:PREVIEW_BODIES]:
        if "body" in item:
            bodies[item["id"]] = item["body"]
            continue
        try:
            bodies[item["id"]] = api().dead_letter(token(), item["id"]).get("body", "")
        except ApiError as error:
            if error.status != 404:  # gone meanwhile: shown without its bytes
                raise
    return bodies


@blueprint.get("/dlq/moves/<path:handle>")
@admin_required
def move(handle: str) -> Any:
    """Show how far a whole-queue replay got (JSON for the page's script)."""
    task = api().move(token(), handle)
    if wants_json():
        return jsonify(task=task)
    return render_template("admin/move.html", task=task)


@blueprint.post("/dlq/moves/<path:handle>/cancel")
@admin_required
def cancel_move(handle: str) -> Any:
    """Cancel a running whole-queue replay."""
    task = api().cancel_move(token(), handle)
    if task["status"] in ("CANCELLING", "CANCELLED"):
        flash("The replay is being cancelled; messages already moved stay on the queue.", "info")
    else:
        flash(f"The replay had already finished ({task['status'].lower()}).", "info")
    return redirect(url_for("admin.move", handle=handle))


@blueprint.route("/dlq/purge", methods=["GET", "POST"])
@admin_required
def purge() -> Any:
    """Ask for confirmation, then delete every dead-lettered message (none: nothing to do)."""
    count = len(api().dead_letters(token()))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("admin/purge.html", count=count)
    if not count:
        flash("The dead-letter queue is empty: nothing to purge.", "info")
        return redirect(url_for("admin.dead_letters"))
    purged = api().purge(token())
    flash(f"Purged {plural(purged, 'message')}.", "success")
    return redirect(url_for("admin.dead_letters"))


@blueprint.route("/reprocess", methods=["GET", "POST"])
@admin_required
def reprocess() -> Any:
    """Choose works to render again (by artist, status, outdated pipeline), preview, confirm."""
    if request.method == "GET":
        return render_template("admin/reprocess.html", body={}, answer=None, statuses=STATUSES)
    body = reprocess_body(request.form)
    confirmed = request.form.get("confirm") == "yes"
    answer = api().reprocess_works(token(), body, dry_run=not confirmed)
    if not confirmed:
        return render_template("admin/reprocess.html", body=body, answer=answer, statuses=STATUSES)
    flash(f"Sent {plural(answer['count'], 'work')} for processing again.", "success")
    return redirect(url_for("admin.reprocess"))


@blueprint.route("/reindex", methods=["GET", "POST"])
@admin_required
def reindex() -> Any:
    """Start rebuilding the search index in the background (the page polls its progress)."""
    if request.method == "GET":
        return render_template("admin/reindex.html")
    task = api().reindex(token())
    if wants_json():
        return jsonify(task=task, poll=url_for("admin.task", task_id=task["id"]))
    flash("The search index is being rebuilt; search keeps working meanwhile.", "success")
    return redirect(url_for("admin.reindex"))


@blueprint.get("/tasks/<task_id>")
@admin_required
def task(task_id: str) -> Any:
    """Return a background task's progress, for the reindex page's script."""
    return jsonify(task=api().task(token(), task_id))


@blueprint.app_template_global()
def finding_label(kind: Any) -> str:
    """Return an audit finding's kind as words (the kind itself when it is new to the studio)."""
    return FINDINGS.get(str(kind), str(kind).replace("_", " ").capitalize())


@blueprint.app_template_global()
def gallery_work_url(artwork_id: Any) -> str | None:
    """Return the visitor gallery's page of a work, when the gallery's URL is configured."""
    base = str(current_app.config.get("GALLERY_URL") or "").rstrip("/")
    if not base or not artwork_id:
        return None
    return f"{base}/artworks/{quote(str(artwork_id), safe='')}"


@blueprint.record_once
def letter_helpers(state: Any) -> None:
    """Make the dead-letter helpers available to templates."""
    state.app.jinja_env.globals.update(
        sent_time=sent_time,
        unreadable=unreadable,
        first_bytes=first_bytes,
        unreadable_label=UNREADABLE,
    )


@blueprint.app_template_global()
def pretty(body: Any) -> str:
    """Return a message body as indented JSON when it is JSON."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return body
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False)
