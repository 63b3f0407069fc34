"""What `/healthz` reports: whether anything consumes the upload queue, and why not.

The decision is a pure function of what was observed (the newest worker heartbeat, the
waiting messages) and the bounds from the settings; gathering the observations is the
only I/O, and a store that cannot be read makes its check degraded, never an error.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from messaging.heartbeat import Beat, Heartbeats
from messaging.queue import MessageQueue

log = logging.getLogger("copper.health")

OK = "ok"
DEGRADED = "degraded"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ok or degraded, and a sentence saying why."""

    ok: bool
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Return the check as JSON-ready data."""
        return {"status": OK if self.ok else DEGRADED, "reason": self.reason}


@dataclass(frozen=True)
class Bounds:
    """How old a heartbeat or a waiting message may get before the stack counts as degraded.

    `workers_poll` says whether consumers poll all the time (local workers), so a silent
    one is a fault even with an empty queue; Lambda runs the processor only when messages
    arrive, so there an old heartbeat matters only while messages wait.
    """

    worker_age: float
    backlog_age: float
    workers_poll: bool


@dataclass(frozen=True)
class Observed:
    """What the checks read: the newest heartbeat and the waiting messages."""

    now: float
    newest_beat: Beat | None
    waiting: int
    oldest_waiting_age: float | None


def seconds(value: float) -> str:
    """Return a duration for a sentence, such as '42 s'."""
    return f"{value:.0f} s"


def worker_check(observed: Observed, bounds: Bounds) -> Check:
    """Return whether a worker has polled the queue recently enough."""
    beat = observed.newest_beat
    if beat is None:
        if bounds.workers_poll:
            return Check(False, "no worker has ever polled the queue")
        return Check(True, "no processor heartbeat yet; the processor runs when messages arrive")
    age = max(0.0, observed.now - beat.at)
    if age <= bounds.worker_age:
        return Check(True, f"a worker polled {seconds(age)} ago")
    if bounds.workers_poll:
        return Check(
            False,
            f"no worker has polled the queue for {seconds(age)} "
            f"(bound {seconds(bounds.worker_age)})",
        )
    return Check(True, f"the processor last ran {seconds(age)} ago")


def queue_check(observed: Observed, bounds: Bounds) -> Check:
    """Return whether waiting messages are being consumed."""
    waiting = observed.waiting
    if waiting == 0:
        return Check(True, "no message is waiting")
    beat = observed.newest_beat
    silent_for = None if beat is None else max(0.0, observed.now - beat.at)
    if silent_for is None or silent_for > bounds.worker_age:
        since = "ever" if silent_for is None else f"for {seconds(silent_for)}"
        return Check(False, f"{waiting} messages waiting and no worker heartbeat {since}")
    oldest = observed.oldest_waiting_age
    if oldest is not None and oldest > bounds.backlog_age:
        return Check(
            False,
            f"{waiting} messages waiting; the oldest for {seconds(oldest)} "
            f"(bound {seconds(bounds.backlog_age)})",
        )
    return Check(True, f"{waiting} messages waiting; workers are consuming them")


def assess(observed: Observed, bounds: Bounds) -> dict[str, Check]:
    """Return every check's outcome."""
    return {"workers": worker_check(observed, bounds), "queue": queue_check(observed, bounds)}


def report(checks: dict[str, Check]) -> dict[str, Any]:
    """Return the `/healthz` document: degraded if any check is."""
    status = OK if all(check.ok for check in checks.values()) else DEGRADED
    return {"status": status, "checks": {name: c.to_dict() for name, c in checks.items()}}


def unreadable(what: str, error: Exception) -> Check:
    """Return the degraded check of a store that could not be read."""
    log.warning("health check could not read the %s", what, exc_info=error)
    return Check(False, f"the {what} could not be read ({type(error).__name__})")


def health(
    heartbeats: Heartbeats, queue: MessageQueue, bounds: Bounds, now: float | None = None
) -> dict[str, Any]:
    """Read the heartbeats and the queue, and return the `/healthz` document."""
    now = time.time() if now is None else now
    failed: dict[str, Check] = {}
    beat: Beat | None = None
    waiting, oldest = 0, None
    try:
        beat = heartbeats.newest()
    except Exception as error:  # a health check reports a broken store, it never fails
        failed["workers"] = unreadable("heartbeat store", error)
    try:
        waiting = queue.counts()["visible"]
        oldest = queue.oldest_waiting_age()
    except Exception as error:  # likewise for the queue
        failed["queue"] = unreadable("queue", error)
    checks = assess(Observed(now, beat, waiting, oldest), bounds) | failed
    if "workers" in failed and "queue" not in failed and waiting:
        checks["queue"] = Check(False, f"{waiting} messages waiting; no heartbeat to tell who")
    return report(checks)
