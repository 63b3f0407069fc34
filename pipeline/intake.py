"""Safe intake: sniff, read the header only, enforce the limits, then decode once."""

from __future__ import annotations

import functools
import io
import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyvips

from pipeline.embedded import Embedded, embedded_text
from pipeline.errors import RejectedInput
from pipeline.frames import declared_frames
from pipeline.geometry import oriented_size
from pipeline.jpegscan import Buffer, CountingSource
from pipeline.orientation import UPRIGHT, metadata_orientation, turn_upright
from pipeline.settings import Limits
from pipeline.sniff import AVIF, HEIF, JPEG, SNIFF_BYTES, TIFF, Kind, sniff

JPEG_SHRINKS = (1, 2, 4, 8)
FAIL_ON = "error"  # the strictest libvips level that accepts healthy files (docs/pipeline.md)
THUMBNAIL_FORMATS = ("uchar", "ushort")  # `thumbnail` would clip other sample formats to 8 bits
TRUSTED_LOADERS = (
    "VipsForeignLoadJpeg",
    "VipsForeignLoadPng",
    "VipsForeignLoadWebp",
    "VipsForeignLoadTiff",
    "VipsForeignLoadNsgif",
    "VipsForeignLoadHeif",
)


@functools.cache
def harden_libvips() -> None:
    """Block every libvips loader but the allowlist, and keep no cache between images."""
    pyvips.block_untrusted_set(True)
    pyvips.operation_block_set("VipsForeignLoad", True)
    for loader in TRUSTED_LOADERS:
        pyvips.operation_block_set(loader, False)
    pyvips.cache_set_max(0)


@dataclass(frozen=True)
class Original:
    """An original image held in memory or on disk; never modified."""

    data: bytes | None = None
    path: Path | None = None

    @classmethod
    def of(cls, source: bytes | os.PathLike[str] | str) -> Original:
        """Wrap bytes or a file path."""
        if isinstance(source, bytes | bytearray | memoryview):
            return cls(data=bytes(source))
        return cls(path=Path(source))

    @property
    def file(self) -> Path:
        """Return the path of an original held on disk."""
        if self.path is None:
            raise ValueError("this original is held in memory, not in a file")
        return self.path

    @property
    def size(self) -> int:
        """Return the size in bytes."""
        return len(self.data) if self.data is not None else self.file.stat().st_size

    def head(self) -> bytes:
        """Return the first bytes, enough to sniff the type."""
        if self.data is not None:
            return self.data[:SNIFF_BYTES]
        with self.file.open("rb") as handle:
            return handle.read(SNIFF_BYTES)

    def open(self, **load_options: object) -> pyvips.Image:
        """Open lazily: libvips reads the header, no pixels."""
        options = {"access": "sequential", "fail_on": FAIL_ON, **load_options}
        if self.data is not None:
            return pyvips.Image.new_from_buffer(self.data, "", **options)
        return pyvips.Image.new_from_file(str(self.file), **options)

    @contextmanager
    def buffer(self) -> Iterator[Buffer]:
        """Yield the bytes, or a read-only map of the file."""
        if self.data is not None:
            yield self.data
            return
        with (
            self.file.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view,
        ):
            yield view

    def thumbnail(self, long_edge: int, source: pyvips.Source | None = None) -> pyvips.Image:
        """Decode the first frame once, shrinking on load to fit `long_edge`, EXIF-rotated."""
        if source is None and self.data is not None:
            source = pyvips.Source.new_from_memory(self.data)
        elif source is None:
            source = pyvips.Source.new_from_file(str(self.file))
        # thumbnail's own fail_on does not reach the loader; the load option string does.
        return pyvips.Image.thumbnail_source(
            source, long_edge, height=long_edge, size="down", option_string=f"fail_on={FAIL_ON}"
        )


@dataclass(frozen=True)
class Header:
    """What the header says, before any pixel is decoded."""

    kind: Kind
    width: int
    height: int
    frames: int
    exif_orientation: int
    bands: int
    interpretation: str
    band_format: str
    icc_profile: bytes | None
    hevc: bool = False
    metadata_orientation: int = UPRIGHT  # from XMP or PNG raw-EXIF text, when EXIF has no tag
    embedded: Embedded = field(default_factory=Embedded)  # title, description, keywords

    @property
    def orientation(self) -> int:
        """Return the orientation (1-8) to display the image with: EXIF's, else the metadata's."""
        exif = self.exif_orientation
        return exif if exif != UPRIGHT else self.metadata_orientation

    @property
    def oriented_size(self) -> tuple[int, int]:
        """Return (width, height) as displayed, after orientation."""
        return oriented_size(self.width, self.height, self.orientation)

    @property
    def is_cmyk(self) -> bool:
        """Return whether the pixels are CMYK."""
        return self.interpretation == "cmyk"


def read_header(original: Original, limits: Limits) -> Header:
    """Identify and measure an original, rejecting it before decoding if it breaks a limit."""
    check_size(original.size, limits)
    kind = sniff(original.head())
    if not kind.allowed:
        raise RejectedInput(kind.refusal, code="unsupported_type")
    try:
        image = original.open()
        header = header_of(image, kind)
    except pyvips.Error as error:
        from pipeline.fallback import header_with_fallback  # pulls in Pillow: only on failure

        header = header_with_fallback(original, kind, limits, error)
    header = replace(header, frames=max(header.frames, container_frames(original, kind)))
    check_dimensions(header, limits)
    return header


def container_frames(original: Original, kind: Kind) -> int:
    """Return the frames an APNG or MPO declares in its head (libvips reports one)."""
    stream = io.BytesIO(original.data) if original.data is not None else original.file.open("rb")
    with stream:
        return declared_frames(kind.name, stream) or 1


def header_of(image: pyvips.Image, kind: Kind) -> Header:
    """Read the fields the pipeline needs from a lazily opened image."""
    loader = image.get("vips-loader")
    if not loader.startswith(kind.loader):
        raise RejectedInput(
            f"The file looks like {kind.label} but does not decode as one.", code="type_mismatch"
        )
    fields = set(image.get_fields())
    frames = image.get("n-pages") if "n-pages" in fields else 1
    orientation = image.get("orientation") if "orientation" in fields else 1
    profile = image.get("icc-profile-data") if "icc-profile-data" in fields else None
    return Header(
        kind=kind,
        width=image.width,
        height=image.get("page-height") if "page-height" in fields else image.height,
        frames=max(1, frames),
        exif_orientation=orientation if 1 <= orientation <= 8 else UPRIGHT,
        bands=image.bands,
        interpretation=str(image.interpretation),
        band_format=str(image.format),
        icc_profile=bytes(profile) if profile else None,
        hevc="heif-compression" in fields and image.get("heif-compression") == "hevc",
        metadata_orientation=fallback_orientation(image, kind, fields),
        embedded=embedded_text(image, fields),
    )


def fallback_orientation(image: pyvips.Image, kind: Kind, fields: set[str]) -> int:
    """Return the XMP or PNG raw-EXIF orientation if EXIF has no orientation tag, else 1."""
    if kind in (HEIF, AVIF):
        return UPRIGHT  # the container's rotation boxes rule, and libheif applies them
    # libvips reports "orientation" only for a tag, but in TIFF it reports 1 when there is none.
    if "orientation" in fields and not (kind is TIFF and image.get("orientation") == UPRIGHT):
        return UPRIGHT
    return metadata_orientation(image)


def check_size(size: int, limits: Limits) -> None:
    """Reject empty files and files over the byte limit."""
    if size == 0:
        raise RejectedInput("The file is empty.", code="empty")
    if size > limits.max_bytes:
        raise RejectedInput(
            f"The file is {megabytes(size)}; "
            f"the largest accepted is {megabytes(limits.max_bytes)}.",
            code="file_too_large",
        )


def check_dimensions(header: Header, limits: Limits) -> None:
    """Reject by side length, pixel count, frame count and total frame pixels."""
    width, height, frames = header.width, header.height, header.frames
    pixels = width * height
    size = f"{width:,} × {height:,} pixels"
    if max(width, height) > limits.max_dimension:
        raise RejectedInput(
            f"The image is {size}; the longest side accepted is {limits.max_dimension:,} pixels.",
            code="dimensions_too_large",
        )
    if pixels > limits.max_pixels:
        raise RejectedInput(
            f"The image is {size} ({pixels / 1e6:,.0f} megapixels); "
            f"the most accepted is {limits.max_pixels / 1e6:,.0f} megapixels.",
            code="too_many_pixels",
        )
    if frames > limits.max_frames:
        raise RejectedInput(
            f"The file has {frames:,} frames or pages; the most accepted is {limits.max_frames:,}.",
            code="too_many_frames",
        )
    if pixels * frames > limits.max_total_pixels:
        raise RejectedInput(
            f"The animation's {frames:,} frames hold {pixels * frames / 1e6:,.0f} megapixels; "
            f"the most accepted is {limits.max_total_pixels / 1e6:,.0f}.",
            code="too_many_pixels",
        )


def decode(original: Original, header: Header, long_edge: int) -> pyvips.Image:
    """Decode the first frame into memory at `long_edge`, upright, failing on damaged data."""
    # libvips applies EXIF orientation itself; orientation found elsewhere is applied here,
    # after the shrink (the square `long_edge` box fits either way round).
    return turn_upright(decode_frame(original, header, long_edge), header.metadata_orientation)


def decode_frame(original: Original, header: Header, long_edge: int) -> pyvips.Image:
    """Decode the first frame into memory at `long_edge`, failing on damaged data."""
    try:
        if header.hevc:
            from pipeline.heic import decode_hevc  # imported only for HEIC: pulls in Pillow

            return decode_hevc(original.data or str(original.path), long_edge)
        if header.is_cmyk or header.band_format not in THUMBNAIL_FORMATS:
            return shrink_cmyk(original, header, long_edge)
        if header.kind is JPEG:
            return thumbnail_whole_scan(original, long_edge)
        return original.thumbnail(long_edge).copy_memory()
    except (pyvips.Error, ValueError, RuntimeError) as error:
        from pipeline.fallback import decode_with_fallback  # pulls in Pillow: only on failure

        return decode_with_fallback(original, header, long_edge, error)


def thumbnail_whole_scan(original: Original, long_edge: int) -> pyvips.Image:
    """Decode a JPEG like `Original.thumbnail`, refusing it if its scan was not read to the end.

    See `jpegscan`: garbled entropy data often ends the decode early without a warning.
    """
    with original.buffer() as data:
        counting = CountingSource(data)
        image = original.thumbnail(long_edge, counting.source).copy_memory()
    if counting.ended_early:
        raise corrupt(JPEG)
    return image


def shrink_cmyk(original: Original, header: Header, long_edge: int) -> pyvips.Image:
    """Shrink CMYK pixels first; `thumbnail` would convert them to sRGB at full size."""
    options: dict[str, object] = {}
    if header.kind is JPEG:
        ratio = max(header.width, header.height) / long_edge
        options["shrink"] = max(s for s in JPEG_SHRINKS if s <= max(1.0, ratio))
    if header.exif_orientation != 1:
        options["access"] = "random"  # rotating needs the whole image
    image = original.open(**options).autorot()
    scale = long_edge / max(image.width, image.height)
    return (image.resize(scale) if scale < 1 else image).copy_memory()


def corrupt(kind: Kind) -> RejectedInput:
    """Return the rejection for a file whose data cannot be decoded."""
    return RejectedInput(
        f"The {kind.label} data is damaged or incomplete and cannot be decoded. "
        "Please export the image again and re-upload it.",
        code="corrupt",
    )


MEBIBYTE = 1024 * 1024


def megabytes(size: int) -> str:
    """Format a byte count for people in binary megabytes ("250 MiB"), as the docs state it."""
    value = size / MEBIBYTE
    return f"{value:,.0f} MiB" if value >= 10 else f"{value:.1f} MiB"
