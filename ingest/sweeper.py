"""The sweeper: no work waits forever, and a dead-lettered message fails its work.

Run periodically (a scheduled function on AWS, a periodic task of the local worker). Two
passes, both idempotent:

1. Every dead letter whose work still waits on it (the same upload, or the same reprocess
   request) marks that work failed with the error class recorded for the message. A message
   whose processing never reported back (a crash, an out-of-memory kill, a timeout) is
   recorded as `WorkerLost`.
2. Every work past its deadline is expired by `content.lifecycle.expire`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from content import lifecycle
from content.model import Artwork, OriginalObject, Status, now
from content.repository import ContentRepository, NotFound, retry_on_conflict
from ingest.maintenance import DeadLetterView
from ingest.messages import MalformedMessage, ObjectEvent, ReprocessRequest, Request, parse_body
from ingest.plan import from_pending_form
from messaging.queue import WORKER_LOST

log = logging.getLogger("copper.sweeper")


@dataclass
class SweepReport:
    """What one sweep changed: works failed for a dead letter, and works past their deadline."""

    dead_lettered: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        """Return the report as JSON-ready data."""
        return {"dead_lettered": self.dead_lettered, "expired": self.expired}


def requests_of(body: str) -> list[Request]:
    """Return the requests a dead letter carries (none for a malformed one)."""
    try:
        return parse_body(body)
    except MalformedMessage:
        return []


def waits_on(artwork: Artwork, requests: list[Request]) -> bool:
    """Return whether a work still waits on a message carrying these requests."""
    for request in requests:
        if isinstance(request, ReprocessRequest) and request.artwork_id == artwork.id:
            return artwork.reprocess_request == request.request_id
        if isinstance(request, ObjectEvent) and request.original is not None:
            if request.original.artwork_id != artwork.id or request.kind != "created":
                continue
            unfinished = artwork.original is not None and artwork.original.key == request.key
            pending = from_pending_form(artwork, request.original)
            return pending or (unfinished and artwork.status is Status.PROCESSING)
    return False


def arrived_file(artwork: Artwork, requests: list[Request]) -> OriginalObject | None:
    """Return the file a created event delivered through the work's pending form, if any."""
    for request in requests:
        if (
            isinstance(request, ObjectEvent)
            and request.kind == "created"
            and from_pending_form(artwork, request.original)
        ):
            return OriginalObject(request.key, request.size, request.version_id)
    return None


@dataclass
class Sweeper:
    """Fails works whose messages died and works past their deadline."""

    repository: ContentRepository
    dead_letters: Callable[[], list[DeadLetterView]]
    clock: Callable[[], str] = now

    def sweep(self) -> SweepReport:
        """Run both passes once; return what changed."""
        report = SweepReport()
        for letter in self.dead_letters():
            if letter.artwork_id and self._fail_for(letter):
                report.dead_lettered.append(letter.artwork_id)
        for artwork in self.repository.list_overdue(self.clock()):
            if self._save(artwork.id, lambda a: lifecycle.expire_overdue(a, self.clock())):
                report.expired.append(artwork.id)
        if report.dead_lettered or report.expired:
            log.info("sweep: %s", report.to_dict())
        return report

    def _fail_for(self, letter: DeadLetterView) -> bool:
        """Fail the work a dead letter belongs to, if it still waits on it."""
        error_class = letter.error_class or WORKER_LOST
        requests = requests_of(letter.body)

        def fail(artwork: Artwork) -> Artwork:
            if not waits_on(artwork, requests):
                return artwork
            arrived = arrived_file(artwork, requests)
            return lifecycle.fail_dead_lettered(artwork, error_class, arrived)

        return self._save(str(letter.artwork_id), fail)

    def _save(self, artwork_id: str, change: Callable[[Artwork], Artwork]) -> bool:
        """Apply a change to the latest record; return whether it changed anything."""

        def write() -> bool:
            try:
                current = self.repository.get_artwork(artwork_id)
            except NotFound:
                return False
            changed = change(current)
            if changed == current:
                return False
            self.repository.save_artwork(changed, current.version)
            return True

        return retry_on_conflict(write)
