"""A reindex task counts the documents it writes: finished, done equals total, on both backends.

A task whose invocation stopped reporting (a Lambda timeout or crash, not retried) is shown
failed with the reason, instead of running for ever.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from opensearchpy import OpenSearch

from content.dynamodb import DynamoContentRepository, table_definition
from content.model import Status
from content.repository import ContentRepository
from content.sqlite import SqliteContentRepository
from ingest.tasks import REINDEX, STALE_AFTER_SECONDS, new_task, run_reindex, task_status
from messaging.dynamodb import DynamoTaskStore
from messaging.sqlite import SqliteQueue, SqliteTaskStore
from messaging.tasks import TaskStore
from search.index import SearchIndex
from search.indexer import Indexer
from search.opensearch import OpenSearchIndex
from search.sqlite import SqliteSearchIndex
from tests.integration.content.test_repository_contract import make_artist, make_artwork

TABLE = "copper-content-test"


@pytest.fixture(params=["local", "aws"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[ContentRepository, SearchIndex, TaskStore]]:
    """Yield a content store, a search index and a task store of each backend family."""
    if request.param == "local":
        tasks = SqliteTaskStore(SqliteQueue(tmp_path / "queue.db").database)
        yield (
            SqliteContentRepository(tmp_path / "content.db"),
            SqliteSearchIndex(tmp_path / "search.db"),
            tasks,
        )
        return
    request.getfixturevalue("aws_environment")
    url = request.getfixturevalue("osmem_clone").url
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(**table_definition(TABLE))
        yield (
            DynamoContentRepository(TABLE, client=client),
            OpenSearchIndex(OpenSearch(hosts=[url]), "artworks"),
            DynamoTaskStore(TABLE, client=client),
        )


def test_a_finished_reindex_reports_done_equal_to_total_when_a_work_was_deleted(
    stores: tuple[ContentRepository, SearchIndex, TaskStore],
) -> None:
    repository, index, tasks = stores
    artist = make_artist(1)
    repository.add_artist(artist)
    for n in range(1, 8):
        repository.add_artwork(make_artwork(n, artist.id))
    repository.add_artwork(make_artwork(8, artist.id, status=Status.DELETED))
    task = new_task(REINDEX)
    tasks.put(task)
    finished = run_reindex(task, Indexer(repository, index), tasks)
    assert (finished.state, finished.done, finished.total) == ("done", 7, 7)
    assert tasks.get(task.id) == finished


def test_a_running_task_that_stopped_reporting_is_shown_failed_with_the_reason(
    tmp_path: Path,
) -> None:
    tasks = SqliteTaskStore(SqliteQueue(tmp_path / "queue.db").database)
    task = replace(new_task(REINDEX, clock=lambda: 1000.0), updated_at=1000.0)
    tasks.put(task)
    assert task_status(tasks, task.id, clock=lambda: 1000.0 + STALE_AFTER_SECONDS).state == (
        "running"
    )
    later = 1001.0 + STALE_AFTER_SECONDS
    shown = task_status(tasks, task.id, clock=lambda: later)
    assert shown.state == "failed"
    assert shown.error is not None and "stopped reporting" in shown.error
    assert shown.finished_at == later
    assert tasks.get(task.id) == shown  # recorded: every later read agrees


def test_a_task_whose_runner_could_not_start_it_is_recorded_failed(tmp_path: Path) -> None:
    from ingest.tasks import start_reindex

    tasks = SqliteTaskStore(SqliteQueue(tmp_path / "queue.db").database)

    class Refusing:
        def run(self, task_id: str, work: Any) -> None:
            raise RuntimeError("Lambda refused the invocation: TooManyRequestsException")

    with pytest.raises(RuntimeError):
        start_reindex(tasks, Refusing(), lambda task_id: None)
    # the task exists, failed, with the reason (no task is left running that nothing runs)
    stored = [tasks.get(task_id) for task_id in all_task_ids(tmp_path)]
    assert [(t.state, t.error) for t in stored] == [
        ("failed", "could not start: Lambda refused the invocation: TooManyRequestsException")
    ]


def all_task_ids(tmp_path: Path) -> list[str]:
    """Return the ids of every stored task (read straight from the database)."""
    database = SqliteQueue(tmp_path / "queue.db").database
    return [row[0] for row in database.fetch("SELECT id FROM tasks", ())]
