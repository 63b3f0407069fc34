"""The admin function runs a background task when it invokes itself asynchronously."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers import admin_api
from ingest.tasks import REINDEX, new_task


@pytest.fixture(autouse=True)
def local_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point a fresh cold start at an empty local backend."""
    monkeypatch.setenv("COPPER_BACKEND", "local")
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path))
    admin_api.app.cache_clear()
    yield
    admin_api.app.cache_clear()


def test_an_asynchronous_invocation_with_a_task_id_runs_the_task_to_its_end() -> None:
    services = admin_api.app().extensions["copper"]
    task = new_task(REINDEX)
    services.tasks.put(task)
    answer = admin_api.handler({"copper_task": task.id}, None)
    assert answer["task"]["state"] == "done"
    assert services.tasks.get(task.id).state == "done"
    # a repeated invocation (Lambda retries async events) finds it finished and does nothing
    assert admin_api.handler({"copper_task": task.id}, None) == answer
