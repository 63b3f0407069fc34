"""Periodic tasks of a polling loop: `(interval_seconds, callable)` pairs run when due.

The local worker runs them between polls (see `copper.worker.Worker.run`). A task runs on
the loop's first pass and again whenever `interval_seconds` have passed since it last
started; a slow task delays the others, never the reverse. An exception in a task is
logged and the loop goes on. Tasks take no arguments; bind what they need with a closure
or `functools.partial`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

log = logging.getLogger("copper.periodic")

PeriodicTask = tuple[float, Callable[[], object]]
Clock = Callable[[], float]


def task_name(task: Callable[[], object]) -> str:
    """Return a readable name of a task for the logs."""
    return getattr(task, "__qualname__", None) or type(task).__name__


class Schedule:
    """When each periodic task is next due, on a monotonic clock."""

    def __init__(self, tasks: Sequence[PeriodicTask], *, clock: Clock = time.monotonic) -> None:
        """Schedule `tasks`, each due at once."""
        for interval, _ in tasks:
            if interval <= 0:
                raise ValueError("a periodic task's interval is positive")
        self._tasks = tuple(tasks)
        self._clock = clock
        self._next = [float("-inf")] * len(self._tasks)

    def due(self) -> list[int]:
        """Return the positions of the tasks due now."""
        now = self._clock()
        return [n for n, due_at in enumerate(self._next) if due_at <= now]

    def run_due(self) -> int:
        """Run every due task, logging (never raising) its errors; return how many ran."""
        ran = 0
        for n in self.due():
            interval, task = self._tasks[n]
            self._next[n] = self._clock() + interval
            ran += 1
            try:
                task()
            except Exception:  # one failing task must not stop the loop or the others
                log.exception("periodic task failed", extra={"task": task_name(task)})
        return ran
