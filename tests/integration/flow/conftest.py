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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import boto3
import pytest
from moto import mock_aws
from opensearchpy import OpenSearch

from content.dynamodb import DynamoContentRepository, table_definition
from content.model import Artist, Artwork
from content.repository import StoreUnavailable
from content.sqlite import SqliteChangeLog, SqliteContentRepository
from copper.demo_art import artwork_jpeg
from copper.worker import ChangeFeed, Worker
from handlers.index_changes import build_handler as index_handler
from handlers.process_uploads import build_handler
from ingest.audit import AuditReport
from messaging.local_events import s3_notification
from messaging.queue import Message
from pipeline.settings import PipelineSettings
from search.errors import SearchUnavailable
from search.opensearch import OpenSearchIndex
from search.sqlite import SqliteSearchIndex
from service.bootstrap import Services, build_services
from service.processing import build_consumer
from service.settings import ServiceSettings
from storage.blobstore import BlobStore, StorageUnavailable
from storage.local import LocalBlobStore
from storage.s3 import S3BlobStore
from testkit.outages import Switchable
from testkit.streams import DynamoStreamPoller
from tests.integration.messaging.conftest import sqs_queues

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
    stream: ChangeStream
    keys: dict[str, str] = field(default_factory=dict)

    def artist(self, name: str = "Ada Verdigris") -> Artist:
        """Register an artist."""
        email = f"{secrets.token_hex(4)}@example.com"
        return self.services.accounts.register(email, "a long enough password", name)

    def artwork(self, artist: Artist, title: str = "Tide") -> Artwork:
        """Create a work awaiting its upload."""
        return self.services.artworks.create(artist.id, {"title": title})

    def upload_key(self, artwork: Artwork) -> str:
        """Issue an upload form for the work (recording its upload id); return the form's key."""
        form = self.services.uploads.issue(artwork.artist_id, artwork.id, "image/jpeg")
        self.keys[artwork.id] = form.fields["key"]
        return form.fields["key"]

    def key_of(self, artwork: Artwork) -> str:
        """Return the key of the work's last form (issued now if it has none)."""
        return self.keys.get(artwork.id) or self.upload_key(artwork)

    def store_original(self, artwork: Artwork, data: bytes | None = None) -> str:
        """Put an original under the work's upload key (no event: tests send their own)."""
        key = self.key_of(artwork)
        self.raw_uploads.put(key, data or artwork_jpeg(len(artwork.id), 480), "image/jpeg")
        return key

    def send(
        self,
        kind: str,
        artwork: Artwork,
        sequencer: str,
        size: int | None = 1,
        key: str | None = None,
    ) -> str:
        """Send an S3 notification for the work's original; return the message id."""
        name = "ObjectCreated:Put" if kind == "created" else "ObjectRemoved:Delete"
        key = key or self.key_of(artwork)
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

    def drain(self, timeout: float = 30, *, search: bool = True) -> None:
        """Run the worker until the queue is empty (waiting out visibility timeouts), then
        the change stream until search has caught up (unless `search` is False)."""
        deadline = time.monotonic() + timeout
        seen_empty = False
        while True:
            self.worker.drain()
            self.stream.drain()
            counts = self.services.queue.counts()
            if counts["visible"] + counts["in_flight"] == 0:
                if seen_empty:
                    if search:
                        self.settle_search(max(1.0, deadline - time.monotonic()))
                    return
                # moto reads the two counts at two instants: a message turning visible
                # between them is in neither, so the queue counts as empty only twice running
                seen_empty = True
                continue
            seen_empty = False
            if time.monotonic() > deadline:
                raise TimeoutError(f"the queue did not drain: {counts}")
            time.sleep(0.2)

    def settle_search(self, timeout: float = 30) -> None:
        """Feed the change stream to the indexer until nothing is left to retry."""
        deadline = time.monotonic() + timeout
        while True:
            self.stream.drain()
            if self.stream.settled():
                return
            if time.monotonic() > deadline:
                raise TimeoutError("the change stream did not settle")
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

    def audit(self, *, repair: bool = False) -> AuditReport:
        """Run the audit (every record counts as settled: no grace period)."""
        auditor = replace(self.services.auditor(), grace=-1.0)
        return auditor.audit(repair=repair)


class ChangeStream(Protocol):
    """The content store's change stream as the tests drive it (local log or moto's stream)."""

    def drain(self) -> int:
        """Hand every pending change to the indexer handler."""
        ...

    def settled(self) -> bool:
        """Return whether no change waits for a retry."""
        ...


def flow_for(
    services: Services, index: Switchable, store: Switchable, raw: BlobStore, stream: Any
) -> Flow:
    """Return a Flow whose worker feeds the real handlers with a small pipeline."""
    uploads = Switchable(
        services.blobs, lambda: StorageUnavailable("uploads store unavailable (simulated)")
    )
    services = replace(services, blobs=uploads)
    consumer = build_consumer(services, PIPELINE)
    worker = Worker(services.queue, build_handler(lambda: consumer), wait_seconds=0)
    return Flow(
        services, worker, index, store, uploads, raw, services.settings.uploads_bucket, stream
    )


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
    repository = SqliteContentRepository(tmp_path / "content.db")
    index, store = switches(SqliteSearchIndex(tmp_path / "search.db"), repository)
    services = build_services(settings, search=index, repository=store)  # type: ignore[arg-type]
    services = replace(services, changes=SqliteChangeLog(repository))
    raw = LocalBlobStore(tmp_path / "blobs", secret=b"raw", base_url="")
    feed = ChangeFeed(SqliteChangeLog(repository), index_handler(lambda: services.indexer))
    return flow_for(services, index, store, raw, feed)


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
            versioning = {"Status": "Enabled"}  # as serverless.yml declares both buckets
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=versioning)
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
        poller = DynamoStreamPoller(TABLE, index_handler(lambda: services.indexer))
        yield flow_for(services, index, store, S3BlobStore(UPLOADS), poller)


@pytest.fixture(params=["local", "aws"])
def flow(request: pytest.FixtureRequest) -> Flow:
    """Return the event flow on each backend in turn."""
    return request.getfixturevalue(f"{request.param}_flow")


def with_title(artwork: Artwork, title: str) -> Artwork:
    """Return the work retitled (for concurrent-edit scenarios)."""
    return replace(artwork, title=title)
