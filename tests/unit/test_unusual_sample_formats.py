"""Valid TIFFs and PNGs in unusual sample formats are shown right or refused by name, never corrupt.

64-bit samples (double, 64-bit integers, complex) are read neither by this libvips nor by
Pillow; 1-, 2- and 4-bit samples are, and must keep their tones.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
import pyvips
import tifffile

from pipeline import PipelineSettings, RejectedInput
from pipeline.colour import to_srgb
from pipeline.intake import Original, decode, harden_libvips, read_header
from pipeline.process import process

WIDTH, HEIGHT = 256, 64


def ramp() -> np.ndarray:
    """Return an 8-bit horizontal ramp from 0 to 255."""
    return np.tile(np.arange(WIDTH, dtype=np.uint8), (HEIGHT, 1))


def vips_ramp(band_format: str, scale: float, *, bands: int = 3) -> pyvips.Image:
    """Return the ramp in `band_format`, each sample `scale` times its 8-bit value."""
    grey = pyvips.Image.new_from_array(ramp()).cast("double") * scale
    if bands == 1:
        return grey.cast(band_format).copy(interpretation="b-w")
    return grey.bandjoin([grey, grey]).cast(band_format).copy(interpretation="srgb")


def linear_ramp_rgb(band_format: str) -> bytes:
    """Return the ramp as 0..1 linear-light RGB in `band_format`, as an HDR editor writes it."""
    srgb = pyvips.Image.new_from_array(ramp()).cast("uchar")
    linear = srgb.bandjoin([srgb, srgb]).copy(interpretation="srgb").colourspace("scrgb")
    return linear.cast(band_format).tiffsave_buffer(compression="none", keep="none")


def shown(data: bytes) -> np.ndarray:
    """Return the 8-bit sRGB pixels the pipeline makes of a file, at full size, as greys."""
    harden_libvips()
    original = Original.of(data)
    header = read_header(original, PipelineSettings().limits)
    srgb = to_srgb(decode(original, header, WIDTH), header)
    assert (srgb.format, srgb.width, srgb.height) == ("uchar", WIDTH, HEIGHT)
    return srgb.numpy().reshape(HEIGHT, WIDTH, -1)[..., :3].astype(float).mean(axis=2)


def assert_is_the_ramp(pixels: np.ndarray, tolerance: float = 3) -> None:
    """Assert the ramp rises smoothly from black to white, where the 8-bit ramp has each tone."""
    profile = pixels.mean(axis=0)
    assert np.all(np.diff(profile) >= -0.5)
    assert profile[0] <= 3 and profile[-1] >= 252
    assert np.abs(pixels - ramp()).max() <= tolerance


def tifffile_rgb(samples: np.ndarray) -> bytes:
    """Return an RGB TIFF written by tifffile, holding `samples` (height × width) in each band."""
    out = io.BytesIO()
    tifffile.imwrite(out, np.repeat(samples[..., None], 3, axis=2), photometric="rgb")
    return out.getvalue()


DOUBLE_FILES: dict[str, Callable[[], bytes]] = {
    "double-linear-rgb": lambda: linear_ramp_rgb("double"),
    "double-0-to-255-rgb": lambda: vips_ramp("double", 1.0).tiffsave_buffer(keep="none"),
    "double-0-to-1-grey": lambda: vips_ramp("double", 1 / 255, bands=1).tiffsave_buffer(),
    "double-deflate-rgb": lambda: vips_ramp("double", 257.0).tiffsave_buffer(compression="deflate"),
}


@pytest.mark.parametrize("name", sorted(DOUBLE_FILES))
def test_double_precision_tiffs_show_the_ramp_they_store(name: str) -> None:
    assert_is_the_ramp(shown(DOUBLE_FILES[name]()))


def test_double_and_single_precision_linear_light_look_the_same() -> None:
    single = shown(linear_ramp_rgb("float"))
    double = shown(linear_ramp_rgb("double"))
    assert np.abs(single - double).max() <= 1


def test_a_double_precision_tiff_is_processed_into_renditions() -> None:
    result = process(linear_ramp_rgb("double"))
    assert result.facts.width == WIDTH
    [jpeg] = [r for r in result.renditions if r.format == "jpeg" and r.width == WIDTH]
    image = pyvips.Image.new_from_buffer(jpeg.data, "")
    assert_is_the_ramp(image.numpy()[..., :3].astype(float).mean(axis=2), tolerance=6)


@pytest.mark.parametrize("compression", ["none", "deflate"])
def test_a_white_double_precision_tiff_stays_white(compression: str) -> None:
    white = pyvips.Image.black(WIDTH, HEIGHT, bands=3).cast("double") + 1.0
    data = white.copy(interpretation="scrgb").tiffsave_buffer(compression=compression)
    result = process(data)
    [jpeg] = [r for r in result.renditions if r.format == "jpeg" and r.width == WIDTH]
    image = pyvips.Image.new_from_buffer(jpeg.data, "")
    assert image.min() >= 252


SIXTY_FOUR_BIT_INTEGERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "uint64-full-range": lambda r: r.astype(np.uint64) * np.uint64(0x0101010101010101),
    "uint64-holding-16-bit": lambda r: r.astype(np.uint64) * np.uint64(257),
    "int64-centred-on-zero": lambda r: (r.astype(np.int64) - 128) * np.int64(2**56),
}


@pytest.mark.parametrize("name", sorted(SIXTY_FOUR_BIT_INTEGERS))
def test_64_bit_integer_tiffs_show_the_ramp_they_store(name: str) -> None:
    assert_is_the_ramp(shown(tifffile_rgb(SIXTY_FOUR_BIT_INTEGERS[name](ramp()))))


@pytest.mark.parametrize("band_format", ["complex", "dpcomplex"])
def test_complex_tiffs_are_refused_naming_the_sample_format_not_as_corrupt(
    band_format: str,
) -> None:
    data = vips_ramp(band_format, 1 / 255).tiffsave_buffer(keep="none")
    with pytest.raises(RejectedInput) as caught:
        process(data)
    assert caught.value.code == "unsupported_samples"
    assert "complex" in caught.value.message
    assert "export" in caught.value.message.lower()


def low_bit_ramp(bits: int) -> pyvips.Image:
    """Return the ramp quantised to `bits`, as values 0..2**bits - 1 (PNG writes the low bits)."""
    levels = pyvips.Image.new_from_array((ramp() >> (8 - bits)).astype(np.uint8))
    return levels.cast("uchar").copy(interpretation="b-w")


@pytest.mark.parametrize("bits", [1, 2, 4])
@pytest.mark.parametrize("kind", ["png", "tiff"])
def test_1_2_and_4_bit_greys_keep_their_tones(bits: int, kind: str) -> None:
    levels = low_bit_ramp(bits)
    if kind == "png":
        data = levels.pngsave_buffer(bitdepth=bits)
    else:  # libvips' TIFF writer takes 8-bit values and keeps their top bits
        data = (levels * (255 // ((1 << bits) - 1))).cast("uchar").tiffsave_buffer(bitdepth=bits)
    pixels = shown(data)
    top = (1 << bits) - 1
    expected = (ramp() >> (8 - bits)).astype(float) * 255 / top
    assert np.abs(pixels - expected).max() <= 2


def with_compression_tag(data: bytes, compression: int) -> bytes:
    """Return a tifffile-written TIFF whose Compression tag now names `compression`."""
    with tifffile.TiffFile(io.BytesIO(data)) as tiff:
        at = tiff.pages.first.tags[259].valueoffset
    return data[:at] + compression.to_bytes(2, "little") + data[at + 2 :]


def test_a_64_bit_tiff_in_a_compression_not_read_here_is_refused_by_name_not_as_corrupt() -> None:
    # GIVEN double samples declared as LZW-compressed (tifffile reads LZW only with extra codecs)
    lzw = with_compression_tag(tifffile_rgb(ramp().astype(np.float64) / 255), 5)
    with pytest.raises(RejectedInput) as caught:
        process(lzw)
    assert caught.value.code == "unsupported_variant"
    assert "64-bit floating-point samples" in caught.value.message


@pytest.mark.parametrize("compression", ["none", "deflate"])
def test_a_64_bit_tiff_cut_short_is_still_corrupt(compression: str) -> None:
    noise = pyvips.Image.gaussnoise(WIDTH, HEIGHT, mean=0.5, sigma=0.2).cast("double")
    whole = noise.tiffsave_buffer(compression=compression)
    with pytest.raises(RejectedInput) as caught:
        process(whole[: len(whole) * 2 // 3])
    assert caught.value.code == "corrupt"
