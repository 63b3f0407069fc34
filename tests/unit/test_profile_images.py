"""Portraits and logos go through the safe intake and come out small, square (portraits), sRGB
and without metadata; damaged, huge and animated files are refused with a readable reason."""

from __future__ import annotations

import pytest
import pyvips

from pipeline.errors import RejectedInput
from pipeline.profile_images import IMAGE_MAX_BYTES, normalise_logo, portrait_images
from testkit.images import alpha_png, jpeg, photo


def test_a_portrait_becomes_two_square_srgb_jpegs_without_metadata() -> None:
    data = jpeg(photo(1200, 800, 3), gps=True, camera=True, xmp=True, iptc=True)
    images = portrait_images(data)
    assert [(i.width, i.height, i.format) for i in images] == [
        (160, 160, "jpeg"),
        (480, 480, "jpeg"),
    ]
    for image in images:
        decoded = pyvips.Image.new_from_buffer(image.data, "")
        assert decoded.get("vips-loader") == "jpegload_buffer"
        assert decoded.interpretation == "srgb" and decoded.bands == 3
        fields = set(decoded.get_fields())
        assert not fields & {"exif-data", "xmp-data", "iptc-data", "icc-profile-data"}


def test_a_transparent_portrait_is_flattened_onto_white() -> None:
    images = portrait_images(alpha_png(photo(600, 600, 1)), sizes=(160,))
    decoded = pyvips.Image.new_from_buffer(images[0].data, "")
    assert decoded.bands == 3
    assert decoded.crop(0, 0, 8, 8).avg() > 240  # the transparent left quarter is white


def test_a_damaged_file_is_refused_with_a_reason() -> None:
    data = jpeg(photo(800, 600, 2))
    with pytest.raises(RejectedInput) as refused:
        portrait_images(data[: len(data) // 2])
    assert refused.value.code in ("corrupt", "undecodable")
    assert "damaged" in refused.value.message or "decode" in refused.value.message


def test_a_file_that_is_not_an_image_is_refused_as_unsupported() -> None:
    with pytest.raises(RejectedInput) as refused:
        portrait_images(b"%PDF-1.7\n" + b"0" * 2000)
    assert refused.value.code == "unsupported_type"


def test_a_file_over_four_mebibytes_is_refused_before_decoding() -> None:
    with pytest.raises(RejectedInput) as refused:
        portrait_images(jpeg(photo(64, 64, 1)) + b"\0" * IMAGE_MAX_BYTES)
    assert refused.value.code == "file_too_large"
    assert "4.0 MiB" in refused.value.message


def test_an_image_with_too_many_pixels_is_refused_by_its_header() -> None:
    huge = pyvips.Image.black(12_000, 6_000).pngsave_buffer(compression=9)
    assert len(huge) < IMAGE_MAX_BYTES
    with pytest.raises(RejectedInput) as refused:
        portrait_images(huge)
    assert refused.value.code == "too_many_pixels"


def test_an_animation_is_refused_as_more_than_one_frame() -> None:
    frames = pyvips.Image.arrayjoin([photo(64, 64, n) for n in range(3)], across=1)
    gif = frames.copy().gifsave_buffer(page_height=64)
    with pytest.raises(RejectedInput) as refused:
        portrait_images(gif)
    assert refused.value.code == "too_many_frames"


def test_a_logo_keeps_its_transparency_as_an_srgb_png_at_most_1000_px() -> None:
    logo = normalise_logo(alpha_png(photo(1600, 400, 1)))
    decoded = pyvips.Image.new_from_buffer(logo.data, "")
    assert (logo.width, logo.height, logo.format) == (1000, 250, "png")
    assert decoded.bands == 4 and decoded.interpretation == "srgb"
    assert decoded.extract_band(3).crop(0, 0, 200, 100).max() == 0  # transparent stays so


def test_a_logo_without_alpha_gains_an_opaque_one() -> None:
    logo = normalise_logo(jpeg(photo(300, 100, 1)))
    decoded = pyvips.Image.new_from_buffer(logo.data, "")
    assert decoded.bands == 4 and decoded.extract_band(3).min() == 255
