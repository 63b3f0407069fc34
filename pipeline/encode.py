"""Encode a finished image in one web format with the configured encoder settings."""

from __future__ import annotations

import time
from typing import Any

import pyvips

from pipeline.mat import Colour, flatten
from pipeline.model import Rendition
from pipeline.settings import Encoders


def save_options(fmt: str, encoders: Encoders) -> tuple[str, dict[str, Any]]:
    """Return the libvips saver suffix and options for a format; nothing but pixels is kept."""
    if fmt == "jpeg":
        jpeg = encoders.jpeg
        return ".jpg", {
            "Q": jpeg.quality,
            "optimize_coding": True,
            "interlace": jpeg.progressive,
        }
    if fmt == "webp":
        return ".webp", {"Q": encoders.webp.quality, "effort": encoders.webp.effort}
    if fmt == "avif":
        avif = encoders.avif
        return ".avif", {"Q": avif.quality, "effort": avif.effort, "compression": "av1"}
    raise ValueError(f"unknown web format {fmt!r}")


def quality_and_effort(fmt: str, encoders: Encoders) -> tuple[int, int | None]:
    """Return the (quality, effort) that a format's encoder is configured with."""
    encoder = getattr(encoders, fmt)
    return encoder.quality, getattr(encoder, "effort", None)


def encode(
    image: pyvips.Image, name: str, fmt: str, encoders: Encoders, keep: str, mat: Colour
) -> Rendition:
    """Encode `image` as one rendition, keeping only the metadata named by `keep`.

    JPEG has no alpha: transparent art is flattened onto the mat; WebP and AVIF keep alpha.
    """
    suffix, options = save_options(fmt, encoders)
    if fmt == "jpeg":
        image = flatten(image, mat)
    started = time.perf_counter()
    data = image.write_to_buffer(suffix, keep=keep, **options)
    quality, effort = quality_and_effort(fmt, encoders)
    return Rendition(
        name=name,
        format=fmt,
        width=image.width,
        height=image.height,
        data=data,
        quality=quality,
        effort=effort,
        encode_seconds=time.perf_counter() - started,
    )
