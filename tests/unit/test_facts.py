"""Facts: orientation, palette, placeholder, perceptual hash and print sizes."""

from __future__ import annotations

import blurhash
import pyvips

from pipeline.phash import hamming_distance
from pipeline.process import process
from testkit import images


def test_facts_of_a_portrait_photo() -> None:
    facts = process(images.jpeg(images.photo(1800, 2700, seed=1))).facts
    assert (facts.width, facts.height, facts.orientation) == (1800, 2700, "portrait")
    assert facts.source_format == "jpeg"
    assert 1 <= len(facts.palette) <= 6
    assert abs(sum(colour.weight for colour in facts.palette) - 1) < 0.01
    assert all(colour.hex.startswith("#") and len(colour.hex) == 7 for colour in facts.palette)
    assert len(facts.phash) == 16
    at_300 = facts.print[0]
    assert (at_300.dpi, at_300.width_in, at_300.height_in) == (300, 6.0, 9.0)


def test_a_flat_red_image_has_one_red_palette_colour() -> None:
    red = (pyvips.Image.black(300, 300) + [200, 20, 30]).cast("uchar").copy(interpretation="srgb")
    palette = process(images.jpeg(red)).facts.palette
    assert palette[0].family == "red"
    assert palette[0].weight > 0.95


def test_the_blurhash_decodes_to_the_images_colours() -> None:
    red = (pyvips.Image.black(300, 200) + [200, 20, 30]).cast("uchar").copy(interpretation="srgb")
    facts = process(images.jpeg(red)).facts
    assert blurhash.components(facts.blurhash) == (4, 3)
    decoded = blurhash.decode(facts.blurhash, 4, 4)
    red_channel, green_channel, _ = decoded[2][2][:3]
    assert red_channel > 150 and green_channel < 70


def test_a_resized_recompressed_copy_is_a_near_duplicate_and_another_image_is_not() -> None:
    original = images.photo(2400, 1600, seed=11)
    copy = images.jpeg(original.resize(0.4), quality=60)
    other = images.jpeg(images.photo(2400, 1600, seed=12))
    hash_original = process(images.jpeg(original)).facts.phash
    assert hamming_distance(hash_original, process(copy).facts.phash) <= 6
    assert hamming_distance(hash_original, process(other).facts.phash) >= 16


def test_panoramas_and_squares_are_classified() -> None:
    assert process(images.jpeg(images.photo(3000, 1000))).facts.orientation == "panorama"
    assert process(images.jpeg(images.photo(1000, 1000))).facts.orientation == "square"
