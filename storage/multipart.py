"""An upload body read as S3 reads a POST: the form fields, then the one file, then nothing.

The body is decoded as it streams in, so the fields are checked before any file byte is
stored and the file never waits in memory or a spool file. Stricter than S3 where S3 would
quietly ignore something: a part after the file, a second `file` part, a file part under
another name, a repeated field (names compared without case) or an empty file is refused.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterator
from typing import IO, BinaryIO

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import (
    Data,
    Epilogue,
    Event,
    Field,
    File,
    MultipartDecoder,
    NeedData,
)

from storage.blobstore import UploadRefused

FILE_FIELD = "file"
READ_SIZE = 64 * 1024
MAX_FIELDS_BYTES = 64 * 1024
ONE_FILE = f"the form must carry exactly one file, in field '{FILE_FIELD}'"


def check_field(name: str | None, seen: Collection[str]) -> str:
    """Return a text field's name; refuse a nameless, repeated or non-file `file` field."""
    if not name:
        raise UploadRefused("malformed", "every form field needs a name")
    if name == FILE_FIELD:
        raise UploadRefused("malformed", f"the '{FILE_FIELD}' part must be a file")
    if name.lower() in {other.lower() for other in seen}:
        raise UploadRefused("malformed", "each form field may appear once")
    return name


def check_file_part(name: str | None) -> None:
    """Refuse a file part under any name but `file`."""
    if name != FILE_FIELD:
        raise UploadRefused("malformed", ONE_FILE)


def check_after_file(event: Event) -> None:
    """Refuse any part after the file: the file is the last part of the form."""
    if isinstance(event, Field | File):
        raise UploadRefused("malformed", "the file must be the last part of the form")


def check_file_size(size: int) -> None:
    """Refuse a file part with an empty body."""
    if size == 0:
        raise UploadRefused("too_small", "the file is empty")


def declared_length(value: str | None) -> int | None:
    """Return a part's Content-Length header as a number, or None if absent or unreadable."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _text(value: bytes | bytearray) -> str:
    """Return a field's value as UTF-8 text; refuse bytes that are not."""
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError as e:
        raise UploadRefused("malformed", "a form field is not UTF-8 text") from e


class UploadBody:
    """A multipart/form-data body decoded in order: `fields()` first, then `file` to the end."""

    def __init__(self, stream: IO[bytes], boundary: bytes) -> None:
        """Decode `stream`, a multipart body whose parts are separated by `boundary`."""
        self._stream = stream
        self._decoder = MultipartDecoder(boundary, max_form_memory_size=2 * READ_SIZE)
        self._events = self._decode()
        self.declared_length: int | None = None

    def fields(self) -> dict[str, str]:
        """Read up to the file part; return the text fields before it (each once)."""
        fields: dict[str, str] = {}
        name: str | None = None
        value = bytearray()
        total = 0
        for event in self._events:
            if isinstance(event, Field):
                name = check_field(event.name, fields.keys())
                value = bytearray()
            elif isinstance(event, File):
                check_file_part(event.name)
                self.declared_length = declared_length(event.headers.get("Content-Length"))
                return fields
            elif isinstance(event, Data) and name is not None:
                value += event.data
                total += len(event.data)
                if total > MAX_FIELDS_BYTES:
                    raise UploadRefused("malformed", "the form fields are too long")
                if not event.more_data:
                    fields[name] = _text(value)
            elif isinstance(event, Epilogue):
                break
        raise UploadRefused("malformed", ONE_FILE)

    @property
    def file(self) -> BinaryIO:
        """Return the file part's content as a stream; reading its end checks what follows."""
        return io.BufferedReader(_FilePart(self._events), READ_SIZE)

    def _decode(self) -> Iterator[Event]:
        """Yield the decoder's events, reading the stream whenever it needs more."""
        while True:
            try:
                event = self._decoder.next_event()
                if isinstance(event, NeedData):
                    chunk = self._stream.read(READ_SIZE)
                    self._decoder.receive_data(chunk or None)
                    continue
            except RequestEntityTooLarge as e:
                raise UploadRefused("malformed", "a form part's headers are too long") from e
            except ValueError as e:
                raise UploadRefused("malformed", "the multipart body is not complete") from e
            yield event
            if isinstance(event, Epilogue):
                return


class _FilePart(io.RawIOBase):
    """The bytes of the file part; at its end, the rest of the body must be the epilogue."""

    def __init__(self, events: Iterator[Event]) -> None:
        """Read the file's data events from `events`, positioned just after the file part."""
        super().__init__()
        self._events = events
        self._pending = bytearray()
        self._size = 0
        self._done = False

    def readable(self) -> bool:
        """Say that it can be read."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Fill `buffer` with the file's next bytes; return 0 at the (checked) end."""
        while not self._pending and not self._done:
            self._pull()
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        del self._pending[:count]
        return count

    def _pull(self) -> None:
        """Take the next data event; after the last one, check the rest of the body."""
        event = next(self._events, None)
        if not isinstance(event, Data):
            raise UploadRefused("malformed", "the multipart body is not complete")
        self._pending += event.data
        self._size += len(event.data)
        if not event.more_data:
            check_file_size(self._size)
            for rest in self._events:
                check_after_file(rest)
            self._done = True
