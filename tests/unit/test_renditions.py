"""Renditions: sizes, formats, orientation, thumbnails and golden-image similarity."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import pyvips

from pipeline import PipelineSettings
from pipeline.model import ProcessResult, Rendition
from pipeline.process import process
from testkit import images
from testkit.similarity import ssim, to_array

GOLDEN = Path(__file__).parent.parent / "fixtures" / "golden"
GOLDEN_EDGE = 160


def find(result: ProcessResult, name: str, fmt: str) -> Rendition:
    """Return one rendition by name and format."""
    return next(r for r in result.renditions if r.name == name and r.format == fmt)


def decoded(rendition: Rendition) -> pyvips.Image:
    """Decode a rendition's bytes."""
    return pyvips.Image.new_from_buffer(rendition.data, "")


@pytest.fixture(scope="module")
def landscape() -> ProcessResult:
    """The default renditions of a 3000×2000 photo-like JPEG."""
    return process(images.jpeg(images.photo(3000, 2000, seed=3)))


def test_every_ladder_size_exists_in_every_format_with_the_declared_size(
    landscape: ProcessResult,
) -> None:
    names = {r.name for r in landscape.renditions}
    assert names == {"2400px", "1600px", "1024px", "640px", "320px", "thumb"}
    loaders = {"avif": "heifload", "webp": "webpload", "jpeg": "jpegload"}
    for rendition in landscape.renditions:
        image = decoded(rendition)
        assert (image.width, image.height) == (rendition.width, rendition.height)
        assert image.get("vips-loader").startswith(loaders[rendition.format])
        assert max(image.width, image.height) <= 2400


def test_the_manifest_records_each_encoder_setting(landscape: ProcessResult) -> None:
    settings = PipelineSettings().encoders
    avif = find(landscape, "640px", "avif")
    assert (avif.quality, avif.effort) == (settings.avif.quality, settings.avif.effort)
    jpeg = find(landscape, "640px", "jpeg").describe()
    assert jpeg["quality"] == settings.jpeg.quality
    assert "effort" not in jpeg


@pytest.mark.parametrize("fmt", ["avif", "webp", "jpeg"])
def test_renditions_look_like_the_golden_image(landscape: ProcessResult, fmt: str) -> None:
    golden_path = GOLDEN / "landscape-640.png"
    small = decoded(find(landscape, "640px", fmt)).thumbnail_image(GOLDEN_EDGE)
    if os.environ.get("UPDATE_GOLDEN") and fmt == "jpeg":
        golden_path.parent.mkdir(parents=True, exist_ok=True)
        small.write_to_file(str(golden_path))
    golden = pyvips.Image.new_from_file(str(golden_path))
    assert ssim(small, golden) > 0.95


def test_a_small_original_is_never_upscaled() -> None:
    result = process(images.jpeg(images.photo(500, 300)))
    assert max(max(r.width, r.height) for r in result.renditions) == 500
    assert find(result, "thumb", "webp").width == 300


def asymmetric_scene() -> pyvips.Image:
    """A grey 300×200 image with a red block in the top-left corner."""
    canvas = (pyvips.Image.black(300, 200) + [128, 128, 128]).cast("uchar")
    red = (pyvips.Image.black(60, 40) + [230, 20, 20]).cast("uchar")
    return canvas.insert(red, 0, 0).copy(interpretation="srgb")


def stored_for(displayed: pyvips.Image, orientation: int) -> pyvips.Image:
    """Return the stored pixels that display as `displayed` under an EXIF orientation."""
    turns = [displayed.rot(angle) for angle in ("d0", "d90", "d180", "d270")]
    for candidate in turns + [turn.fliphor() for turn in turns]:
        tagged = candidate.copy()
        tagged.set_type(pyvips.GValue.gint_type, "orientation", orientation)
        upright = tagged.autorot()
        if (upright.width, upright.height) == (displayed.width, displayed.height) and (
            (upright - displayed).abs().max() == 0
        ):
            return candidate
    raise AssertionError(f"no stored form for orientation {orientation}")


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_and_then_dropped(orientation: int) -> None:
    stored = stored_for(asymmetric_scene(), orientation)
    result = process(images.jpeg(stored, orientation=orientation, quality=95))
    assert (result.facts.width, result.facts.height) == (300, 200)
    rendition = decoded(find(result, "300px", "jpeg"))
    assert (rendition.width, rendition.height) == (300, 200)
    corner = to_array(rendition.crop(5, 5, 40, 25)).reshape(-1, 3).mean(axis=0)
    assert corner[0] > 180 and corner[1] < 80, f"red corner not top-left: {corner}"
    assert "orientation" not in rendition.get_fields()
    assert "exif-data" not in rendition.get_fields()


def half_and_half() -> bytes:
    """A 1200×600 JPEG: blue on the left half, red on the right half."""
    blue = (pyvips.Image.black(600, 600) + [20, 40, 220]).cast("uchar")
    red = (pyvips.Image.black(600, 600) + [220, 30, 30]).cast("uchar")
    return images.jpeg(blue.join(red, "horizontal").copy(interpretation="srgb"))


@pytest.mark.parametrize(("focal", "dominant"), [((0.95, 0.5), 0), ((0.05, 0.5), 2)])
def test_the_thumbnail_is_cropped_around_the_focal_point(
    focal: tuple[float, float], dominant: int
) -> None:
    result = process(half_and_half(), replace(PipelineSettings(), focal_point=focal))
    thumb = decoded(find(result, "thumb", "jpeg"))
    assert thumb.width == thumb.height == 400
    means = to_array(thumb).reshape(-1, 3).mean(axis=0)
    assert int(np.argmax(means)) == dominant


def test_without_a_focal_point_the_thumbnail_is_a_square_attention_crop() -> None:
    canvas = (pyvips.Image.black(1600, 800) + [235, 235, 235]).cast("uchar")
    detail = images.photo(300, 300, seed=5)
    scene = canvas.insert(detail, 1250, 250).copy(interpretation="srgb")
    thumb = decoded(find(process(images.jpeg(scene)), "thumb", "jpeg"))
    assert thumb.width == thumb.height == 400
    assert to_array(thumb).std() > 20, "the crop missed the only detailed region"
