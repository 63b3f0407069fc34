"""`copper worker`'s runtime: the local queue and change log feed the Lambda handlers.

Its console is the handlers' JSON logs and metrics (`json`, as on Lambda), or one plain line
per message with warnings and errors as lines (`events`, what `copper dev` shows).
"""

from __future__ import annotations

import signal
import threading
from typing import Literal

from copper.console import quiet_worker, say_event
from copper.event_lines import reporting
from copper.worker import ChangeFeed, Worker
from handlers import index_changes
from handlers.process_uploads import handler
from messaging.heartbeat import local_worker_name
from service.adapters import Adapters
from service.bootstrap import build_sweeper

Console = Literal["json", "events"]


def local_worker(
    adapters: Adapters, *, batch_size: int, parent_pid: int | None, console: Console = "json"
) -> Worker:
    """Return a worker that feeds the processing and indexing handlers, beating and sweeping."""
    if adapters.changes is None:
        raise ValueError("a local worker needs the embedded change log")
    process = handler
    if console == "events":
        quiet_worker()
        process = reporting(
            handler,
            adapters.repository,
            adapters.failures,
            adapters.queue.max_receive_count,
            say_event,
        )
    name = local_worker_name()
    sweeper = build_sweeper(adapters)

    def beat() -> None:
        """Record that this worker is polling (the schedule paces it)."""
        adapters.heartbeats.beat(name)

    def sweep() -> None:
        """Fail dead-lettered and overdue works (every worker sweeps; sweeping is idempotent)."""
        sweeper.sweep()

    return Worker(
        adapters.queue,
        process,
        batch_size=batch_size,
        changes=ChangeFeed(adapters.changes, index_changes.handler),
        periodic=(
            (adapters.settings.heartbeat_interval, beat),
            (adapters.settings.sweep_interval, sweep),
        ),
        parent_pid=parent_pid,
    )


def stop_on_signals() -> threading.Event:
    """Return an event that SIGINT or SIGTERM sets (a worker then finishes its batch in hand)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    return stop
