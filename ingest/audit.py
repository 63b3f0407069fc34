"""The audit: compare every projection with the content store, and repair what can be repaired.

The content store is the truth. The audit reads, once each, the originals in the uploads
store, the renditions in the media store, the search documents' stamps, the records, the
dead letters and the change-log backlog, and finds:

- originals no work uses (no record, a deleted work, an old or unused upload form, a refused
  file) — repair: remove them;
- originals that arrived but were never processed — repair: send their event again;
- ready works whose renditions are missing — repair: render them again;
- renditions no record names — repair: remove them;
- portrait and logo files no artist's profile names (a failed delete, a crash before the
  profile was saved) — repair: remove them; files a profile names but the media store lacks
  — reported (the artist uploads the image again);
- search documents that differ from their record (version, visibility, title) or have no
  record — repair: write or delete the document from the record;
- works past their deadline — repair: sweep them (failed, with a reason);
- a change log that is not being drained, and dead letters: reported (replay them).

The dead letters it counts come from `dead_letters`, the function the admin API's listing
(`GET /admin/dlq`, `copper dlq list`) reads, so the two numbers an admin sees always agree,
messages that are not upload events included.

Records changed within the last `grace` seconds are left alone: their event may be in flight.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from content.changes import ChangeLog
from content.lifecycle import is_deleted, is_overdue, iso
from content.model import Artwork, Status
from content.repository import ContentError, ContentRepository, NotFound, every_artist
from ingest.maintenance import DeadLetterView
from ingest.messages import OriginalRef
from ingest.plan import from_pending_form
from kernel.keys import (
    LOGOS_PREFIX,
    ORIGINALS_PREFIX,
    PROFILES_PREFIX,
    RENDITIONS_PREFIX,
    is_named,
    profile_owner,
    rendition_artwork,
)
from messaging.local_events import s3_notification
from messaging.queue import MessageQueue, QueueError
from search.document import DocumentStamp
from search.errors import SearchError
from search.index import SearchIndex
from search.indexer import Indexer
from storage.blobstore import BlobNotFound, BlobStore, StorageError

log = logging.getLogger("copper.audit")

DEFAULT_GRACE_SECONDS = 60.0
LAGGING_SECONDS = 60.0  # a change older than this means nobody drains the change log
SETTLED = ("ready", "rejected", "failed", "deleted")


@dataclass(frozen=True)
class Finding:
    """One thing that differs from the truth, and whether `--repair` can fix it."""

    kind: str
    detail: str
    artwork_id: str | None = None
    key: str | None = None
    repairable: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data."""
        return {
            "kind": self.kind,
            "artwork_id": self.artwork_id,
            "key": self.key,
            "detail": self.detail,
            "repairable": self.repairable,
        }


@dataclass
class AuditReport:
    """Where every original stands, what differs from the truth, and what was repaired."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((*SETTLED, "processing", "dead_letters"), 0)
    )
    findings: list[Finding] = field(default_factory=list)
    repaired: list[Finding] = field(default_factory=list)
    pending: int = 0

    @property
    def unresolved(self) -> list[Finding]:
        """Return the findings still standing (all of them, unless repaired)."""
        fixed = {id(finding) for finding in self.repaired}
        return [finding for finding in self.findings if id(finding) not in fixed]

    @property
    def ok(self) -> bool:
        """Return whether nothing differs from the truth (after any repair)."""
        return not self.unresolved

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "ok": self.ok,
            "counts": self.counts,
            "pending": self.pending,
            "unaccounted": [finding.to_dict() for finding in self.unresolved],
            "repaired": [finding.to_dict() for finding in self.repaired],
        }


@dataclass
class Snapshot:
    """What the audit read from each store, once."""

    works: dict[str, Artwork]
    originals: list[str]
    media: dict[str, set[str]]
    stamps: dict[str, DocumentStamp]
    letters: list[DeadLetterView]
    queue_busy: bool
    profile_files: set[str]  # portraits and logos in the media store
    profiles: dict[str, set[str]]  # per artist, the portrait and logo keys the profile names


@dataclass
class Auditor:
    """Audits (and repairs) the uploads, media, search and queue against the content store."""

    repository: ContentRepository
    uploads: BlobStore
    media: BlobStore
    index: SearchIndex
    indexer: Indexer
    queue: MessageQueue
    # the dead letters as the admin listing shows them (the same function: the counts agree)
    dead_letters: Callable[[], list[DeadLetterView]]
    render_again: Callable[[Artwork], bool]
    sweep: Callable[[], object]
    bucket: str
    changes: ChangeLog | None = None
    grace: float = DEFAULT_GRACE_SECONDS
    clock: Callable[[], float] = time.time

    def audit(self, *, repair: bool = False) -> AuditReport:
        """Compare every projection with the records; with `repair`, converge what can be."""
        snapshot = self._snapshot()
        report = AuditReport()
        report.counts["dead_letters"] = len(snapshot.letters)
        for artwork in snapshot.works.values():
            if artwork.status.value in report.counts:
                report.counts[artwork.status.value] += 1
        self._check_originals(snapshot, report)
        self._check_renditions(snapshot, report)
        self._check_profile_files(snapshot, report)
        self._check_search(snapshot, report)
        self._check_deadlines(snapshot, report)
        self._check_changes(report)
        if repair:
            self._repair(snapshot, report)
        return report

    # reading

    def _snapshot(self) -> Snapshot:
        """Read every store once."""
        media: dict[str, set[str]] = defaultdict(set)
        profile_files = set(self.media.list(LOGOS_PREFIX))
        for key in self.media.list(RENDITIONS_PREFIX):
            artwork_id = rendition_artwork(key)
            if artwork_id:
                media[artwork_id].add(key)
            elif key.startswith(PROFILES_PREFIX):
                profile_files.add(key)
        counts = self.queue.counts()
        return Snapshot(
            works={artwork.id: artwork for artwork in self.repository.iter_artworks()},
            originals=list(self.uploads.list(ORIGINALS_PREFIX)),
            media=media,
            stamps={stamp.artwork_id: stamp for stamp in self.index.stamps()},
            letters=self.dead_letters(),
            queue_busy=counts["visible"] + counts["in_flight"] > 0,
            profile_files=profile_files,
            profiles={a.id: a.image_keys() for a in every_artist(self.repository)},
        )

    def _settled(self, artwork: Artwork) -> bool:
        """Return whether the record has not changed within the grace period."""
        changed = datetime.fromisoformat(artwork.updated_at.replace("Z", "+00:00"))
        return changed.timestamp() <= self.clock() - self.grace

    # checks

    def _check_originals(self, snapshot: Snapshot, report: AuditReport) -> None:
        """Find originals no work uses, and originals that were never processed."""
        dead_works = {letter.artwork_id for letter in snapshot.letters if letter.artwork_id}
        for key in snapshot.originals:
            ref = OriginalRef.of(key)
            artwork = snapshot.works.get(ref.artwork_id) if ref else None
            if ref is None or artwork is None or is_deleted(artwork):
                report.findings.append(Finding("orphan_original", "no work uses it", None, key))
                continue
            if not self._settled(artwork):
                report.pending += 1
                continue
            current = artwork.original is not None and artwork.original.key == key
            if current and artwork.status is Status.REJECTED:
                detail = "a refused file is not kept"
                report.findings.append(Finding("refused_original", detail, artwork.id, key))
            elif not current and from_pending_form(artwork, ref):
                if snapshot.queue_busy or artwork.id in dead_works:
                    report.pending += 1
                    continue
                detail = "the file arrived but was never processed"
                report.findings.append(Finding("unprocessed_original", detail, artwork.id, key))
            elif not current:
                detail = "from an upload form the work no longer uses"
                report.findings.append(Finding("unused_original", detail, artwork.id, key))

    def _check_renditions(self, snapshot: Snapshot, report: AuditReport) -> None:
        """Find ready works with missing renditions, and renditions no record names."""
        for artwork_id, keys in snapshot.media.items():
            artwork = snapshot.works.get(artwork_id)
            if artwork is not None and not self._settled(artwork):
                continue
            named = _rendition_keys(artwork) if artwork else set()
            for key in sorted(k for k in keys if not is_named(k, named)):
                detail = "no record names it"
                report.findings.append(Finding("orphan_rendition", detail, artwork_id, key))
        for artwork in snapshot.works.values():
            if artwork.status is not Status.READY or not self._settled(artwork):
                continue
            missing = _rendition_keys(artwork) - snapshot.media.get(artwork.id, set())
            if missing:
                detail = f"{len(missing)} of its renditions are missing"
                report.findings.append(Finding("missing_renditions", detail, artwork.id))

    def _check_profile_files(self, snapshot: Snapshot, report: AuditReport) -> None:
        """Find portrait and logo files no profile names, and named ones that are gone.

        A file is an orphan only once it is older than the grace period: the studio stores a
        new portrait a moment before the profile names it.
        """
        named = set().union(*snapshot.profiles.values())
        for key in sorted(snapshot.profile_files - named):
            if not self._older_than_grace(key):
                report.pending += 1
                continue
            detail = "no artist's profile names it"
            report.findings.append(Finding("orphan_profile_file", detail, None, key))
        for key in sorted(named - snapshot.profile_files):
            detail = "the profile names it but the file is gone: upload the image again"
            report.findings.append(Finding("missing_profile_file", detail, None, key, False))

    def _older_than_grace(self, key: str) -> bool:
        """Return whether a media file was last written before the grace period (gone: yes).

        A file whose age cannot be read now counts as young: the next audit looks again.
        """
        try:
            return self.media.modified_at(key) <= self.clock() - self.grace
        except BlobNotFound:
            return True
        except StorageError:
            log.warning("could not read the age of %s", key, exc_info=True)
            return False

    def _check_search(self, snapshot: Snapshot, report: AuditReport) -> None:
        """Find documents that differ from their record, and documents with no live record."""
        for artwork_id in snapshot.stamps:
            artwork = snapshot.works.get(artwork_id)
            if artwork is None or (is_deleted(artwork) and self._settled(artwork)):
                detail = "a document for a deleted or unknown work"
                report.findings.append(Finding("search_orphan", detail, artwork_id))
        for artwork in snapshot.works.values():
            if is_deleted(artwork) or not self._settled(artwork):
                continue
            drift = _drift(artwork, snapshot.stamps.get(artwork.id))
            if drift:
                report.findings.append(Finding("search_drift", drift, artwork.id))

    def _check_deadlines(self, snapshot: Snapshot, report: AuditReport) -> None:
        """Find works waiting past their deadline."""
        at = iso(datetime.fromtimestamp(self.clock(), UTC))
        for artwork in snapshot.works.values():
            if is_overdue(artwork, at):
                detail = f"{artwork.status.value} past its deadline, {_readable(artwork.deadline)}"
                report.findings.append(Finding("overdue", detail, artwork.id))

    def _check_changes(self, report: AuditReport) -> None:
        """Find a change log that is not being drained (the embedded backend's stream)."""
        if self.changes is None:
            return
        backlog = self.changes.backlog()
        report.pending += backlog.count
        if backlog.oldest_at is not None and backlog.oldest_at < self.clock() - LAGGING_SECONDS:
            age = int(self.clock() - backlog.oldest_at)
            detail = f"{backlog.count} changes wait for the search index, the oldest for {age} s"
            report.findings.append(Finding("index_lagging", detail, repairable=False))

    # repairing

    def _repair(self, snapshot: Snapshot, report: AuditReport) -> None:
        """Converge every repairable finding; keep the rest in the report."""
        swept = False
        for finding in report.findings:
            if not finding.repairable:
                continue
            if finding.kind == "overdue":
                if not swept:
                    self.sweep()
                    swept = True
                report.repaired.append(finding)
            elif self._try_repair(finding, snapshot):
                report.repaired.append(finding)

    def _try_repair(self, finding: Finding, snapshot: Snapshot) -> bool:
        """Repair one finding; a store that fails leaves it in the report, not the audit dead."""
        try:
            return self._repair_one(finding, snapshot)
        except (ContentError, SearchError, StorageError, QueueError):
            log.warning(
                "could not repair %s of %s",
                finding.kind,
                finding.key or finding.artwork_id,
                exc_info=True,
            )
            return False

    def _repair_one(self, finding: Finding, snapshot: Snapshot) -> bool:
        """Repair one finding; return whether it was repaired."""
        artwork = snapshot.works.get(finding.artwork_id or "")
        if finding.kind in ("orphan_original", "unused_original", "refused_original"):
            self.uploads.delete(str(finding.key))
        elif finding.kind == "orphan_rendition":
            self.media.delete(str(finding.key))
        elif finding.kind == "orphan_profile_file":
            return self._delete_unnamed_profile_file(str(finding.key))
        elif finding.kind == "unprocessed_original":
            self._send_created(str(finding.key))
        elif finding.kind == "missing_renditions" and artwork is not None:
            return self.render_again(artwork)
        elif finding.kind in ("search_drift", "search_orphan"):
            self._resync(str(finding.artwork_id), artwork, snapshot)
        else:
            return False
        return True

    def _delete_unnamed_profile_file(self, key: str) -> bool:
        """Delete a portrait or logo file unless its artist's profile names it by now."""
        owner = profile_owner(key)
        try:
            still_named = (
                owner is not None and key in self.repository.get_artist(owner).image_keys()
            )
        except NotFound:
            still_named = False
        if still_named:
            return False
        self.media.delete(key)
        return True

    def _resync(self, artwork_id: str, artwork: Artwork | None, snapshot: Snapshot) -> None:
        """Write a document from its record, or delete a document that has no live record."""
        if artwork is not None:
            self.indexer.sync(self.repository.get_artwork(artwork_id))
            return
        stamp = snapshot.stamps[artwork_id]
        self.index.delete(artwork_id, stamp.version)

    def _send_created(self, key: str) -> None:
        """Send an original's ObjectCreated event again, as S3 would have."""
        sequencer = format(int(self.clock() * 1_000_000), "X").rjust(16, "0")
        body = s3_notification("ObjectCreated:Put", self.bucket, key, sequencer)
        self.queue.send(body)


def _readable(moment: str | None) -> str:
    """Return a record timestamp as a UTC date and time for people ("6 Dec 2026, 12:04 UTC")."""
    try:
        at = datetime.fromisoformat(str(moment).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return str(moment)
    return f"{at.day} {at:%b %Y, %H:%M} UTC"


def _rendition_keys(artwork: Artwork) -> set[str]:
    """Return the media keys a record names."""
    return {r["key"] for r in artwork.renditions if "key" in r}


def _drift(artwork: Artwork, stamp: DocumentStamp | None) -> str | None:
    """Return how a work's document differs from its record, or None if it matches."""
    if stamp is None:
        return "no search document"
    compared = (
        ("version", stamp.version == artwork.version),
        ("visibility", stamp.visible == artwork.is_public),
        ("title", stamp.title == artwork.title),
    )
    different = [name for name, same in compared if not same]
    return f"the document's {', '.join(different)} differ" if different else None
