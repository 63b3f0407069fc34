"""The adapters of one backend family: one per port, built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from content.attempts import AttemptLog
from content.changes import ChangeLog
from content.repository import ContentRepository
from messaging.heartbeat import Heartbeats
from messaging.queue import FailureLog, MessageQueue
from messaging.tasks import TaskRunner, TaskStore
from search.index import SearchIndex
from service.adapters.secrets import SecretSource
from service.settings import ServiceSettings
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
    attempts: AttemptLog  # failed log-ins per account and client, in the content store
    vouch_secret: SecretSource  # checks the addresses the studio vouches for (None: trusts none)
    changes: ChangeLog | None = None  # the embedded change stream (DynamoDB Streams on AWS)
    workers_poll: bool = False  # consumers poll all the time (local workers), not on demand
