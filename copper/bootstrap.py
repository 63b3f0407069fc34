"""The composition root: build every adapter and service once, for the configured backend."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint

from content.accounts import NO_TOKENS, Accounts, TokenIssuer
from content.artworks import ArtworkService
from content.changes import ChangeLog
from content.model import Artwork
from content.repository import ContentRepository
from content.uploads import UploadService
from copper.config import from_env
from copper.health import Bounds, health
from copper.settings import ServiceSettings
from ingest.audit import Auditor
from ingest.consumer import Consumer
from ingest.maintenance import Maintenance
from ingest.messages import reprocess_body
from ingest.service import Processor
from ingest.sweeper import Sweeper
from ingest.tasks import REINDEX, new_task, run_reindex
from messaging.heartbeat import Heartbeats
from messaging.queue import FailureLog, MessageQueue
from messaging.tasks import Task, TaskStore
from pipeline.settings import PipelineSettings
from search.index import SearchIndex
from search.indexer import Indexer
from storage.blobstore import BlobStore

log = logging.getLogger("copper.bootstrap")

SECRET_FILE = "token-secret"


@dataclass(frozen=True)
class Services:
    """Everything the API and tools use, built for one backend."""

    settings: ServiceSettings
    repository: ContentRepository
    accounts: Accounts
    artworks: ArtworkService
    search: SearchIndex
    indexer: Indexer
    blobs: BlobStore
    media: BlobStore
    uploads: UploadService
    queue: MessageQueue
    failures: FailureLog
    tasks: TaskStore
    heartbeats: Heartbeats
    changes: ChangeLog | None = None  # the embedded change stream (DynamoDB Streams on AWS)
    local_routes: tuple[Blueprint, ...] = ()

    def health(self) -> dict[str, Any]:
        """Return the `/healthz` document: are the queue's consumers alive and keeping up?"""
        bounds = Bounds(
            worker_age=self.settings.health_worker_age,
            backlog_age=self.settings.health_backlog_age,
            workers_poll=self.settings.backend == "local",  # Lambda runs only when invoked
        )
        return health(self.heartbeats, self.queue, bounds)

    def start_reindex(self) -> Task:
        """Start rebuilding the search index in the background; return the task to poll.

        On Lambda the admin function invokes itself asynchronously (its own timeout, not the
        API's 30 s); anywhere else a thread of this process runs it.
        """
        task = new_task(REINDEX)
        self.tasks.put(task)
        function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        if self.settings.backend == "aws" and function:
            import boto3

            boto3.client("lambda").invoke(
                FunctionName=function,
                InvocationType="Event",
                Payload=json.dumps({"copper_task": task.id}).encode(),
            )
        else:
            threading.Thread(target=self.run_task, args=(task.id,), daemon=True).start()
        return task

    def run_task(self, task_id: str) -> Task:
        """Run a stored background task to its end."""
        task = self.tasks.get(task_id)
        if task.kind != REINDEX or task.state != "running":
            return task
        return run_reindex(task, self.indexer, self.tasks)

    def processor(self, pipeline: PipelineSettings | None = None) -> Processor:
        """Return the image processor over these stores."""
        return Processor(
            repository=self.repository,
            uploads=self.blobs,
            media=self.media,
            indexer=self.indexer,
            settings=pipeline or from_env(PipelineSettings, os.environ),
            media_base_url=self.settings.media_base_url,
            processing_seconds=self.settings.processing_deadline,
        )

    def consumer(self, pipeline: PipelineSettings | None = None) -> Consumer:
        """Return the queue consumer that drives the processor."""
        return Consumer(self.processor(pipeline), self.failures, self.queue.max_receive_count)

    def maintenance(self) -> Maintenance:
        """Return the dead-letter and reprocess tools."""
        return Maintenance(
            self.queue,
            self.failures,
            self.repository,
            self.blobs,
            processing_seconds=self.settings.processing_deadline,
        )

    def sweeper(self) -> Sweeper:
        """Return the sweeper of dead-lettered and overdue works."""
        return Sweeper(self.repository, self.maintenance().dead_letters)

    def auditor(self) -> Auditor:
        """Return the audit of every projection against the content store."""
        maintenance = self.maintenance()
        return Auditor(
            repository=self.repository,
            uploads=self.blobs,
            media=self.media,
            index=self.search,
            indexer=self.indexer,
            queue=self.queue,
            dead_letters=maintenance.dead_letters,
            render_again=maintenance.render_again,
            sweep=self.sweeper().sweep,
            bucket=self.settings.uploads_bucket,
            changes=self.changes,
        )

    def enqueue_reprocess(self, artwork: Artwork) -> None:
        """Queue a request to render a work again."""
        if artwork.reprocess_request:
            body = reprocess_body(artwork.artist_id, artwork.id, artwork.reprocess_request)
            self.queue.send(body)


def load_settings(environ: Mapping[str, str] | None = None) -> ServiceSettings:
    """Return the service settings from the environment."""
    return from_env(ServiceSettings, os.environ if environ is None else environ)


def local_secret(data_dir: Path) -> str:
    """Return the local token secret, generating it (owner-readable only) on first use."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def content_repository(settings: ServiceSettings) -> ContentRepository:
    """Return the content store adapter of the configured backend."""
    if settings.backend == "aws":
        from content.dynamodb import DynamoContentRepository

        return DynamoContentRepository(settings.dynamodb_table)
    from content.sqlite import SqliteContentRepository

    return SqliteContentRepository(Path(settings.data_dir) / "content.db")


def change_log(repository: ContentRepository) -> ChangeLog | None:
    """Return the embedded change log of an SQLite content store (None: the store streams)."""
    from content.sqlite import SqliteChangeLog, SqliteContentRepository

    if isinstance(repository, SqliteContentRepository):
        return SqliteChangeLog(repository)
    return None


def opensearch_client(settings: ServiceSettings) -> Any:
    """Return an OpenSearch client; on AWS its requests are signed with the role's credentials."""
    from opensearchpy import OpenSearch

    if not settings.opensearch_signing:
        return OpenSearch(hosts=[settings.opensearch_url], timeout=10)
    import boto3
    from opensearchpy import AWSV4SignerAuth, RequestsHttpConnection

    session = boto3.Session()
    auth = AWSV4SignerAuth(session.get_credentials(), session.region_name, "es")
    return OpenSearch(
        hosts=[settings.opensearch_url],
        http_auth=auth,
        connection_class=RequestsHttpConnection,
        timeout=10,
    )


def token_secret(settings: ServiceSettings) -> str | None:
    """Return the token-signing secret: set, from Secrets Manager, or (locally) generated.

    On AWS a function given neither (the processor, the search API) issues no tokens.
    """
    if settings.token_secret:
        return settings.token_secret
    if settings.backend == "aws":
        if not settings.token_secret_arn:
            return None
        import boto3

        client = boto3.client("secretsmanager")
        return client.get_secret_value(SecretId=settings.token_secret_arn)["SecretString"]
    return local_secret(Path(settings.data_dir))


def search_index(settings: ServiceSettings) -> SearchIndex:
    """Return the search index adapter of the configured backend."""
    if settings.backend == "aws":
        from search.opensearch import OpenSearchIndex

        if not settings.opensearch_url:
            raise RuntimeError("COPPER_OPENSEARCH_URL must be set on the aws backend")
        return OpenSearchIndex(opensearch_client(settings), alias=settings.search_alias)
    from search.sqlite import SqliteSearchIndex

    return SqliteSearchIndex(Path(settings.data_dir) / "search.db")


def blob_store(settings: ServiceSettings, secret: str, queue: MessageQueue) -> BlobStore:
    """Return the uploads store of the configured backend (locally, it raises S3 events)."""
    if settings.backend == "aws":
        from storage.s3 import S3BlobStore

        return S3BlobStore(settings.uploads_bucket)
    from messaging.local_events import LocalObjectEvents
    from storage.local import LocalBlobStore

    upload_key = hmac.new(secret.encode(), b"copper-local-uploads", hashlib.sha256).digest()
    return LocalBlobStore(
        Path(settings.data_dir) / "blobs",
        secret=upload_key,
        base_url=settings.public_api_url.rstrip("/"),
        max_upload_bytes=settings.upload_max_bytes,
        on_change=LocalObjectEvents(queue, settings.uploads_bucket),  # type: ignore[arg-type]
    )


def media_store(settings: ServiceSettings, secret: str) -> BlobStore:
    """Return the store of the renditions (never watched by the pipeline)."""
    if settings.backend == "aws":
        from storage.s3 import S3BlobStore

        return S3BlobStore(settings.media_bucket)
    from storage.local import LocalBlobStore

    media_key = hmac.new(secret.encode(), b"copper-local-media", hashlib.sha256).digest()
    return LocalBlobStore(Path(settings.data_dir) / "media", secret=media_key, base_url="")


def message_queue(
    settings: ServiceSettings,
) -> tuple[MessageQueue, FailureLog, TaskStore, Heartbeats]:
    """Return the upload-event queue (with its DLQ), the failure log, tasks and heartbeats."""
    if settings.backend == "aws":
        from messaging.dynamodb import DynamoFailureLog, DynamoHeartbeats, DynamoTaskStore
        from messaging.sqs import SqsQueue

        if not settings.queue_url or not settings.dead_letter_queue_url:
            raise RuntimeError("COPPER_QUEUE_URL and COPPER_DEAD_LETTER_QUEUE_URL must be set")
        queue = SqsQueue(
            settings.queue_url,
            settings.dead_letter_queue_url,
            max_receive_count=settings.max_receive_count,
        )
        table = settings.dynamodb_table
        return queue, DynamoFailureLog(table), DynamoTaskStore(table), DynamoHeartbeats(table)
    from messaging.sqlite import SqliteFailureLog, SqliteHeartbeats, SqliteQueue, SqliteTaskStore

    local = SqliteQueue(
        Path(settings.data_dir) / "queue.db",
        visibility_timeout=settings.visibility_timeout,
        max_receive_count=settings.max_receive_count,
    )
    database = local.database
    return local, SqliteFailureLog(database), SqliteTaskStore(database), SqliteHeartbeats(database)


def local_routes(
    settings: ServiceSettings, blobs: BlobStore, media: BlobStore
) -> tuple[Blueprint, ...]:
    """Return the routes only the embedded backend serves (S3 and CloudFront do on AWS)."""
    if settings.backend == "aws":
        return ()
    from storage.local_api import media_blueprint, upload_blueprint

    def stored(key: str, size: int) -> None:
        log.info("original stored: %s (%d bytes)", key, size)

    return (
        upload_blueprint(lambda: blobs, stored),  # type: ignore[arg-type, return-value]
        media_blueprint(lambda: media),  # type: ignore[arg-type, return-value]
    )


def build_services(
    settings: ServiceSettings | None = None,
    *,
    search: SearchIndex | None = None,
    repository: ContentRepository | None = None,
) -> Services:
    """Build the services once per process (a Lambda cold start, or `copper dev`).

    `search` and `repository` replace the configured adapters (tests wrap the real ones to
    simulate outages).
    """
    settings = settings or load_settings()
    if settings.backend == "local":
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    secret = token_secret(settings)
    repository = repository or content_repository(settings)
    index = search or search_index(settings)
    indexer = Indexer(repository, index)
    tokens = TokenIssuer(secret, settings.token_lifetime) if secret else NO_TOKENS
    queue, failures, tasks, heartbeats = message_queue(settings)
    blobs = blob_store(settings, secret or "", queue)
    media = media_store(settings, secret or "")
    artworks = ArtworkService(
        repository,
        remove_original=blobs.delete,
        processing_seconds=settings.processing_deadline,
    )
    services = Services(
        settings=settings,
        repository=repository,
        accounts=Accounts(repository, tokens),
        artworks=artworks,
        search=index,
        indexer=indexer,
        blobs=blobs,
        media=media,
        uploads=UploadService(artworks, blobs, settings.upload_max_bytes),
        queue=queue,
        failures=failures,
        tasks=tasks,
        changes=change_log(repository),
        heartbeats=heartbeats,
        local_routes=local_routes(settings, blobs, media),
    )
    artworks.on_reprocess = services.enqueue_reprocess
    return services


def build_indexer(settings: ServiceSettings | None = None) -> Indexer:
    """Build the search indexer once per process (the indexer function's cold start)."""
    settings = settings or load_settings()
    return Indexer(content_repository(settings), search_index(settings))


def build_sweeper(settings: ServiceSettings | None = None) -> Sweeper:
    """Build the sweeper once per process (the scheduled function's cold start)."""
    return build_services(settings).sweeper()


def build_auditor(settings: ServiceSettings | None = None) -> Auditor:
    """Build the audit once per process (the scheduled function's cold start)."""
    return build_services(settings).auditor()
