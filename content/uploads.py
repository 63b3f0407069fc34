"""Issue an artist's upload: a signed form for exactly one key under their own work."""

from __future__ import annotations

from dataclasses import dataclass

from content.artworks import ArtworkService, NotAllowed
from content.model import Status, original_key
from storage.blobstore import BlobStore, UploadForm, UploadPolicy

UPLOAD_SECONDS = 900
UPLOADABLE = frozenset({Status.AWAITING_UPLOAD, Status.REJECTED, Status.FAILED})


@dataclass
class UploadService:
    """Grants uploads to an artist's own works, within the configured size."""

    artworks: ArtworkService
    blobs: BlobStore
    max_bytes: int

    def issue(self, artist_id: str, artwork_id: str, content_type: str) -> UploadForm:
        """Return a form for the work's original; NotFound for someone else's work."""
        artwork = self.artworks.own(artist_id, artwork_id)
        if artwork.status not in UPLOADABLE:
            raise NotAllowed("This work already has its image; delete it or reprocess it instead.")
        policy = UploadPolicy(
            key=original_key(artist_id, artwork_id),
            max_bytes=self.max_bytes,
            expires_in=UPLOAD_SECONDS,
        )
        return self.blobs.upload_form(policy, content_type)
