"""The admin API of the event flow: dead letters, reprocessing, reindexing and the audit.

Every route needs an admin's bearer token: no token is 401, an artist's token is 403.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any, TypeVar

from flask import Blueprint, request

from content.model import Status
from content.repository import ContentRepository, NotFound, StoreUnavailable
from ingest.maintenance import (
    DeadLetterFilter,
    DeadLetterView,
    Maintenance,
    ReplayTooSlow,
    ReprocessFilter,
)
from messaging.queue import (
    MessageQueue,
    MoveTask,
    NoSuchMoveTask,
    OperationUnsupported,
    QueueError,
    QueueUnavailable,
)
from messaging.tasks import TaskNotFound
from service.http.auth import admin_only
from service.http.context import services
from service.http.errors import ApiError
from service.http.params import json_body

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)
MAX_IDS = 1000
MIN_RATE, MAX_RATE = 0.1, 1000.0
# A paced replay sleeps between messages inside the request; API Gateway cuts it at 30 s.
MAX_PACED_SECONDS = 25.0
T = TypeVar("T")


def maintenance() -> Maintenance:
    """Return the maintenance tools of this app's services."""
    return services().maintenance()


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


def _repository() -> ContentRepository:
    """Return the content repository of this app's services."""
    return services().repository


class _Names:
    """The names behind the ids of dead letters, each looked up once per response."""

    def __init__(self, store: ContentRepository) -> None:
        self._store = store
        self._found: dict[tuple[str, str], Any] = {}

    def _lookup(self, kind: str, key: str | None, fetch: Callable[[str], T]) -> T | None:
        """Return the record `fetch` finds for `key` (None if absent, unknown or unreachable)."""
        if key is None:
            return None
        if (kind, key) not in self._found:
            try:
                self._found[kind, key] = fetch(key)
            except NotFound:
                self._found[kind, key] = None
            except StoreUnavailable:
                log.warning("dead letters shown without names: the content store is unavailable")
                self._found[kind, key] = None
        return self._found[kind, key]

    def summary(self, view: DeadLetterView) -> dict[str, Any]:
        """Return a dead letter's summary with its artist's name and slug and its work's title."""
        artist = self._lookup("artist", view.artist_id, self._store.get_artist)
        artwork = self._lookup("artwork", view.artwork_id, self._store.get_artwork)
        return view.summary() | {
            "artist_name": artist.display_name if artist else None,
            "artist_slug": artist.slug if artist else None,
            "artwork_title": artwork.title if artwork else None,
        }


def _summaries(views: Iterable[DeadLetterView]) -> list[dict[str, Any]]:
    """Return the summaries of dead letters, named."""
    names = _Names(_repository())
    return [names.summary(view) for view in views]


def _artist_id(reference: str | None) -> str | None:
    """Return the artist id of an id or slug (404 if neither)."""
    if reference is None:
        return None
    try:
        return _repository().find_artist_by_slug(reference).id
    except NotFound:
        return _repository().get_artist(reference).id


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


def _rate(body: dict[str, Any]) -> float | None:
    """Return the optional replay rate (messages per second) within its bounds."""
    value = body.get("rate")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(422, "invalid_field", "'rate' must be a number of messages per second.")
    if not MIN_RATE <= value <= MAX_RATE:
        raise ApiError(
            422, "invalid_field", f"'rate' must be {MIN_RATE:g} to {MAX_RATE:g} per second."
        )
    return float(value)


def _queue() -> MessageQueue:
    """Return the upload-event queue of this app's services."""
    return services().queue


def _move_status(handle: str) -> MoveTask:
    """Return the state of a move task (404 for a handle the queue does not know)."""
    try:
        return _queue().move_status(handle)
    except NoSuchMoveTask as error:
        raise ApiError(404, "not_found", "No such move task.") from error


def _peek() -> bool:
    """Return the `peek` query flag: read the queue itself rather than the failure log."""
    value = request.args.get("peek", "false").lower()
    if value not in ("true", "false"):
        raise ApiError(400, "bad_request", "'peek' must be true or false.")
    return value == "true"


@blueprint.get("/dlq")
@admin_only
def list_dead_letters() -> dict[str, Any]:
    """List the dead letters with their error, artist and age (from the failure log).

    With `peek=true` the queue itself is read: on SQS that receives each dead letter once.
    """
    tools = maintenance()
    views = tools.dead_letters() if _peek() else tools.listed_dead_letters()
    return {"items": _summaries(views)}


@blueprint.get("/dlq/<message_id>")
@admin_only
def show_dead_letter(message_id: str) -> dict[str, Any]:
    """Show one dead letter with its body (from the failure log; `peek=true`: the queue)."""
    view = maintenance().dead_letter(message_id, peek=_peek())
    return _summaries([view])[0] | {"body": view.body}


@blueprint.post("/dlq/replay")
@admin_only
def replay_dead_letters() -> dict[str, Any]:
    """Move chosen dead letters back to the queue (or, with dry_run, list them)."""
    body = json_body()
    limit = _optional(body, "limit", int)
    if limit is not None and limit < 1:
        raise ApiError(422, "invalid_field", "'limit' must be 1 or more.")
    dry_run = bool(_optional(body, "dry_run", bool))
    try:
        result = maintenance().replay(
            _dead_letter_filter(body),
            dry_run=dry_run,
            rate=_rate(body),
            limit=limit,
            max_seconds=MAX_PACED_SECONDS,
        )
    except ReplayTooSlow as slow:
        raise ApiError(
            422,
            "replay_too_slow",
            f"{slow} A request may last {MAX_PACED_SECONDS:g} s: use 'rate' and 'limit', "
            "or run 'copper dlq replay --rate'.",
        ) from slow
    answer: dict[str, Any] = {
        "dry_run": result.dry_run,
        "messages": _summaries(result.messages),
        "count": len(result.messages),
    }
    if result.task is not None:
        answer["task"] = asdict(result.task)
    return answer


@blueprint.get("/dlq/moves/<path:handle>")
@admin_only
def move_status(handle: str) -> dict[str, Any]:
    """Return the progress of a whole-queue move started by a replay."""
    return {"task": asdict(_move_status(handle))}


@blueprint.post("/dlq/moves/<path:handle>/cancel")
@admin_only
def cancel_move(handle: str) -> dict[str, Any]:
    """Cancel a running whole-queue move; a finished one is answered as it stands."""
    task = _move_status(handle)
    if task.status != "RUNNING":
        return {"task": asdict(task)}
    try:
        return {"task": asdict(_queue().cancel_move(handle))}
    except (QueueUnavailable, OperationUnsupported):
        raise
    except QueueError as error:
        raise ApiError(409, "not_running", "The move task is no longer running.") from error


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
    return {"task": services().start_reindex().to_dict()}, 202


@blueprint.get("/tasks/<task_id>")
@admin_only
def task(task_id: str) -> dict[str, Any]:
    """Return a background task's progress."""
    try:
        found = services().task(task_id)
    except TaskNotFound as error:
        raise ApiError(404, "not_found", "No such task.") from error
    return {"task": found.to_dict()}


@blueprint.get("/audit")
@admin_only
def audit() -> dict[str, Any]:
    """Report where every original stands and what differs from the content store."""
    return services().auditor().audit().to_dict()


@blueprint.post("/audit/repair")
@admin_only
def repair() -> dict[str, Any]:
    """Audit, converge what can be repaired, and report the rest."""
    return services().auditor().audit(repair=True).to_dict()
