"""Decode valid variants this libvips cannot read, or refuse them by name, never as damaged."""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyvips
from PIL import Image

from pipeline.errors import RejectedInput
from pipeline.intake import Header, Original, corrupt, header_of
from pipeline.orientation import UPRIGHT, turn_upright
from pipeline.settings import Limits
from pipeline.sniff import AVIF, HEIF, TIFF, Kind
from pipeline.widetiff import first_ifd_tags, wide_header, wide_pixels

Decoder = Literal["pillow", "heifload", "tifffile", "none"]
TIFF_ADVICE = "Export it again as a JPEG, or as a TIFF with LZW or no compression."
# Pillow raises many kinds of error on data it cannot decode; MemoryError is not among these.
DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    RuntimeError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    struct.error,
    ImportError,  # tifffile without the codec a file needs
    pyvips.Error,
    Image.DecompressionBombError,
)
COMPRESSION, PHOTOMETRIC, BITS, PLANAR, TILE_WIDTH, ORIENTATION = 259, 262, 258, 284, 322, 274
SAMPLE_FORMAT, FLOAT_SAMPLES, COMPLEX_SAMPLES = 339, 3, (5, 6)  # 5: complex integers, 6: floats
OLD_STYLE_JPEG, LZMA, ZSTD, JPEG2000 = 6, 34925, 50000, 34712
LAB_PHOTOMETRICS = (8, 9, 10)  # CIELab, ICCLab, ITULab
USUAL_BITS = frozenset({1, 2, 4, 8, 16, 32, 64})
# Pillow mode → (pyvips interpretation, libvips band format) of the pixels handed on.
PILLOW_MODES = {
    "L": ("b-w", "uchar"),
    "LA": ("b-w", "uchar"),
    "RGB": ("srgb", "uchar"),
    "RGBA": ("srgb", "uchar"),
    "CMYK": ("cmyk", "uchar"),
    "I;16": ("grey16", "ushort"),
    "I;16L": ("grey16", "ushort"),
    "I;16B": ("grey16", "ushort"),
    "LAB": ("srgb", "uchar"),  # converted to sRGB here
}


@dataclass(frozen=True)
class Variant:
    """A valid kind of file that the bundled libvips cannot decode by itself."""

    name: str
    description: str  # completes "This TIFF …"
    advice: str
    decoder: Decoder  # "none": refused as soon as it is named
    bits: int = 0  # significant bits of a 16-bit container, when fewer than 16
    code: str = "unsupported_variant"

    def refusal(self, kind: Kind) -> RejectedInput:
        """Return the rejection naming this variant and what to export instead."""
        return RejectedInput(
            f"This {kind.label} {self.description}, which the gallery cannot read. {self.advice}",
            code=self.code,
        )


OLD_JPEG = Variant("old_style_jpeg", "uses old-style JPEG compression", TIFF_ADVICE, "pillow")
LZMA_TIFF = Variant("lzma", "uses LZMA compression", TIFF_ADVICE, "pillow")
ZSTD_TIFF = Variant("zstd", "uses Zstandard compression", TIFF_ADVICE, "pillow")
JPEG2000_TIFF = Variant("jpeg2000", "uses JPEG 2000 compression", TIFF_ADVICE, "pillow")
SEPARATE_PLANES = Variant(
    "planar",
    "stores its colours in separate planes",
    "Export it again as a JPEG, or as a TIFF with interleaved (chunky) pixels.",
    "pillow",
)
CIELAB = Variant(
    "cielab",
    "stores its colours as CIELab",
    "Export it again as an RGB JPEG or an RGB TIFF.",
    "pillow",
)
TILED_PLANAR = Variant(
    "tiled_planar",
    "stores its colours in separate tiled planes",
    "Export it again as a JPEG, or as a TIFF with interleaved (chunky) pixels.",
    "pillow",
)
AVIF_SEQUENCE = Variant(
    "avif_sequence",
    "is an animated image sequence",
    "Export the frame you want as a still AVIF, JPEG or PNG.",
    "heifload",
)


WIDE_ADVICE = (
    "Export it again with Deflate or no compression, or as a 16-bit or 32-bit floating-point TIFF."
)
DOUBLE_SAMPLES = Variant("double", "stores 64-bit floating-point samples", WIDE_ADVICE, "tifffile")
LONG_INTEGERS = Variant("int64", "stores 64-bit integer samples", WIDE_ADVICE, "tifffile")


def complex_samples(bits: int) -> Variant:
    """Return the variant of a TIFF whose samples are complex numbers (no picture to show)."""
    return Variant(
        "complex",
        f"stores its pixels as {bits}-bit complex numbers",
        "Please export it as an 8- or 16-bit RGB TIFF, or as a JPEG.",
        "none",
        code="unsupported_samples",
    )


def odd_bits(bits: int) -> Variant:
    """Return the variant of a TIFF whose samples have an unusual bit depth."""
    return Variant(
        f"{bits}_bit",
        f"stores {bits}-bit samples",
        "Export it again as an 8- or 16-bit TIFF, or as a JPEG.",
        "pillow",
        bits=bits,
    )


def identify_variant(original: Original, kind: Kind) -> Variant | None:
    """Name the valid variant an original is, from its header only; None if it is none of them."""
    if kind in (AVIF, HEIF):
        return AVIF_SEQUENCE if b"avis" in ftyp_brands(original.head()) else None
    if kind is not TIFF:
        return None
    try:
        with pillow_image(original, max_pixels=None) as image:
            tags = dict(image.tag_v2)  # type: ignore[attr-defined]
    except DECODE_ERRORS:  # Pillow has no mode for some valid layouts (64-bit RGB, complex)
        tags = first_ifd_tags(original) or {}
    return tiff_variant(tags) if tags else None


def tiff_variant(tags: dict[int, object]) -> Variant | None:
    """Return the variant a TIFF's first-IFD tags describe, if any."""
    depths, formats = per_sample(tags, BITS, 8), per_sample(tags, SAMPLE_FORMAT, 1)
    if formats & set(COMPLEX_SAMPLES):
        return complex_samples(max(d for d in depths if isinstance(d, int)) if depths else 64)
    if 64 in depths:
        return DOUBLE_SAMPLES if FLOAT_SAMPLES in formats else LONG_INTEGERS
    if tags.get(COMPRESSION) == OLD_STYLE_JPEG:
        return OLD_JPEG
    if tags.get(COMPRESSION) == LZMA:
        return LZMA_TIFF
    if tags.get(COMPRESSION) == ZSTD:
        return ZSTD_TIFF
    if tags.get(COMPRESSION) == JPEG2000:
        return JPEG2000_TIFF
    if tags.get(PHOTOMETRIC) in LAB_PHOTOMETRICS:
        return CIELAB
    if unusual := sorted(d for d in depths if isinstance(d, int) and d not in USUAL_BITS):
        return odd_bits(unusual[0])
    if tags.get(PLANAR) == 2:
        return TILED_PLANAR if TILE_WIDTH in tags else SEPARATE_PLANES
    return None


def per_sample(tags: dict[int, object], tag: int, default: int) -> set[object]:
    """Return the distinct values of a per-sample tag (BitsPerSample, SampleFormat)."""
    value = tags.get(tag, default)
    return set(value) if isinstance(value, tuple) else {value}


def ftyp_brands(head: bytes) -> set[bytes]:
    """Return the major and compatible brands of an ISO-BMFF `ftyp` box."""
    if head[4:8] != b"ftyp":
        return set()
    size = int.from_bytes(head[:4], "big")
    box = head[8 : min(size, len(head))]
    return {box[i : i + 4] for i in range(0, len(box), 4) if i != 4}  # skip the minor version


def header_with_fallback(
    original: Original, kind: Kind, limits: Limits, error: Exception
) -> Header:
    """Read the header of a variant libvips could not open; else reject the file as damaged."""
    variant = identify_variant(original, kind)
    if variant is None:
        raise corrupt(kind) from error
    if variant.decoder == "none":
        raise variant.refusal(kind) from error
    try:
        if variant.decoder == "heifload":
            return header_of(heifload(original), kind)
        if variant.decoder == "tifffile":
            return wide_header(original, kind)
        return pillow_header(original, kind, variant)
    except DECODE_ERRORS as fallback_error:
        raise variant.refusal(kind) from fallback_error


def decode_with_fallback(
    original: Original, header: Header, long_edge: int, error: Exception
) -> pyvips.Image:
    """Decode the first frame of a variant libvips could not decode; else reject it."""
    variant = identify_variant(original, header.kind)
    if variant is None:
        raise corrupt(header.kind) from error
    if variant.decoder == "none":
        raise variant.refusal(header.kind) from error
    try:
        if variant.decoder == "heifload":
            image = heifload(original)
        elif variant.decoder == "tifffile":
            image = wide_pixels(original, header)
        else:
            image = pillow_pixels(original, header, variant)
        return turn_upright(shrink(image, long_edge), header.exif_orientation).copy_memory()
    except DECODE_ERRORS as fallback_error:
        raise variant.refusal(header.kind) from fallback_error


def shrink(image: pyvips.Image, long_edge: int) -> pyvips.Image:
    """Shrink to fit `long_edge`, keeping the sample format (`thumbnail_image` makes 8-bit)."""
    scale = long_edge / max(image.width, image.height)
    if scale >= 1:
        return image
    if not image.hasalpha():
        return image.resize(scale)
    return image.premultiply().resize(scale).unpremultiply().cast(image.format)


def heifload(original: Original) -> pyvips.Image:
    """Open the first frame with libvips' HEIF loader named explicitly (it will not sniff it)."""
    options = {"page": 0, "n": 1, "fail_on": "truncated"}
    if original.data is not None:
        return pyvips.Image.heifload_buffer(original.data, **options)
    return pyvips.Image.heifload(str(original.file), **options)


@contextmanager
def pillow_image(original: Original, max_pixels: int | None) -> Iterator[Image.Image]:
    """Open a TIFF lazily with Pillow, refusing any frame over `max_pixels` as a bomb."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels  # the pipeline runs one image at a time per process
    try:
        source = io.BytesIO(original.data) if original.data is not None else original.file
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged tag is judged by the decode, not printed
            with Image.open(source, formats=["TIFF"]) as image:
                yield image
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def pillow_header(original: Original, kind: Kind, variant: Variant) -> Header:
    """Read a header from Pillow's view of the first IFD, describing the pixels it will give."""
    with pillow_image(original, max_pixels=None) as image:  # no pixels: the limits come next
        interpretation, band_format = PILLOW_MODES.get(image.mode, ("srgb", "uchar"))
        orientation = image.tag_v2.get(ORIENTATION, UPRIGHT)  # type: ignore[attr-defined]
        profile = image.info.get("icc_profile") if variant is not CIELAB else None
        return Header(
            kind=kind,
            width=image.width,
            height=image.height,
            frames=getattr(image, "n_frames", 1),
            exif_orientation=orientation if 1 <= orientation <= 8 else UPRIGHT,
            bands=len(image.getbands()) if image.mode in PILLOW_MODES else 3,
            interpretation=interpretation,
            band_format=band_format,
            icc_profile=bytes(profile) if profile else None,
        )


def pillow_pixels(original: Original, header: Header, variant: Variant) -> pyvips.Image:
    """Decode the first frame with Pillow, within the header's checked size, for libvips."""
    with pillow_image(original, max_pixels=header.width * header.height) as image:
        if image.size != (header.width, header.height):
            raise ValueError("Pillow and libvips disagree about the image size")
        image.load()
        if image.mode == "LAB":
            return lab_to_srgb(np.dstack([np.asarray(band) for band in image.split()]))
        if image.mode not in PILLOW_MODES:
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        pixels = np.asarray(image)
        if pixels.dtype.byteorder == ">":
            pixels = pixels.astype(pixels.dtype.newbyteorder("="))
        if image.mode.startswith("I;16") and 8 < variant.bits < 16:
            top = (1 << variant.bits) - 1
            pixels = (pixels.astype(np.uint32) * 65535 // top).astype(np.uint16)
        result = pyvips.Image.new_from_array(pixels)
        result = result.copy(interpretation=PILLOW_MODES[image.mode][0])
        profile = image.info.get("icc_profile")
        if profile:
            result.set_type(pyvips.GValue.blob_type, "icc-profile-data", bytes(profile))
        return result


def lab_to_srgb(pixels: np.ndarray) -> pyvips.Image:
    """Convert Pillow's 8-bit Lab bands (a and b offset by 128) to 8-bit sRGB through libvips."""
    lab = pixels[..., :3].astype(np.float32)
    lab[..., 0] *= 100 / 255
    lab[..., 1:] -= 128
    image = pyvips.Image.new_from_array(lab).copy(interpretation="lab")
    return image.colourspace("srgb").cast("uchar")
