"""The storage key layout: where originals, renditions and their manifests live.

- an original: `originals/{artist}/{artwork}/{upload}` in the uploads store (the upload id
  names the one-shot form that stored it);
- a rendition set: `renditions/{artist}/{artwork}/{stamp}/` in the media store, its files and
  then its `manifest.json` (outside `originals/`, so a rendition never triggers the pipeline);
- a large work's tile pyramid, inside its set: `{stamp}/tiles/image_files/{level}/{col}_{row}.jpg`
  and then its descriptor `{stamp}/tiles/image.dzi`. A record names the descriptor only; every
  key in the descriptor's folder belongs to it;
- an artist's portrait: `renditions/profiles/{artist}/portrait-{digest}-{size}.jpg` (public,
  like renditions, but no work's: the audit checks it against the artist's profile);
- an artist's watermark logo: `logos/{artist}/logo-{digest}.png` in the media store (private).
"""

from __future__ import annotations

import re
from typing import NamedTuple

ORIGINALS_PREFIX = "originals/"
RENDITIONS_PREFIX = "renditions/"
PROFILES_PREFIX = f"{RENDITIONS_PREFIX}profiles/"
LOGOS_PREFIX = "logos/"
MANIFEST = "manifest.json"
TILES_FOLDER = "tiles/"
DZI_SUFFIX = ".dzi"

_ORIGINAL_KEY = re.compile(
    rf"^{ORIGINALS_PREFIX}(?P<artist>[^/]+)/(?P<artwork>[^/]+)/(?P<upload>[^/]+)$"
)


class OriginalKey(NamedTuple):
    """The artist, artwork and upload form an original's key names."""

    artist_id: str
    artwork_id: str
    upload_id: str


def original_key(artist_id: str, artwork_id: str, upload_id: str) -> str:
    """Return the key one upload form of an artwork stores its original under."""
    return f"{ORIGINALS_PREFIX}{artist_id}/{artwork_id}/{upload_id}"


def parse_original_key(key: str) -> OriginalKey | None:
    """Return what an original's key names, or None if `key` is not an original's."""
    match = _ORIGINAL_KEY.match(key)
    return OriginalKey(match["artist"], match["artwork"], match["upload"]) if match else None


def renditions_prefix(artist_id: str, artwork_id: str) -> str:
    """Return the media-store prefix of every rendition of one work."""
    return f"{RENDITIONS_PREFIX}{artist_id}/{artwork_id}/"


def rendition_key(artist_id: str, artwork_id: str, stamp: str, filename: str) -> str:
    """Return the media-store key of one rendition."""
    return f"{renditions_prefix(artist_id, artwork_id)}{stamp}/{filename}"


def manifest_key(artist_id: str, artwork_id: str, stamp: str) -> str:
    """Return the key of one rendition set's manifest, written after all its renditions."""
    return f"{renditions_prefix(artist_id, artwork_id)}{stamp}/{MANIFEST}"


def rendition_artwork(key: str) -> str | None:
    """Return the artwork id a key inside a rendition set names, or None."""
    parts = key.split("/")
    if not key.startswith(RENDITIONS_PREFIX) or key.startswith(PROFILES_PREFIX) or len(parts) < 4:
        return None
    return parts[2]


def portrait_key(artist_id: str, digest: str, size: int) -> str:
    """Return the media-store key of one size of an artist's portrait."""
    return f"{PROFILES_PREFIX}{artist_id}/portrait-{digest}-{size}.jpg"


def logo_key(artist_id: str, digest: str) -> str:
    """Return the media-store key of an artist's watermark logo (never served publicly)."""
    return f"{LOGOS_PREFIX}{artist_id}/logo-{digest}.png"


def profile_owner(key: str) -> str | None:
    """Return the artist a portrait's or logo's key belongs to, or None for other keys."""
    for prefix in (PROFILES_PREFIX, LOGOS_PREFIX):
        if key.startswith(prefix):
            artist_id = key[len(prefix) :].partition("/")[0]
            return artist_id or None
    return None


def tile_key(artist_id: str, artwork_id: str, stamp: str, path: str) -> str:
    """Return the media-store key of one file of a set's tile pyramid (tiles or descriptor)."""
    return f"{renditions_prefix(artist_id, artwork_id)}{stamp}/{TILES_FOLDER}{path}"


def pyramid_folder(descriptor_key: str) -> str:
    """Return the folder of the pyramid a `.dzi` key describes: its tiles are all inside."""
    return descriptor_key.rpartition("/")[0] + "/"


def is_named(key: str, named: set[str]) -> bool:
    """Return whether a media key is one a record names, or a file of a pyramid it names."""
    if key in named:
        return True
    folders = tuple(pyramid_folder(k) for k in named if k.endswith(DZI_SUFFIX))
    return key.startswith(folders) if folders else False
