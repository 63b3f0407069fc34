"""The rendition plan and its geometry are pure data, tested without pixels."""

from dataclasses import replace

from pipeline.geometry import anchor, orientation_class, oriented_size, print_sizes, square_crop
from pipeline.plan import plan_renditions
from pipeline.settings import PipelineSettings, Watermark

DEFAULTS = PipelineSettings()


def test_a_24_megapixel_landscape_gets_the_whole_ladder_largest_first() -> None:
    plan = plan_renditions(6000, 4000, DEFAULTS)
    assert [(s.name, s.width, s.height) for s in plan.sizes] == [
        ("2400px", 2400, 1600),
        ("1600px", 1600, 1067),
        ("1024px", 1024, 683),
        ("640px", 640, 427),
        ("320px", 320, 213),
    ]
    assert (plan.base_width, plan.base_height) == (2400, 1600)
    assert plan.thumbnail.side == 400


def test_a_small_original_is_never_upscaled_and_keeps_its_own_size_on_top() -> None:
    plan = plan_renditions(700, 900, DEFAULTS)
    assert [s.name for s in plan.sizes] == ["900px", "640px", "320px"]
    assert plan.sizes[0].width == 700
    assert all(s.width <= 700 and s.height <= 900 for s in plan.sizes)


def test_a_tiny_original_gets_one_rendition_and_a_thumbnail_no_bigger_than_itself() -> None:
    plan = plan_renditions(200, 100, DEFAULTS)
    assert [(s.name, s.width, s.height) for s in plan.sizes] == [("200px", 200, 100)]
    assert plan.thumbnail.side == 100


def test_a_panorama_is_decoded_larger_so_its_thumbnail_is_not_upscaled() -> None:
    plan = plan_renditions(10_000, 800, DEFAULTS)
    assert plan.base_height >= DEFAULTS.thumbnail_size
    assert plan.thumbnail.side == DEFAULTS.thumbnail_size


def test_only_renditions_at_or_above_the_threshold_are_watermarked() -> None:
    settings = replace(DEFAULTS, watermark=Watermark(text="© A", min_edge=1024))
    marked = {s.name: s.watermark for s in plan_renditions(6000, 4000, settings).sizes}
    assert [name for name, is_marked in marked.items() if is_marked] == [
        "2400px",
        "1600px",
        "1024px",
    ]
    assert not marked["640px"] and not marked["320px"]


def test_no_rendition_is_watermarked_when_there_is_no_mark() -> None:
    assert not any(s.watermark for s in plan_renditions(6000, 4000, DEFAULTS).sizes)


def test_the_focal_point_is_carried_to_the_thumbnail() -> None:
    plan = plan_renditions(6000, 4000, replace(DEFAULTS, focal_point=(0.1, 0.9)))
    assert plan.thumbnail.focal == (0.1, 0.9)


def test_square_crop_centres_on_the_focal_point_and_stays_inside() -> None:
    assert square_crop(3000, 2000, (0.5, 0.5)).left == 500
    right_edge = square_crop(3000, 2000, (0.99, 0.5))
    assert right_edge.left + right_edge.width == 3000
    assert square_crop(3000, 2000, (0.0, 0.0)).left == 0


def test_exif_orientations_five_to_eight_swap_the_sides() -> None:
    assert oriented_size(4000, 3000, 6) == (3000, 4000)
    assert oriented_size(4000, 3000, 3) == (4000, 3000)


def test_orientation_classes() -> None:
    assert orientation_class(3000, 2000) == "landscape"
    assert orientation_class(2000, 3000) == "portrait"
    assert orientation_class(2000, 2040) == "square"
    assert orientation_class(8000, 2000) == "panorama"
    assert orientation_class(1000, 3000) == "panorama"


def test_print_sizes_at_300_and_150_dpi() -> None:
    at_300, at_150 = print_sizes(6000, 4500)
    assert (at_300.dpi, at_300.width_in, at_300.height_in) == (300, 20.0, 15.0)
    assert (at_150.width_cm, at_150.height_cm) == (101.6, 76.2)


def test_anchor_places_a_mark_at_each_corner_with_a_margin() -> None:
    assert anchor((1000, 500), (100, 50), "top-left", 10) == (10, 10)
    assert anchor((1000, 500), (100, 50), "bottom-right", 10) == (890, 440)
    assert anchor((1000, 500), (100, 50), "center", 10) == (450, 225)
    assert anchor((1000, 500), (100, 50), "top", 10) == (450, 10)
