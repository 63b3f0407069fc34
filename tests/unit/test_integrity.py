"""A decoded image is trusted only if the decoder says it is whole and its pixels are plausible."""

from __future__ import annotations

import json
import lzma
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import pyvips

from pipeline import RejectedInput
from pipeline.process import process
from testkit import images
from testkit.cli import COPPER

NONE, LZMA = 1, 34925  # TIFF compression tags


def rgb_tiff(pixels: np.ndarray, compression: int = NONE) -> bytes:
    """Return a one-strip RGB TIFF, its directory first and its strip data last."""
    height, width, _ = pixels.shape
    strip = pixels.tobytes()
    if compression == LZMA:
        strip = lzma.compress(strip, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE)
    tags = [(256, width), (257, height), (258, 0), (259, compression), (262, 2), (273, 0)]
    tags += [(277, 3), (278, height), (279, len(strip)), (284, 1)]
    ifd_size = 2 + 12 * len(tags) + 4
    bits_at = 8 + ifd_size
    strip_at = bits_at + 6
    directory = struct.pack("<H", len(tags))
    for tag, value in tags:
        if tag == 258:
            directory += struct.pack("<HHII", tag, 3, 3, bits_at)
        elif tag == 273:
            directory += struct.pack("<HHII", tag, 4, 1, strip_at)
        else:
            directory += struct.pack("<HHII", tag, 4 if value > 65535 else 3, 1, value)
    directory += struct.pack("<I", 0)
    return b"II*\0" + struct.pack("<I", 8) + directory + struct.pack("<3H", 8, 8, 8) + strip


def photo_pixels(width: int = 320, height: int = 240) -> np.ndarray:
    """Return a generated photo as an RGB array."""
    return images.photo(width, height, seed=5).numpy()


def garbled_jpeg() -> bytes:
    """Return a photo JPEG whose entropy-coded data has one byte flipped every kilobyte."""
    data = bytearray(images.jpeg(images.photo(640, 480, seed=0), quality=75))
    start_of_scan = data.index(b"\xff\xda")
    for at in range(start_of_scan + 1024, len(data) - 2, 1024):
        data[at] ^= 0xFF
    return bytes(data)


def rejection(data: bytes) -> RejectedInput:
    """Return the rejection that processing `data` raises."""
    with pytest.raises(RejectedInput) as caught:
        process(data)
    return caught.value


def test_a_jpeg_with_garbled_entropy_data_is_rejected_as_corrupt() -> None:
    error = rejection(garbled_jpeg())
    assert error.code == "corrupt"
    assert "JPEG" in error.message


def cut_short_tiff() -> bytes:
    """Return a TIFF whose strip data stops two thirds of the way."""
    whole = rgb_tiff(photo_pixels())
    return whole[: len(whole) * 2 // 3]


def test_a_tiff_cut_short_in_its_strip_data_is_rejected_as_corrupt() -> None:
    assert rejection(cut_short_tiff()).code == "corrupt"


def test_a_tiff_this_decoder_reads_as_blank_is_decoded_again_by_the_fallback() -> None:
    # GIVEN an LZMA-compressed TIFF, which this libvips reads as zeros
    result = process(rgb_tiff(photo_pixels(), compression=LZMA))
    # THEN the fallback decodes it, and the picture is the photo, not a blank
    [largest] = [r for r in result.renditions if r.format == "jpeg" and r.width == 320]
    shown = pyvips.Image.new_from_buffer(largest.data, "")
    assert shown.deviate() > 20
    assert abs(shown.avg() - float(photo_pixels().mean())) < 8


def test_a_tiff_read_as_blank_that_no_fallback_reads_is_refused_with_its_variant_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a variant no fallback decoder is known for
    monkeypatch.setattr("pipeline.fallback.identify_variant", lambda original, kind: None)
    error = rejection(rgb_tiff(photo_pixels(), compression=LZMA))
    assert error.code == "undecodable"
    assert "TIFF, which uses LZMA compression," in error.message


def test_a_solid_colour_png_made_on_purpose_is_accepted() -> None:
    solid = pyvips.Image.black(800, 600).new_from_image([200, 40, 90]).copy(interpretation="srgb")
    result = process(solid.cast("uchar").pngsave_buffer())
    assert result.facts.width == 800


def test_a_solid_colour_uncompressed_tiff_is_accepted() -> None:
    pixels = np.full((400, 600, 3), (30, 120, 200), dtype=np.uint8)
    assert process(rgb_tiff(pixels)).facts.width == 600


def test_healthy_photos_pass() -> None:
    assert process(images.jpeg(images.photo(640, 480, seed=0), quality=75)).facts.width == 640
    assert process(rgb_tiff(photo_pixels())).facts.width == 320


@pytest.mark.parametrize(
    ("make", "code"),
    [(garbled_jpeg, "corrupt"), (cut_short_tiff, "corrupt")],
    ids=["garbled-jpeg", "cut-short-tiff"],
)
def test_copper_process_exits_3_with_the_code(make: object, code: str, tmp_path: Path) -> None:
    source = tmp_path / "art.bin"
    source.write_bytes(make())  # type: ignore[operator]
    out = tmp_path / "out"
    result = subprocess.run(
        [str(COPPER), "process", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert json.loads(result.stdout)["error"]["code"] == code
    assert not out.exists() or not any(out.iterdir())
