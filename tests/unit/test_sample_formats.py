"""Every sample format is brought to display range: bright stays bright, gradients stay smooth."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import pyvips

from pipeline import PipelineSettings, RejectedInput
from pipeline.colour import to_srgb
from pipeline.intake import Original, decode, harden_libvips, read_header
from pipeline.process import process
from pipeline.samples import sample_range
from testkit import icc, images
from testkit.icc import profile_path

WIDTH, HEIGHT = 512, 192
DARK, BRIGHT = 20, 235
TEXT_ROWS, GRADIENT_ROWS = slice(16, 80), slice(112, 176)
TEXT_COLUMNS = slice(32, 288)

Encoder = Callable[[pyvips.Image], pyvips.Image]


def design() -> np.ndarray:
    """Return the 8-bit picture: bright strokes on a dark ground above a 0..255 ramp."""
    pixels = np.full((HEIGHT, WIDTH), DARK, dtype=np.uint8)
    strokes = pixels[TEXT_ROWS, TEXT_COLUMNS]
    strokes[:, (np.arange(strokes.shape[1]) // 6) % 2 == 0] = BRIGHT
    pixels[GRADIENT_ROWS] = np.arange(WIDTH) * 256 // WIDTH
    return pixels


def rgb(image: pyvips.Image) -> pyvips.Image:
    """Return three identical bands, tagged sRGB."""
    return image.bandjoin([image, image]).copy(interpretation="srgb")


def linear_light(image: pyvips.Image) -> pyvips.Image:
    """Return 0..1 linear-light float RGB, as an HDR editor stores it."""
    return rgb(image.cast("uchar")).colourspace("scrgb")


# How real files store the same picture in each TIFF sample format.
ENCODINGS: dict[str, Encoder] = {
    "signed-8-bit": lambda u: (u.cast("int") - 128).cast("char"),
    "signed-8-bit-rgb": lambda u: rgb((u.cast("int") - 128).cast("char")),
    "signed-16-bit": lambda u: (u.cast("int") * 257 - 32768).cast("short"),
    "signed-16-bit-rgb": lambda u: rgb((u.cast("int") * 257 - 32768).cast("short")),
    "32-bit-holding-16-bit": lambda u: (u.cast("int") * 257).cast("int"),
    "32-bit-holding-8-bit-rgb": lambda u: rgb(u.cast("int")),
    "signed-32-bit-full-range": lambda u: (u.cast("double") * 16843009 - 2**31).cast("int"),
    "unsigned-32-bit-full-range": lambda u: (u.cast("double") * 16843009).cast("uint"),
    "unsigned-32-bit-rgb": lambda u: rgb((u.cast("double") * 16843009).cast("uint")),
    "float-0-to-1-grey": lambda u: (u / 255.0).cast("float"),
    "float-linear-rgb": linear_light,
    "float-high-dynamic-range": lambda u: (linear_light(u) * 4.0).copy(interpretation="scrgb"),
    "float-0-to-255-rgb": lambda u: rgb(u.cast("float")),
}


def tiff(encode: Encoder) -> bytes:
    """Return the design picture stored as a TIFF in the encoder's sample format."""
    image = encode(pyvips.Image.new_from_array(design()))
    return image.tiffsave_buffer(compression="none", keep="none")


def displayed(data: bytes) -> np.ndarray:
    """Return the 8-bit sRGB pixels the pipeline makes of a file, at full size, as greys."""
    harden_libvips()
    original = Original.of(data)
    header = read_header(original, PipelineSettings().limits)
    srgb = to_srgb(decode(original, header, max(WIDTH, HEIGHT)), header)
    assert srgb.format == "uchar"
    assert (srgb.width, srgb.height) == (WIDTH, HEIGHT)
    pixels = srgb.numpy().reshape(HEIGHT, WIDTH, -1).astype(int)
    return pixels[..., :3].mean(axis=2)


def assert_bright_on_dark(pixels: np.ndarray) -> None:
    """Assert the strokes are bright and the ground dark."""
    expected = design()
    assert pixels[expected == BRIGHT].mean() > 200
    assert pixels[expected == DARK].mean() < 60


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_each_sample_format_shows_the_picture_it_stores(name: str) -> None:
    # GIVEN bright strokes on dark and a ramp, stored in a TIFF sample format
    pixels = displayed(tiff(ENCODINGS[name]))
    # THEN bright stays bright and dark stays dark
    assert_bright_on_dark(pixels)
    # AND the ramp rises smoothly, with no posterisation
    ramp = pixels[GRADIENT_ROWS].mean(axis=0)
    assert np.all(np.diff(ramp) >= -0.5)
    assert len(np.unique(ramp.round())) >= 200
    # AND every tone lands where the 8-bit picture has it
    assert np.abs(pixels - design()).max() <= 3


def test_signed_samples_that_were_clipped_at_zero_still_show_bright_strokes() -> None:
    # GIVEN 8-bit data cast to signed 8-bit without an offset (0..127, brights clipped)
    pixels = displayed(tiff(lambda u: u.cast("char")))
    assert_bright_on_dark(pixels)
    assert np.all(np.diff(pixels[GRADIENT_ROWS].mean(axis=0)) >= -0.5)


@pytest.mark.parametrize(
    "name", ["signed-8-bit-rgb", "32-bit-holding-16-bit", "float-linear-rgb", "float-0-to-1-grey"]
)
def test_renditions_of_wide_sample_formats_keep_bright_text_bright(name: str) -> None:
    result = process(tiff(ENCODINGS[name]))
    largest = max((r for r in result.renditions if r.format == "jpeg"), key=lambda r: r.width)
    image = pyvips.Image.new_from_buffer(largest.data, "").resize(WIDTH / largest.width)
    pixels = image.numpy().reshape(HEIGHT, WIDTH, -1)[..., :3].mean(axis=2)
    assert_bright_on_dark(pixels)


@pytest.mark.parametrize("band_format", ["complex", "dpcomplex"])
def test_complex_samples_are_rejected_naming_the_sample_format(band_format: str) -> None:
    image = pyvips.Image.new_from_array(design()).cast(band_format)
    header = read_header(Original.of(tiff(lambda u: u)), PipelineSettings().limits)
    with pytest.raises(RejectedInput) as caught:
        to_srgb(image, header)
    assert caught.value.code == "unsupported_samples"
    assert "complex" in caught.value.message


def test_float_samples_that_are_not_numbers_are_rejected() -> None:
    infinite = np.where(design() == BRIGHT, np.inf, 0.5).astype(np.float32)
    data = pyvips.Image.new_from_array(infinite).tiffsave_buffer(keep="none")
    with pytest.raises(RejectedInput) as caught:
        process(data)
    assert caught.value.code == "unsupported_samples"


def swatch_error(data: bytes) -> float:
    """Return the worst channel error of the swatches after processing `data`."""
    result = process(data)
    largest = max((r for r in result.renditions if r.format == "webp"), key=lambda r: r.width)
    got = images.patch_means(pyvips.Image.new_from_buffer(largest.data, ""))
    return float(np.abs(np.array(got) - np.array(images.patch_means(images.swatches_srgb()))).max())


@pytest.mark.parametrize("space", ["lab", "labs"])
def test_cielab_tiffs_keep_their_colours(space: str) -> None:
    # Lab samples carry their own scale (float Lab, signed 16-bit LabS): libvips converts them
    lab = images.swatches_srgb().colourspace(space)
    assert swatch_error(lab.tiffsave_buffer(keep="none")) <= 4


@pytest.mark.parametrize("band_format", ["float", "uint"])
def test_wide_samples_with_an_embedded_profile_are_converted_by_it(band_format: str) -> None:
    adobe = images.swatches_srgb().icc_transform(
        str(profile_path(icc.ADOBE_RGB)), input_profile="srgb", depth=16
    )
    scale = 1 / 65535 if band_format == "float" else 65537
    wide = (adobe.cast("double") * scale).cast(band_format).copy(interpretation="srgb")
    wide.set_type(pyvips.GValue.blob_type, "icc-profile-data", icc.ADOBE_RGB)
    assert swatch_error(wide.tiffsave_buffer(keep="icc")) <= 4


@pytest.mark.parametrize(
    ("band_format", "low", "high", "mean", "expected"),
    [
        ("char", -128, 127, 0, (-128, 127)),  # signed, centred on zero
        ("char", 0, 127, 60, (0, 127)),  # never negative: the positive half is the range
        ("short", -300, 200, 0, (-32768, 32767)),
        ("short", 0, 250, 90, (0, 255)),  # 8-bit data in 16-bit samples
        ("int", 0, 65535, 9000, (0, 65535)),  # 16-bit data in 32-bit samples
        ("int", -(2**31), 2**31 - 1, 0, (-(2**31), 2**31 - 1)),
        ("uint", 0, 2**32 - 1, 2**30, (0, 2**32 - 1)),
        ("float", 0.0, 1.0, 0.4, (0.0, 1.0)),
        ("float", 0.0, 4.0, 0.5, (0.0, 4.0)),  # high dynamic range: stretched to the data
        ("float", -0.2, 0.9, 0.3, (-0.2, 1.0)),
        ("float", 0.0, 240.0, 90.0, (0.0, 255.0)),  # libvips' float sRGB scale
        ("float", 0.0, 60000.0, 9000.0, (0.0, 65535.0)),
    ],
)
def test_sample_ranges_follow_the_container_the_data_was_written_for(
    band_format: str, low: float, high: float, mean: float, expected: tuple[float, float]
) -> None:
    stats = np.zeros((1, 10))
    stats[0, [0, 1, 4]] = low, high, mean
    assert sample_range(band_format, stats) == expected
