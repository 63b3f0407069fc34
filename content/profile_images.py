"""Profile images use case: an artist's portrait (public) and watermark logo (private).

The image work runs in the pipeline, imported only when an image arrives, so the API
functions' cold start never loads libvips.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from content.model import Artist, Artwork
from content.profile import ProfileService, marks_changed
from content.repository import ContentRepository, NotFound, retry_on_conflict
from kernel.keys import logo_key, portrait_key
from storage.blobstore import BlobNotFound, BlobStore, StorageError

log = logging.getLogger("copper.profile")


class NoLogo(NotFound):
    """The artist has not uploaded a watermark logo."""


@dataclass
class ProfileImages:
    """Stores an artist's portrait and logo in the media store and names them on the record."""

    repository: ContentRepository
    media: BlobStore
    media_base_url: str
    reprocess: Callable[[str, str], Artwork]

    def set_portrait(self, artist_id: str, data: bytes) -> Artist:
        """Crop, encode and store the portrait; replace the previous one."""
        from pipeline.profile_images import digest, portrait_images  # libvips: only here

        stamp = digest(data)
        entries = []
        for image in portrait_images(data):
            key = portrait_key(artist_id, stamp, image.width)
            self.media.put(key, image.data, "image/jpeg")
            entries.append(self.entry(key, image.width, image.height, image.format))
        return self.save(artist_id, portrait=tuple(entries))

    def remove_portrait(self, artist_id: str) -> Artist:
        """Remove the portrait (nothing happens if there is none)."""
        return self.save(artist_id, portrait=())

    def set_logo(self, artist_id: str, data: bytes) -> Artist:
        """Normalise and store the watermark logo; replace the previous one."""
        from pipeline.profile_images import digest, normalise_logo  # libvips: only here

        logo = normalise_logo(data)
        key = logo_key(artist_id, digest(logo.data))
        self.media.put(key, logo.data, "image/png")
        return self.save(artist_id, logo=key)

    def remove_logo(self, artist_id: str) -> Artist:
        """Remove the logo; a logo watermark is turned off with it (the kind is kept)."""

        def without(current: Artist) -> dict[str, Any]:
            mark = current.watermark
            off = replace(mark, enabled=False) if mark.kind == "logo" else mark
            return {"logo": None, "watermark": off}

        return self.save(artist_id, changes_of=without)

    def logo(self, artist_id: str) -> bytes:
        """Return the artist's logo as PNG bytes, or raise NoLogo."""
        key = self.repository.get_artist(artist_id).logo
        if key is None:
            raise NoLogo("You have no watermark logo.")
        try:
            return self.media.get(key)
        except BlobNotFound as error:
            raise NoLogo("You have no watermark logo.") from error

    def entry(self, key: str, width: int, height: int, fmt: str) -> dict[str, Any]:
        """Return what the record keeps of one portrait image."""
        url = f"{self.media_base_url.rstrip('/')}/{key}"
        return {
            "key": key,
            "url": url,
            "size": width,
            "width": width,
            "height": height,
            "format": fmt,
        }

    def save(
        self,
        artist_id: str,
        changes_of: Callable[[Artist], dict[str, Any]] | None = None,
        **changes: Any,
    ) -> Artist:
        """Write the changes, delete the images no longer named, re-render if the mark changed."""

        def write() -> tuple[Artist, Artist]:
            current = self.repository.get_artist(artist_id)
            wanted = changes_of(current) if changes_of else changes
            return current, self.repository.update_artist(
                replace(current, **wanted), current.version
            )

        before, saved = retry_on_conflict(write)
        self.forget(before.image_keys() - saved.image_keys())
        if marks_changed(before, saved):
            ProfileService(self.repository, self.reprocess).rerender(artist_id)
        return saved

    def forget(self, keys: set[str]) -> None:
        """Delete images no record names any more (a failure only leaves a file behind)."""
        for key in sorted(keys):
            try:
                self.media.delete(key)
            except StorageError:  # the record is saved; `copper audit --repair` removes the file
                log.warning("could not delete %s", key, exc_info=True)
