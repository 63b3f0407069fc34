"""One queue message through the processor: parse, handle, and account for failures.

A failure is recorded in the failure log under the message id (so the dead-letter tools can
show why a message died) and re-raised, so the queue retries it. On the last receive before
the dead-letter queue, the work is marked `failed` so its artist sees a retry button.

A receive that finds fewer failures recorded than earlier receives knows an attempt never
reported back (the worker crashed, was killed for memory, or timed out): it records that as
`WorkerLost`, so the dead-letter tools and the sweeper can name the cause.

The last receive before the dead-letter queue is remembered first (body, send time, receive
count), so the admin tools list dead letters from the failure log without receiving them;
a last attempt that succeeds forgets it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.messages import ObjectEvent, Request, parse_body
from ingest.plan import Outcome
from ingest.service import Processor
from messaging.queue import WORKER_LOST, WORKER_LOST_TEXT, Failure, FailureLog, LastAttempt

log = logging.getLogger("copper.ingest")
MAX_ERROR_TEXT = 1000
PROCESSING_OUTCOMES = frozenset({Outcome.PROCESSED, Outcome.REJECTED})


@dataclass(frozen=True)
class Handled:
    """What one message did: an outcome per request, and the bytes of originals it read."""

    outcomes: list[Outcome]
    original_bytes: int


@dataclass
class Consumer:
    """Handles queue messages with the processor, logging each failure."""

    processor: Processor
    failures: FailureLog
    max_receive_count: int
    clock: Callable[[], float] = field(default=time.time)

    def handle_message(
        self, message_id: str, body: str, receive_count: int, sent_at: float | None = None
    ) -> Handled:
        """Handle every request in a message; raise (after logging it) if any failed.

        `sent_at` (epoch seconds; default: now) is when the message was first sent.
        """
        requests: list[Request] = []
        last = receive_count >= self.max_receive_count
        if receive_count > 1:
            self._note_lost_attempts(message_id, receive_count)
        if last:
            self._note_last_attempt(message_id, body, receive_count, sent_at)
        try:
            requests = parse_body(body)
            outcomes = [self.processor.handle(request) for request in requests]
            read = sum(
                request.size or 0
                for request, outcome in zip(requests, outcomes, strict=True)
                if isinstance(request, ObjectEvent) and outcome in PROCESSING_OUTCOMES
            )
            if last:
                self._forget(message_id)
            return Handled(outcomes, read)
        except Exception as error:
            self._record(message_id, error)
            if receive_count >= self.max_receive_count:
                for request in requests:
                    self.processor.give_up(request, error)
            raise

    def _note_lost_attempts(self, message_id: str, receive_count: int) -> None:
        """Record a `WorkerLost` failure if an earlier receive never recorded its outcome."""
        try:
            known = self.failures.get([message_id]).get(message_id)
            if known is None or known.attempts < receive_count - 1:
                lost = Failure(message_id, WORKER_LOST, WORKER_LOST_TEXT, self.clock())
                self.failures.record(lost)
        except Exception:
            log.warning("could not check earlier attempts of %s", message_id, exc_info=True)

    def _note_last_attempt(
        self, message_id: str, body: str, receive_count: int, sent_at: float | None
    ) -> None:
        """Remember the message before its last attempt (it dead-letters if this one fails)."""
        now = self.clock()
        attempt = LastAttempt(
            message_id, body, now if sent_at is None else sent_at, receive_count, now
        )
        try:
            self.failures.last_attempt(attempt)
        except Exception:
            log.warning("could not note the last attempt of %s", message_id, exc_info=True)

    def _forget(self, message_id: str) -> None:
        """Drop what the failure log holds of a message whose last attempt succeeded."""
        try:
            self.failures.forget([message_id])
        except Exception:
            log.warning("could not forget the failures of %s", message_id, exc_info=True)

    def _record(self, message_id: str, error: Exception) -> None:
        """Store the failure; a failure log outage must not hide the original error."""
        text = (str(error) or repr(error))[:MAX_ERROR_TEXT]
        try:
            self.failures.record(Failure(message_id, type(error).__name__, text, self.clock()))
        except Exception:
            log.warning("could not record the failure of message %s", message_id, exc_info=True)
