"""The content store's change stream: which record changed, for projections such as search.

On AWS this is DynamoDB Streams (keys only) feeding the indexer function through an event
source mapping. On the embedded backend it is a change log (a transactional outbox) written
in the same SQLite transaction as the record, so a change can never be committed without its
entry; the worker drains it through the same indexer handler, shaped as a stream event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

RecordKind = Literal["artwork", "artist"]
MAX_RETRY_DELAY = 30.0


@dataclass(frozen=True)
class Change:
    """One committed change: its position in the log, the record it touched, its attempts."""

    seq: int
    kind: RecordKind
    record_id: str
    at: float
    attempts: int = 0


@dataclass(frozen=True)
class Backlog:
    """Changes not yet applied: how many, and when the oldest was committed (None: none)."""

    count: int
    oldest_at: float | None


def retry_delay(attempts: int) -> float:
    """Return how long a change that failed `attempts` times waits: doubling, capped at 30 s."""
    return min(MAX_RETRY_DELAY, 0.5 * 2.0 ** max(0, attempts - 1))


class ChangeLog(Protocol):
    """The embedded change stream: claim entries for a while, then acknowledge or retry them."""

    def claim(self, limit: int, lease_seconds: float) -> list[Change]:
        """Return up to `limit` due changes, oldest first, hidden from others for the lease."""
        ...

    def acknowledge(self, changes: Sequence[Change]) -> None:
        """Forget changes that were applied."""
        ...

    def retry_later(self, changes: Sequence[Change]) -> None:
        """Make failed changes due again after their backoff, counting the attempt."""
        ...

    def claim_early(self, lease_seconds: float) -> list[Change]:
        """Return the backed-off change due first, before its time (a probe of the index)."""
        ...

    def wake(self) -> None:
        """Make every backed-off change due now (the index is back)."""
        ...

    def backlog(self) -> Backlog:
        """Return how many changes wait and the commit time of the oldest."""
        ...
