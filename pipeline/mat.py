"""The mat: the opaque background that transparent art is shown on where alpha is dropped."""

from __future__ import annotations

import numpy as np
import pyvips

from pipeline.settings import HEX_COLOUR

Colour = tuple[int, int, int]

LIGHT_MAT: Colour = (0xF5, 0xF1, 0xEA)  # the gallery's warm paper
DARK_MAT: Colour = (0x2B, 0x2B, 0x2B)
MAT_PROXY_EDGE = 64


def parse_hex(text: str) -> Colour:
    """Return the (r, g, b) bytes of a '#rrggbb' colour."""
    if not HEX_COLOUR.fullmatch(text):
        raise ValueError(f"expected a colour as #rrggbb, got {text!r}")
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """Return the WCAG relative luminance (0 black to 1 white) of sRGB bytes (..., 3)."""
    channel = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(channel <= 0.04045, channel / 12.92, ((channel + 0.055) / 1.055) ** 2.4)
    luminance: np.ndarray = linear @ np.array([0.2126, 0.7152, 0.0722])
    return luminance


def contrast_ratio(first: float, second: float) -> float:
    """Return the WCAG contrast ratio (1 to 21) between two relative luminances."""
    return (max(first, second) + 0.05) / (min(first, second) + 0.05)


def art_luminance(image: pyvips.Image) -> float | None:
    """Return the mean luminance of an sRGB image's visible pixels, weighted by alpha.

    Measured on a small proxy; None when nothing is visible.
    """
    proxy = image.thumbnail_image(MAT_PROXY_EDGE, height=MAT_PROXY_EDGE).numpy()
    weights = proxy[..., -1].astype(np.float64)
    if weights.sum() == 0:
        return None
    colour = proxy[..., :3] if proxy.shape[-1] >= 4 else np.repeat(proxy[..., :1], 3, axis=-1)
    return float(np.average(relative_luminance(colour), weights=weights))


def choose_mat(image: pyvips.Image, setting: str) -> Colour:
    """Return the mat: the configured colour, else the one that contrasts most with the art."""
    if setting:
        return parse_hex(setting)
    luminance = art_luminance(image) if image.hasalpha() else None
    if luminance is None:
        return LIGHT_MAT
    return max(
        (LIGHT_MAT, DARK_MAT),
        key=lambda mat: contrast_ratio(luminance, float(relative_luminance(np.array(mat)))),
    )


def flatten(image: pyvips.Image, mat: Colour) -> pyvips.Image:
    """Return the image composited onto the mat if it has alpha, else the image itself."""
    return image.flatten(background=list(mat)) if image.hasalpha() else image
