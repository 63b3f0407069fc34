"""The admin API of the event flow: dead letters, reprocessing, reindexing and the audit.

Every route needs an admin's bearer token: no token is 401, an artist's token is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, current_app

from content.api import authenticated, principal
from content.model import Status
from content.repository import NotFound
from copper.http import ApiError, json_body
from ingest.maintenance import DeadLetterFilter, Maintenance, ReprocessFilter
from messaging.tasks import TaskNotFound

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
MAX_IDS = 1000


def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require an admin's token."""

    @wraps(view)
    @authenticated
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not principal().is_admin:
            raise ApiError(403, "forbidden", "Only administrators can do this.")
        return view(*args, **kwargs)

    return wrapper


def maintenance() -> Maintenance:
    """Return the maintenance tools of this app's services."""
    return current_app.extensions["copper"].maintenance()


def _optional(body: dict[str, Any], name: str, kind: type) -> Any:
    """Return an optional body field of the given type (booleans are not integers), or None."""
    value = body.get(name)
    if value is None:
        return None
    if kind is bool:
        valid = isinstance(value, bool)
    else:
        valid = isinstance(value, kind) and not isinstance(value, bool)
    if not valid:
        raise ApiError(422, "invalid_field", f"'{name}' must be a {kind.__name__}.")
    return value


def _artist_id(reference: str | None) -> str | None:
    """Return the artist id of an id or slug (404 if neither)."""
    if reference is None:
        return None
    repository = current_app.extensions["copper"].repository
    try:
        return repository.find_artist_by_slug(reference).id
    except NotFound:
        return repository.get_artist(reference).id


def _dead_letter_filter(body: dict[str, Any]) -> DeadLetterFilter:
    """Return the dead-letter filter a request body describes."""
    ids = body.get("ids") or []
    if not isinstance(ids, list) or len(ids) > MAX_IDS or not all(isinstance(i, str) for i in ids):
        raise ApiError(422, "invalid_field", f"'ids' must be a list of up to {MAX_IDS} ids.")
    older_than = _optional(body, "older_than", int)
    if older_than is not None and older_than < 0:
        raise ApiError(422, "invalid_field", "'older_than' must be seconds, 0 or more.")
    return DeadLetterFilter(
        ids=tuple(ids),
        error_class=_optional(body, "error_class", str),
        artist_id=_artist_id(_optional(body, "artist", str)),
        older_than=older_than,
    )


@blueprint.get("/dlq")
@admin_only
def list_dead_letters() -> dict[str, Any]:
    """List the dead letters with their error, artist and age."""
    return {"items": [view.summary() for view in maintenance().dead_letters()]}


@blueprint.get("/dlq/<message_id>")
@admin_only
def show_dead_letter(message_id: str) -> dict[str, Any]:
    """Show one dead letter with its body."""
    view = maintenance().dead_letter(message_id)
    return view.summary() | {"body": view.body}


@blueprint.post("/dlq/replay")
@admin_only
def replay_dead_letters() -> dict[str, Any]:
    """Move chosen dead letters back to the queue (or, with dry_run, list them)."""
    body = json_body()
    limit = _optional(body, "limit", int)
    if limit is not None and limit < 1:
        raise ApiError(422, "invalid_field", "'limit' must be 1 or more.")
    result = maintenance().replay(
        _dead_letter_filter(body), dry_run=bool(_optional(body, "dry_run", bool)), limit=limit
    )
    answer: dict[str, Any] = {
        "dry_run": result.dry_run,
        "messages": [view.summary() for view in result.messages],
        "count": len(result.messages),
    }
    if result.task is not None:
        answer["task"] = {"handle": result.task.handle, "status": result.task.status}
    return answer


@blueprint.post("/dlq/purge")
@admin_only
def purge_dead_letters() -> dict[str, Any]:
    """Delete every dead letter; the body must confirm it."""
    if json_body().get("confirm") is not True:
        raise ApiError(422, "confirmation_required", 'Send {"confirm": true} to purge.')
    return {"purged": maintenance().purge()}


@blueprint.post("/reprocess")
@admin_only
def reprocess() -> dict[str, Any]:
    """Queue works for rendering again, by artist, status and pipeline version."""
    body = json_body()
    status = _optional(body, "status", str)
    if status is not None and status not in {s.value for s in Status}:
        raise ApiError(422, "invalid_field", "'status' is not a known status.")
    chosen = ReprocessFilter(
        artist_id=_artist_id(_optional(body, "artist", str)),
        status=Status(status) if status else None,
        outdated=bool(_optional(body, "outdated", bool)),
        missing_renditions=bool(_optional(body, "missing_renditions", bool)),
    )
    dry_run = bool(_optional(body, "dry_run", bool))
    ids = maintenance().reprocess(chosen, dry_run=dry_run)
    return {"dry_run": dry_run, "count": len(ids), "artwork_ids": ids}


@blueprint.post("/reindex")
@admin_only
def reindex() -> tuple[dict[str, Any], int]:
    """Start rebuilding the search index in the background; answer the task to poll."""
    return {"task": current_app.extensions["copper"].start_reindex().to_dict()}, 202


@blueprint.get("/tasks/<task_id>")
@admin_only
def task(task_id: str) -> dict[str, Any]:
    """Return a background task's progress."""
    try:
        found = current_app.extensions["copper"].tasks.get(task_id)
    except TaskNotFound as error:
        raise ApiError(404, "not_found", "No such task.") from error
    return {"task": found.to_dict()}


@blueprint.get("/audit")
@admin_only
def audit() -> dict[str, Any]:
    """Report where every original stands."""
    return maintenance().audit().to_dict()
