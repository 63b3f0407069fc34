"""TIFFs with 64-bit samples, which neither libvips nor Pillow reads: read by tifffile."""

from __future__ import annotations

import io
import lzma
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pyvips
import tifffile

from pipeline.intake import Header, Original, corrupt
from pipeline.orientation import UPRIGHT
from pipeline.sniff import Kind

ORIENTATION, ICC_PROFILE = 274, 34675
MIN_IS_BLACK, RGB = 1, 2  # the photometric interpretations read here
# What tifffile decodes with the standard library alone: none, Deflate (two codes), LZMA; and
# no predictor, or the horizontal one (for integers). LZW and the floating-point predictor
# need the large imagecodecs package.
READABLE_COMPRESSIONS = frozenset({1, 8, 32946, 34925})
READABLE_PREDICTORS = frozenset({1, 2})
NARROW = {"i": np.int32, "u": np.uint32}  # libvips has no 64-bit integer samples


@contextmanager
def open_tiff(original: Original) -> Iterator[tifffile.TiffFile]:
    """Open a TIFF with tifffile, which reads the directory only until pixels are asked for."""
    source = io.BytesIO(original.data) if original.data is not None else original.file
    with tifffile.TiffFile(source) as tiff:
        yield tiff


def first_ifd_tags(original: Original) -> dict[int, object] | None:
    """Return the first IFD's tags by number, or None if tifffile cannot read the directory."""
    try:
        with open_tiff(original) as tiff:
            return {tag.code: tag.value for tag in tiff.pages.first.tags.values()}
    except (tifffile.TiffFileError, OSError, ValueError, KeyError, IndexError, EOFError):
        return None


def wide_header(original: Original, kind: Kind) -> Header:
    """Read the header of a 64-bit TIFF, describing the samples `wide_pixels` hands on."""
    with open_tiff(original) as tiff:
        page = tiff.pages.first
        check_layout(page)
        float_samples = page.sampleformat == tifffile.SAMPLEFORMAT.IEEEFP
        signed = page.sampleformat == tifffile.SAMPLEFORMAT.INT
        orientation = page.tags.valueof(ORIENTATION, UPRIGHT)
        profile = page.tags.valueof(ICC_PROFILE)
        return Header(
            kind=kind,
            width=page.imagewidth,
            height=page.imagelength,
            frames=len(tiff.pages),
            exif_orientation=orientation if 1 <= orientation <= 8 else UPRIGHT,
            bands=page.samplesperpixel,
            interpretation=interpretation(page.samplesperpixel, float_samples),
            band_format="double" if float_samples else ("int" if signed else "uint"),
            icc_profile=bytes(profile) if profile else None,
        )


class NotReadHere(ValueError):
    """A valid 64-bit layout or compression that is not read here (refused by name)."""


def check_layout(page: tifffile.TiffPage) -> None:
    """Refuse what is not read here: only greys and RGB, uncompressed, Deflate or LZMA."""
    if page.photometric not in (MIN_IS_BLACK, RGB) or page.bitspersample != 64:
        raise NotReadHere("only grey or RGB 64-bit samples are read by tifffile here")
    if page.compression not in READABLE_COMPRESSIONS or page.predictor not in READABLE_PREDICTORS:
        raise NotReadHere(f"compression {page.compression!r} with predictor {page.predictor!r}")


def interpretation(bands: int, float_samples: bool) -> str:
    """Return libvips' interpretation for these samples (it loads float RGB as scRGB)."""
    if bands < 3:
        return "b-w"
    return "scrgb" if float_samples else "srgb"


def wide_pixels(original: Original, header: Header) -> pyvips.Image:
    """Decode the first frame's 64-bit samples for libvips: doubles, or integers in 32 bits.

    Raises `NotReadHere` for a valid layout not read here, and `corrupt` for damaged data.
    """
    with open_tiff(original) as tiff:
        page = tiff.pages.first
        check_layout(page)
        if (page.imagewidth, page.imagelength) != (header.width, header.height):
            raise NotReadHere("the header changed between reads")
        try:
            pixels = page.asarray(maxworkers=1)
        except (ValueError, OSError, EOFError, zlib.error, lzma.LZMAError) as error:
            raise corrupt(header.kind) from error  # cut short, or its compressed data is damaged
        if page.axes.startswith("S"):  # separate colour planes
            pixels = np.moveaxis(pixels, 0, -1)
    samples = narrowed(pixels.astype(pixels.dtype.newbyteorder("=")))
    image = pyvips.Image.new_from_array(samples.reshape(header.height, header.width, -1))
    image = image.copy(interpretation=header.interpretation)
    if header.icc_profile:
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", header.icc_profile)
    return image


def narrowed(pixels: np.ndarray) -> np.ndarray:
    """Return 64-bit integers in 32 bits: as they are if they fit, else their top 32 bits.

    Either way `samples.sample_range` then reads them in the container they were written for.
    """
    if pixels.dtype.kind not in NARROW:
        return pixels
    target = NARROW[pixels.dtype.kind]
    limits = np.iinfo(target)
    if limits.min <= pixels.min() and pixels.max() <= limits.max:
        return pixels.astype(target)
    return (pixels >> 32).astype(target)
