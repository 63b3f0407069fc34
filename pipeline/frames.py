"""Frame counts that libvips does not report: animated PNG (acTL) and multi-picture JPEG (MPF).

Both are read from the head of the file, chunk by chunk or segment by segment, before any pixel
is decoded; the reads are bounded, and a damaged or missing declaration counts as none (None).
"""

from __future__ import annotations

import struct
from typing import BinaryIO

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_CHUNKS = 4096  # chunks read before the image data; each costs an 8-byte read
MAX_APNG_FRAMES = 2**31 - 1  # acTL's num_frames is a PNG four-byte unsigned integer: below 2^31
MAX_JPEG_SEGMENTS = 256  # segments read before the scan data
MPF_IDENTIFIER = b"MPF\x00"
MPF_NUMBER_OF_IMAGES = 0xB001
APP2 = 0xE2
START_OF_SCAN, END_OF_IMAGE = 0xDA, 0xD9
STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and RST0-7: no length
TIFF_LONG, TIFF_SHORT = 4, 3


def apng_frames(stream: BinaryIO) -> int | None:
    """Return the frames an animated PNG declares in its acTL chunk, None for a still PNG.

    The acTL chunk must come before the first IDAT; an IDAT image that precedes the first fcTL
    is shown by viewers without animation support and is counted as a frame too. An invalid
    count (0, or 2^31 and above) makes the file a still PNG, as viewers show it.
    """
    if stream.read(8) != PNG_SIGNATURE:
        return None
    declared, control_seen = None, False
    for _ in range(MAX_PNG_CHUNKS):
        head = stream.read(8)
        if len(head) < 8:
            return None
        length, kind = struct.unpack(">I4s", head)
        if kind == b"acTL":
            body = stream.read(8)
            if length != 8 or len(body) < 8:
                return None
            frames = int.from_bytes(body[:4], "big")
            declared = frames if 1 <= frames <= MAX_APNG_FRAMES else None
            stream.seek(4, 1)  # CRC
            continue
        if kind == b"IDAT":
            if declared is None:
                return None
            return declared + (0 if control_seen else 1)
        if kind == b"IEND":
            return None
        control_seen = control_seen or kind == b"fcTL"
        stream.seek(length + 4, 1)
    return None


def mpo_frames(stream: BinaryIO) -> int | None:
    """Return the images a JPEG's MPF segment declares (MP Index IFD: NumberOfImages), or None."""
    if stream.read(2) != b"\xff\xd8":
        return None
    for _ in range(MAX_JPEG_SEGMENTS):
        marker = next_marker(stream)
        if marker is None or marker in (START_OF_SCAN, END_OF_IMAGE):
            return None
        if marker in STANDALONE_MARKERS:
            continue
        size = stream.read(2)
        if len(size) < 2 or struct.unpack(">H", size)[0] < 2:
            return None
        length = struct.unpack(">H", size)[0] - 2
        if marker != APP2:
            stream.seek(length, 1)
            continue
        payload = stream.read(length)
        if payload[:4] == MPF_IDENTIFIER:
            return number_of_images(payload[4:])
    return None


def next_marker(stream: BinaryIO) -> int | None:
    """Return the next JPEG marker code, skipping fill bytes; None at the end or on garbage."""
    if stream.read(1) != b"\xff":
        return None
    while (byte := stream.read(1)) == b"\xff":
        pass
    return byte[0] if byte else None


def number_of_images(tiff: bytes) -> int | None:
    """Return NumberOfImages from the MP Index IFD that opens an MPF segment's TIFF block."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return None
    (offset,) = struct.unpack(f"{order}I", tiff[4:8])
    if offset + 2 > len(tiff):
        return None
    (count,) = struct.unpack(f"{order}H", tiff[offset : offset + 2])
    for index in range(count):
        entry = tiff[offset + 2 + 12 * index : offset + 14 + 12 * index]
        if len(entry) < 12:
            return None
        tag, kind, _ = struct.unpack(f"{order}HHI", entry[:8])
        if tag == MPF_NUMBER_OF_IMAGES:
            if kind == TIFF_LONG:
                return max(1, int(struct.unpack(f"{order}I", entry[8:])[0]))
            if kind == TIFF_SHORT:
                return max(1, int(struct.unpack(f"{order}H", entry[8:10])[0]))
            return None
    return None


FRAME_COUNTERS = {"png": apng_frames, "jpeg": mpo_frames}


def declared_frames(kind_name: str, stream: BinaryIO) -> int | None:
    """Return the frames a PNG or JPEG container declares that libvips does not report."""
    counter = FRAME_COUNTERS.get(kind_name)
    return counter(stream) if counter is not None else None
