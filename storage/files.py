"""Atomic file writes shared by the adapters: a temporary file, then `os.replace`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK_SIZE = 1024 * 1024


def write_atomically(
    path: Path,
    chunks: Iterable[bytes],
    *,
    temp_dir: Path | None = None,
    check: Callable[[int], None] | None = None,
) -> int:
    """Write `chunks` to `path` so readers see the old file or the whole new one; return size.

    `check(size)` runs before the file is moved into place; if it raises, nothing changes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    directory = temp_dir if temp_dir is not None else path.parent
    with staged_file(chunks, directory, check=check) as (temp, size):
        os.replace(temp, path)
    return size


@contextmanager
def staged_file(
    chunks: Iterable[bytes], directory: Path, *, check: Callable[[int], None] | None = None
) -> Iterator[tuple[Path, int]]:
    """Write `chunks` to a new file in `directory`, synced and checked; yield it and its size.

    The body moves the file where it belongs; whatever is left of it afterwards is removed.
    """
    directory.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=".part-")
    try:
        size = 0
        with os.fdopen(fd, "wb") as temp:
            for chunk in chunks:
                temp.write(chunk)
                size += len(chunk)
            temp.flush()
            os.fsync(temp.fileno())
        if check is not None:
            check(size)
        yield Path(temp_name), size
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
