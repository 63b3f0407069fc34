"""The adapters of every port for one backend family, and the one place that picks the family.

`COPPER_BACKEND` (settings.backend) is read here and nowhere else: `local` is the embedded
family (files, SQLite, threads), `aws` the production one (S3, SQS, DynamoDB, OpenSearch,
Lambda, Secrets Manager). What is built from the adapters is the composition root's business
(copper/bootstrap.py), the same for either family.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.changes import ChangeLog
from content.repository import ContentRepository
from copper.adapters.secrets import SecretSource
from copper.settings import ServiceSettings
from messaging.heartbeat import Heartbeats
from messaging.queue import FailureLog, MessageQueue
from messaging.tasks import TaskRunner, TaskStore
from search.index import SearchIndex
from storage.blobstore import BlobStore


@dataclass(frozen=True, kw_only=True)
class Adapters:
    """One adapter per port, of one backend family, built once per process."""

    settings: ServiceSettings
    repository: ContentRepository
    search: SearchIndex
    blobs: BlobStore  # the originals; locally the store also serves their upload forms
    media: BlobStore  # the renditions, never watched by the pipeline
    queue: MessageQueue
    failures: FailureLog
    tasks: TaskStore
    heartbeats: Heartbeats
    runner: TaskRunner
    secret: SecretSource  # signs access tokens (and, locally, the upload and media forms)
    changes: ChangeLog | None = None  # the embedded change stream (DynamoDB Streams on AWS)
    workers_poll: bool = False  # consumers poll all the time (local workers), not on demand


def adapters_for(settings: ServiceSettings) -> Adapters:
    """Return the adapters of the backend family `settings` names."""
    if settings.backend == "aws":
        from copper.adapters.aws import aws_adapters

        return aws_adapters(settings)
    from copper.adapters.local import local_adapters

    return local_adapters(settings)
