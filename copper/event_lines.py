"""One console line per queue message the local workers handle (`copper dev`'s console).

"upload  'Dusk over the estuary' by Ana → ready in 1.4 s": what the message was about (read
from its body and the records it names) and how it ended (the record's status afterwards,
or the failure the failure log holds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from content.model import Artwork
from content.repository import ContentError, ContentRepository
from copper.worker import Handler
from ingest.messages import MalformedMessage, ObjectEvent, ReprocessRequest, parse_body
from messaging.queue import FailureLog, QueueError

UNREADABLE = "unreadable message (not an upload event)"
KINDS = {"created": "upload", "removed": "delete"}


def subject(body: str) -> tuple[str, str | None, str | None]:
    """Return the kind of a message ("upload", "delete", "reprocess") and the work it names."""
    try:
        requests = parse_body(body)
    except MalformedMessage:
        return "message", None, None
    for request in requests:
        if isinstance(request, ObjectEvent) and request.original is not None:
            ref = request.original
            return KINDS[request.kind], ref.artist_id, ref.artwork_id
        if isinstance(request, ReprocessRequest):
            return "reprocess", request.artist_id, request.artwork_id
    return "message", None, None


def naming(store: ContentRepository, artist_id: str | None, artwork_id: str | None) -> str:
    """Return "'Title' by Artist" for a work, or as much of it as the records still hold."""
    if artwork_id is None:
        return UNREADABLE
    try:
        title = f"'{store.get_artwork(artwork_id).title}'"
    except ContentError:
        title = f"work {artwork_id}"
    try:
        return f"{title} by {store.get_artist(str(artist_id)).display_name}"
    except ContentError:
        return title


def ending(artwork: Artwork | None, seconds: float) -> str:
    """Return how a handled message left its work ("ready in 1.4 s", "rejected: …")."""
    if artwork is None:
        return f"done in {seconds:.1f} s"
    status = artwork.status.value
    if status == "ready":
        return f"ready in {seconds:.1f} s"
    if status in ("rejected", "failed") and artwork.rejection_reason:
        return f"{status}: {artwork.rejection_reason}"
    return status.replace("_", " ")


def failure(failures: FailureLog, message_id: str, receives: int, limit: int) -> str:
    """Return how a failed message stands: retried, or moved to the dead-letter queue."""
    try:
        known = failures.get([message_id]).get(message_id)
    except QueueError:
        known = None
    cause = f" ({known.error_class})" if known else ""
    return f"dead-lettered{cause}" if receives >= limit else f"failed{cause}, retrying"


def reporting(
    handler: Handler,
    store: ContentRepository,
    failures: FailureLog,
    max_receive_count: int,
    say: Callable[[str], None],
) -> Handler:
    """Return the handler, printing one line per message of each batch it handles."""

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        response = handler(event, context)
        seconds = time.perf_counter() - started
        failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        for record in event.get("Records", []):
            say(line(record, record["messageId"] in failed, seconds))
        return response

    def line(record: dict[str, Any], failed: bool, seconds: float) -> str:
        kind, artist_id, artwork_id = subject(record["body"])
        about = naming(store, artist_id, artwork_id)
        if failed:
            receives = int(record["attributes"]["ApproximateReceiveCount"])
            outcome = failure(failures, record["messageId"], receives, max_receive_count)
        elif kind == "delete":
            outcome = f"removed in {seconds:.1f} s"
        else:
            outcome = ending(_artwork(store, artwork_id), seconds)
        return f"{kind:<8}{about} → {outcome}"

    return handle


def _artwork(store: ContentRepository, artwork_id: str | None) -> Artwork | None:
    """Return a work's record, or None."""
    if artwork_id is None:
        return None
    try:
        return store.get_artwork(artwork_id)
    except ContentError:
        return None
