"""The heartbeat port: consumers record that they are alive; health checks read the newest beat.

A local worker beats from its polling loop, the processor function from its handler (both
rate-limited), so "no beat for a while" means nothing is consuming the queue. Beats are
kept per worker; readers only need the newest one. Both adapters (SQLite in the queue's
database, DynamoDB items in the content table) pass one contract suite.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("copper.heartbeat")

Clock = Callable[[], float]


@dataclass(frozen=True)
class Beat:
    """The latest sign of life of one worker: who, and when (epoch seconds)."""

    worker: str
    at: float


class Heartbeats(Protocol):
    """Where workers record that they are alive."""

    def beat(self, worker: str, at: float | None = None) -> None:
        """Record that `worker` is alive now (or at `at`, epoch seconds)."""
        ...

    def newest(self) -> Beat | None:
        """Return the most recent beat of any worker, or None if none was ever recorded."""
        ...


def local_worker_name(role: str = "worker") -> str:
    """Return a name for this process's worker: role, host and pid."""
    return f"{role}:{socket.gethostname()}:{os.getpid()}"


def container_worker_name(role: str = "processor") -> str:
    """Return a name for this Lambda container (pids repeat across containers)."""
    return f"{role}:{uuid.uuid4().hex[:12]}"


class PacedHeartbeat:
    """Beat through a store at most once per `interval` seconds; never raise (best effort).

    A failed beat is logged and retried at the next call after the interval, so a store
    outage never fails the work the beat accompanies.
    """

    def __init__(
        self,
        heartbeats: Heartbeats,
        worker: str,
        interval: float,
        *,
        clock: Clock = time.monotonic,
    ) -> None:
        """Beat as `worker` into `heartbeats`, at most every `interval` seconds."""
        self._heartbeats = heartbeats
        self.worker = worker
        self._interval = interval
        self._clock = clock
        self._last: float | None = None

    def __call__(self) -> bool:
        """Beat if the interval has passed since the last attempt; return whether it beat."""
        now = self._clock()
        if self._last is not None and now - self._last < self._interval:
            return False
        self._last = now
        try:
            self._heartbeats.beat(self.worker)
        except Exception:  # a heartbeat must never fail the caller's work
            log.warning("heartbeat not recorded", extra={"worker": self.worker}, exc_info=True)
            return False
        return True
