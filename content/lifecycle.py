"""An artwork's life as named pure transitions, with a deadline on every state that waits.

```
awaiting_upload ──file arrives──▶ processing ──▶ ready | rejected | failed
        ▲  (form issued: deadline)     (deadline)         │        │
        └────────── new form (replace the file), retry, delete ◀───┘
any state ──delete──▶ deleted (terminal)
```

Every change of a work's state is one of the functions below (`issue_upload`,
`receive_file`, `request_reprocess`, `move_focal_point`, `finish_ready`, `reject`, `fail`,
`fail_dead_lettered`, `expire`, `expire_overdue`, `set_visibility`, `delete`,
`remove_original`); the services only read, apply one, and save.

A state that waits on the system carries a deadline: `awaiting_upload` once a form is
issued (the form's lifetime plus a grace period), `processing` (the processing deadline), and
a ready work's pending reprocess request. The sweeper applies `expire` to works past their
deadline, so nothing waits forever; `fail` records why. `ready`, `rejected`, `failed` and
`deleted` wait on nobody: an artist can act on a rejected or failed work at any time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from content.model import Artwork, OriginalObject, Status, Visibility
from kernel.errors import Conflicting

TERMINAL = frozenset({Status.READY, Status.REJECTED, Status.FAILED, Status.DELETED})
ACTIONABLE = frozenset({Status.REJECTED, Status.FAILED})
UPLOADABLE = frozenset({Status.AWAITING_UPLOAD, Status.READY, Status.REJECTED, Status.FAILED})
REPROCESSABLE = frozenset({Status.READY, Status.FAILED})  # a refused file is not kept
UPLOAD_GRACE_SECONDS = 300
DEFAULT_PROCESSING_SECONDS = 3600

UPLOAD_LOST = "The upload did not complete. Please upload the file again."
PROCESSING_OVERDUE = (
    "Processing took longer than it ever should. Your file is kept; use Retry, "
    "upload the file again, or delete the work."
)
DEAD_LETTERED = (
    "We could not process this image after several attempts. Your file is kept; use Retry, "
    "upload the file again, or delete the work."
)
KEPT_IMAGE = "The work keeps its current image; the new attempt was refused: "


class NotAllowed(Conflicting):
    """The artwork is not in a state that allows this action."""


def iso(moment: datetime) -> str:
    """Return a UTC time as ISO-8601 with milliseconds (the records' time format)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deadline_after(seconds: float, start: datetime | None = None) -> str:
    """Return the time `seconds` after `start` (default: now) as a record timestamp."""
    return iso((start or datetime.now(UTC)) + timedelta(seconds=seconds))


def is_deleted(artwork: Artwork) -> bool:
    """Return whether the work is deleted (the one definition the whole system uses)."""
    return artwork.status is Status.DELETED


def is_overdue(artwork: Artwork, at: str) -> bool:
    """Return whether the work waits past its deadline (`at` is a record timestamp)."""
    return artwork.deadline is not None and artwork.deadline <= at


def issue_upload(artwork: Artwork, upload_id: str, deadline: str) -> Artwork:
    """Return the work with a fresh one-shot upload form; a ready work keeps its image meanwhile."""
    if artwork.status not in UPLOADABLE:
        raise NotAllowed("This work is being processed; wait for the result, then upload again.")
    waiting = artwork.status is Status.AWAITING_UPLOAD
    return replace(artwork, upload_id=upload_id, deadline=deadline if waiting else artwork.deadline)


def start_processing(artwork: Artwork, deadline: str) -> Artwork:
    """Return the work processing its newly arrived file (a ready work stays public)."""
    if artwork.status is Status.READY:
        return replace(artwork, deadline=deadline)
    return replace(
        artwork,
        status=Status.PROCESSING,
        rejection_reason=None,
        error_class=None,
        deadline=deadline,
    )


def receive_file(artwork: Artwork, original: OriginalObject, deadline: str) -> Artwork:
    """Return the work processing a file that arrived through its form.

    A ready work keeps its current original (and stays public) until the new file is processed.
    """
    started = start_processing(artwork, deadline)
    if artwork.status is Status.READY:
        return started
    return replace(started, original=original)


def request_reprocess(artwork: Artwork, request_id: str, deadline: str) -> Artwork:
    """Return the work with a pending render; a ready work stays ready (and public) meanwhile."""
    if artwork.status not in REPROCESSABLE or artwork.original is None:
        raise NotAllowed(
            "Only a work that is ready or failed can be processed again; "
            "upload a new file for a rejected one."
        )
    if artwork.status is Status.READY:
        return replace(artwork, reprocess_request=request_id, deadline=deadline)
    return replace(
        artwork,
        status=Status.PROCESSING,
        rejection_reason=None,
        error_class=None,
        reprocess_request=request_id,
        deadline=deadline,
    )


def move_focal_point(
    artwork: Artwork, focal_point: tuple[float, float] | None, request_id: str, deadline: str
) -> Artwork:
    """Return the work with its focal point set; a ready work whose point moved renders again."""
    moved = replace(artwork, focal_point=focal_point)
    if artwork.status is Status.READY and artwork.focal_point != focal_point:
        return request_reprocess(moved, request_id, deadline)
    return moved


def set_visibility(artwork: Artwork, visibility: Visibility, at: str) -> Artwork:
    """Return the work published or unpublished; its first publication is dated `at`."""
    published_at = artwork.published_at
    if visibility is Visibility.PUBLISHED and published_at is None:
        published_at = at
    return replace(artwork, visibility=visibility, published_at=published_at)


def finish_ready(
    artwork: Artwork,
    original: OriginalObject,
    renditions: tuple[dict[str, Any], ...],
    facts: dict[str, Any],
    pipeline_version: str,
    duplicate_of: str | None,
) -> Artwork:
    """Return the work ready with its new renditions (its upload form is used up)."""
    return replace(
        artwork,
        status=Status.READY,
        rejection_reason=None,
        error_class=None,
        original=original,
        renditions=renditions,
        facts=facts,
        pipeline_version=pipeline_version,
        possible_duplicate_of=duplicate_of,
        upload_id=_spent(artwork, original),
        reprocess_request=None,
        deadline=None,
    )


def reject(artwork: Artwork, original: OriginalObject, reason: str) -> Artwork:
    """Return the work after its file was refused; a ready work keeps its current image.

    That covers a replacement file and a render again (by a newer pipeline) alike.
    """
    if artwork.status is Status.READY:
        return replace(
            artwork,
            rejection_reason=KEPT_IMAGE + reason,
            upload_id=_spent(artwork, original),
            reprocess_request=None,
            deadline=None,
        )
    return replace(
        artwork,
        status=Status.REJECTED,
        rejection_reason=reason,
        error_class=None,
        original=original,
        renditions=(),
        facts=None,
        upload_id=_spent(artwork, original),
        reprocess_request=None,
        deadline=None,
    )


def fail(artwork: Artwork, reason: str, error_class: str) -> Artwork:
    """Return a waiting work as failed, with a reason for the artist and the error class.

    A ready work is never failed: its pending request is dropped and it stays ready.
    """
    if artwork.status in TERMINAL:
        if artwork.status is Status.READY:
            return replace(artwork, reprocess_request=None, deadline=None)
        return artwork
    return replace(
        artwork,
        status=Status.FAILED,
        rejection_reason=reason,
        error_class=error_class,
        reprocess_request=None,
        deadline=None,
    )


def fail_dead_lettered(
    artwork: Artwork, error_class: str, arrived: OriginalObject | None = None
) -> Artwork:
    """Return the work failed because its message died, as `fail` does.

    A file that `arrived` through the work's pending form becomes its original, so that Retry
    can process it.
    """
    failed = fail(artwork, DEAD_LETTERED, error_class)
    if failed.status is Status.FAILED and arrived is not None:
        return replace(failed, original=arrived)
    return failed


def expire(artwork: Artwork) -> Artwork:
    """Return the work after its deadline passed: failed with a reason naming what was late."""
    if artwork.status is Status.AWAITING_UPLOAD:
        return replace(
            fail(artwork, UPLOAD_LOST, "UploadNotReceived"), upload_id=None, deadline=None
        )
    return fail(artwork, PROCESSING_OVERDUE, "ProcessingOverdue")


def expire_overdue(artwork: Artwork, at: str) -> Artwork:
    """Return the work expired if it is (still) past its deadline at `at`, else unchanged."""
    return expire(artwork) if is_overdue(artwork, at) else artwork


def delete(artwork: Artwork) -> Artwork:
    """Return the work deleted: hidden from everyone, its form and requests void."""
    return replace(
        artwork,
        status=Status.DELETED,
        visibility=Visibility.DRAFT,
        upload_id=None,
        reprocess_request=None,
        deadline=None,
    )


def remove_original(artwork: Artwork, original: OriginalObject) -> Artwork:
    """Return the work after its original was removed from the store: deleted, renditions gone."""
    return replace(delete(artwork), original=original, renditions=())


def _spent(artwork: Artwork, original: OriginalObject) -> str | None:
    """Return the work's upload id once the form that delivered `original` is used up."""
    if artwork.upload_id is not None and original.key.endswith(f"/{artwork.upload_id}"):
        return None
    return artwork.upload_id
