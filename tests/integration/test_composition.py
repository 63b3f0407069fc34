"""The composition root: each process builds only what it uses, over either adapter family."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.tasks import REINDEX
from service.adapters import Adapters, adapters_for
from service.bootstrap import (
    build_auditor,
    build_indexer,
    build_services,
    build_sweeper,
    services_over,
)
from service.http.app import create_app
from service.processing import build_consumer
from service.settings import ServiceSettings
from storage.blobstore import StorageUnavailable
from testkit.outages import Switchable


class UnreadableSecret:
    """A secret source that fails the test if anything reads it."""

    def value(self) -> str:
        """Fail: this process should not need the token secret."""
        raise AssertionError("the token secret was read")


class RecordingRunner:
    """A task runner that records what it was asked to run, and runs nothing."""

    def __init__(self) -> None:
        """Start with no task."""
        self.started: list[tuple[str, Callable[[str], object]]] = []

    def run(self, task_id: str, work: Callable[[str], object]) -> None:
        """Record the task and its work."""
        self.started.append((task_id, work))


@pytest.fixture
def adapters(tmp_path: Path) -> Adapters:
    """Return the embedded adapters over a temporary directory, with a secret no one may read."""
    settings = ServiceSettings(data_dir=str(tmp_path), token_secret=secrets.token_urlsafe(40))
    return replace(adapters_for(settings), secret=UnreadableSecret())


@pytest.mark.parametrize("build", [build_consumer, build_indexer, build_sweeper, build_auditor])
def test_the_processor_the_indexer_and_the_scheduled_functions_never_read_the_secret(
    adapters: Adapters, build: Callable[[Adapters], object]
) -> None:
    assert build(adapters) is not None


def test_the_api_services_read_the_secret_to_sign_tokens(adapters: Adapters) -> None:
    with pytest.raises(AssertionError, match="token secret"):
        services_over(adapters)


def test_a_reindex_is_stored_then_handed_to_the_task_runner(tmp_path: Path) -> None:
    runner = RecordingRunner()
    services = replace(build_services(ServiceSettings(data_dir=str(tmp_path))), runner=runner)

    task = services.start_reindex()

    assert services.tasks.get(task.id) == task and task.kind == REINDEX
    [(task_id, work)] = runner.started
    assert task_id == task.id
    work(task_id)
    assert services.tasks.get(task.id).state == "done"


def test_a_reprocess_request_goes_to_the_queue_the_services_were_built_with(
    tmp_path: Path,
) -> None:
    services = build_services(ServiceSettings(data_dir=str(tmp_path)))
    artist = services.accounts.register("ada@example.com", "a long password", "Ada")
    work = services.artworks.create(artist.id, {"title": "Tide"})
    services.artworks.on_reprocess(replace(work, reprocess_request="r-1"))
    [message] = services.queue.receive(10)
    assert work.id in message.body and "r-1" in message.body


def test_the_local_upload_and_media_routes_are_served_only_for_local_stores(
    tmp_path: Path,
) -> None:
    services = build_services(ServiceSettings(data_dir=str(tmp_path)))
    local = create_app(services).test_client()
    elsewhere = create_app(
        replace(
            services,
            blobs=Switchable(services.blobs, lambda: StorageUnavailable("x")),
            media=Switchable(services.media, lambda: StorageUnavailable("x")),
        )
    ).test_client()
    services.media.put("renditions/a/b.webp", b"RIFF", "image/webp")

    def upload() -> dict[str, object]:
        return {"file": (io.BytesIO(b"x"), "a.jpg", "image/jpeg")}

    assert local.post("/uploads", data=upload()).status_code == 400  # served; not a signed form
    assert local.get("/media/renditions/a/b.webp").status_code == 200
    assert elsewhere.post("/uploads", data=upload()).status_code == 404
    assert elsewhere.get("/media/renditions/a/b.webp").status_code == 404
