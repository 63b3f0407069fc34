"""Unit tests for pipeline.palette: Lab conversion, colour families and palette extraction."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.model import PaletteColour
from pipeline.palette import colour_family, extract_palette, lab_to_hex, srgb_to_lab


def _flat(rgb: tuple[int, int, int], height: int = 16, width: int = 16) -> np.ndarray:
    """Return a flat uint8 image of one colour."""
    return np.broadcast_to(np.array(rgb, dtype=np.uint8), (height, width, 3)).copy()


@pytest.mark.parametrize(
    ("rgb", "expected"),
    [
        ((255, 0, 0), (53.24, 80.09, 67.20)),
        ((0, 0, 255), (32.30, 79.19, -107.86)),
        ((255, 255, 255), (100.0, 0.0, 0.0)),
        ((128, 128, 128), (53.59, 0.0, 0.0)),
        ((0, 0, 0), (0.0, 0.0, 0.0)),
    ],
)
def test_srgb_to_lab_matches_known_swatches(
    rgb: tuple[int, int, int], expected: tuple[float, float, float]
) -> None:
    lab = srgb_to_lab(np.array(rgb, dtype=np.uint8))
    assert lab.dtype == np.float64
    np.testing.assert_allclose(lab, expected, atol=0.01)


def test_srgb_to_lab_keeps_the_leading_shape() -> None:
    rgb = np.random.default_rng(3).integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
    lab = srgb_to_lab(rgb)
    assert lab.shape == (4, 5, 3)
    np.testing.assert_allclose(lab[2, 3], srgb_to_lab(rgb[2, 3]))


def test_srgb_to_lab_rejects_arrays_without_three_channels() -> None:
    with pytest.raises(ValueError):
        srgb_to_lab(np.zeros((4, 4), dtype=np.uint8))


def test_lab_to_hex_round_trips_every_srgb_colour_it_is_given() -> None:
    rgb = np.random.default_rng(4).integers(0, 256, size=(500, 3), dtype=np.uint8)
    for colour, lab in zip(rgb, srgb_to_lab(rgb), strict=True):
        assert lab_to_hex(lab) == "#{:02x}{:02x}{:02x}".format(*colour)


def test_lab_to_hex_gives_lowercase_black_and_white() -> None:
    assert lab_to_hex((0.0, 0.0, 0.0)) == "#000000"
    assert lab_to_hex((100.0, 0.0, 0.0)) == "#ffffff"
    assert lab_to_hex((53.24, 80.09, 67.20)) == "#ff0000"


def test_lab_to_hex_clips_out_of_gamut_colours() -> None:
    assert lab_to_hex((150.0, 0.0, 0.0)) == "#ffffff"
    assert lab_to_hex((-20.0, 0.0, 0.0)) == "#000000"
    assert lab_to_hex((50.0, 150.0, 0.0)).startswith("#ff00")


@pytest.mark.parametrize(
    ("rgb", "family"),
    [
        ((255, 0, 0), "red"),
        ((220, 20, 60), "red"),
        ((0, 0, 128), "blue"),
        ((0, 0, 255), "blue"),
        ((65, 105, 225), "blue"),
        ((135, 206, 235), "blue"),
        ((34, 139, 34), "green"),
        ((0, 255, 0), "green"),
        ((0, 128, 128), "teal"),
        ((64, 224, 208), "teal"),
        ((255, 165, 0), "orange"),
        ((255, 255, 0), "yellow"),
        ((255, 215, 0), "yellow"),
        ((255, 253, 208), "yellow"),  # cream: pale, but clearly yellowish
        ((210, 105, 30), "brown"),  # chocolate
        ((139, 69, 19), "brown"),  # saddle brown
        ((255, 105, 180), "pink"),  # hot pink
        ((255, 192, 203), "pink"),
        ((128, 0, 128), "purple"),
        ((0, 0, 0), "black"),
        ((255, 255, 255), "white"),
        ((255, 255, 240), "white"),  # ivory
        ((128, 128, 128), "grey"),
        ((64, 64, 64), "grey"),
        ((192, 192, 192), "grey"),
    ],
)
def test_colour_family_names_obvious_colours(rgb: tuple[int, int, int], family: str) -> None:
    assert colour_family(srgb_to_lab(np.array(rgb, dtype=np.uint8))) == family


def test_flat_image_gives_one_colour() -> None:
    palette = extract_palette(_flat((30, 90, 200), 64, 64))
    assert palette == (
        PaletteColour(
            lab=tuple(round(float(v), 2) for v in srgb_to_lab(np.array([30, 90, 200], np.uint8))),
            hex="#1e5ac8",
            family="blue",
            weight=1.0,
        ),
    )


def test_slightly_noisy_flat_image_still_gives_one_colour() -> None:
    noise = np.random.default_rng(5).integers(-1, 2, size=(64, 64, 3))
    image = (np.full((64, 64, 3), 128) + noise).astype(np.uint8)
    palette = extract_palette(image)
    assert len(palette) == 1
    assert palette[0].family == "grey"
    assert palette[0].weight == 1.0


def test_two_colour_image_gives_two_colours_weighted_by_area() -> None:
    image = _flat((200, 30, 30), 40, 40)
    image[:, 30:] = (20, 40, 160)
    palette = extract_palette(image)
    assert [c.hex for c in palette] == ["#c81e1e", "#1428a0"]
    assert [c.weight for c in palette] == [0.75, 0.25]
    assert [c.family for c in palette] == ["red", "blue"]


def test_six_separated_colours_are_all_found_with_their_areas() -> None:
    colours = [(0, 0, 0), (255, 255, 255), (255, 0, 0), (0, 160, 0), (0, 0, 255), (255, 220, 0)]
    widths = [20, 16, 12, 8, 3, 1]
    image = np.concatenate([_flat(c, 10, w) for c, w in zip(colours, widths, strict=True)], axis=1)
    palette = extract_palette(image, k=6)
    assert [c.hex for c in palette] == ["#{:02x}{:02x}{:02x}".format(*c) for c in colours]
    assert [c.weight for c in palette] == pytest.approx(
        [0.3333, 0.2667, 0.2, 0.1333, 0.05, 0.0167], abs=1e-9
    )


def test_palette_never_exceeds_k_colours() -> None:
    image = np.random.default_rng(6).integers(0, 256, size=(32, 32, 3), dtype=np.uint8)
    assert len(extract_palette(image, k=3)) == 3
    assert len(extract_palette(image, k=1)) == 1


def test_weights_sum_to_one_and_are_sorted_descending() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        image = rng.integers(0, 256, size=(48, 48, 3), dtype=np.uint8)
        palette = extract_palette(image)
        weights = [c.weight for c in palette]
        assert sum(weights) == pytest.approx(1.0, abs=1e-9)
        assert weights == sorted(weights, reverse=True)
        assert all(w == round(w, 4) for w in weights)
        assert all(v == round(v, 2) for c in palette for v in c.lab)


def test_palette_is_deterministic() -> None:
    image = np.random.default_rng(8).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    first = extract_palette(image)
    assert extract_palette(image.copy()) == first
    assert extract_palette(image) == first


def test_alpha_mask_ignores_transparent_pixels() -> None:
    image = _flat((200, 30, 30), 20, 20)
    image[:, 10:] = (20, 40, 160)
    alpha = np.full((20, 20), 255, dtype=np.uint8)
    alpha[:, 10:] = 127
    palette = extract_palette(image, alpha=alpha)
    assert [(c.hex, c.weight) for c in palette] == [("#c81e1e", 1.0)]


def test_alpha_of_128_counts_as_opaque() -> None:
    image = _flat((200, 30, 30), 20, 20)
    image[:, 15:] = (20, 40, 160)
    alpha = np.full((20, 20), 128, dtype=np.uint8)
    alpha[:10, :] = 0
    palette = extract_palette(image, alpha=alpha)
    assert [(c.hex, c.weight) for c in palette] == [("#c81e1e", 0.75), ("#1428a0", 0.25)]


def test_fully_transparent_image_gives_no_colours() -> None:
    alpha = np.zeros((8, 8), dtype=np.uint8)
    assert extract_palette(_flat((10, 20, 30), 8, 8), alpha=alpha) == ()


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((8, 8, 3), dtype=np.float64),
        np.zeros((8, 8), dtype=np.uint8),
        np.zeros((8, 8, 4), dtype=np.uint8),
    ],
)
def test_extract_palette_rejects_non_rgb_uint8_input(image: np.ndarray) -> None:
    with pytest.raises(ValueError):
        extract_palette(image)


def test_extract_palette_rejects_bad_k_and_alpha_shape() -> None:
    with pytest.raises(ValueError):
        extract_palette(_flat((1, 2, 3)), k=0)
    with pytest.raises(ValueError):
        extract_palette(_flat((1, 2, 3)), alpha=np.zeros((4, 4), dtype=np.uint8))
