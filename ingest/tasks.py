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

from messaging.tasks import Task, TaskRunner, TaskStore
from search.indexer import Indexer

log = logging.getLogger("copper.tasks")
REINDEX = "reindex"
PROGRESS_EVERY = 1.0  # seconds between progress writes


def new_task(kind: str, clock: Callable[[], float] = time.time) -> Task:
    """Return a fresh running task."""
    return Task(id=uuid.uuid4().hex, kind=kind, state="running", started_at=clock())


def run_reindex(
    task: Task, indexer: Indexer, store: TaskStore, clock: Callable[[], float] = time.time
) -> Task:
    """Rebuild the search index, writing the task's progress about once a second."""
    total = sum(1 for _ in indexer.repository.iter_artworks())
    current = replace(task, total=total)
    store.put(current)
    last = clock()

    def progress(done: int) -> None:
        nonlocal current, last
        current = replace(current, done=done)
        if clock() - last >= PROGRESS_EVERY:
            store.put(current)
            last = clock()

    try:
        written = indexer.reindex(progress=progress)
    except Exception as error:
        log.exception("reindex task %s failed", task.id)
        failed = replace(current, state="failed", finished_at=clock(), error=str(error)[:500])
        store.put(failed)
        return failed
    finished = replace(current, state="done", done=written, finished_at=clock())
    store.put(finished)
    return finished


def start_reindex(store: TaskStore, runner: TaskRunner, work: Callable[[str], object]) -> Task:
    """Store a new reindex task and have `runner` run `work` on it; return the task to poll."""
    task = new_task(REINDEX)
    store.put(task)
    runner.run(task.id, work)
    return task


def run_task(task_id: str, indexer: Indexer, store: TaskStore) -> Task:
    """Run a stored task to its end (one no longer running is returned as it stands)."""
    task = store.get(task_id)
    if task.kind != REINDEX or task.state != "running":
        return task
    return run_reindex(task, indexer, store)
