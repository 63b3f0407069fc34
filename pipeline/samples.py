"""Sample formats: bring signed, 32-bit and float pixels to the range a display expects."""

from __future__ import annotations

import numpy as np
import pyvips

from pipeline.errors import RejectedInput
from pipeline.intake import Header

DISPLAY_FORMATS = frozenset({"uchar", "ushort"})  # libvips' colour conversions scale these
# Device spaces whose samples mean "0 is black, the top of the range is full" in any format;
# other interpretations (Lab, XYZ, ...) carry their own scale and libvips converts them.
DEVICE_SPACES = frozenset({"multiband", "b-w", "srgb", "rgb", "scrgb", "cmyk", "grey16", "rgb16"})
INTEGER_TOPS = {"char": 2**7 - 1, "short": 2**15 - 1, "int": 2**31 - 1, "uint": 2**32 - 1}
CONTAINER_BITS = (8, 16, 32)
FLOAT_FORMATS = frozenset({"float", "double"})
SIXTEEN_BIT_TOP = 65535


def to_display_range(image: pyvips.Image, header: Header) -> pyvips.Image:
    """Return 8- or 16-bit samples, mapping wider formats from the range their data was made for.

    A plain cast to 8 bits would clip signed, 32-bit and float samples: see `sample_range`.
    """
    band_format = str(image.format)
    if band_format in DISPLAY_FORMATS or str(image.interpretation) not in DEVICE_SPACES:
        return image
    if band_format not in INTEGER_TOPS and band_format not in FLOAT_FORMATS:
        raise RejectedInput(
            f"The image stores its pixels as {band_format} numbers, which cannot be shown as a "
            "picture. Please export it as an 8- or 16-bit RGB image.",
            code="unsupported_samples",
        )
    colour_bands = image.bands - 1 if image.hasalpha() else image.bands
    stats = image.stats().numpy()[1:]  # one row per band: min, max, sum, sum², mean, ...
    alpha = [sample_range(band_format, stats[colour_bands:])] if image.hasalpha() else []
    ranges = [sample_range(band_format, stats[:colour_bands])] * colour_bands + alpha
    if is_linear_light(image, header, stats[:colour_bands]):
        unit = image.linear(*_mapping(ranges, 1.0, 0.0))
        return unit.copy(interpretation="scrgb").colourspace("rgb16")
    sixteen = image.linear(*_mapping(ranges, SIXTEEN_BIT_TOP, 0.5)).cast("ushort")
    if image.interpretation == "cmyk":
        return sixteen.copy(interpretation="cmyk")
    return sixteen.copy(interpretation="rgb16" if colour_bands >= 3 else "grey16")


def sample_range(band_format: str, stats: np.ndarray) -> tuple[float, float]:
    """Return the (black, full) sample values of bands with these libvips stats rows.

    Integers are read in the smallest usual container that holds the data: 8, 16 or 32 bits,
    centred on zero when some values are negative. Floats are read as 0..1 or, when most
    values are above 1, as 0..255 or 0..65535; stretched to the data where it goes beyond.
    """
    low, high = float(stats[:, 0].min()), float(stats[:, 1].max())
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RejectedInput(
            "The image holds invalid floating-point pixels (infinite or not a number). "
            "Please export it again as an 8- or 16-bit image.",
            code="unsupported_samples",
        )
    if band_format in FLOAT_FORMATS:
        tops = [1.0] if on_unit_scale(stats) else [255.0, 65535.0]
        return min(low, 0.0), next((top for top in tops if high <= top), high)
    if low < 0:
        half = next(2 ** (b - 1) for b in CONTAINER_BITS if max(-low - 1, high) < 2 ** (b - 1))
        return -half, half - 1
    top = next(2**b - 1 for b in CONTAINER_BITS if high <= 2**b - 1)
    return 0, min(top, INTEGER_TOPS[band_format])


def on_unit_scale(stats: np.ndarray) -> bool:
    """Return whether float samples with these stats rows are on a 0..1 scale (mean up to 1)."""
    return float(stats[:, 4].mean()) <= 1.0


def is_linear_light(image: pyvips.Image, header: Header, colour_stats: np.ndarray) -> bool:
    """Return whether float RGB holds linear light (libvips loads float RGB as scRGB).

    An embedded profile says how to read the samples instead; and samples on a 0..255 or
    0..65535 scale are display values (libvips writes float sRGB so), not light.
    """
    linear = image.interpretation == "scrgb" and header.icc_profile is None
    return linear and on_unit_scale(colour_stats)


def _mapping(
    ranges: list[tuple[float, float]], top: float, rounding: float
) -> tuple[list[float], list[float]]:
    """Return per-band (scale, offset) lists taking each (black, full) range to 0..top."""
    scales = [top / (high - low) for low, high in ranges]
    return scales, [rounding - low * scale for (low, _), scale in zip(ranges, scales, strict=True)]
