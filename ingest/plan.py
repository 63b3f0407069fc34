"""Pure decisions of the processor: what an event means for a record, and where renditions go."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from content.lifecycle import is_deleted
from content.model import Artist, Artwork, Status
from content.sequencer import is_newer
from ingest.messages import ObjectEvent, OriginalRef
from pipeline.settings import PipelineSettings, Watermark

CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
DELETE_MARKER_CREATED = "ObjectRemoved:DeleteMarkerCreated"  # S3's event for a versioned delete


class Outcome(StrEnum):
    """What handling one request did."""

    PROCESSED = "processed"
    REJECTED = "rejected"
    REMOVED = "removed"
    DUPLICATE = "duplicate"  # this event (or a newer one) was applied already
    STALE = "stale"  # an older event than the record's
    IGNORED = "ignored"  # not an original, unknown work, deleted work, test event


@dataclass(frozen=True)
class Verdict:
    """What to do with an object event: apply it (outcome None) or not, and drop its object."""

    outcome: Outcome | None = None
    remove_object: bool = False


APPLY = Verdict()


def from_pending_form(artwork: Artwork, ref: OriginalRef | None) -> bool:
    """Return whether an original's key names the upload form the work is waiting on."""
    return ref is not None and artwork.upload_id is not None and ref.upload_id == artwork.upload_id


def created_verdict(artwork: Artwork, event: ObjectEvent) -> Verdict:
    """Return what an ObjectCreated event means for the work its key names.

    Each upload form names a fresh upload id in its key and may deliver one file: the file of
    the work's pending form is processed; a file for a deleted work, or from a form that is no
    longer the work's, is ignored and removed; a second file under an applied key (a form posted
    again) is removed as that object version, never touching the applied one.
    """
    if is_deleted(artwork):
        return Verdict(Outcome.IGNORED, remove_object=True)  # never revives a deletion
    original = artwork.original
    if original is not None and original.key == event.key:
        applied = original.sequencer
        if applied is None:
            return APPLY  # its processing started and never finished
        if _same(event.sequencer, applied):
            return Verdict(Outcome.DUPLICATE)
        if is_newer(event.sequencer, applied):
            reposted = event.version_id is not None and event.version_id != original.version_id
            return Verdict(Outcome.IGNORED, remove_object=reposted)
        return Verdict(Outcome.STALE)
    if from_pending_form(artwork, event.original):
        return APPLY
    return Verdict(Outcome.IGNORED, remove_object=True)


def removed_verdict(artwork: Artwork, event: ObjectEvent) -> Verdict:
    """Return what an ObjectRemoved event means: only removing the work's own file counts.

    Removing the applied original, or the file of the pending form, deletes the work. Removing
    an older upload's file, another version of the key, or a refused file (which the processor
    removes itself) changes nothing. A delete marker (versioned bucket, DeleteObject without a
    version) hides the key's current version: its event carries the marker's version id, never
    the original's, so the version check does not apply to it.
    """
    original = artwork.original
    if original is None or original.key != event.key:
        pending = from_pending_form(artwork, event.original)
        return APPLY if pending and not is_deleted(artwork) else Verdict(Outcome.IGNORED)
    marker = event.name == DELETE_MARKER_CREATED
    other = event.version_id and original.version_id and event.version_id != original.version_id
    if other and not marker:
        return Verdict(Outcome.IGNORED)
    if artwork.status is Status.REJECTED:
        return Verdict(Outcome.IGNORED)
    if is_newer(event.sequencer, original.sequencer):
        return APPLY
    if original.sequencer and _same(event.sequencer, original.sequencer):
        return Verdict(Outcome.DUPLICATE)
    return Verdict(Outcome.STALE)


def _same(a: str, b: str) -> bool:
    """Return whether two sequencers are equal as S3 compares them."""
    return not is_newer(a, b) and not is_newer(b, a)


def settings_for(
    base: PipelineSettings, artist: Artist, artwork: Artwork, logo: bytes | None = None
) -> PipelineSettings:
    """Return the pipeline settings for one work: the artist's mark, copyright and focal point.

    A logo watermark draws `logo` (the artist's normalised logo, read by the caller); without
    it nothing is drawn.
    """
    preference = artist.watermark
    watermark = Watermark()
    if preference.enabled and preference.kind == "logo" and logo:
        watermark = replace(
            base.watermark,
            text=None,
            logo=logo,
            position=preference.position,
            opacity=preference.opacity,
        )
    elif preference.enabled and preference.kind == "text":
        text = preference.text or artist.copyright_line or f"© {artist.display_name}"
        watermark = replace(
            base.watermark, text=text, position=preference.position, opacity=preference.opacity
        )
    return replace(
        base,
        watermark=watermark,
        copyright=artist.copyright_line or None,
        credit=artist.display_name,
        focal_point=artwork.focal_point,
    )


def version_order(version: str) -> tuple[int, ...]:
    """Return a pipeline version ("2026.12.1") as numbers, so "2026.9" sorts before "2026.10"."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def is_older_version(version: str | None, current: str) -> bool:
    """Return whether a work rendered by `version` (None: never) predates `current`."""
    return version is None or version_order(version) < version_order(current)


def rendition_stamp(sequencer: str, pipeline_version: str, request_id: str = "") -> str:
    """Return the folder name of one rendition set: the same event always gets the same one."""
    digest = hashlib.sha256(f"{sequencer}|{pipeline_version}|{request_id}".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class RenderedSet:
    """One stored set of renditions with the facts and pipeline version that made it."""

    renditions: tuple[dict[str, Any], ...]
    facts: dict[str, Any]
    pipeline_version: str

    def to_json(self) -> str:
        """Return the set as its manifest's JSON."""
        return json.dumps(
            {
                "renditions": list(self.renditions),
                "facts": self.facts,
                "pipeline_version": self.pipeline_version,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, data: bytes) -> RenderedSet:
        """Return the set a manifest describes."""
        plain = json.loads(data)
        return cls(tuple(plain["renditions"]), plain["facts"], plain["pipeline_version"])


def duplicate_of(artwork: Artwork, near: list[str], owners: dict[str, str]) -> str | None:
    """Return the first near-duplicate that belongs to another artist, if any."""
    for other in near:
        if other != artwork.id and owners.get(other) not in (None, artwork.artist_id):
            return other
    return None
