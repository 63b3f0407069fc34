"""The processor: apply one queue request to the stores (the imperative shell of ingest).

For an ObjectCreated event: guard by sequencer, mark the work processing, fetch the original
to a temporary file, run the pipeline with the artist's settings, write the renditions to
the media store under a key that never triggers the pipeline, save the record (refusing a
stale event), then index it. Every write is idempotent, so a retry after a failure at any
step converges: a repeated event finds its sequencer applied and only re-syncs the index.
A rejected original is a permanent outcome; store, index and memory failures propagate as
exceptions so the queue retries the message and, in the end, dead-letters it.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from content.model import Artwork, OriginalObject, Status, Visibility, now
from content.repository import ContentRepository, NotFound, StaleEvent, VersionConflict
from ingest.messages import ObjectEvent, OriginalRef, ReprocessRequest, Request, TestEvent
from ingest.plan import (
    CONTENT_TYPES,
    Outcome,
    created_outcome,
    duplicate_of,
    removed_outcome,
    rendition_key,
    rendition_stamp,
    renditions_prefix,
    settings_for,
)
from pipeline import PipelineSettings, RejectedInput, process
from pipeline.model import ProcessResult
from search.indexer import Indexer
from storage.blobstore import BlobStore

log = logging.getLogger("copper.ingest")

WRITE_ATTEMPTS = 5
FAILED_REASON = (
    "We could not process this image after several attempts. It is kept safe; "
    "use Retry, or an administrator will replay it."
)

Pipeline = Callable[[Path, PipelineSettings], ProcessResult]


def run_pipeline(path: Path, settings: PipelineSettings) -> ProcessResult:
    """Run the image pipeline on a file."""
    return process(path, settings)


@dataclass
class Processor:
    """Applies queue requests to the uploads store, media store, content store and index."""

    repository: ContentRepository
    uploads: BlobStore
    media: BlobStore
    indexer: Indexer
    settings: PipelineSettings
    media_base_url: str
    pipeline: Pipeline = run_pipeline

    def handle(self, request: Request) -> Outcome:
        """Apply one request and say what it did."""
        if isinstance(request, TestEvent):
            return Outcome.IGNORED
        if isinstance(request, ReprocessRequest):
            return self.reprocess(request)
        ref = request.original
        if ref is None:
            log.warning("ignored an event for %s: not an original's key", request.key)
            return Outcome.IGNORED
        artwork = self._artwork(ref)
        if artwork is None:
            log.warning("ignored an event for %s: no such work", request.key)
            return Outcome.IGNORED
        if request.kind == "removed":
            return self.remove(artwork, request)
        return self.create(artwork, request)

    # ObjectCreated

    def create(self, artwork: Artwork, event: ObjectEvent) -> Outcome:
        """Process a stored original, unless its event is stale, repeated or after a deletion."""
        refused = created_outcome(artwork, event.sequencer)
        if refused is not None:
            self.indexer.sync(artwork)  # a repeat after an index outage still converges
            return refused
        applied = artwork.original.sequencer if artwork.original else None
        original = OriginalObject(event.key, event.size, event.version_id, applied)

        def start(current: Artwork) -> Artwork:
            refused = created_outcome(current, event.sequencer)
            if refused is not None:
                raise StaleEvent(f"{current.id}: {refused.value}")
            return replace(
                current,
                status=Status.PROCESSING,
                rejection_reason=None,
                original=current.original or original,
            )

        try:
            artwork = self._save(artwork.id, start)
        except StaleEvent:
            return Outcome.STALE
        stamp = rendition_stamp(event.sequencer, self.settings.version)
        return self._render(
            artwork,
            replace(original, sequencer=event.sequencer),
            stamp,
            lambda change: self._apply(artwork.id, change, event.sequencer),
        )

    # reprocess

    def reprocess(self, request: ReprocessRequest) -> Outcome:
        """Render a work again if this request is still pending (a repeat does nothing)."""
        artwork = self._artwork(OriginalRef(request.artist_id, request.artwork_id))
        if artwork is None or artwork.original is None:
            return Outcome.IGNORED
        if artwork.reprocess_request != request.request_id:
            return Outcome.DUPLICATE
        stamp = rendition_stamp(
            artwork.original.sequencer or "", self.settings.version, request.request_id
        )

        def save(change: Callable[[Artwork], Artwork]) -> Artwork:
            def still_pending(current: Artwork) -> Artwork:
                if current.reprocess_request != request.request_id:
                    raise StaleEvent(
                        f"{current.id}: reprocess request {request.request_id} is over"
                    )
                return replace(change(current), reprocess_request=None)

            return self._save(artwork.id, still_pending)

        return self._render(artwork, artwork.original, stamp, save)

    # ObjectRemoved

    def remove(self, artwork: Artwork, event: ObjectEvent) -> Outcome:
        """Clean up after a removed original: renditions gone, record deleted, document gone."""
        refused = removed_outcome(artwork, event.sequencer)
        if refused is not None:
            self.indexer.sync(artwork)
            return refused
        original = replace(artwork.original or OriginalObject(event.key), sequencer=event.sequencer)
        try:
            saved = self._apply(
                artwork.id,
                lambda a: replace(
                    a,
                    status=Status.DELETED,
                    visibility=Visibility.DRAFT,
                    original=original,
                    renditions=(),
                ),
                event.sequencer,
            )
        except StaleEvent:
            return Outcome.STALE
        self._delete_renditions(saved, keep=())
        self.indexer.sync(saved)
        return Outcome.REMOVED

    # outcomes

    def give_up(self, request: Request, error: BaseException) -> None:
        """Mark the work failed when its message is about to be dead-lettered (best effort)."""
        ref = request.original if isinstance(request, ObjectEvent) else None
        if isinstance(request, ReprocessRequest):
            ref = OriginalRef(request.artist_id, request.artwork_id)
        if ref is None:
            return
        try:
            artwork = self._artwork(ref)
            if artwork is None or artwork.status is not Status.PROCESSING:
                return
            saved = self._save(
                artwork.id,
                lambda a: (
                    replace(a, status=Status.FAILED, rejection_reason=FAILED_REASON)
                    if a.status is Status.PROCESSING
                    else a
                ),
            )
            self.indexer.sync_quietly(saved)
        except Exception:  # the message goes to the DLQ either way; this is only a courtesy
            log.warning("could not mark %s failed after %r", ref.artwork_id, error, exc_info=True)

    def _render(
        self,
        artwork: Artwork,
        original: OriginalObject,
        stamp: str,
        save: Callable[[Callable[[Artwork], Artwork]], Artwork],
    ) -> Outcome:
        """Run the pipeline, write the renditions, save the outcome, then index it."""
        artist = self.repository.get_artist(artwork.artist_id)
        try:
            result = self._run(original.key, settings_for(self.settings, artist, artwork))
        except RejectedInput as rejection:
            reason = rejection.message
            saved = self._saved_or_none(
                save,
                lambda a: replace(
                    a,
                    status=Status.REJECTED,
                    rejection_reason=reason,
                    original=original,
                    renditions=(),
                    facts=None,
                ),
            )
            if saved is None:
                return Outcome.STALE
            self._delete_renditions(saved, keep=())
            self.indexer.sync(saved)
            return Outcome.REJECTED
        renditions = self._write_renditions(artwork, stamp, result)
        near = self.indexer.index.near_duplicates(result.facts.phash)
        owners = self._owners(near)
        saved = self._saved_or_none(
            save,
            lambda a: replace(
                a,
                status=Status.READY,
                rejection_reason=None,
                original=original,
                renditions=renditions,
                facts=result.facts.to_dict(),
                pipeline_version=result.pipeline_version,
                possible_duplicate_of=duplicate_of(a, near, owners),
                updated_at=now(),
            ),
        )
        if saved is None:
            current = self.repository.get_artwork(artwork.id)
            self._delete_keys({r["key"] for r in renditions} - _keys(current))
            return Outcome.STALE
        self._delete_renditions(saved, keep=_keys(saved))
        self.indexer.sync(saved)
        return Outcome.PROCESSED

    def _run(self, key: str, settings: PipelineSettings) -> ProcessResult:
        """Fetch the original into a temporary file and run the pipeline on it."""
        with tempfile.TemporaryDirectory(prefix="copper-original-") as folder:
            path = Path(folder) / "original"
            self.uploads.download_to(key, path)
            return self.pipeline(path, settings)

    def _write_renditions(
        self, artwork: Artwork, stamp: str, result: ProcessResult
    ) -> tuple[dict[str, Any], ...]:
        """Write every rendition to the media store; return the manifest entries."""
        entries = []
        for rendition in result.renditions:
            key = rendition_key(artwork.artist_id, artwork.id, stamp, rendition.filename)
            self.media.put(key, rendition.data, CONTENT_TYPES[rendition.format])
            url = f"{self.media_base_url.rstrip('/')}/{key}"
            entries.append(rendition.describe() | {"key": key, "url": url})
        return tuple(entries)

    def _owners(self, artwork_ids: list[str]) -> dict[str, str]:
        """Return the artist of each of these works (unknown ones left out)."""
        owners = {}
        for artwork_id in artwork_ids[:20]:
            try:
                owners[artwork_id] = self.repository.get_artwork(artwork_id).artist_id
            except NotFound:
                continue
        return owners

    def _delete_renditions(self, artwork: Artwork, keep: set[str] | tuple[()]) -> None:
        """Delete the work's renditions that its record no longer names."""
        prefix = renditions_prefix(artwork.artist_id, artwork.id)
        self._delete_keys({key for key in self.media.list(prefix) if key not in keep})

    def _delete_keys(self, keys: set[str]) -> None:
        """Delete these media keys."""
        for key in sorted(keys):
            self.media.delete(key)

    # records

    def _artwork(self, ref: OriginalRef) -> Artwork | None:
        """Return the work an original belongs to, or None if there is none (or not theirs)."""
        try:
            return self.repository.get_artwork(ref.artwork_id, owner_id=ref.artist_id)
        except NotFound:
            return None

    def _save(self, artwork_id: str, change: Callable[[Artwork], Artwork]) -> Artwork:
        """Apply `change` to the latest record, re-reading after a concurrent edit."""
        for _ in range(WRITE_ATTEMPTS):
            current = self.repository.get_artwork(artwork_id)
            try:
                return self.repository.save_artwork(change(current), current.version)
            except VersionConflict:
                continue
        raise VersionConflict(f"{artwork_id} kept changing; will retry")

    def _apply(
        self, artwork_id: str, change: Callable[[Artwork], Artwork], sequencer: str
    ) -> Artwork:
        """Apply an event's change to the latest record with the sequencer guard."""
        for _ in range(WRITE_ATTEMPTS):
            current = self.repository.get_artwork(artwork_id)
            if current.status is Status.DELETED and change(current).status is not Status.DELETED:
                raise StaleEvent(f"{artwork_id} was deleted")
            try:
                return self.repository.apply_event(change(current), current.version, sequencer)
            except VersionConflict:
                continue
        raise VersionConflict(f"{artwork_id} kept changing; will retry")

    @staticmethod
    def _saved_or_none(
        save: Callable[[Callable[[Artwork], Artwork]], Artwork],
        change: Callable[[Artwork], Artwork],
    ) -> Artwork | None:
        """Save a change, or return None if a newer event or a deletion got there first."""
        try:
            return save(change)
        except StaleEvent:
            return None


def _keys(artwork: Artwork) -> set[str]:
    """Return the media keys a record names."""
    return {r["key"] for r in artwork.renditions if "key" in r}
