"""An artist's portrait and watermark logo: untrusted images in, small safe images out.

Both go through the same intake as an original (sniff, header limits, one frame, trusted
decode), are converted to sRGB and written with no metadata at all.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import pyvips

from kernel.settings import PROFILE_IMAGE_MAX_BYTES
from pipeline.colour import to_srgb
from pipeline.errors import RejectedInput
from pipeline.intake import Original, harden_libvips, read_header
from pipeline.process import LOGO_LIMITS, trusted_decode
from pipeline.settings import Limits

IMAGE_MAX_BYTES = PROFILE_IMAGE_MAX_BYTES
PORTRAIT_SIZES = (160, 480)
PORTRAIT_LIMITS = Limits(max_bytes=IMAGE_MAX_BYTES, max_pixels=60_000_000, max_frames=1)
PORTRAIT_QUALITY = 85
LOGO_MAX_EDGE = 1000
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class EncodedImage:
    """One encoded image: its pixel size, format and bytes."""

    width: int
    height: int
    format: str
    data: bytes


def digest(data: bytes) -> str:
    """Return a short content digest, so a new image always gets new keys."""
    return hashlib.sha256(data).hexdigest()[:16]


def portrait_images(data: bytes, sizes: tuple[int, ...] = PORTRAIT_SIZES) -> list[EncodedImage]:
    """Return the portrait as square sRGB JPEGs of `sizes`, cropped around what draws the eye."""
    harden_libvips()
    original = Original.of(data)
    header = read_header(original, PORTRAIT_LIMITS)
    width, height = header.oriented_size
    long_edge = min(
        max(width, height), math.ceil(max(sizes) * max(width, height) / min(width, height))
    )
    base = to_srgb(trusted_decode(original, header, long_edge), header)
    if base.hasalpha():
        base = base.flatten(background=list(WHITE))
    base = base.cast("uchar").copy(interpretation="srgb").copy_memory()
    found = []
    for size in sizes:
        square = base.thumbnail_image(size, height=size, crop="attention", size="down")
        encoded = square.jpegsave_buffer(Q=PORTRAIT_QUALITY, keep="none", optimize_coding=True)
        found.append(EncodedImage(square.width, square.height, "jpeg", encoded))
    return found


def normalise_logo(data: bytes) -> EncodedImage:
    """Return the logo as an sRGB PNG with alpha, at most LOGO_MAX_EDGE px on its long side."""
    harden_libvips()
    original = Original.of(data)
    header = read_header(original, LOGO_LIMITS)
    logo: pyvips.Image = to_srgb(trusted_decode(original, header, LOGO_MAX_EDGE), header)
    if not logo.hasalpha():
        logo = logo.bandjoin(255)
    if logo.bands != 4:
        raise RejectedInput("The logo must be a colour or grey image.", code="unsupported_type")
    logo = logo.cast("uchar").copy(interpretation="srgb")
    encoded = logo.pngsave_buffer(keep="none", compression=9)
    return EncodedImage(logo.width, logo.height, "png", encoded)
