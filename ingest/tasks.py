"""Long admin jobs (a search index rebuild) run in the background, their progress stored.

The API starts a task and answers at once (Heroku's router and API Gateway cut requests at
30 s); the studio polls the task. A `TaskRunner` runs it: locally a thread, on AWS the admin
function invoking itself asynchronously. The progress lives in a `TaskStore` (messaging/tasks.py).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace

from content.lifecycle import is_deleted
from messaging.tasks import Task, TaskRunner, TaskStore
from search.indexer import Indexer

log = logging.getLogger("copper.tasks")
REINDEX = "reindex"
PROGRESS_EVERY = 1.0  # seconds between progress writes
# A running task not heard from for this long has stopped: its invocation timed out (the
# admin function's 900 s) or crashed, and is not retried. A minute of margin is added.
STALE_AFTER_SECONDS = 960.0
STOPPED = (
    "stopped reporting progress: the run was cut off (a timeout or a crash) and is not retried; "
    "start the task again"
)


def new_task(kind: str, clock: Callable[[], float] = time.time) -> Task:
    """Return a fresh running task."""
    now = clock()
    return Task(id=uuid.uuid4().hex, kind=kind, state="running", started_at=now, updated_at=now)


def task_status(store: TaskStore, task_id: str, clock: Callable[[], float] = time.time) -> Task:
    """Return a task; one running but silent past STALE_AFTER_SECONDS is recorded failed."""
    task = store.get(task_id)
    heard = task.updated_at if task.updated_at is not None else task.started_at
    if task.state != "running" or clock() - heard <= STALE_AFTER_SECONDS:
        return task
    failed = replace(task, state="failed", finished_at=clock(), error=STOPPED)
    store.put(failed)
    log.error("task %s %s", task.id, STOPPED)
    return failed


def documents_to_write(indexer: Indexer) -> int:
    """Return how many documents a rebuild writes: one per work that is not deleted."""
    return sum(1 for artwork in indexer.repository.iter_artworks() if not is_deleted(artwork))


def run_reindex(
    task: Task, indexer: Indexer, store: TaskStore, clock: Callable[[], float] = time.time
) -> Task:
    """Rebuild the search index, writing the task's progress about once a second.

    The total counts the documents to write (deleted works have none); a finished task
    reports what it wrote as both, so done equals total even if works changed meanwhile.
    """
    total = documents_to_write(indexer)
    current = replace(task, total=total, updated_at=clock())
    store.put(current)
    last = clock()

    def progress(done: int) -> None:
        nonlocal current, last
        current = replace(current, done=done)
        if clock() - last >= PROGRESS_EVERY:
            current = replace(current, updated_at=clock())
            store.put(current)
            last = clock()

    try:
        written = indexer.reindex(progress=progress)
    except Exception as error:
        log.exception("reindex task %s failed", task.id)
        now = clock()
        failed = replace(
            current, state="failed", finished_at=now, updated_at=now, error=str(error)[:500]
        )
        store.put(failed)
        return failed
    now = clock()
    finished = replace(
        current, state="done", done=written, total=written, finished_at=now, updated_at=now
    )
    store.put(finished)
    return finished


def start_reindex(store: TaskStore, runner: TaskRunner, work: Callable[[str], object]) -> Task:
    """Store a new reindex task and have `runner` run `work` on it; return the task to poll.

    A runner that cannot start it leaves it recorded failed, with the reason, and raises.
    """
    task = new_task(REINDEX)
    store.put(task)
    try:
        runner.run(task.id, work)
    except Exception as error:
        reason = f"could not start: {error}"[:500]
        store.put(replace(task, state="failed", finished_at=time.time(), error=reason))
        raise
    return task


def run_task(task_id: str, indexer: Indexer, store: TaskStore) -> Task:
    """Run a stored task to its end (one no longer running is returned as it stands)."""
    task = store.get(task_id)
    if task.kind != REINDEX or task.state != "running":
        return task
    return run_reindex(task, indexer, store)
