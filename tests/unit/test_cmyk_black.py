"""CMYK without a profile: rich blacks stay black, mid-tones keep their colour."""

from __future__ import annotations

import io

import numpy as np
import pytest
import pyvips
from PIL import Image

from pipeline.process import process
from testkit.similarity import delta_e2000, srgb_to_lab

RICH_BLACKS = ((75, 68, 67, 90), (100, 100, 100, 100))
MID_TONES = ((50, 40, 30, 20), (20, 60, 80, 10), (60, 0, 20, 0), (0, 0, 0, 50), (30, 30, 30, 30))
PATCH = 48


def cmyk_file(patches: tuple[tuple[int, int, int, int], ...], fmt: str) -> bytes:
    """Return a profile-less CMYK JPEG or TIFF of flat patches given in ink percentages."""
    pixels = np.zeros((PATCH, PATCH * len(patches), 4), dtype=np.uint8)
    for index, inks in enumerate(patches):
        pixels[:, index * PATCH : (index + 1) * PATCH] = [round(ink * 2.55) for ink in inks]
    buffer = io.BytesIO()
    Image.fromarray(pixels, "CMYK").save(buffer, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def jpeg_patch_means(data: bytes, count: int) -> np.ndarray:
    """Return the mean sRGB colour of the centre of each patch in the largest JPEG rendition."""
    renditions = process(data).renditions
    largest = max((r for r in renditions if r.format == "jpeg"), key=lambda r: r.width)
    pixels = pyvips.Image.new_from_buffer(largest.data, "").numpy().astype(float)
    side = pixels.shape[0]
    inner = slice(side // 4, side - side // 4)
    cells = [pixels[inner, i * side : (i + 1) * side][:, inner] for i in range(count)]
    return np.array([cell.reshape(-1, 3).mean(axis=0) for cell in cells])


def reference_srgb(patches: tuple[tuple[int, int, int, int], ...]) -> np.ndarray:
    """Return a plain relative-colorimetric conversion with libvips' default CMYK profile."""
    inks = np.array([[[round(ink * 2.55) for ink in p] for p in patches]], dtype=np.uint8)
    cmyk = pyvips.Image.new_from_array(inks, interpretation="cmyk")
    srgb = cmyk.icc_transform("srgb", input_profile="cmyk", intent="relative", depth=8)
    return srgb.numpy()[0].astype(float)


def delta_e(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Return CIEDE2000 between rows of sRGB colours."""
    lab = [srgb_to_lab(c.round().clip(0, 255).astype(np.uint8)[None]) for c in (first, second)]
    return np.asarray(delta_e2000(*lab)).ravel()


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_a_rich_black_without_a_profile_renders_near_black(fmt: str) -> None:
    # GIVEN a CMYK file with no embedded profile, holding print rich blacks
    means = jpeg_patch_means(cmyk_file(RICH_BLACKS, fmt), len(RICH_BLACKS))
    # THEN the rendition shows them near black, not a washed blue-grey
    assert means.max() <= 30, means
    lightness = srgb_to_lab(means.round().astype(np.uint8)[None])[..., 0]
    assert lightness.max() < 5  # L*: was about 14, the paper's own black


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_mid_tones_without_a_profile_keep_their_colour(fmt: str) -> None:
    means = jpeg_patch_means(cmyk_file(MID_TONES + ((0, 0, 0, 0),), fmt), len(MID_TONES) + 1)
    assert delta_e(means[:-1], reference_srgb(MID_TONES)).max() < 3.0
    assert means[-1].min() >= 250  # paper white stays white
