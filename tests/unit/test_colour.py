"""Colour: every web rendition is sRGB, converted from the embedded profile or CMYK."""

from __future__ import annotations

import numpy as np
import pytest
import pyvips

from pipeline import colour
from pipeline.model import ProcessResult
from pipeline.process import process
from testkit import icc, images
from testkit.similarity import delta_e2000, srgb_to_lab

MAX_DELTA_E = 2.0


def rendition_means(result: ProcessResult, fmt: str = "png-free") -> list[tuple[float, ...]]:
    """Return the swatch means of the largest lossless-ish rendition (JPEG at q82)."""
    largest = max((r for r in result.renditions if r.format == "webp"), key=lambda r: r.width)
    return images.patch_means(pyvips.Image.new_from_buffer(largest.data, ""))


def worst_delta_e(expected: list[tuple[float, ...]], actual: list[tuple[float, ...]]) -> float:
    """Return the largest CIEDE2000 difference between two lists of sRGB colours."""
    lab_expected = srgb_to_lab(np.array(expected, dtype=float).round().astype(np.uint8))
    lab_actual = srgb_to_lab(np.array(actual, dtype=float).round().astype(np.uint8))
    return float(delta_e2000(lab_expected, lab_actual).max())


@pytest.fixture(scope="module")
def swatches() -> pyvips.Image:
    """Flat, in-gamut sRGB colour patches."""
    return images.swatches_srgb()


@pytest.mark.parametrize(
    "profile", [icc.ADOBE_RGB, icc.DISPLAY_P3, icc.PROPHOTO_RGB], ids=["adobe", "p3", "prophoto"]
)
def test_wide_gamut_originals_are_converted_to_srgb_accurately(swatches, profile) -> None:
    original = images.tagged(swatches, profile).write_to_buffer(".png")
    result = process(original)
    expected = images.patch_means(swatches)
    assert worst_delta_e(expected, rendition_means(result)) < MAX_DELTA_E


def test_a_sixteen_bit_tagged_original_is_converted_to_eight_bit_srgb(swatches) -> None:
    tagged = images.tagged(swatches, icc.PROPHOTO_RGB).cast("ushort") * 257
    data = tagged.copy(interpretation="rgb16").cast("ushort").write_to_buffer(".png")
    result = process(data)
    assert worst_delta_e(images.patch_means(swatches), rendition_means(result)) < MAX_DELTA_E


@pytest.mark.parametrize("embed", [True, False], ids=["embedded-profile", "default-profile"])
def test_cmyk_originals_are_converted_to_srgb(swatches, embed: bool) -> None:
    result = process(images.cmyk_jpeg(swatches, embed_profile=embed))
    assert worst_delta_e(images.patch_means(swatches), rendition_means(result)) < 4.0
    assert "CMYK" in result.facts.fidelity.source_profile or embed


def test_an_untagged_sixteen_bit_png_becomes_eight_bit_srgb(swatches) -> None:
    result = process(images.png16(swatches))
    for rendition in result.renditions:
        image = pyvips.Image.new_from_buffer(rendition.data, "")
        assert image.format == "uchar"
    assert worst_delta_e(images.patch_means(swatches), rendition_means(result)) < MAX_DELTA_E


def test_a_greyscale_original_stays_neutral() -> None:
    result = process(images.grey_png(images.photo(400, 300)))
    largest = pyvips.Image.new_from_buffer(result.renditions[0].data, "")
    pixels = largest.colourspace("srgb").numpy().astype(int)
    assert np.abs(pixels[..., 0] - pixels[..., 2]).max() <= 3


def test_alpha_is_kept_in_webp_and_avif_and_flattened_onto_white_in_jpeg() -> None:
    result = process(images.alpha_png(images.photo(400, 300)))
    for rendition in result.renditions:
        image = pyvips.Image.new_from_buffer(rendition.data, "")
        assert image.hasalpha() == (rendition.format != "jpeg")
    assert result.facts.has_alpha


def test_an_untagged_srgb_original_reports_perfect_fidelity() -> None:
    fidelity = process(images.jpeg(images.photo(300, 200))).facts.fidelity
    assert (fidelity.out_of_gamut_share, fidelity.max_delta_e, fidelity.warning) == (0, 0, False)


def test_saturated_wide_gamut_colours_raise_the_fidelity_warning() -> None:
    green = (pyvips.Image.black(200, 200) + [0, 255, 0]).cast("uchar").copy(interpretation="srgb")
    original = green.copy()
    original.set_type(pyvips.GValue.blob_type, "icc-profile-data", icc.ADOBE_RGB)
    fidelity = process(original.write_to_buffer(".png")).facts.fidelity
    assert fidelity.out_of_gamut_share > 0.9
    assert fidelity.max_delta_e > 5
    assert fidelity.warning
    assert "Adobe" in fidelity.source_profile


def test_in_gamut_colours_in_a_wide_gamut_file_raise_no_warning(swatches) -> None:
    fidelity = process(
        images.tagged(swatches, icc.ADOBE_RGB).write_to_buffer(".png")
    ).facts.fidelity
    assert fidelity.out_of_gamut_share < 0.01
    assert not fidelity.warning


def test_the_fidelity_maths_agrees_with_the_srgb_icc_profile() -> None:
    pixels = np.array([[[0, 0, 0], [255, 255, 255], [200, 30, 40], [20, 180, 90], [40, 60, 220]]])
    srgb = pyvips.Image.new_from_array(pixels.astype(np.uint8), interpretation="srgb")
    lcms_lab = srgb.icc_import(input_profile="srgb", pcs="lab", intent="relative").numpy()
    encoded = pixels / 255
    linear = np.where(encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4)
    ours = colour.linear_srgb_to_lab(linear)
    assert np.abs(ours - lcms_lab).max() < 1.0
    assert np.allclose(colour.lab_to_linear_srgb(ours), linear, atol=1e-6)
    assert np.allclose(colour.as_stored(linear), linear, atol=1e-9)
    assert colour.out_of_gamut_share(linear) == 0.0
