"""HEVC-coded HEIC, as phones write it, is decoded through pillow-heif."""

from __future__ import annotations

import pyvips

from pipeline import RejectedInput
from pipeline.process import process
from testkit import icc, images
from testkit.similarity import delta_e2000, srgb_to_lab


def largest_webp(data: bytes) -> pyvips.Image:
    """Process an original and decode its largest WebP rendition."""
    result = process(data)
    largest = max((r for r in result.renditions if r.format == "webp"), key=lambda r: r.width)
    return pyvips.Image.new_from_buffer(largest.data, "")


def test_a_heic_photo_is_processed_into_every_rendition() -> None:
    original = images.photo(1200, 800, seed=8)
    data = images.heic(original)
    assert data[4:12] == b"ftypheic"
    result = process(data)
    assert (result.facts.width, result.facts.height) == (1200, 800)
    assert result.facts.source_format == "heif"
    assert {r.format for r in result.renditions} == {"avif", "webp", "jpeg"}


def test_a_display_p3_heic_is_converted_to_srgb() -> None:
    swatches = images.swatches_srgb()
    data = images.heic(images.tagged(swatches, icc.DISPLAY_P3), icc=icc.DISPLAY_P3)
    expected = srgb_to_lab(images.patch_means(swatches))
    actual = srgb_to_lab(images.patch_means(largest_webp(data)))
    assert float(delta_e2000(expected, actual).max()) < 3.0


def test_a_damaged_heic_is_rejected_as_corrupt() -> None:
    data = images.heic(images.photo(400, 300))
    damaged = data[: len(data) * 2 // 3]
    try:
        process(damaged)
    except RejectedInput as error:
        assert error.code == "corrupt"
    else:
        raise AssertionError("a damaged HEIC was accepted")
