"""Upload forms already used: one marker file per form, kept until the form expires.

A form is known by its signed policy document (which names its key and expiry). A marker's
name is `<expiry epoch>-<sha256 of the policy>`, created with O_EXCL so that of two posts
of one form exactly one claims it, in one process or several. Each claim first removes the
markers of forms that have expired (those are refused as expired anyway).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.blobstore import StorageUnavailable, UploadRefused

FORM_USED_MESSAGE = "This upload form was used already; ask for a new one."


def marker_name(form_id: str, expires_at: float) -> str:
    """Return the marker file name of a form that expires at `expires_at` (epoch seconds)."""
    digest = hashlib.sha256(form_id.encode("utf-8")).hexdigest()
    return f"{int(expires_at)}-{digest}"


def has_expired(name: str, now: float) -> bool:
    """Return whether a marker names a form expired at `now`; unknown names never expire."""
    expiry, _, digest = name.partition("-")
    if not expiry.isdigit() or len(digest) != 64:
        return False
    return now >= int(expiry)


class UsedForms:
    """Markers of used upload forms in one directory."""

    def __init__(self, directory: Path, clock: Callable[[], float]) -> None:
        """Keep the markers in `directory` (created on first claim); expire them by `clock`."""
        self.directory = Path(directory)
        self._clock = clock

    @contextmanager
    def claimed(self, form_id: str, expires_at: float) -> Iterator[None]:
        """Claim the form for the body; if the body raises, the form may be used again."""
        marker = self.claim(form_id, expires_at)
        try:
            yield
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                marker.unlink()
            raise

    def claim(self, form_id: str, expires_at: float) -> Path:
        """Mark the form used and return its marker; refuse it (form_used) if it was already."""
        marker = self.directory / marker_name(form_id, expires_at)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._prune()
            os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            _sync_directory(self.directory)
        except FileExistsError as e:
            raise UploadRefused("form_used", FORM_USED_MESSAGE) from e
        except OSError as e:
            with contextlib.suppress(OSError):
                marker.unlink()
            raise StorageUnavailable(f"could not record the upload form: {type(e).__name__}") from e
        return marker

    def _prune(self) -> None:
        """Remove the markers of expired forms."""
        now = self._clock()
        for entry in os.scandir(self.directory):
            if has_expired(entry.name, now):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def _sync_directory(directory: Path) -> None:
    """Flush a directory's entries to disk where the platform allows it (POSIX)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
