"""The queue port: SQS semantics (visibility timeout, receive count, redrive to a DLQ).

Both adapters behave identically (one contract suite runs against both):

- `receive` hands out visible messages in send order, hides each for the visibility
  timeout and counts the receive. A message already received `max_receive_count` times is
  moved to the dead-letter queue instead of being handed out again (SQS's RedrivePolicy).
- `delete` takes the receipt of the latest receive (SQS does not promise what an older one
  does); `release` makes a received message visible again at once.
- Dead letters keep their message id and body. `redrive` moves chosen dead letters back
  (send, then delete: a crash between the two duplicates a message, never loses one);
  `redrive_all` moves them all (SQS StartMessageMoveTask on AWS); a handle the queue does
  not know is NoSuchMoveTask.
- The failure log records the last error of a message under its id, so the admin tools can
  show why a dead letter died (SQS itself keeps no such thing), and the message's last
  attempt before the dead-letter queue (its body and send time), so they can list dead
  letters without receiving them (SQS has no peek: a receive counts, and hides).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from kernel.errors import CopperError, Missing, Transient, Unsupported

DEFAULT_VISIBILITY_TIMEOUT = 60
DEFAULT_MAX_RECEIVE_COUNT = 5
MAX_BATCH = 10
WORKER_LOST = "WorkerLost"  # the error class of an attempt that never reported back
WORKER_LOST_TEXT = (
    "An attempt never reported back: the processor crashed, ran out of memory or timed out."
)


class QueueError(CopperError):
    """Base class of queue errors."""


class QueueUnavailable(QueueError, Transient):
    """The queue could not be reached or throttled us: transient, retry later."""


class NoSuchMoveTask(QueueError, Missing):
    """The queue knows no move task by that handle."""


class OperationUnsupported(QueueError, Unsupported):
    """The queue's backend lacks an operation (an emulator, an old SDK): name it."""

    def __init__(self, service: str, operation: str, hint: str = "") -> None:
        """Say which operation of which service the backend lacks, and what to do instead."""
        self.service, self.operation = service, operation
        text = f"This {service} endpoint does not offer {operation} (an emulator or an old SDK)."
        super().__init__(f"{text} {hint}".strip())


@dataclass(frozen=True)
class Message:
    """A received message: its id, body, receipt for this receive, and how often it was received."""

    id: str
    body: str
    receipt: str
    receive_count: int
    sent_at: float


@dataclass(frozen=True)
class DeadLetter:
    """A message in the dead-letter queue."""

    id: str
    body: str
    receive_count: int
    sent_at: float


@dataclass(frozen=True)
class Failure:
    """The last error seen while handling a message."""

    message_id: str
    error_class: str
    error_message: str
    at: float
    attempts: int = 1


@dataclass(frozen=True)
class LastAttempt:
    """A message's last receive before the dead-letter queue: what it was, and when."""

    message_id: str
    body: str
    sent_at: float
    receive_count: int
    started_at: float


@dataclass(frozen=True)
class MoveTask:
    """A redrive of the whole dead-letter queue: its handle, status and progress."""

    handle: str
    status: str  # RUNNING, COMPLETED, CANCELLED, FAILED
    moved: int
    to_move: int | None = None


class MessageQueue(Protocol):
    """A work queue with its dead-letter queue."""

    max_receive_count: int
    # Whether `dead_letters` changes nothing (a database read), or receives each message
    # (SQS has no peek: the receive is counted and hides the message for a while).
    reads_dead_letters_freely: bool

    @property
    def visibility_timeout(self) -> float:
        """Return the seconds a received message stays hidden (SQS: the queue's attribute)."""
        ...

    def send(self, body: str) -> str:
        """Enqueue a message; return its id."""
        ...

    def receive(self, max_messages: int = MAX_BATCH, wait_seconds: float = 0) -> list[Message]:
        """Return up to `max_messages` visible messages, hiding them for the visibility timeout."""
        ...

    def delete(self, receipt: str) -> None:
        """Delete a received message (its work is done)."""
        ...

    def release(self, receipt: str) -> None:
        """Make a received message visible again at once."""
        ...

    def counts(self) -> dict[str, int]:
        """Return the number of messages `visible`, `in_flight` and `dead`."""
        ...

    def oldest_waiting_age(self) -> float | None:
        """Return the seconds the oldest visible message has waited; None if none or unknown.

        SQS offers no such figure outside CloudWatch, so its adapter always answers None.
        """
        ...

    def dead_letters(self, limit: int = 1000) -> list[DeadLetter]:
        """Return up to `limit` dead letters, oldest first, without removing them."""
        ...

    def redrive(self, ids: Sequence[str]) -> list[str]:
        """Move these dead letters back to the queue (send, then delete); return the moved ids."""
        ...

    def redrive_all(self) -> MoveTask:
        """Start moving every dead letter back to the queue."""
        ...

    def move_status(self, handle: str) -> MoveTask:
        """Return the state of a redrive started by `redrive_all`; NoSuchMoveTask if unknown."""
        ...

    def cancel_move(self, handle: str) -> MoveTask:
        """Cancel a running redrive; NoSuchMoveTask if the queue knows no such task."""
        ...

    def purge_dead_letters(self) -> int:
        """Delete every dead letter; return how many there were (SQS: approximately)."""
        ...


class FailureLog(Protocol):
    """The last error of each failed message, by message id."""

    def record(self, failure: Failure) -> None:
        """Store a message's latest failure (counting the attempts)."""
        ...

    def get(self, message_ids: Sequence[str]) -> dict[str, Failure]:
        """Return the failures known for these ids."""
        ...

    def forget(self, message_ids: Sequence[str]) -> None:
        """Drop the failures and last attempts of messages that are gone (purged, replayed)."""
        ...

    def last_attempt(self, attempt: LastAttempt) -> None:
        """Remember a message whose last receive before the dead-letter queue has begun."""
        ...

    def last_attempts(self, limit: int = 1000) -> list[tuple[LastAttempt, Failure | None]]:
        """Return up to `limit` last attempts, oldest sent first, each with its failure."""
        ...
