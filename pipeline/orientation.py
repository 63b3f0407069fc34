"""Orientation written outside EXIF: XMP `tiff:Orientation` and PNG raw-EXIF text chunks."""

from __future__ import annotations

import re
import struct

import pyvips

UPRIGHT = 1
MAX_XMP_BYTES = 1 << 20
MAX_PROFILE_BYTES = 1 << 20
RAW_EXIF_KEYS = frozenset({"Raw profile type exif", "Raw profile type APP1"})
PNG_TEXT_FIELD = re.compile(r"png-comment-\d+-(.*)", re.DOTALL)
ORIENTATION_TAG = 0x0112
SHORT = 3
TIFF_NAMESPACE = re.compile(rb"""xmlns:([\w.-]+)\s*=\s*["']http://ns\.adobe\.com/tiff/1\.0/["']""")
# The look-behind starts a prefix only where a name starts: the search stays linear.
XMP_ATTRIBUTE = re.compile(rb"""(?<![\w.-])([\w.-]+):Orientation\s*=\s*(["'])\s*(\d{1,3})\s*\2""")
XMP_ELEMENT = re.compile(
    rb"<([\w.-]+):Orientation(?:\s[^<>]*)?>\s*(\d{1,3})\s*</\1:Orientation\s*>"
)


def metadata_orientation(image: pyvips.Image) -> int:
    """Return the orientation (1-8) a PNG raw-EXIF text chunk, else XMP, gives the image."""
    fields = image.get_fields()
    for name in fields:
        match = PNG_TEXT_FIELD.fullmatch(name)
        if match and match[1] in RAW_EXIF_KEYS:
            orientation = exif_orientation(raw_profile(str(image.get(name))) or b"")
            if orientation != UPRIGHT:
                return orientation
    if "xmp-data" in fields:
        return xmp_orientation(bytes(image.get("xmp-data")))
    return UPRIGHT


def xmp_orientation(xmp: bytes) -> int:
    """Return the `tiff:Orientation` (1-8) of an XMP packet, read by pattern (no XML parsing)."""
    packet = xmp[:MAX_XMP_BYTES]
    prefixes = {b"tiff"} | {match[1] for match in TIFF_NAMESPACE.finditer(packet)}
    for match in XMP_ATTRIBUTE.finditer(packet):
        if match[1] in prefixes:
            return valid(int(match[3]))
    for match in XMP_ELEMENT.finditer(packet):
        if match[1] in prefixes:
            return valid(int(match[2]))
    return UPRIGHT


def raw_profile(text: str) -> bytes | None:
    """Decode ImageMagick's raw profile text ("\\nname\\nlength\\nhex lines"), or None."""
    parts = text.lstrip("\n").split("\n", 2)
    if len(parts) < 3 or not parts[1].strip().isdigit():
        return None
    length = int(parts[1])
    if not 0 < length <= MAX_PROFILE_BYTES:
        return None
    digits = "".join(parts[2][: 3 * length].split())[: 2 * length]
    try:
        return bytes.fromhex(digits)
    except ValueError:
        return None


def exif_orientation(exif: bytes) -> int:
    """Return the Orientation tag (1-8) of IFD0 in EXIF bytes (with or without 'Exif\\0\\0')."""
    tiff = exif[6:] if exif.startswith(b"Exif\0\0") else exif
    order = {b"II*\0": "<", b"MM\0*": ">"}.get(tiff[:4])
    if order is None or len(tiff) < 8:
        return UPRIGHT
    (ifd,) = struct.unpack_from(order + "I", tiff, 4)
    if ifd + 2 > len(tiff):
        return UPRIGHT
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    for entry in range(ifd + 2, min(ifd + 2 + 12 * count, len(tiff) - 11), 12):
        tag, kind, _ = struct.unpack_from(order + "HHI", tiff, entry)
        if tag == ORIENTATION_TAG and kind == SHORT:
            return valid(struct.unpack_from(order + "H", tiff, entry + 8)[0])
    return UPRIGHT


def valid(orientation: int) -> int:
    """Return the orientation if it is one of the eight EXIF values, else upright."""
    return orientation if 1 <= orientation <= 8 else UPRIGHT


def turn_upright(image: pyvips.Image, orientation: int) -> pyvips.Image:
    """Rotate and flip decoded pixels exactly as libvips applies an EXIF orientation."""
    if orientation == UPRIGHT:
        return image
    tagged = image.copy()
    tagged.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    return tagged.autorot().copy_memory()
