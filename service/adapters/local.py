"""The embedded adapter family: SQLite stores and queue, files, threads, a generated secret."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from content.sqlite import SqliteAttemptLog, SqliteChangeLog, SqliteContentRepository
from messaging.local_events import LocalObjectEvents
from messaging.sqlite import SqliteFailureLog, SqliteHeartbeats, SqliteQueue, SqliteTaskStore
from search.sqlite import SqliteSearchIndex
from service.adapters.family import Adapters
from service.adapters.secrets import (
    SECRET_FILE,
    VOUCH_SECRET_FILE,
    FileSecret,
    FixedSecret,
    SecretSource,
)
from service.adapters.threads import ThreadTaskRunner
from service.settings import ServiceSettings
from storage.local import LocalBlobStore


def local_adapters(settings: ServiceSettings) -> Adapters:
    """Return the embedded adapters over `settings.data_dir` (created if missing)."""
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = local_secret_source(settings)
    signing = (secret.value() or "").encode()
    repository = SqliteContentRepository(data_dir / "content.db")
    queue = SqliteQueue(
        data_dir / "queue.db",
        visibility_timeout=settings.visibility_timeout,
        max_receive_count=settings.max_receive_count,
    )
    uploads = LocalBlobStore(
        data_dir / "blobs",
        secret=derived_key(signing, b"copper-local-uploads"),
        base_url=settings.public_api_url.rstrip("/"),
        max_upload_bytes=settings.upload_max_bytes,
        on_change=LocalObjectEvents(queue, settings.uploads_bucket),
    )
    media = LocalBlobStore(
        data_dir / "media", secret=derived_key(signing, b"copper-local-media"), base_url=""
    )
    return Adapters(
        settings=settings,
        repository=repository,
        search=SqliteSearchIndex(data_dir / "search.db"),
        blobs=uploads,
        media=media,
        queue=queue,
        failures=SqliteFailureLog(queue.database),
        tasks=SqliteTaskStore(queue.database),
        heartbeats=SqliteHeartbeats(queue.database),
        runner=ThreadTaskRunner(),
        secret=secret,
        attempts=SqliteAttemptLog(repository),
        vouch_secret=local_vouch_secret_source(settings),
        changes=SqliteChangeLog(repository),
        workers_poll=True,
    )


def local_secret_source(settings: ServiceSettings) -> SecretSource:
    """Return the configured secret, or the one generated into the data directory."""
    if settings.token_secret:
        return FixedSecret(settings.token_secret)
    return FileSecret(Path(settings.data_dir) / SECRET_FILE)


def local_vouch_secret_source(settings: ServiceSettings) -> SecretSource:
    """Return the configured client vouch secret, or the one generated into the data directory
    (which `copper dev` gives the studio)."""
    if settings.client_vouch_secret:
        return FixedSecret(settings.client_vouch_secret)
    return FileSecret(Path(settings.data_dir) / VOUCH_SECRET_FILE)


def derived_key(secret: bytes, purpose: bytes) -> bytes:
    """Return a key for one purpose derived from the secret (one secret, several stores)."""
    return hmac.new(secret, purpose, hashlib.sha256).digest()
