"""`copper worker`'s runtime: the local queue and change log feed the Lambda handlers."""

from __future__ import annotations

import signal
import threading

from copper.worker import ChangeFeed, Worker
from handlers import index_changes
from handlers.process_uploads import handler
from messaging.heartbeat import local_worker_name
from service.bootstrap import Services


def local_worker(services: Services, *, batch_size: int, parent_pid: int | None) -> Worker:
    """Return a worker that feeds the processing and indexing handlers, beating and sweeping."""
    if services.changes is None:
        raise ValueError("a local worker needs the embedded change log")
    name = local_worker_name()

    def beat() -> None:
        """Record that this worker is polling (the schedule paces it)."""
        services.heartbeats.beat(name)

    def sweep() -> None:
        """Fail dead-lettered and overdue works (every worker sweeps; sweeping is idempotent)."""
        services.sweeper().sweep()

    return Worker(
        services.queue,
        handler,
        batch_size=batch_size,
        changes=ChangeFeed(services.changes, index_changes.handler),
        periodic=(
            (services.settings.heartbeat_interval, beat),
            (services.settings.sweep_interval, sweep),
        ),
        parent_pid=parent_pid,
    )


def stop_on_signals() -> threading.Event:
    """Return an event that SIGINT or SIGTERM sets (a worker then finishes its batch in hand)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    return stop
