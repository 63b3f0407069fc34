"""Hostile and unsupported inputs are rejected with a readable reason before decoding."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from io import BytesIO

import pytest

from pipeline import PipelineSettings, RejectedInput
from pipeline.process import process
from pipeline.settings import Limits
from testkit import images


def rejection(data: bytes, settings: PipelineSettings | None = None) -> RejectedInput:
    """Return the rejection that processing `data` raises."""
    with pytest.raises(RejectedInput) as caught:
        process(data, settings)
    return caught.value


@pytest.mark.parametrize("name", sorted(images.IMPOSTORS))
def test_non_images_posing_as_images_are_rejected_as_unsupported(name: str) -> None:
    error = rejection(images.IMPOSTORS[name])
    assert error.code == "unsupported_type"
    assert "JPEG, PNG, WebP, TIFF, GIF, HEIC/HEIF or AVIF" in error.message


def test_an_empty_file_is_rejected() -> None:
    assert rejection(b"").code == "empty"


def test_a_file_over_the_byte_limit_is_rejected_before_it_is_read() -> None:
    settings = replace(PipelineSettings(), limits=Limits(max_bytes=1000))
    data = images.jpeg(images.photo(200, 200))
    assert rejection(data, settings).code == "file_too_large"


def test_a_decompression_bomb_png_is_rejected_on_its_header() -> None:
    error = rejection(images.decompression_bomb_png())
    assert error.code in {"dimensions_too_large", "too_many_pixels"}
    assert "megapixels" in error.message or "longest side" in error.message


@pytest.mark.parametrize("make", [images.png_claiming, images.jpeg_claiming])
def test_a_header_claiming_65000_by_65000_is_rejected(make) -> None:
    error = rejection(make(65000, 65000))
    assert error.code == "dimensions_too_large"
    assert "65,000 × 65,000" in error.message


def test_the_pixel_limit_is_configurable() -> None:
    settings = replace(PipelineSettings(), limits=Limits(max_pixels=10_000))
    error = rejection(images.jpeg(images.photo(200, 100)), settings)
    assert error.code == "too_many_pixels"


def test_a_truncated_jpeg_is_rejected_as_corrupt() -> None:
    error = rejection(images.truncated_jpeg())
    assert error.code == "corrupt"
    assert "damaged or incomplete" in error.message


def test_a_zip_appended_to_a_jpeg_does_not_survive_into_any_rendition() -> None:
    data, marker = images.jpeg_with_zip()
    result = process(data)
    assert result.renditions
    for rendition in result.renditions:
        assert marker not in rendition.data
        assert b"PK\x03\x04" not in rendition.data
        assert not zipfile.is_zipfile(BytesIO(rendition.data))


def test_an_animation_with_hundreds_of_frames_is_processed_from_its_first_frame() -> None:
    result = process(images.animated_gif(300, 64, 48))
    assert result.facts.frames == 300
    assert {(r.width, r.height) for r in result.renditions if r.name != "thumb"} == {(64, 48)}


def test_an_animation_over_the_frame_limit_is_rejected() -> None:
    settings = replace(PipelineSettings(), limits=Limits(max_frames=100))
    assert rejection(images.animated_gif(150, 16, 16), settings).code == "too_many_frames"


def test_the_pixels_of_all_frames_are_bounded() -> None:
    settings = replace(PipelineSettings(), limits=Limits(max_total_pixels=64 * 48 * 50))
    error = rejection(images.animated_gif(60, 64, 48), settings)
    assert error.code == "too_many_pixels"
    assert "frames" in error.message
