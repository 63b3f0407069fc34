"""Pure decisions of the processor: what an event means for a record, and where renditions go."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from enum import StrEnum

from content.model import Artist, Artwork, Status
from content.sequencer import is_newer
from pipeline.settings import PipelineSettings, Watermark

RENDITIONS_PREFIX = "renditions"
CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}


class Outcome(StrEnum):
    """What handling one request did."""

    PROCESSED = "processed"
    REJECTED = "rejected"
    REMOVED = "removed"
    DUPLICATE = "duplicate"  # this event (or a newer one) was applied already
    STALE = "stale"  # an older event than the record's
    IGNORED = "ignored"  # not an original, unknown work, deleted work, test event


def created_outcome(artwork: Artwork, sequencer: str) -> Outcome | None:
    """Return why an ObjectCreated event must not be applied, or None to process it."""
    if artwork.status is Status.DELETED:
        return Outcome.IGNORED  # a late "created" never revives a deletion
    applied = artwork.original.sequencer if artwork.original else None
    if is_newer(sequencer, applied):
        return None
    return Outcome.DUPLICATE if applied and _same(sequencer, applied) else Outcome.STALE


def removed_outcome(artwork: Artwork, sequencer: str) -> Outcome | None:
    """Return why an ObjectRemoved event must not be applied, or None to apply it."""
    applied = artwork.original.sequencer if artwork.original else None
    if is_newer(sequencer, applied):
        return None
    return Outcome.DUPLICATE if applied and _same(sequencer, applied) else Outcome.STALE


def _same(a: str, b: str) -> bool:
    """Return whether two sequencers are equal as S3 compares them."""
    return not is_newer(a, b) and not is_newer(b, a)


def settings_for(base: PipelineSettings, artist: Artist, artwork: Artwork) -> PipelineSettings:
    """Return the pipeline settings for one work: the artist's mark, copyright and focal point."""
    preference = artist.watermark
    watermark = base.watermark
    if preference.enabled:
        text = preference.text or artist.copyright_line or f"© {artist.display_name}"
        watermark = replace(
            watermark, text=text, position=preference.position, opacity=preference.opacity
        )
    return replace(
        base,
        watermark=watermark if preference.enabled else Watermark(),
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


def renditions_prefix(artist_id: str, artwork_id: str) -> str:
    """Return the media-store prefix of every rendition of one work (outside `originals/`)."""
    return f"{RENDITIONS_PREFIX}/{artist_id}/{artwork_id}/"


def rendition_key(artist_id: str, artwork_id: str, stamp: str, filename: str) -> str:
    """Return the media-store key of one rendition."""
    return f"{renditions_prefix(artist_id, artwork_id)}{stamp}/{filename}"


def duplicate_of(artwork: Artwork, near: list[str], owners: dict[str, str]) -> str | None:
    """Return the first near-duplicate that belongs to another artist, if any."""
    for other in near:
        if other != artwork.id and owners.get(other) not in (None, artwork.artist_id):
            return other
    return None
