"""The event flow on both backends: real adapters, the real handler, controllable outages.

`flow` is the local family (SQLite queue, files, SQLite stores) or the AWS family (moto's
S3, SQS with a RedrivePolicy and DynamoDB, plus an osmem-server clone for OpenSearch). Both
run the same handler through the same local poller; the visibility timeout is one second
and a message is dead-lettered after three receives, so retries are quick.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from opensearchpy import OpenSearch

from content.dynamodb import DynamoContentRepository, table_definition
from content.model import Artist, Artwork, original_key
from content.repository import StoreUnavailable
from content.sqlite import SqliteContentRepository
from copper.bootstrap import Services, build_services
from copper.demo_art import artwork_jpeg
from copper.settings import ServiceSettings
from copper.worker import Worker
from handlers.process_uploads import build_handler
from ingest.maintenance import AuditReport
from messaging.local_events import s3_notification
from messaging.queue import Message
from pipeline.settings import PipelineSettings
from search.errors import SearchUnavailable
from search.opensearch import OpenSearchIndex
from search.sqlite import SqliteSearchIndex
from storage.blobstore import BlobStore, StorageUnavailable
from storage.local import LocalBlobStore
from storage.s3 import S3BlobStore
from tests.integration.messaging.conftest import sqs_queues
from tests.support.outages import Switchable

CORRUPT_JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000  # a JPEG header, then nothing decodable
PIPELINE = PipelineSettings(ladder=(320,), formats=("webp", "jpeg"), thumbnail_size=120)
MAX_RECEIVES = 3
UPLOADS, MEDIA, TABLE = "copper-uploads-test", "copper-media-test", "copper-content-test"


@dataclass
class Flow:
    """One backend's services, a worker over the real handler, and switches for outages."""

    services: Services
    worker: Worker
    index: Switchable
    store: Switchable
    uploads: Switchable
    raw_uploads: BlobStore
    bucket: str

    def artist(self, name: str = "Ada Verdigris") -> Artist:
        """Register an artist."""
        email = f"{secrets.token_hex(4)}@example.com"
        return self.services.accounts.register(email, "a long enough password", name)

    def artwork(self, artist: Artist, title: str = "Tide") -> Artwork:
        """Create a work awaiting its upload."""
        return self.services.artworks.create(artist.id, {"title": title})

    def store_original(self, artwork: Artwork, data: bytes | None = None) -> str:
        """Put an original in the uploads store (no event: tests send their own)."""
        key = original_key(artwork.artist_id, artwork.id)
        self.raw_uploads.put(key, data or artwork_jpeg(len(artwork.id), 480), "image/jpeg")
        return key

    def send(self, kind: str, artwork: Artwork, sequencer: str, size: int | None = 1) -> str:
        """Send an S3 notification for the work's original; return the message id."""
        name = "ObjectCreated:Put" if kind == "created" else "ObjectRemoved:Delete"
        key = original_key(artwork.artist_id, artwork.id)
        body = s3_notification(name, self.bucket, key, sequencer, size=size)
        return self.services.queue.send(body)

    def receive(self, count: int) -> list[Message]:
        """Receive `count` messages, as one batch for the handler."""
        messages: list[Message] = []
        while len(messages) < count:
            messages += self.services.queue.receive(10)
        return messages

    def acknowledge_all_but(self, messages: list[Message], kept: str) -> None:
        """Delete the received messages except the one with id `kept` (as Lambda's poller does)."""
        for message in messages:
            if message.id != kept:
                self.services.queue.delete(message.receipt)

    def drain(self, timeout: float = 30) -> None:
        """Run the worker until the queue is empty (waiting out visibility timeouts)."""
        deadline = time.monotonic() + timeout
        while True:
            self.worker.drain()
            counts = self.services.queue.counts()
            if counts["visible"] + counts["in_flight"] == 0:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the queue did not drain: {counts}")
            time.sleep(0.2)

    def record(self, artwork: Artwork) -> Artwork:
        """Return the stored record."""
        return self.services.repository.get_artwork(artwork.id)

    def media_keys(self, artwork: Artwork) -> list[str]:
        """Return the rendition keys stored for a work."""
        return list(self.services.media.list(f"renditions/{artwork.artist_id}/{artwork.id}/"))

    def documents(self) -> int:
        """Return how many search documents the index holds."""
        return self.index.inner.count()

    def audit(self) -> AuditReport:
        """Run the audit."""
        return self.services.maintenance().audit()


def flow_for(services: Services, index: Switchable, store: Switchable, raw: BlobStore) -> Flow:
    """Return a Flow whose worker feeds the real handler with a small pipeline."""
    uploads = Switchable(
        services.blobs, lambda: StorageUnavailable("uploads store unavailable (simulated)")
    )
    services = replace(services, blobs=uploads)
    consumer = services.consumer(PIPELINE)
    worker = Worker(services.queue, build_handler(lambda: consumer), wait_seconds=0)
    return Flow(services, worker, index, store, uploads, raw, services.settings.uploads_bucket)


def switches(index: Any, repository: Any) -> tuple[Switchable, Switchable]:
    """Wrap the index and the content store in outage switches."""
    return (
        Switchable(index, lambda: SearchUnavailable("search index unavailable (simulated)")),
        Switchable(repository, lambda: StoreUnavailable("content store unavailable (simulated)")),
    )


@pytest.fixture
def local_flow(tmp_path: Path) -> Flow:
    """Return the event flow on the embedded backend."""
    settings = ServiceSettings(
        data_dir=str(tmp_path),
        token_secret=secrets.token_urlsafe(40),
        visibility_timeout=1,
        max_receive_count=MAX_RECEIVES,
    )
    index, store = switches(
        SqliteSearchIndex(tmp_path / "search.db"),
        SqliteContentRepository(tmp_path / "content.db"),
    )
    services = build_services(settings, search=index, repository=store)  # type: ignore[arg-type]
    raw = LocalBlobStore(tmp_path / "blobs", secret=b"raw", base_url="")
    return flow_for(services, index, store, raw)


@pytest.fixture
def aws_flow(aws_environment: None, request: pytest.FixtureRequest) -> Iterator[Flow]:
    """Yield the event flow on the AWS adapters (moto and an osmem-server clone)."""
    with aws_flow_on(request.getfixturevalue("osmem_clone").url) as flow:
        yield flow


@contextmanager
def aws_flow_on(
    opensearch_url: str, client: Callable[[OpenSearch], Any] = lambda c: c, **index_options: Any
) -> Iterator[Flow]:
    """Yield the AWS flow; `client` may wrap the OpenSearch client, `index_options` tune it."""
    with mock_aws():
        s3 = boto3.client("s3")
        for bucket in (UPLOADS, MEDIA):
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
            )
        boto3.client("dynamodb").create_table(**table_definition(TABLE))
        queue_url, dead_url = sqs_queues(boto3.client("sqs"), MAX_RECEIVES)
        settings = ServiceSettings(
            backend="aws",
            token_secret=secrets.token_urlsafe(40),
            uploads_bucket=UPLOADS,
            media_bucket=MEDIA,
            dynamodb_table=TABLE,
            queue_url=queue_url,
            dead_letter_queue_url=dead_url,
            opensearch_url=opensearch_url,
            max_receive_count=MAX_RECEIVES,
        )
        index, store = switches(
            OpenSearchIndex(
                client(OpenSearch(hosts=[opensearch_url])),
                "artworks",
                refresh=True,
                **index_options,
            ),
            DynamoContentRepository(TABLE),
        )
        services = build_services(settings, search=index, repository=store)  # type: ignore[arg-type]
        yield flow_for(services, index, store, S3BlobStore(UPLOADS))


@pytest.fixture(params=["local", "aws"])
def flow(request: pytest.FixtureRequest) -> Flow:
    """Return the event flow on each backend in turn."""
    return request.getfixturevalue(f"{request.param}_flow")


def with_title(artwork: Artwork, title: str) -> Artwork:
    """Return the work retitled (for concurrent-edit scenarios)."""
    return replace(artwork, title=title)
