"""Admin operations on the event flow: dead letters and reprocessing.

The same use cases serve `copper dlq|reprocess` and the admin API, on both backends.
Listing dead letters (`listed_dead_letters`) receives nothing: SQS has no peek, and
receiving a dead letter raises its receive count and hides it for a while, so on SQS the
list comes from the failure log's last attempts; a queue that reads its dead letters freely
(SQLite) is read as it is. Receiving them (`dead_letters`) is for replay, purge, the
sweeper and the audit, and for an admin who asks to peek.
Replaying the whole dead-letter queue uses the queue's bulk move (SQS StartMessageMoveTask);
a selective replay moves each chosen message back (send, then delete), at most `rate` per
second. The audit lives in `ingest/audit.py`, the sweeper in `ingest/sweeper.py`.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from content.lifecycle import (
    DEFAULT_PROCESSING_SECONDS,
    REPROCESSABLE,
    NotAllowed,
    deadline_after,
    request_reprocess,
)
from content.model import Artwork, Status
from content.repository import ContentRepository, NotFound, VersionConflict
from ingest.messages import (
    MalformedMessage,
    ObjectEvent,
    ReprocessRequest,
    parse_body,
    reprocess_body,
)
from ingest.plan import is_older_version
from kernel.errors import Invalid
from messaging.queue import (
    WORKER_LOST,
    WORKER_LOST_TEXT,
    DeadLetter,
    FailureLog,
    MessageQueue,
    MoveTask,
)
from pipeline.settings import PIPELINE_VERSION
from storage.blobstore import BlobStore

# Seconds after a message turns visible again within which a consumer's receive moves it
# to the dead-letter queue (the local worker polls every 50 ms; Lambda's pollers at once).
MOVE_MARGIN = 2.0


@dataclass(frozen=True)
class DeadLetterView:
    """A dead letter as an admin sees it: when, how often, why, and whose."""

    id: str
    sent_at: float
    age_seconds: int
    receive_count: int
    error_class: str | None
    error_message: str | None
    artist_id: str | None
    artwork_id: str | None
    key: str | None
    body: str

    def summary(self) -> dict[str, Any]:
        """Return the view without the body, as JSON-ready data."""
        data = asdict(self)
        del data["body"]
        return data


@dataclass(frozen=True)
class DeadLetterFilter:
    """Which dead letters an operation applies to; empty fields match everything."""

    ids: tuple[str, ...] = ()
    error_class: str | None = None
    artist_id: str | None = None
    older_than: float | None = None

    @property
    def is_everything(self) -> bool:
        """Return whether the filter matches every dead letter."""
        return not (self.ids or self.error_class or self.artist_id or self.older_than)

    def matches(self, letter: DeadLetterView) -> bool:
        """Return whether a dead letter passes every given condition."""
        return (
            (not self.ids or letter.id in self.ids)
            and (self.error_class is None or letter.error_class == self.error_class)
            and (self.artist_id is None or letter.artist_id == self.artist_id)
            and (self.older_than is None or letter.age_seconds >= self.older_than)
        )


@dataclass(frozen=True)
class ReplayResult:
    """What a replay moved (or, in a dry run, would move)."""

    dry_run: bool
    messages: tuple[DeadLetterView, ...]
    task: MoveTask | None = None


class ReplayTooSlow(Invalid):
    """A paced replay of the chosen dead letters would outlast the time it may take."""

    def __init__(self, count: int, rate: float, max_seconds: float) -> None:
        """Say how long the replay would take and how many messages would fit."""
        self.seconds = max(0, count - 1) / rate
        self.fits = int(max_seconds * rate) + 1
        super().__init__(
            f"At {rate:g} per second, {count} messages take {self.seconds:.0f} s, longer than "
            f"{max_seconds:g} s: raise the rate, or replay at most {self.fits} at a time."
        )


@dataclass(frozen=True)
class ReprocessFilter:
    """Which works to render again."""

    artist_id: str | None = None
    status: Status | None = None
    outdated: bool = False
    missing_renditions: bool = False

    def matches(self, artwork: Artwork, current_version: str) -> bool:
        """Return whether a work is chosen (only uploaded works can be rendered again)."""
        if artwork.original is None or artwork.status not in REPROCESSABLE:
            return False  # only uploaded works that are ready, rejected or failed
        if self.artist_id is not None and artwork.artist_id != self.artist_id:
            return False
        if self.status is not None and artwork.status is not self.status:
            return False
        if self.outdated and not is_older_version(artwork.pipeline_version, current_version):
            return False
        return not (self.missing_renditions and artwork.renditions)


def _refs(body: str) -> tuple[str | None, str | None, str | None]:
    """Return the (artist, artwork, key) a message body names, if it can be read."""
    try:
        requests = parse_body(body)
    except MalformedMessage:
        return None, None, None
    for request in requests:
        if isinstance(request, ObjectEvent) and request.original:
            return request.original.artist_id, request.original.artwork_id, request.key
        if isinstance(request, ReprocessRequest):
            return request.artist_id, request.artwork_id, None
    return None, None, None


@dataclass
class Maintenance:
    """Dead-letter tools, reprocessing and the audit over the live stores."""

    queue: MessageQueue
    failures: FailureLog
    repository: ContentRepository
    uploads: BlobStore
    pipeline_version: str = PIPELINE_VERSION
    processing_seconds: float = DEFAULT_PROCESSING_SECONDS
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep

    # dead letters

    def dead_letters(self, chosen: DeadLetterFilter | None = None) -> list[DeadLetterView]:
        """Return the dead letters in the queue that pass the filter, oldest first.

        On SQS this receives each of them (and releases it): use it to act on them.
        """
        letters = self.queue.dead_letters()
        failures = self.failures.get([letter.id for letter in letters])
        views = [self._view(letter, failures.get(letter.id)) for letter in letters]
        return [view for view in views if chosen is None or chosen.matches(view)]

    def listed_dead_letters(self, chosen: DeadLetterFilter | None = None) -> list[DeadLetterView]:
        """Return the dead letters that pass the filter, oldest first, receiving none of them
        when the failure log knows them all.

        The log misses a message whose last attempt could not write to the content store (an
        outage of the store itself). When the dead-letter queue holds more messages than the
        log knows, the queue is read, so the list never loses one.
        """
        if self.queue.reads_dead_letters_freely:
            return self.dead_letters(chosen)
        logged = self.logged_dead_letters()
        if len(logged) < self.queue.counts()["dead"]:
            return self.dead_letters(chosen)
        return [view for view in logged if chosen is None or chosen.matches(view)]

    def logged_dead_letters(self, chosen: DeadLetterFilter | None = None) -> list[DeadLetterView]:
        """Return the dead letters the failure log knows, oldest first; the queue is not read.

        A last attempt that reported its failure is a dead letter at once: nothing receives
        the message again before SQS moves it. One that never reported (a crash, a timeout) is
        one once that receive's visibility timeout has passed (plus MOVE_MARGIN for the next
        receive to move it); until then it may still be running. A success forgets the attempt.
        Its error is the last attempt's, or WorkerLost when that attempt never reported.
        """
        views = []
        moved_after = self.queue.visibility_timeout + MOVE_MARGIN
        now = self.clock()
        for attempt, failure in self.failures.last_attempts():
            reported = failure is not None and failure.attempts >= attempt.receive_count
            if not reported and now - attempt.started_at < moved_after:
                continue  # still running, or lost but not moved yet
            letter = DeadLetter(
                attempt.message_id, attempt.body, attempt.receive_count, attempt.sent_at
            )
            views.append(self._view(letter, failure if reported else None))
        return [view for view in views if chosen is None or chosen.matches(view)]

    def dead_letter(self, message_id: str, *, peek: bool = False) -> DeadLetterView:
        """Return one dead letter from the failure log (or, with `peek`, the queue), or NotFound."""
        chosen = DeadLetterFilter(ids=(message_id,))
        found = self.dead_letters(chosen) if peek else self.listed_dead_letters(chosen)
        if not found:
            raise NotFound(f"no dead letter {message_id}")
        return found[0]

    def replay(
        self,
        chosen: DeadLetterFilter,
        *,
        dry_run: bool = False,
        rate: float | None = None,
        limit: int | None = None,
        progress: Callable[[DeadLetterView], None] | None = None,
        max_seconds: float | None = None,
    ) -> ReplayResult:
        """Move dead letters back to the queue: all at once, or the chosen ones at `rate`/s.

        With `max_seconds`, a paced replay (dry run or not) that would take longer raises
        ReplayTooSlow before anything moves.
        """
        letters = self.dead_letters(chosen)[:limit]
        if rate and max_seconds is not None and (len(letters) - 1) / rate > max_seconds:
            raise ReplayTooSlow(len(letters), rate, max_seconds)
        if dry_run or not letters:
            return ReplayResult(dry_run, tuple(letters))
        if chosen.is_everything and limit is None and rate is None:
            task = self.queue.redrive_all()
            logged = [attempt.message_id for attempt, _ in self.failures.last_attempts(100_000)]
            self.failures.forget(list(dict.fromkeys([*(x.id for x in letters), *logged])))
            return ReplayResult(False, tuple(letters), task)
        moved = []
        for number, letter in enumerate(letters):
            if rate and number:
                self.sleep(1 / rate)
            if self.queue.redrive([letter.id]):
                self.failures.forget([letter.id])  # back in the queue: a new life
                moved.append(letter)
                if progress is not None:
                    progress(letter)
        return ReplayResult(False, tuple(moved))

    def purge(self) -> int:
        """Delete every dead letter and what the failure log holds of it; return how many."""
        ids = [letter.id for letter in self.queue.dead_letters()]
        ids += [attempt.message_id for attempt, _ in self.failures.last_attempts(limit=100_000)]
        purged = self.queue.purge_dead_letters()
        self.failures.forget(list(dict.fromkeys(ids)))
        return purged

    def _view(self, letter: DeadLetter, failure: Any) -> DeadLetterView:
        """Return the admin's view of a dead letter."""
        artist_id, artwork_id, key = _refs(letter.body)
        return DeadLetterView(
            id=letter.id,
            sent_at=letter.sent_at,
            age_seconds=max(0, int(self.clock() - letter.sent_at)),
            receive_count=letter.receive_count,
            error_class=failure.error_class if failure else WORKER_LOST,
            error_message=failure.error_message if failure else WORKER_LOST_TEXT,
            artist_id=artist_id,
            artwork_id=artwork_id,
            key=key,
            body=letter.body,
        )

    # reprocessing

    def reprocess(self, chosen: ReprocessFilter, *, dry_run: bool = False) -> list[str]:
        """Queue the chosen works for rendering again; return their ids."""
        works = [
            artwork
            for artwork in self.repository.iter_artworks()
            if chosen.matches(artwork, self.pipeline_version)
        ]
        if dry_run:
            return [artwork.id for artwork in works]
        return [artwork.id for artwork in works if self.render_again(artwork)]

    def render_again(self, artwork: Artwork) -> bool:
        """Queue one work for rendering again; return False if it changed meanwhile."""
        request_id = secrets.token_hex(8)
        if not self._mark_pending(artwork, request_id):
            return False
        self.queue.send(reprocess_body(artwork.artist_id, artwork.id, request_id))
        return True

    def _mark_pending(self, artwork: Artwork, request_id: str) -> bool:
        """Record the pending request (unless the work changed meanwhile); return if it was."""
        try:
            deadline = deadline_after(self.processing_seconds)
            pending = request_reprocess(artwork, request_id, deadline)
            self.repository.save_artwork(pending, artwork.version)
        except (VersionConflict, NotFound, NotAllowed):
            return False
        return True


def to_json(items: Iterable[DeadLetterView]) -> str:
    """Return dead letters as a JSON list of summaries."""
    return json.dumps([item.summary() for item in items], indent=2)
