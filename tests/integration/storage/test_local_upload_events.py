"""A local change and its S3-style event are one unit: without the event, nothing changes.

The queue database is made busy for real: another connection holds SQLite's write lock
while the store, whose queue waits at most a tenth of a second for it, tries to send.
"""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from messaging.local_events import LocalObjectEvents
from messaging.sqlite import SqliteQueue
from service.bootstrap import build_services
from service.http.app import create_app
from service.settings import ServiceSettings
from storage.blobstore import StorageUnavailable, UploadPolicy
from storage.local import LocalBlobStore
from storage.sqlite import Database

from .conftest import SECRET

KEY = "originals/01HARTIST/01HWORK"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
SHORT_BUSY_TIMEOUT = 0.1


@dataclass
class Stack:
    """The real API app over a local store whose events go to a real SQLite queue."""

    client: FlaskClient
    store: LocalBlobStore
    queue: SqliteQueue
    queue_path: Path

    @contextmanager
    def queue_locked(self) -> Iterator[None]:
        """Hold the queue database's write lock from another connection for the body."""
        holder = sqlite3.connect(self.queue_path, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            yield
            holder.execute("ROLLBACK")
        finally:
            holder.close()

    def queued_keys(self) -> list[str]:
        """Return the object keys of every queued event (received, so use once per test)."""
        return [m.body.split('"key": "')[1].split('"')[0] for m in self.queue.receive(10)]


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    """Return the API app on the embedded backend, its uploads store on a quickly-busy queue."""
    settings = ServiceSettings(data_dir=str(tmp_path / "var"))
    services = build_services(settings)
    services.queue.counts()  # creates the queue's tables
    queue_path = tmp_path / "var" / "queue.db"
    queue = SqliteQueue(
        queue_path,
        database=Database(queue_path, lambda db: None, busy_timeout=SHORT_BUSY_TIMEOUT),
    )
    store = LocalBlobStore(
        tmp_path / "var" / "blobs",
        secret=SECRET,
        base_url="",
        on_change=LocalObjectEvents(queue, settings.uploads_bucket),
    )
    app = create_app(replace(services, blobs=store, queue=queue))
    return Stack(app.test_client(), store, queue, queue_path)


def upload_form(store: LocalBlobStore) -> dict[str, str]:
    """Return the fields of a JPEG upload form for KEY."""
    return store.upload_form(UploadPolicy(KEY, max_bytes=1000), "image/jpeg").fields


def post(client: FlaskClient, fields: dict[str, str], body: bytes = JPEG) -> TestResponse:
    """POST the fields, then the file last, as a browser would."""
    data: dict[str, object] = {**fields, "file": (io.BytesIO(body), "work.jpg", "image/jpeg")}
    return client.post("/uploads", data=data, content_type="multipart/form-data")


def test_an_upload_while_the_queue_is_busy_is_refused_and_nothing_is_stored(stack: Stack) -> None:
    fields = upload_form(stack.store)

    with stack.queue_locked():
        response = post(stack.client, fields)

    assert response.status_code == 503
    assert response.headers["Retry-After"]
    error = response.get_json()["error"]
    assert error["code"] == "unavailable"
    assert "post the same form again" in error["message"]
    assert not stack.store.exists(KEY)
    assert list(stack.store.list()) == []
    assert stack.queue.counts() == {"visible": 0, "in_flight": 0, "dead": 0}


def test_the_same_form_is_accepted_once_the_queue_is_free_again(stack: Stack) -> None:
    fields = upload_form(stack.store)
    with stack.queue_locked():
        assert post(stack.client, fields).status_code == 503

    response = post(stack.client, fields)

    assert response.status_code == 204
    assert stack.store.get(KEY) == JPEG
    assert stack.queued_keys() == [KEY]


def test_a_replacing_put_whose_event_cannot_be_sent_leaves_the_earlier_object(
    stack: Stack,
) -> None:
    stack.store.put(KEY, b"the earlier original", "image/jpeg")

    with stack.queue_locked(), pytest.raises(StorageUnavailable):
        stack.store.put(KEY, b"the newer original", "image/jpeg")

    assert stack.store.get(KEY) == b"the earlier original"
    assert stack.queued_keys() == [KEY]  # the earlier put's event only
    assert sorted(p.name for p in (stack.store.root / ".tmp").iterdir()) == []


def test_a_delete_whose_event_cannot_be_sent_keeps_the_object_and_fails(stack: Stack) -> None:
    stack.store.put(KEY, JPEG, "image/jpeg")
    stack.queue.delete(stack.queue.receive(1)[0].receipt)

    with stack.queue_locked(), pytest.raises(StorageUnavailable):
        stack.store.delete(KEY)

    assert stack.store.get(KEY) == JPEG
    assert stack.queue.counts()["visible"] == 0
    stack.store.delete(KEY)
    assert not stack.store.exists(KEY)
    assert stack.queued_keys() == [KEY]


class BlockingObserver:
    """An observer that cannot send, and leaves a directory where the new object was."""

    def __init__(self, root: Path) -> None:
        """Block undo inside the store at `root`."""
        self.root = root

    def __call__(self, event_name: str, key: str, size: int | None) -> None:
        """Swap the object for a directory (so it cannot be unlinked), then fail."""
        path = self.root / key
        path.unlink()
        path.mkdir()
        raise ConnectionError("the queue is gone")


def test_an_upload_that_cannot_be_undone_is_logged_as_critical(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "blobs"
    store = LocalBlobStore(root, secret=SECRET, base_url="", on_change=BlockingObserver(root))
    with caplog.at_level(logging.CRITICAL, "copper.storage"), pytest.raises(StorageUnavailable):
        store.accept_upload(upload_form(store), io.BytesIO(JPEG), None)

    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert [r.__dict__["key"] for r in critical] == [KEY]
