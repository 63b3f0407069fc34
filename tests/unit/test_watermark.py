"""Watermarks mark the larger renditions only, where they were asked for."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import pyvips

from pipeline import PipelineSettings, RejectedInput
from pipeline.model import ProcessResult
from pipeline.process import process
from pipeline.settings import Watermark
from testkit import images

ORIGINAL = images.jpeg(images.photo(2000, 1500, seed=4), quality=95)
WEBP_ONLY = replace(PipelineSettings(), formats=("webp",))
PLAIN = process(ORIGINAL, WEBP_ONLY)


def pixels(result: ProcessResult, name: str, fmt: str = "webp") -> np.ndarray:
    """Return a rendition's pixels as a signed integer array."""
    rendition = next(r for r in result.renditions if r.name == name and r.format == fmt)
    return pyvips.Image.new_from_buffer(rendition.data, "").numpy().astype(int)


def marked_share(difference: np.ndarray, rows: slice, cols: slice) -> float:
    """Return the share of clearly changed pixels in a region of a difference image."""
    changed = np.abs(difference).max(axis=-1) > 40
    return float(changed[rows, cols].mean())


def with_mark(**options: object) -> ProcessResult:
    """Process the original with a watermark."""
    return process(ORIGINAL, replace(WEBP_ONLY, watermark=Watermark(**options)))


def test_a_bottom_right_text_mark_changes_only_that_corner_of_large_renditions() -> None:
    result = with_mark(text="© Ada Lovelace", position="bottom-right", opacity=0.9)
    difference = pixels(result, "1600px") - pixels(PLAIN, "1600px")
    height, width = difference.shape[:2]
    corner = marked_share(difference, slice(height * 3 // 4, None), slice(width // 2, None))
    elsewhere = marked_share(difference, slice(0, height // 2), slice(None))
    assert corner > 0.02
    assert elsewhere == 0


def test_renditions_below_the_threshold_and_the_thumbnail_stay_clean() -> None:
    result = with_mark(text="© Ada Lovelace", min_edge=1024, opacity=0.9)
    for name in ("640px", "320px", "thumb"):
        assert np.array_equal(pixels(result, name), pixels(PLAIN, name)), name


@pytest.mark.parametrize(
    ("position", "rows", "cols"),
    [
        ("top-left", slice(0, 300), slice(0, 800)),
        ("center", slice(400, 800), slice(400, 1200)),
        ("bottom", slice(900, None), slice(400, 1200)),
    ],
)
def test_the_mark_lands_at_the_chosen_anchor(position: str, rows: slice, cols: slice) -> None:
    result = with_mark(text="COPPER", position=position, opacity=1.0)
    difference = pixels(result, "1600px") - pixels(PLAIN, "1600px")
    inside = marked_share(difference, rows, cols)
    assert inside > 0.01
    assert inside > 5 * marked_share(difference, slice(None), slice(None)) / 2


def test_a_tiled_mark_covers_the_whole_rendition() -> None:
    result = with_mark(text="COPPER", position="tiled", opacity=1.0, scale=0.15)
    difference = pixels(result, "1600px") - pixels(PLAIN, "1600px")
    height, width = difference.shape[:2]
    for rows in (slice(0, height // 2), slice(height // 2, None)):
        for cols in (slice(0, width // 2), slice(width // 2, None)):
            assert marked_share(difference, rows, cols) > 0.005


def test_opacity_scales_the_strength_of_the_mark() -> None:
    faint = pixels(with_mark(text="COPPER", opacity=0.2), "1600px") - pixels(PLAIN, "1600px")
    strong = pixels(with_mark(text="COPPER", opacity=0.9), "1600px") - pixels(PLAIN, "1600px")
    assert np.percentile(np.abs(strong), 99.9) > 2.5 * np.percentile(np.abs(faint), 99.9)


def test_a_logo_image_can_be_the_mark() -> None:
    logo = (pyvips.Image.black(200, 100) + [255, 215, 0]).cast("uchar").bandjoin(255)
    logo_png = logo.copy(interpretation="srgb").write_to_buffer(".png")
    result = with_mark(logo=logo_png, position="top-right", opacity=1.0, scale=0.2)
    difference = pixels(result, "2000px") - pixels(PLAIN, "2000px")
    assert marked_share(difference, slice(0, 250), slice(1500, None)) > 0.3


def test_a_logo_that_is_not_an_image_is_refused_with_a_reason() -> None:
    with pytest.raises(RejectedInput) as caught:
        with_mark(logo=b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert caught.value.code == "bad_logo"
