"""Draw a text or logo watermark onto a rendition."""

from __future__ import annotations

import math

import pyvips

from pipeline.geometry import anchor
from pipeline.metadata import xml_escape
from pipeline.settings import Watermark

FONT = "sans bold"
MEASURE_DPI = 72
MARGIN_SHARE = 0.03
TILE_GAP_SHARE = 0.6
SHADOW_STRENGTH = 0.5


def apply_watermark(
    image: pyvips.Image, mark_settings: Watermark, logo: pyvips.Image | None
) -> pyvips.Image:
    """Return the image with the mark composited at its position, or tiled."""
    target_width = max(8, round(image.width * mark_settings.scale))
    mark = (
        logo_mark(logo, target_width)
        if logo is not None
        else text_mark(mark_settings.text or "", target_width)
    )
    mark = with_opacity(mark, mark_settings.opacity)
    if mark_settings.position == "tiled":
        mark = tile(mark, image.width, image.height)
        x, y = 0, 0
    else:
        margin = round(min(image.width, image.height) * MARGIN_SHARE)
        x, y = anchor(
            (image.width, image.height), (mark.width, mark.height), mark_settings.position, margin
        )
    marked = image.composite2(mark, "over", x=x, y=y)
    return marked.cast("uchar").copy(interpretation="srgb")


def text_mark(text: str, target_width: int) -> pyvips.Image:
    """Render white text with a soft dark shadow as an RGBA image `target_width` wide."""
    markup = xml_escape(text)  # Pango reads markup: artist text must not inject any
    measured = pyvips.Image.text(markup, font=FONT, dpi=MEASURE_DPI)
    dpi = max(1, round(MEASURE_DPI * target_width / max(1, measured.width)))
    alpha = pyvips.Image.text(markup, font=FONT, dpi=dpi)
    pad = max(2, alpha.height // 10)
    alpha = alpha.embed(pad, pad, alpha.width + 2 * pad, alpha.height + 2 * pad)
    shadow = alpha.gaussblur(max(0.5, pad / 2)) * SHADOW_STRENGTH
    coverage = (alpha + shadow * (255 - alpha) / 255).cast("uchar")
    lightness = (alpha * 255 / coverage.maxpair(1)).cast("uchar")
    return lightness.bandjoin([lightness, lightness, coverage]).copy(interpretation="srgb")


def logo_mark(logo: pyvips.Image, target_width: int) -> pyvips.Image:
    """Return the logo as sRGB + alpha, scaled to `target_width`."""
    if not logo.hasalpha():
        logo = logo.bandjoin(255)
    return logo.resize(target_width / logo.width)


def with_opacity(mark: pyvips.Image, opacity: float) -> pyvips.Image:
    """Return the mark with its alpha multiplied by `opacity`."""
    opacity = min(max(opacity, 0.0), 1.0)
    colour = mark.extract_band(0, n=mark.bands - 1)
    alpha = (mark.extract_band(mark.bands - 1) * opacity).cast("uchar")
    return colour.bandjoin(alpha).copy(interpretation="srgb")


def tile(mark: pyvips.Image, width: int, height: int) -> pyvips.Image:
    """Repeat the mark with gaps over a canvas of width × height."""
    gap = round(mark.width * TILE_GAP_SHARE)
    cell = mark.embed(gap // 2, gap // 2, mark.width + gap, mark.height + gap)
    across, down = math.ceil(width / cell.width), math.ceil(height / cell.height)
    return cell.replicate(across, down).crop(0, 0, width, height)
