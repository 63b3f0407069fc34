"""The local worker loop: periodic tasks run between polls and a failing one harms nothing."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from copper.worker import Worker
from messaging.sqlite import SqliteHeartbeats, SqliteQueue


def acknowledge_all(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Handle a batch by succeeding on every record."""
    return {"batchItemFailures": []}


def test_periodic_tasks_run_between_polls_and_a_failing_one_never_stops_the_worker(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a worker with a heartbeat, a task that always fails and one that ends the test
    queue = SqliteQueue(tmp_path / "queue.db")
    heartbeats = SqliteHeartbeats(queue.database)
    stop = threading.Event()
    runs: list[str] = []

    def broken() -> None:
        runs.append("broken")
        raise RuntimeError("change log unavailable")

    def count_and_stop() -> None:
        runs.append("counter")
        if runs.count("counter") == 3:
            stop.set()

    worker = Worker(
        queue,
        acknowledge_all,
        wait_seconds=0.01,
        periodic=(
            (0.01, lambda: heartbeats.beat("worker:test")),
            (0.01, broken),
            (0.01, count_and_stop),
        ),
    )
    queue.send("work")
    # WHEN it runs THEN it keeps polling and running every task until stopped
    with caplog.at_level(logging.ERROR, logger="copper.periodic"):
        worker.run(stop)
    assert runs.count("counter") == 3
    assert runs.count("broken") >= 2
    assert "periodic task failed" in caplog.messages
    assert queue.counts() == {"visible": 0, "in_flight": 0, "dead": 0}
    newest = heartbeats.newest()
    assert newest is not None and newest.worker == "worker:test"
