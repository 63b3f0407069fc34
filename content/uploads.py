"""Issue an artist's upload: a one-shot signed form for a fresh key under their own work."""

from __future__ import annotations

from dataclasses import dataclass

from ulid import ULID

from content import lifecycle
from content.artworks import ArtworkService
from content.model import Artwork
from kernel.keys import original_key
from storage.blobstore import BlobStore, UploadForm, UploadPolicy

UPLOAD_SECONDS = 900


def new_upload_id() -> str:
    """Return a fresh upload id: unique, and sortable by the time it was issued."""
    return str(ULID()).lower()


@dataclass
class UploadService:
    """Grants uploads to an artist's own works, within the configured size."""

    artworks: ArtworkService
    blobs: BlobStore
    max_bytes: int

    def issue(self, artist_id: str, artwork_id: str, content_type: str) -> UploadForm:
        """Return a form for a new original of the work; NotFound for someone else's work.

        The form names a fresh upload id, recorded on the work first: a file under any other
        id is ignored and removed, so each form delivers at most one file. A ready work keeps
        its image until the new file is processed (this is how an artist replaces a file).
        """
        upload_id = new_upload_id()
        deadline = lifecycle.deadline_after(UPLOAD_SECONDS + lifecycle.UPLOAD_GRACE_SECONDS)
        policy = UploadPolicy(
            key=original_key(artist_id, artwork_id, upload_id),
            max_bytes=self.max_bytes,
            expires_in=UPLOAD_SECONDS,
        )
        form = self.blobs.upload_form(policy, content_type)  # refuses a bad type before saving

        def grant(artwork: Artwork) -> Artwork:
            return lifecycle.issue_upload(artwork, upload_id, deadline)

        self.artworks.change(artist_id, artwork_id, grant)
        return form
