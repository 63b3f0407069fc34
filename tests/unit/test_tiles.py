"""Large works get a Deep Zoom tile pyramid; its levels follow the renditions' watermark rule."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest
import pyvips

from kernel.keys import is_named, pyramid_folder, tile_key
from pipeline import PipelineSettings
from pipeline.model import TilePyramid
from pipeline.process import process
from pipeline.settings import DeepZoom, Watermark
from pipeline.tiles import cut, level_of, level_sizes, make_pyramid, plan_tiles
from testkit import images

DZI = "{http://schemas.microsoft.com/deepzoom/2008}"
SMALL_TILES = DeepZoom(min_edge=300, tile_size=126, overlap=1)
GREY = 128


def settings(**watermark: object) -> PipelineSettings:
    """Return settings with small tiles, a low threshold and, if given, a watermark."""
    mark = Watermark(**watermark) if watermark else Watermark()  # type: ignore[arg-type]
    return replace(PipelineSettings(), deep_zoom=SMALL_TILES, watermark=mark)


def tile_pixels(pyramid: TilePyramid, path: str) -> np.ndarray:
    """Return one tile's pixels."""
    data = dict(pyramid.tiles)[path]
    return pyvips.Image.new_from_buffer(data, "").numpy().astype(int)


# the plan (no pixels)


def test_no_pyramid_for_works_no_larger_than_the_largest_rendition() -> None:
    assert plan_tiles(2400, 1600, PipelineSettings()) is None
    assert plan_tiles(1600, 2400, PipelineSettings()) is None
    assert plan_tiles(2401, 1600, PipelineSettings()) is not None


def test_no_pyramid_when_deep_zoom_is_switched_off() -> None:
    off = replace(PipelineSettings(), deep_zoom=DeepZoom(enabled=False))
    assert plan_tiles(6000, 4000, off) is None


def test_levels_halve_the_full_size_rounding_up_down_to_one_pixel() -> None:
    sizes = level_sizes(6000, 4000)
    assert len(sizes) == 14
    assert sizes[-1] == (6000, 4000)
    assert sizes[-2] == (3000, 2000)
    assert sizes[-4] == (750, 500)
    assert sizes[0] == (1, 1)
    assert level_sizes(1001, 3) == ((1, 1), *level_sizes(1001, 3)[1:])
    assert level_sizes(1001, 3)[-2] == (501, 2)


def test_levels_whose_long_edge_reaches_the_watermark_min_edge_are_marked() -> None:
    marked = replace(PipelineSettings(), watermark=Watermark(text="© A", min_edge=1024))
    plan = plan_tiles(6000, 4000, marked)
    assert plan is not None
    # 6000, 3000 and 1500 px levels (13, 12, 11) stand for renditions of at least 1024 px
    assert plan.marked_from == 11
    assert max(plan.levels[10]) == 750


def test_no_level_is_marked_without_a_watermark_or_when_none_is_large_enough() -> None:
    plain = plan_tiles(6000, 4000, PipelineSettings())
    assert plain is not None and plain.marked_from is None
    huge = replace(PipelineSettings(), watermark=Watermark(text="© A", min_edge=10_000))
    plan = plan_tiles(6000, 4000, huge)
    assert plan is not None and plan.marked_from is None


def test_the_tile_settings_come_from_deep_zoom() -> None:
    plan = plan_tiles(3000, 2000, PipelineSettings())
    assert plan is not None
    assert (plan.tile_size, plan.overlap, plan.format, plan.quality) == (510, 1, "jpeg", 80)


# cutting


def test_dzsave_cuts_exactly_the_planned_levels() -> None:
    plan = plan_tiles(700, 301, settings())
    assert plan is not None
    descriptor, tiles = cut(images.photo(700, 301, seed=1), plan)
    levels = {level_of(path) for path in tiles}
    assert levels == set(range(len(plan.levels)))
    for level, (width, height) in enumerate(plan.levels):
        columns = -(-width // plan.tile_size)
        rows = -(-height // plan.tile_size)
        assert f"image_files/{level}/{columns - 1}_{rows - 1}.jpg" in tiles
        assert f"image_files/{level}/{columns}_0.jpg" not in tiles
    root = ET.fromstring(descriptor)
    size = root.find(f"{DZI}Size")
    assert size is not None and (size.get("Width"), size.get("Height")) == ("700", "301")
    assert (root.get("TileSize"), root.get("Overlap"), root.get("Format")) == ("126", "1", "jpg")


def test_a_large_work_is_processed_with_a_readable_pyramid_and_tiles_without_metadata() -> None:
    original = images.jpeg(images.photo(800, 500, seed=2), gps=True, xmp=True, camera=True)
    result = process(original, settings())
    pyramid = result.pyramid
    assert pyramid is not None
    assert (pyramid.width, pyramid.height, pyramid.levels) == (800, 500, 11)
    top = pyvips.Image.new_from_buffer(dict(pyramid.tiles)["image_files/10/0_0.jpg"], "")
    assert (top.width, top.height) == (127, 127)  # 126 px and one pixel of overlap
    for field in ("exif-data", "xmp-data", "iptc-data", "icc-profile-data"):
        assert field not in top.get_fields()
    assert pyramid.bytes == len(pyramid.descriptor) + sum(len(d) for _, d in pyramid.tiles)
    assert pyramid.describe()["tiles"] == len(pyramid.tiles)


def test_a_work_no_larger_than_the_threshold_has_no_pyramid() -> None:
    result = process(images.jpeg(images.photo(300, 200, seed=3)), settings())
    assert result.pyramid is None


def test_marked_levels_carry_the_mark_and_smaller_levels_stay_clean() -> None:
    # GIVEN a flat grey 1200 × 800 work with a white mark in the centre of renditions ≥ 600 px
    flat = (pyvips.Image.black(1200, 800) + GREY).cast("uchar").colourspace("srgb")
    mark = {"text": "MARK", "position": "center", "opacity": 1.0, "scale": 0.5, "min_edge": 600}
    result = process(images.jpeg(flat, quality=95), settings(**mark))
    pyramid = result.pyramid
    assert pyramid is not None
    # levels: 11 is 1200 × 800, 10 is 600 × 400, 9 is 300 × 200
    assert pyramid.marked_from == 10
    # THEN the tiles over the centre of the marked levels show the white mark
    assert tile_pixels(pyramid, "image_files/11/4_3.jpg").max() > GREY + 80
    assert tile_pixels(pyramid, "image_files/10/2_1.jpg").max() > GREY + 80
    # AND the unmarked levels are grey all over
    for path in ("image_files/9/1_0.jpg", "image_files/9/1_1.jpg", "image_files/8/0_0.jpg"):
        assert np.abs(tile_pixels(pyramid, path) - GREY).max() < 12


def test_jpeg_tiles_of_transparent_art_are_flattened_on_the_mat() -> None:
    art = images.photo(400, 300, seed=5).bandjoin(128)
    plan = plan_tiles(400, 300, settings())
    assert plan is not None
    pyramid = make_pyramid(art, plan, lambda image: image, (245, 241, 234))
    tile = pyvips.Image.new_from_buffer(dict(pyramid.tiles)["image_files/9/0_0.jpg"], "")
    assert tile.bands == 3


@pytest.mark.parametrize("fmt", ["webp"])
def test_webp_tiles_keep_the_alpha_of_transparent_art(fmt: str) -> None:
    art = images.photo(400, 300, seed=5).bandjoin(128)
    deep_zoom = replace(SMALL_TILES, format=fmt)
    plan = plan_tiles(400, 300, replace(settings(), deep_zoom=deep_zoom))
    assert plan is not None
    pyramid = make_pyramid(art, plan, lambda image: image, (245, 241, 234))
    tile = pyvips.Image.new_from_buffer(dict(pyramid.tiles)["image_files/9/0_0.webp"], "")
    assert tile.hasalpha()


# keys


def test_a_record_naming_a_pyramid_names_every_file_in_its_folder() -> None:
    descriptor = tile_key("ar", "aw", "s1", "image.dzi")
    assert descriptor == "renditions/ar/aw/s1/tiles/image.dzi"
    assert pyramid_folder(descriptor) == "renditions/ar/aw/s1/tiles/"
    named = {"renditions/ar/aw/s1/640px.jpg", descriptor}
    assert is_named("renditions/ar/aw/s1/tiles/image_files/3/0_0.jpg", named)
    assert is_named("renditions/ar/aw/s1/640px.jpg", named)
    assert not is_named("renditions/ar/aw/s0/tiles/image_files/3/0_0.jpg", named)
    assert not is_named("renditions/ar/aw/s1/320px.jpg", named)
    assert not is_named("renditions/ar/aw/s1/tiles/image_files/3/0_0.jpg", {"a/640px.jpg"})
