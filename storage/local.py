"""The blob store in a directory: the embedded adapter, with S3-style signed upload forms.

Objects are files under `root` at their key's path; writes go to `root/.tmp` first and are
moved into place with `os.replace`. Upload forms mirror S3's presigned POST (`key`,
`Content-Type`, `policy`, `signature`), and `accept_upload` enforces them as S3 would.

Events. S3 commits a change and then notifies its subscribers at least once. This store has
no outbox to retry a notification later, so its closest safe equivalent is to commit a
change together with its event: with an observer set, `accept_upload`, `put` and `delete`
make the change, send the event, and if the event cannot be sent they undo the change (the
object that was there before comes back; no event is sent for the undo) and raise
StorageUnavailable, which the caller may retry. A committed change therefore always has its
event. Only if the undo itself fails does a change stay without one; that is logged at
CRITICAL (an audit looks for originals with no event). Changes are serialised within one
process; two processes writing the same key at once are not (S3 keeps the last write).

One use per form. S3 cannot refuse a second POST of a form; here each signed form is
accepted once (`form_used` afterwards, even when the object has since been deleted). Used
forms are remembered in `root/.forms` until they expire. A post that fails (refused,
unavailable) does not use the form up.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storage.blobstore import (
    DEFAULT_MAX_BYTES,
    BlobNotFound,
    InvalidKey,
    StorageUnavailable,
    UploadForm,
    UploadPolicy,
    UploadRefused,
    check_key,
)
from storage.files import CHUNK_SIZE, staged_file, write_atomically
from storage.signing import SignedPolicy, decode_policy, encode_policy, iso, sign, verify
from storage.used_forms import UsedForms

log = logging.getLogger("copper.storage")

TEMP_DIR = ".tmp"
FORMS_DIR = ".forms"
ObjectObserver = Callable[[str, str, int | None], None]
FORM_OVERHEAD = 64 * 1024
FORM_FIELDS = frozenset({"key", "Content-Type", "policy", "signature"})


@dataclass(frozen=True)
class StoredUpload:
    """An accepted upload: where it is stored and how many bytes it has."""

    key: str
    size: int


class LocalBlobStore:
    """Objects as files under one directory; direct uploads through signed forms."""

    def __init__(
        self,
        root: Path,
        *,
        secret: bytes,
        base_url: str,
        clock: Callable[[], float] = time.time,
        max_upload_bytes: int = DEFAULT_MAX_BYTES,
        on_change: ObjectObserver | None = None,
    ) -> None:
        """Keep files under `root`; sign forms with `secret` for `{base_url}/uploads`.

        `on_change(event_name, key, size)` is told of every object created or removed, with
        S3's event names, as S3 notifies its subscribers.
        """
        if not secret:
            raise ValueError("the upload signing secret is empty")
        self.root = Path(root)
        self._secret = secret
        self._base_url = base_url.rstrip("/")
        self._clock = clock
        self.max_upload_bytes = max_upload_bytes
        self._on_change = on_change
        self._forms = UsedForms(self.root / FORMS_DIR, clock)
        self._changing = threading.RLock()

    @property
    def max_request_bytes(self) -> int:
        """Return the largest upload request body worth reading (file plus form fields)."""
        return self.max_upload_bytes + FORM_OVERHEAD

    # direct uploads

    def upload_form(self, policy: UploadPolicy, content_type: str) -> UploadForm:
        """Return a form that lets a browser upload one `content_type` file to `policy.key`."""
        declared = policy.declared_type(content_type)
        if policy.max_bytes > self.max_upload_bytes:
            raise ValueError(f"this store takes uploads up to {self.max_upload_bytes} bytes")
        terms = SignedPolicy(
            key=policy.key,
            content_type=declared,
            min_bytes=policy.min_bytes,
            max_bytes=policy.max_bytes,
            expires_at=iso(self._clock() + policy.expires_in),
        )
        encoded = encode_policy(terms)
        fields = {
            "key": policy.key,
            "Content-Type": declared,
            "policy": encoded,
            "signature": sign(encoded, self._secret),
        }
        return UploadForm(
            url=f"{self._base_url}/uploads", fields=fields, expires_at=terms.expires_at
        )

    def accept_upload(
        self, fields: Mapping[str, str], stream: BinaryIO, declared_length: int | None
    ) -> StoredUpload:
        """Store the uploaded file if the form's signed policy allows it; else UploadRefused.

        A form is accepted once; a refused or failed post leaves it usable and stores nothing.
        """
        terms = self._check_form(fields)
        _check_size(terms, declared_length)
        chunks = _bounded_chunks(stream, terms.max_bytes)
        with self._forms.claimed(fields["policy"], terms.expires_at_epoch()):
            size = self._write(
                "ObjectCreated:Post", terms.key, chunks, lambda size: _check_size(terms, size)
            )
        return StoredUpload(key=terms.key, size=size)

    def _check_form(self, fields: Mapping[str, str]) -> SignedPolicy:
        """Return the form's policy once signature, expiry, key and type all hold."""
        missing = sorted(FORM_FIELDS - fields.keys())
        if missing:
            raise UploadRefused("malformed", f"the form lacks {', '.join(missing)}")
        extra = sorted(name for name in fields.keys() - FORM_FIELDS if not _ignored(name))
        if extra:
            raise UploadRefused("malformed", f"the form has fields the policy does not: {extra}")
        if not verify(fields["policy"], fields["signature"], self._secret):
            raise UploadRefused("bad_signature", "the upload policy signature does not match")
        terms = decode_policy(fields["policy"])
        if self._clock() >= terms.expires_at_epoch():
            raise UploadRefused("expired", f"the upload form expired at {terms.expires_at}")
        if fields["key"] != terms.key:
            raise UploadRefused("wrong_key", "the form's key is not the one the policy grants")
        if fields["Content-Type"] != terms.content_type:
            raise UploadRefused(
                "bad_content_type", f"the content type must be {terms.content_type}"
            )
        return terms

    # objects

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing any object there (the type is not kept)."""
        self._write("ObjectCreated:Put", key, [data])

    def get(self, key: str) -> bytes:
        """Return the object's bytes, or raise BlobNotFound."""
        with self.open(key) as file:
            return file.read()

    def open(self, key: str) -> BinaryIO:
        """Return the object's file, open for reading, or raise BlobNotFound."""
        path = self._path(key)
        try:
            return path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as e:
            raise BlobNotFound(f"no object {key}") from e
        except OSError as e:
            raise StorageUnavailable(f"could not read {key}: {type(e).__name__}") from e

    def download_to(self, key: str, path: Path) -> None:
        """Copy the object to `path` atomically, or raise BlobNotFound."""
        with self.open(key) as source:
            write_atomically(Path(path), iter(lambda: source.read(CHUNK_SIZE), b""))

    def delete(self, key: str, version_id: str | None = None) -> None:
        """Remove the object; a missing object is not an error (files have one version).

        With an observer, the object is kept if its removal event cannot be sent.
        """
        path = self._path(key)
        with self._changing:
            aside = self._temp_name("removed")
            try:
                if path.is_dir():
                    return
                os.replace(path, aside)
            except (FileNotFoundError, NotADirectoryError):
                return
            except OSError as e:
                raise StorageUnavailable(f"could not delete {key}: {type(e).__name__}") from e
            try:
                self._notify("ObjectRemoved:Delete", key, None)
            except StorageUnavailable:
                self._undo(key, path, aside)
                raise
            with contextlib.suppress(OSError):
                aside.unlink()

    def exists(self, key: str) -> bool:
        """Return whether an object is stored under `key`."""
        return self._path(key).is_file()

    def modified_at(self, key: str) -> float:
        """Return the file's modification time (epoch seconds), or raise BlobNotFound."""
        try:
            found = self._path(key).stat()
        except (FileNotFoundError, NotADirectoryError) as e:
            raise BlobNotFound(f"no object {key}") from e
        except OSError as e:
            raise StorageUnavailable(f"reading {key} failed: {e.strerror}") from e
        if not stat.S_ISREG(found.st_mode):
            raise BlobNotFound(f"no object {key}")  # a folder: a prefix of keys, not an object
        return found.st_mtime

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield the keys that start with `prefix`, in ascending UTF-8 byte order."""
        keys = [key for key in self._walk(self._walk_start(prefix)) if key.startswith(prefix)]
        yield from sorted(keys, key=lambda k: k.encode("utf-8"))

    # plumbing

    def _write(
        self,
        event_name: str,
        key: str,
        chunks: Iterable[bytes],
        check: Callable[[int], None] | None = None,
    ) -> int:
        """Stage the object, move it into place and send its event, or undo the move."""
        path = self._path(key)
        try:
            with staged_file(chunks, self.root / TEMP_DIR, check=check) as (staged, size):
                path.parent.mkdir(parents=True, exist_ok=True)
                with self._changing:
                    previous = self._keep_previous(key, path)
                    try:
                        os.replace(staged, path)
                        try:
                            self._notify(event_name, key, size)
                        except StorageUnavailable:
                            self._undo(key, path, previous)
                            raise
                    finally:
                        if previous is not None:
                            with contextlib.suppress(OSError):
                                previous.unlink()
        except OSError as e:
            raise StorageUnavailable(f"could not store {key}: {type(e).__name__}") from e
        return size

    def _keep_previous(self, key: str, path: Path) -> Path | None:
        """Return a hard link to the object now under `key` (to undo a write), or None."""
        if self._on_change is None:
            return None
        link = self._temp_name("previous")
        try:
            os.link(path, link)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as e:
            raise StorageUnavailable(f"could not store {key}: {type(e).__name__}") from e
        return link

    def _undo(self, key: str, path: Path, previous: Path | None) -> None:
        """Put back what was under `key` before a change whose event was not sent."""
        try:
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(previous, path)
        except OSError as e:
            log.critical(
                "object %s changed but its event was not sent, and the change could not be "
                "undone (%s): it has no event",
                key,
                type(e).__name__,
                extra={"key": key, "unsent_event": True},
            )

    def _notify(self, event_name: str, key: str, size: int | None) -> None:
        """Tell the observer of a change; StorageUnavailable if it cannot be told."""
        if self._on_change is None:
            return
        try:
            self._on_change(event_name, key, size)
        except Exception as e:
            raise StorageUnavailable(
                f"the {event_name} event of {key} could not be sent: {e}"
            ) from e

    def _temp_name(self, purpose: str) -> Path:
        """Return a fresh path in the store's temporary directory (which is created)."""
        directory = self.root / TEMP_DIR
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageUnavailable(f"could not prepare a change: {type(e).__name__}") from e
        return directory / f".{purpose}-{uuid.uuid4().hex}"

    def _path(self, key: str) -> Path:
        """Return the file of a safe key; InvalidKey for anything that could leave `root`."""
        path = self.root / check_key(key)
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise InvalidKey(f"key {key!r} leaves the store")
        return path

    def _walk_start(self, prefix: str) -> Path:
        """Return the deepest directory that holds every key with `prefix`."""
        directory = prefix.rpartition("/")[0]
        try:
            return self._path(directory) if directory else self.root
        except InvalidKey:
            return self.root

    def _walk(self, start: Path) -> Iterator[str]:
        """Yield the key of every object file under `start`, skipping dot-named entries."""
        for directory, subdirectories, files in os.walk(start):
            subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
            for name in files:
                if not name.startswith("."):
                    yield Path(directory, name).relative_to(self.root).as_posix()


def _ignored(name: str) -> bool:
    """Return whether S3 would ignore a form field not named in the policy."""
    return name.lower().startswith("x-ignore-")


def _check_size(terms: SignedPolicy, size: int | None) -> None:
    """Refuse a (declared or counted) size outside the policy's range; None passes."""
    if size is None:
        return
    if size > terms.max_bytes:
        raise UploadRefused("too_large", f"the file may have at most {terms.max_bytes} bytes")
    if size < terms.min_bytes:
        raise UploadRefused("too_small", f"the file must have at least {terms.min_bytes} bytes")


def _bounded_chunks(stream: BinaryIO, max_bytes: int) -> Iterator[bytes]:
    """Yield the stream's chunks; refuse (too_large) as soon as it passes `max_bytes`."""
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = stream.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            return
        remaining -= len(chunk)
        yield chunk
    raise UploadRefused("too_large", f"the file may have at most {max_bytes} bytes")
