"""The blob store port: what the gallery needs from S3 or a directory, its errors and policy.

Keys are relative, `/`-separated paths such as `originals/<artist>/<artwork>` or
`renditions/<artwork>/<size>.webp`; `check_key` is the one rule both adapters apply, so a
key one adapter refuses the other refuses too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from kernel.errors import CopperError, Invalid, Missing, Transient
from kernel.settings import ORIGINAL_MAX_BYTES
from pipeline.sniff import MIME_TYPES

MAX_EXPIRES_IN = 900
DEFAULT_MAX_BYTES = ORIGINAL_MAX_BYTES
MAX_KEY_LENGTH = 1024
IMAGE_TYPES = tuple(chain.from_iterable(MIME_TYPES.values()))  # what the pipeline accepts

RefusalCode = Literal[
    "expired",
    "bad_signature",
    "wrong_key",
    "bad_content_type",
    "too_small",
    "too_large",
    "malformed",
    "form_used",
]


class StorageError(CopperError):
    """Base class of blob store errors."""


class BlobNotFound(StorageError, Missing):
    """No object under that key."""


class StorageUnavailable(StorageError, Transient):
    """The store could not be reached or throttled us: transient, retry later."""


class InvalidKey(StorageError, Invalid, ValueError):
    """The key is not a safe relative object key."""


class UploadRefused(StorageError, Invalid):
    """An upload (or a request for an upload form) broke the upload policy."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        """Record the machine-readable `code` and a human `message`."""
        super().__init__(message)
        self.code: RefusalCode = code
        self.message = message


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative object key, else raise InvalidKey."""
    if not key or len(key.encode("utf-8")) > MAX_KEY_LENGTH:
        raise InvalidKey("a key has 1 to 1024 bytes")
    if "\\" in key or "\x00" in key or any(ord(c) < 0x20 for c in key):
        raise InvalidKey("a key has no backslash or control character")
    if key.startswith("/"):
        raise InvalidKey("a key is relative")
    for part in key.split("/"):
        if not part or part.startswith("."):
            raise InvalidKey("a key has no empty, '.' or '..' (or dot-leading) segment")
    return key


@dataclass(frozen=True)
class UploadPolicy:
    """What one direct upload may be: the exact key, allowed types, size range and lifetime."""

    key: str
    content_types: tuple[str, ...] = IMAGE_TYPES
    min_bytes: int = 1
    max_bytes: int = DEFAULT_MAX_BYTES
    expires_in: int = MAX_EXPIRES_IN

    def __post_init__(self) -> None:
        """Refuse an unsafe key, an empty type list, a bad size range or a long lifetime."""
        check_key(self.key)
        if not self.content_types:
            raise ValueError("an upload policy allows at least one content type")
        if not 0 <= self.min_bytes <= self.max_bytes:
            raise ValueError("an upload policy needs 0 <= min_bytes <= max_bytes")
        if not 1 <= self.expires_in <= MAX_EXPIRES_IN:
            raise ValueError(f"an upload form expires within 1 to {MAX_EXPIRES_IN} seconds")

    def declared_type(self, content_type: str) -> str:
        """Return the artist's declared type, normalised, or refuse it (bad_content_type)."""
        normalised = content_type.strip().lower()
        if normalised not in self.content_types:
            allowed = ", ".join(self.content_types)
            raise UploadRefused("bad_content_type", f"the content type must be one of {allowed}")
        return normalised


@dataclass(frozen=True)
class UploadForm:
    """What a browser needs for a multipart POST: the url, the fields, then the `file` last."""

    url: str
    fields: dict[str, str]
    expires_at: str


class BlobStore(Protocol):
    """Objects by key: whole-byte and streamed reads, writes, listing and direct uploads."""

    def upload_form(self, policy: UploadPolicy, content_type: str) -> UploadForm:
        """Return a signed form for one upload of `content_type` (checked against the policy)."""
        ...

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing any object there."""
        ...

    def get(self, key: str) -> bytes:
        """Return the object's bytes, or raise BlobNotFound."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Return a readable stream of the object (the caller closes it), or raise BlobNotFound."""
        ...

    def download_to(self, key: str, path: Path) -> None:
        """Write the object to `path` (atomically), or raise BlobNotFound."""
        ...

    def delete(self, key: str, version_id: str | None = None) -> None:
        """Remove the object (with `version_id`: only that version); a missing one is no error."""
        ...

    def exists(self, key: str) -> bool:
        """Return whether an object is stored under `key`."""
        ...

    def modified_at(self, key: str) -> float:
        """Return when the object was last written (epoch seconds), or raise BlobNotFound."""
        ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield the keys that start with `prefix`, in ascending (UTF-8 byte) order."""
        ...
