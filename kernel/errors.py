"""The project's exceptions by meaning: what a caller can do about an error, whoever raised it.

Every error the project raises on purpose is a `CopperError` and belongs to the family that
tells its caller what to do. Each port keeps its concrete classes in its own module and
derives them from a family here, so a caller that only needs the meaning catches the family
(`except Transient`) instead of listing every port's class:

```
CopperError
├── Transient ──── retry later: an outage, a throttle, memory; the same call may pass
│   ├── content.repository.StoreUnavailable
│   ├── storage.blobstore.StorageUnavailable
│   ├── search.errors.SearchUnavailable
│   ├── messaging.queue.QueueUnavailable
│   └── pipeline.errors.TransientFailure
├── Missing ────── no such thing, or not one this caller may see
│   ├── content.repository.NotFound
│   ├── storage.blobstore.BlobNotFound
│   ├── messaging.queue.NoSuchMoveTask
│   └── messaging.tasks.TaskNotFound
├── Conflicting ── the stored state refuses the change now: reload, then decide
│   ├── content.repository.Conflict ........ a uniqueness rule (e-mail, slug, id)
│   ├── content.repository.VersionConflict . the record changed since it was read
│   ├── content.repository.StaleEvent ...... an event no newer than the one applied
│   └── content.lifecycle.NotAllowed ....... the work's state does not allow the action
├── Invalid ────── the input can never succeed as given: do not retry it
│   ├── pipeline.errors.RejectedInput
│   ├── search.errors.InvalidQuery
│   ├── content.repository.InvalidPage
│   ├── storage.blobstore.InvalidKey
│   ├── storage.blobstore.UploadRefused
│   └── ingest.maintenance.ReplayTooSlow
└── Unsupported ── the backend lacks the operation (an emulator, an old SDK): do it another way
    └── messaging.queue.OperationUnsupported
```

Each port also has its own base under `CopperError` (ContentError, StorageError, SearchError,
QueueError, PipelineError) for a caller that handles one port's failures as a whole. A port
error in no family (search's DocumentRefused, a QueueError the service refused) is permanent
and unexplained: log it, and let its message fail.

This module imports nothing of the project, so every package may use it, the pipeline too.
"""

from __future__ import annotations

__all__ = ["Conflicting", "CopperError", "Invalid", "Missing", "Transient", "Unsupported"]


class CopperError(Exception):
    """Base class of every error the project raises on purpose."""


class Transient(CopperError):
    """A failure that may pass on retry (an outage, a throttle, memory); never the input's fault."""


class Missing(CopperError):
    """No such thing, or not one this caller may see (a wrong owner looks the same)."""


class Conflicting(CopperError):
    """The stored state refuses the change now (taken, changed, stale or not allowed)."""


class Invalid(CopperError):
    """The input can never succeed as given; retrying it changes nothing."""


class Unsupported(CopperError):
    """The backend does not offer the operation at all; retrying it changes nothing."""
