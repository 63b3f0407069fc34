"""The composition root: build every adapter and service once, for the configured backend."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint

from content.accounts import Accounts, TokenIssuer
from content.artworks import ArtworkService
from content.repository import ContentRepository
from content.uploads import UploadService
from copper.settings import ServiceSettings
from pipeline.envconfig import from_env
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
    uploads: UploadService
    local_routes: tuple[Blueprint, ...] = ()


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


def search_index(settings: ServiceSettings) -> SearchIndex:
    """Return the search index adapter of the configured backend."""
    if settings.backend == "aws":
        from opensearchpy import OpenSearch

        from search.opensearch import OpenSearchIndex

        if not settings.opensearch_url:
            raise RuntimeError("COPPER_OPENSEARCH_URL must be set on the aws backend")
        client = OpenSearch(hosts=[settings.opensearch_url], timeout=10)
        return OpenSearchIndex(client, alias=settings.search_alias)
    from search.sqlite import SqliteSearchIndex

    return SqliteSearchIndex(Path(settings.data_dir) / "search.db")


def blob_store(settings: ServiceSettings, secret: str) -> BlobStore:
    """Return the blob store adapter of the configured backend."""
    if settings.backend == "aws":
        from storage.s3 import S3BlobStore

        return S3BlobStore(settings.uploads_bucket)
    from storage.local import LocalBlobStore

    upload_key = hmac.new(secret.encode(), b"copper-local-uploads", hashlib.sha256).digest()
    return LocalBlobStore(
        Path(settings.data_dir) / "blobs",
        secret=upload_key,
        base_url=settings.public_api_url.rstrip("/"),
        max_upload_bytes=settings.upload_max_bytes,
    )


def local_routes(settings: ServiceSettings, blobs: BlobStore) -> tuple[Blueprint, ...]:
    """Return the routes only the embedded backend serves (S3 takes uploads on AWS)."""
    if settings.backend == "aws":
        return ()
    from storage.local_api import upload_blueprint

    def stored(key: str, size: int) -> None:
        log.info("original stored: %s (%d bytes)", key, size)

    return (upload_blueprint(lambda: blobs, stored),)


def build_services(settings: ServiceSettings | None = None) -> Services:
    """Build the services once per process (a Lambda cold start, or `copper dev`)."""
    settings = settings or load_settings()
    secret = settings.token_secret
    if not secret:
        if settings.backend == "aws":
            raise RuntimeError("COPPER_TOKEN_SECRET must be set on the aws backend")
        secret = local_secret(Path(settings.data_dir))
    repository = content_repository(settings)
    index = search_index(settings)
    indexer = Indexer(repository, index)
    tokens = TokenIssuer(secret, settings.token_lifetime)
    blobs = blob_store(settings, secret)
    artworks = ArtworkService(
        repository, on_change=indexer.sync_quietly, remove_original=blobs.delete
    )
    return Services(
        settings=settings,
        repository=repository,
        accounts=Accounts(repository, tokens),
        artworks=artworks,
        search=index,
        indexer=indexer,
        blobs=blobs,
        uploads=UploadService(artworks, blobs, settings.upload_max_bytes),
        local_routes=local_routes(settings, blobs),
    )
