"""The processor: apply one queue request to the stores (the imperative shell of ingest).

For an ObjectCreated event of a work's pending upload form: mark the work processing, fetch
the original to a temporary file, run the pipeline with the artist's settings, write the
renditions and then their manifest to the media store under a key that never triggers the
pipeline, and save the record (refusing a stale event). The search index follows the content
store's change stream; the processor never writes it. Every write is idempotent, so a retry
after a failure at any step converges, and a retry finds the renditions of its stamp (by
their manifest) instead of rendering them again. A rejected original is a permanent outcome
and its file is removed; store and memory failures propagate as exceptions so the queue
retries the message and, in the end, dead-letters it.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from content import lifecycle
from content.artworks import fill_from_file, give_slug, needs_slug
from content.lifecycle import DEFAULT_PROCESSING_SECONDS, deadline_after
from content.model import Artist, Artwork, OriginalObject, Status
from content.profile import drawn_logo
from content.repository import (
    ContentRepository,
    NotFound,
    SlugTaken,
    StaleEvent,
    VersionConflict,
)
from ingest.messages import ObjectEvent, OriginalRef, ReprocessRequest, Request, TestEvent
from ingest.plan import (
    CONTENT_TYPES,
    Outcome,
    RenderedSet,
    created_verdict,
    duplicate_of,
    removed_verdict,
    rendition_stamp,
    settings_for,
)
from kernel.keys import (
    DZI_SUFFIX,
    is_named,
    manifest_key,
    pyramid_folder,
    rendition_key,
    renditions_prefix,
    tile_key,
)
from pipeline import PipelineSettings, RejectedInput
from pipeline.model import ProcessResult, TilePyramid
from pipeline.process import process
from search.errors import SearchError
from search.indexer import Indexer
from storage.blobstore import BlobNotFound, BlobStore

log = logging.getLogger("copper.ingest")

WRITE_ATTEMPTS = 5
TILE_WRITERS = 8  # tiles are written in parallel: one S3 PUT each, a pyramid has 100s
DZI_TYPE = "application/xml"

Pipeline = Callable[[Path, PipelineSettings], ProcessResult]
Change = Callable[[Artwork], Artwork]


@dataclass(frozen=True)
class Refused:
    """The pipeline refused the original, for a reason its artist reads (a permanent outcome)."""

    reason: str


Rendering = RenderedSet | Refused


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
    processing_seconds: float = DEFAULT_PROCESSING_SECONDS

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
            if request.kind == "created":
                self._remove_object(request)  # a file for a work that does not exist
            return Outcome.IGNORED
        if request.kind == "removed":
            return self.remove(artwork, request)
        return self.create(artwork, request)

    # ObjectCreated

    def create(self, artwork: Artwork, event: ObjectEvent) -> Outcome:
        """Process the file of the work's pending upload form; ignore (and drop) any other."""
        verdict = created_verdict(artwork, event)
        if verdict.outcome is not None:
            if verdict.remove_object:
                self._remove_object(event)
            return verdict.outcome
        original = OriginalObject(event.key, event.size, event.version_id, None)
        deadline = deadline_after(self.processing_seconds)

        def start(current: Artwork) -> Artwork:
            if created_verdict(current, event).outcome is not None:
                raise StaleEvent(f"{current.id}: the event no longer applies")
            return lifecycle.receive_file(current, original, deadline)

        previous = artwork.original.key if artwork.original else None
        try:
            artwork = self._save(artwork.id, start)
        except StaleEvent:
            return Outcome.STALE
        applied = replace(original, sequencer=event.sequencer)
        stamp = rendition_stamp(event.sequencer, self.settings.version)
        result = self._render(artwork, applied, stamp)
        change = self._transition(applied, result)
        try:
            saved: Artwork | None = self._apply(artwork.id, change, event.sequencer)
        except StaleEvent:
            saved = None
        outcome = self._settle(artwork.id, applied, result, saved)
        if outcome in (Outcome.PROCESSED, Outcome.REJECTED) and previous not in (None, event.key):
            self._drop_replaced(artwork.id, previous)
        return outcome

    # reprocess

    def reprocess(self, request: ReprocessRequest) -> Outcome:
        """Render a work again if this request is still pending (a repeat does nothing)."""
        artwork = self._artwork(OriginalRef(request.artist_id, request.artwork_id))
        if artwork is None or artwork.original is None:
            return Outcome.IGNORED
        if artwork.reprocess_request != request.request_id:
            return Outcome.DUPLICATE
        original = artwork.original
        stamp = rendition_stamp(original.sequencer or "", self.settings.version, request.request_id)
        result = self._render(artwork, original, stamp)
        change = self._transition(original, result)  # clears the pending request

        def still_pending(current: Artwork) -> Artwork:
            if current.reprocess_request != request.request_id:
                raise StaleEvent(f"{current.id}: reprocess request {request.request_id} is over")
            return change(current)

        try:
            saved: Artwork | None = self._save(artwork.id, still_pending)
        except StaleEvent:
            saved = None
        return self._settle(artwork.id, original, result, saved)

    # ObjectRemoved

    def remove(self, artwork: Artwork, event: ObjectEvent) -> Outcome:
        """Clean up after the work's original was removed: record deleted, renditions gone."""
        verdict = removed_verdict(artwork, event)
        if verdict.outcome is not None:
            return verdict.outcome
        known = artwork.original if artwork.original and artwork.original.key == event.key else None
        original = replace(known or OriginalObject(event.key), sequencer=event.sequencer)
        try:
            saved = self._apply(
                artwork.id, lambda a: lifecycle.remove_original(a, original), event.sequencer
            )
        except StaleEvent:
            return Outcome.STALE
        self._delete_renditions(saved, keep=set())
        return Outcome.REMOVED

    # outcomes

    def give_up(self, request: Request, error: BaseException) -> None:
        """Mark the work failed when its message is about to be dead-lettered (best effort).

        A crash or timeout never reaches this; the sweeper fails those works from the
        dead-letter queue instead.
        """
        ref = request.original if isinstance(request, ObjectEvent) else None
        if isinstance(request, ReprocessRequest):
            ref = OriginalRef(request.artist_id, request.artwork_id)
        if ref is None:
            return
        try:
            artwork = self._artwork(ref)
            if artwork is None or artwork.status is not Status.PROCESSING:
                return
            error_class = type(error).__name__
            self._save(artwork.id, lambda a: lifecycle.fail_dead_lettered(a, error_class))
        except Exception:  # the message goes to the DLQ either way; the sweeper retries this
            log.warning("could not mark %s failed after %r", ref.artwork_id, error, exc_info=True)

    def _render(self, artwork: Artwork, original: OriginalObject, stamp: str) -> Rendering:
        """Return the renditions of this stamp (stored, or rendered now), or the refusal."""
        artist = self.repository.get_artist(artwork.artist_id)
        rendered = self._stored_set(artwork, stamp)
        if rendered is not None:
            return rendered
        try:
            settings = settings_for(self.settings, artist, artwork, self._logo(artist))
            result = self._run(original.key, settings)
        except RejectedInput as rejection:
            return Refused(rejection.message)
        return self._write_renditions(artwork, stamp, result)

    def _logo(self, artist: Artist) -> bytes | None:
        """Return the artist's logo if their watermark draws it (a missing file draws nothing)."""
        key = drawn_logo(artist)
        if key is None:
            return None
        try:
            return self.media.get(key)
        except BlobNotFound:
            log.warning("the watermark logo %s of %s is missing; not drawn", key, artist.id)
            return None

    def _transition(self, original: OriginalObject, result: Rendering) -> Change:
        """Return the lifecycle transition that records a render's result on the work."""
        if isinstance(result, Refused):
            reason = result.reason
            return lambda a: lifecycle.reject(a, original, reason)
        rendered = result
        near = self._near_duplicates(str(rendered.facts.get("phash", "")))
        owners = self._owners(near)
        return lambda a: fill_from_file(
            lifecycle.finish_ready(
                a,
                original,
                rendered.renditions,
                rendered.facts,
                rendered.pipeline_version,
                duplicate_of(a, near, owners),
            ),
            rendered.facts.get("embedded"),
        )

    def _settle(
        self, artwork_id: str, original: OriginalObject, result: Rendering, saved: Artwork | None
    ) -> Outcome:
        """Remove the files the saved record no longer names, and say what the request did.

        `saved` is None when a newer event or a deletion got there first.
        """
        if isinstance(result, Refused):
            if saved is None:
                return Outcome.STALE
            self._delete_renditions(saved, keep=_keys(saved))
            if (
                saved.original is None
                or saved.original.key != original.key
                or saved.status is Status.REJECTED
            ):
                self.uploads.delete(original.key, version_id=original.version_id)  # not kept
            return Outcome.REJECTED
        if saved is None:
            current = self.repository.get_artwork(artwork_id)
            written = {r["key"] for r in result.renditions} - _keys(current)
            self._delete_keys(self._with_tiles(written))
            return Outcome.STALE
        self._delete_renditions(saved, keep=_keys(saved))
        self._give_slug(saved)
        return Outcome.PROCESSED

    def _give_slug(self, saved: Artwork) -> None:
        """Give a work its readable URL when processing made it public (best effort).

        A work published before its file was processed waits for the file's own title. Should
        this write lose, the work stays reachable by id and the next save or
        `copper backfill-slugs` gives it one.
        """
        if not needs_slug(saved):
            return
        try:
            give_slug(self.repository, saved.id)
        except (NotFound, SlugTaken, VersionConflict):
            log.warning("%s: no readable URL given yet", saved.id, exc_info=True)

    def _near_duplicates(self, phash: str) -> list[str]:
        """Return near-duplicate works; the check is advisory, so an index outage skips it."""
        if not phash:
            return []
        try:
            return self.indexer.index.near_duplicates(phash)
        except SearchError:
            log.warning("duplicate check skipped: the search index is unavailable", exc_info=True)
            return []

    def _run(self, key: str, settings: PipelineSettings) -> ProcessResult:
        """Fetch the original into a temporary file and run the pipeline on it."""
        with tempfile.TemporaryDirectory(prefix="copper-original-") as folder:
            path = Path(folder) / "original"
            self.uploads.download_to(key, path)
            return self.pipeline(path, settings)

    def _write_renditions(self, artwork: Artwork, stamp: str, result: ProcessResult) -> RenderedSet:
        """Write every rendition and the tile pyramid, then the set's manifest (for a retry)."""
        entries = []
        for rendition in result.renditions:
            key = rendition_key(artwork.artist_id, artwork.id, stamp, rendition.filename)
            self.media.put(key, rendition.data, CONTENT_TYPES[rendition.format])
            entries.append(rendition.describe() | {"key": key, "url": self._url(key)})
        if result.pyramid is not None:
            entries.append(self._write_pyramid(artwork, stamp, result.pyramid))
        rendered = RenderedSet(tuple(entries), result.facts.to_dict(), result.pipeline_version)
        manifest = manifest_key(artwork.artist_id, artwork.id, stamp)
        self.media.put(manifest, rendered.to_json().encode(), "application/json")
        return rendered

    def _write_pyramid(self, artwork: Artwork, stamp: str, pyramid: TilePyramid) -> dict[str, Any]:
        """Write the tiles (in parallel), then their `.dzi` descriptor; return its entry."""
        content_type = CONTENT_TYPES[pyramid.format]

        def put(tile: tuple[str, bytes]) -> None:
            key = tile_key(artwork.artist_id, artwork.id, stamp, tile[0])
            self.media.put(key, tile[1], content_type)

        with ThreadPoolExecutor(TILE_WRITERS, thread_name_prefix="copper-tiles") as writers:
            list(writers.map(put, pyramid.tiles))  # re-raises the first failed write
        key = tile_key(artwork.artist_id, artwork.id, stamp, pyramid.DESCRIPTOR)
        self.media.put(key, pyramid.descriptor, DZI_TYPE)
        return pyramid.describe() | {"key": key, "url": self._url(key)}

    def _url(self, key: str) -> str:
        """Return where browsers fetch a media key."""
        return f"{self.media_base_url.rstrip('/')}/{key}"

    def _with_tiles(self, keys: Iterable[str]) -> set[str]:
        """Return these media keys and every file of the pyramids among them."""
        found = set(keys)
        for key in list(found):
            if key.endswith(DZI_SUFFIX):
                found.update(self.media.list(pyramid_folder(key)))
        return found

    def _stored_set(self, artwork: Artwork, stamp: str) -> RenderedSet | None:
        """Return the renditions an earlier attempt stored for this stamp, if it finished."""
        try:
            data = self.media.get(manifest_key(artwork.artist_id, artwork.id, stamp))
        except BlobNotFound:
            return None
        return RenderedSet.from_json(data)

    def _drop_replaced(self, artwork_id: str, key: str | None) -> None:
        """Remove an earlier original once the work's record no longer names it."""
        current = self.repository.get_artwork(artwork_id)
        if key is not None and (current.original is None or current.original.key != key):
            self.uploads.delete(key)

    def _remove_object(self, event: ObjectEvent) -> None:
        """Remove an uploaded object that no work will use (that version only, when known)."""
        log.warning("removing %s: no pending upload form of a work delivered it", event.key)
        self.uploads.delete(event.key, version_id=event.version_id)

    def _owners(self, artwork_ids: list[str]) -> dict[str, str]:
        """Return the artist of each of these works (unknown ones left out)."""
        owners = {}
        for artwork_id in artwork_ids[:20]:
            try:
                owners[artwork_id] = self.repository.get_artwork(artwork_id).artist_id
            except NotFound:
                continue
        return owners

    def _delete_renditions(self, artwork: Artwork, keep: set[str]) -> None:
        """Delete the work's renditions that its record no longer names."""
        prefix = renditions_prefix(artwork.artist_id, artwork.id)
        self._delete_keys({key for key in self.media.list(prefix) if not is_named(key, keep)})

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

    def _save(self, artwork_id: str, change: Change) -> Artwork:
        """Apply `change` to the latest record, re-reading after a concurrent edit."""
        for _ in range(WRITE_ATTEMPTS):
            current = self.repository.get_artwork(artwork_id)
            try:
                return self.repository.save_artwork(change(current), current.version)
            except VersionConflict:
                continue
        raise VersionConflict(f"{artwork_id} kept changing; will retry")

    def _apply(self, artwork_id: str, change: Change, sequencer: str) -> Artwork:
        """Apply an event's change to the latest record with the sequencer guard."""
        for _ in range(WRITE_ATTEMPTS):
            current = self.repository.get_artwork(artwork_id)
            if lifecycle.is_deleted(current) and not lifecycle.is_deleted(change(current)):
                raise StaleEvent(f"{artwork_id} was deleted")
            try:
                return self.repository.apply_event(change(current), current.version, sequencer)
            except VersionConflict:
                continue
        raise VersionConflict(f"{artwork_id} kept changing; will retry")


def _keys(artwork: Artwork) -> set[str]:
    """Return the media keys a record names."""
    return {r["key"] for r in artwork.renditions if "key" in r}
