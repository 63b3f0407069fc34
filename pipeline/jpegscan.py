"""Tell whether libjpeg read a JPEG's entropy-coded data to its end, as it reads whole data.

Garbled entropy data often decodes without a single libjpeg warning: the decoder
resynchronises on wrong block boundaries, draws streaks, and runs out of blocks to fill
before it runs out of data. libjpeg says so ("extraneous bytes before marker 0xd9") only
when the tail of the file is checked, which libvips skips. So the decoder reads the file
through a source that counts how far it got: a healthy scan is read up to the marker that
ends it; a scan that leaves more than a few bytes unread is not the data it claims to be.
(Garbled data that happens to fill the last block exactly still passes unseen.)
"""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass, field

import pyvips

# A marker's last 0xFF and its code: not 0 (a stuffed data byte), RST0-7 or another 0xFF (a
# fill byte). Without a repeat the search runs at the speed of a literal scan (`\xff+` made
# it 18 times slower: 53 ms on a 5 MB scan); the fill bytes before it are walked back.
MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
STANDALONE = frozenset({0x01, *range(0xD0, 0xDA)})  # markers without a length field
START_OF_SCAN = 0xDA
CLOSE_WINDOW = 4096  # read in small steps from this far before the end of the scan
EXACT_WINDOW = 256  # and byte by byte from this far
UNREAD_TOLERANCE = 8  # healthy scans are read to their end marker (0 bytes left, measured)

Buffer = bytes | mmap.mmap


def scan_end(data: Buffer) -> int | None:
    """Return where the first scan's entropy-coded data ends (its next marker), else None.

    Walks the segments as libjpeg does, skipping junk between them, to the first SOS.
    """
    at = data.find(b"\xff", 2)
    while 0 <= at < len(data) - 3:
        while data[at + 1] == 0xFF and at < len(data) - 4:  # fill bytes
            at += 1
        code = data[at + 1]
        if code in STANDALONE or code == 0:
            at = data.find(b"\xff", at + 2)
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if code == START_OF_SCAN:
            data_start = at + 2 + length
            found = MARKER.search(data, data_start)
            return None if found is None else first_fill(data, found.start(), data_start)
        at = data.find(b"\xff", at + 2 + length)
    return None


def first_fill(data: Buffer, marker: int, floor: int) -> int:
    """Return where the run of 0xFF bytes ending at `marker` starts (not before `floor`)."""
    while marker > floor and data[marker - 1] == 0xFF:
        marker -= 1
    return marker


@dataclass
class CountingSource:
    """Serve the file to libvips, noting the furthest byte the decoder asked for."""

    data: Buffer
    end: int | None = field(init=False)  # where the scan's data ends: read in ever smaller steps
    position: int = 0
    furthest: int = 0
    source: pyvips.SourceCustom = field(init=False)

    def __post_init__(self) -> None:
        """Build the libvips source and find the end of the scan."""
        self.end = scan_end(self.data)
        self.source = pyvips.SourceCustom()
        self.source.on_read(self.read)
        self.source.on_seek(self.seek)

    def read(self, size: int) -> bytes:
        """Return up to `size` bytes, fewer close to the end of the scan."""
        start = self.position
        stop = start + min(size, self.step(start))
        chunk = bytes(self.data[start:stop])
        self.position = start + len(chunk)
        self.furthest = max(self.furthest, self.position)
        return chunk

    def step(self, at: int) -> int:
        """Return how many bytes to hand over from `at`: few near the scan's end."""
        if self.end is None or at >= self.end + 2:
            return len(self.data)
        if at < self.end - CLOSE_WINDOW:
            return self.end - CLOSE_WINDOW - at
        if at < self.end - EXACT_WINDOW:
            return min(64, self.end - EXACT_WINDOW - at)
        return 1

    def seek(self, offset: int, whence: int) -> int:
        """Move like io.seek and return the new position."""
        base = {0: 0, 1: self.position, 2: len(self.data)}[whence]
        self.position = min(max(0, base + offset), len(self.data))
        return self.position

    @property
    def unread(self) -> int:
        """Return how many bytes of the scan the decoder left unread (0 if unknown)."""
        return 0 if self.end is None else max(0, self.end - self.furthest)

    @property
    def ended_early(self) -> bool:
        """Return whether the decoder stopped short of the end of the scan's data."""
        return self.unread > UNREAD_TOLERANCE
