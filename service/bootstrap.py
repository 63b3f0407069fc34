"""The composition root: build, once per process, what that process uses over the adapters.

`adapters_for` picks the backend family; everything here composes the same services over
either. Each entry point builds only what it needs: the API its `Services`, the image
processor its `Consumer`, the scheduled functions their `Sweeper` or `Auditor`, the
indexer its `Indexer` (none of them reads the token secret or builds the accounts).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from pipeline.settings import PipelineSettings
from search.indexer import Indexer
from service.adapters import Adapters, adapters_for
from service.config import SettingsError, check_upload_limit, from_env
from service.settings import ServiceSettings

# The use cases are imported by the builders that compose them, so a function's cold start
# loads only what its own builder needs (the indexer no accounts, the API no audit).
if TYPE_CHECKING:
    from content.accounts import Accounts
    from content.artworks import ArtworkService
    from content.model import Artwork
    from content.repository import ContentRepository
    from content.uploads import UploadService
    from ingest.audit import Auditor
    from ingest.maintenance import Maintenance
    from ingest.sweeper import Sweeper
    from messaging.queue import MessageQueue
    from messaging.tasks import Task
    from search.index import SearchIndex

log = logging.getLogger("copper.config")


def load_settings(environ: Mapping[str, str] | None = None) -> ServiceSettings:
    """Return the service settings from the environment; refuse an upload limit the pipeline's
    byte limit (from the same environment) would make unusable."""
    environ = os.environ if environ is None else environ
    settings: ServiceSettings = from_env(ServiceSettings, environ)
    check_upload_limit(settings, from_env(PipelineSettings, environ))
    return settings


def build_adapters(settings: ServiceSettings | None = None) -> Adapters:
    """Build the adapters of the configured backend (settings from the environment if None).

    A function's cold start that cannot be configured logs why, once, then fails.
    """
    try:
        return adapters_for(settings or load_settings())
    except SettingsError as error:
        log.error("the settings are not usable: %s", error)
        raise


def build_indexer(adapters: Adapters | None = None) -> Indexer:
    """Build the search indexer (the indexer function's cold start)."""
    adapters = adapters or build_adapters()
    return Indexer(adapters.repository, adapters.search)


def build_maintenance(adapters: Adapters | None = None) -> Maintenance:
    """Build the dead-letter and reprocess tools."""
    from ingest.maintenance import Maintenance

    adapters = adapters or build_adapters()
    return Maintenance(
        adapters.queue,
        adapters.failures,
        adapters.repository,
        adapters.blobs,
        processing_seconds=adapters.settings.processing_deadline,
    )


def build_sweeper(adapters: Adapters | None = None) -> Sweeper:
    """Build the sweeper of dead-lettered and overdue works (the scheduled function's)."""
    from ingest.sweeper import Sweeper

    adapters = adapters or build_adapters()
    return Sweeper(adapters.repository, build_maintenance(adapters).dead_letters)


def build_auditor(adapters: Adapters | None = None) -> Auditor:
    """Build the audit of every projection against the content store (the scheduled one's)."""
    from ingest.audit import Auditor

    adapters = adapters or build_adapters()
    maintenance = build_maintenance(adapters)
    return Auditor(
        repository=adapters.repository,
        uploads=adapters.blobs,
        media=adapters.media,
        index=adapters.search,
        indexer=build_indexer(adapters),
        queue=adapters.queue,
        dead_letters=maintenance.listed_dead_letters,
        render_again=maintenance.render_again,
        sweep=build_sweeper(adapters).sweep,
        bucket=adapters.settings.uploads_bucket,
        changes=adapters.changes,
    )


def reprocess_sender(queue: MessageQueue) -> Callable[[Artwork], None]:
    """Return the function that queues a work's pending request to be rendered again."""
    from ingest.messages import reprocess_body

    def send(artwork: Artwork) -> None:
        if artwork.reprocess_request:
            queue.send(reprocess_body(artwork.artist_id, artwork.id, artwork.reprocess_request))

    return send


@dataclass(frozen=True, kw_only=True)
class Services(Adapters):
    """The adapters and the use cases the API and the tools serve from them."""

    accounts: Accounts
    artworks: ArtworkService
    indexer: Indexer
    uploads: UploadService
    vouch_key: bytes | None = None  # the client vouch secret, read once (None: trust no vouch)

    def health(self) -> dict[str, Any]:
        """Return the `/healthz` document: are the queue's consumers alive and keeping up?"""
        from service.health import Bounds, health

        bounds = Bounds(
            worker_age=self.settings.health_worker_age,
            backlog_age=self.settings.health_backlog_age,
            workers_poll=self.workers_poll,
        )
        return health(self.heartbeats, self.queue, bounds)

    def start_reindex(self) -> Task:
        """Start rebuilding the search index in the background; return the task to poll."""
        from ingest import tasks as background

        return background.start_reindex(self.tasks, self.runner, self.run_task)

    def task(self, task_id: str) -> Task:
        """Return a background task; one that stopped reporting is recorded failed."""
        from ingest import tasks as background

        return background.task_status(self.tasks, task_id)

    def run_task(self, task_id: str) -> Task:
        """Run a stored background task to its end."""
        from ingest import tasks as background

        return background.run_task(task_id, self.indexer, self.tasks)

    def maintenance(self) -> Maintenance:
        """Return the dead-letter and reprocess tools."""
        return build_maintenance(self)

    def sweeper(self) -> Sweeper:
        """Return the sweeper of dead-lettered and overdue works."""
        return build_sweeper(self)

    def auditor(self) -> Auditor:
        """Return the audit of every projection against the content store."""
        return build_auditor(self)


def build_services(
    settings: ServiceSettings | None = None,
    *,
    search: SearchIndex | None = None,
    repository: ContentRepository | None = None,
) -> Services:
    """Build the API's services once per process (an API function's cold start, `copper dev`).

    `search` and `repository` replace the configured adapters (tests wrap the real ones to
    simulate outages).
    """
    adapters = build_adapters(settings)
    adapters = replace(
        adapters,
        search=search or adapters.search,
        repository=repository or adapters.repository,
    )
    return services_over(adapters)


def services_over(adapters: Adapters) -> Services:
    """Return the API's services composed over `adapters`."""
    from content.accounts import NO_TOKENS, Accounts, TokenIssuer
    from content.artworks import ArtworkService
    from content.uploads import UploadService

    settings = adapters.settings
    secret = adapters.secret.value()
    tokens = TokenIssuer(secret, settings.token_lifetime) if secret else NO_TOKENS
    vouch_secret = adapters.vouch_secret.value()
    artworks = ArtworkService(
        adapters.repository,
        remove_original=adapters.blobs.delete,
        on_reprocess=reprocess_sender(adapters.queue),
        processing_seconds=settings.processing_deadline,
    )
    return Services(
        **{port.name: getattr(adapters, port.name) for port in fields(Adapters)},
        accounts=Accounts(adapters.repository, tokens),
        artworks=artworks,
        indexer=build_indexer(adapters),
        uploads=UploadService(artworks, adapters.blobs, settings.upload_max_bytes),
        vouch_key=vouch_secret.encode("utf-8") if vouch_secret else None,
    )
