"""Unit tests for pipeline.placeholder: BlurHash must match the reference package exactly."""

from __future__ import annotations

import blurhash
import numpy as np
import pytest

from pipeline.placeholder import BASE83_ALPHABET, blurhash_encode


def _gradient(height: int, width: int) -> np.ndarray:
    """Return an RGB image with horizontal, vertical and diagonal ramps."""
    y, x = np.mgrid[0:height, 0:width]
    channels = [x * 255 / max(width - 1, 1), y * 255 / max(height - 1, 1), (x + y) * 4 % 256]
    return np.stack(channels, axis=-1).astype(np.uint8)


def _stripes(height: int, width: int) -> np.ndarray:
    """Return vertical red/cyan stripes four pixels wide."""
    image = np.zeros((height, width, 3), dtype=np.uint8)
    image[:, (np.arange(width) // 4) % 2 == 0] = (230, 20, 20)
    image[:, (np.arange(width) // 4) % 2 == 1] = (20, 200, 210)
    return image


def _checker(height: int, width: int) -> np.ndarray:
    """Return a black and white 8-pixel checkerboard."""
    y, x = np.mgrid[0:height, 0:width]
    value = (((x // 8) + (y // 8)) % 2 * 255).astype(np.uint8)
    return np.repeat(value[:, :, None], 3, axis=2)


def _disc(height: int, width: int) -> np.ndarray:
    """Return an orange disc on a dark blue background."""
    y, x = np.mgrid[0:height, 0:width]
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = (10, 20, 60)
    image[(x - width / 3) ** 2 + (y - height / 2) ** 2 < (min(height, width) / 4) ** 2] = (
        250,
        150,
        20,
    )
    return image


STRUCTURED = {
    "flat grey": np.full((32, 32, 3), 128, dtype=np.uint8),
    "flat black": np.zeros((32, 32, 3), dtype=np.uint8),
    "flat white": np.full((32, 32, 3), 255, dtype=np.uint8),
    "gradient": _gradient(32, 32),
    "wide gradient": _gradient(24, 40),
    "stripes": _stripes(32, 32),
    "checker": _checker(32, 32),
    "disc": _disc(30, 34),
}


def _reference(image: np.ndarray, x_components: int, y_components: int) -> str:
    """Encode with the reference pure-Python blurhash package."""
    return blurhash.encode(image, x_components, y_components)


@pytest.mark.parametrize("name", sorted(STRUCTURED))
def test_structured_images_match_the_reference_encoder(name: str) -> None:
    image = STRUCTURED[name]
    assert blurhash_encode(image) == _reference(image, 4, 3)


@pytest.mark.parametrize("seed", range(6))
def test_random_images_match_the_reference_encoder(seed: int) -> None:
    rng = np.random.default_rng(seed)
    height, width = (int(v) for v in rng.integers(8, 40, size=2))
    image = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    assert blurhash_encode(image) == _reference(image, 4, 3)


@pytest.mark.parametrize(("x_components", "y_components"), [(1, 1), (9, 9), (3, 5), (6, 2)])
def test_other_component_counts_match_the_reference_encoder(
    x_components: int, y_components: int
) -> None:
    for image in (_gradient(32, 32), _disc(20, 28)):
        expected = _reference(image, x_components, y_components)
        assert blurhash_encode(image, x_components, y_components) == expected


def test_tiny_images_match_the_reference_encoder() -> None:
    rng = np.random.default_rng(12)
    for shape in [(1, 1, 3), (1, 7, 3), (5, 1, 3), (2, 2, 3)]:
        image = rng.integers(0, 256, size=shape, dtype=np.uint8)
        assert blurhash_encode(image, 4, 3) == _reference(image, 4, 3)


def test_hash_has_the_length_and_size_flag_of_the_spec() -> None:
    digest = blurhash_encode(_gradient(32, 32), 4, 3)
    assert len(digest) == 4 + 2 * 4 * 3
    assert digest[0] == BASE83_ALPHABET[(4 - 1) + (3 - 1) * 9]
    assert set(digest) <= set(BASE83_ALPHABET)


def test_flat_image_encodes_its_colour_in_the_dc_term() -> None:
    digest = blurhash_encode(np.full((16, 16, 3), (255, 0, 0), dtype=np.uint8), 1, 1)
    dc = 0
    for ch in digest[2:6]:
        dc = dc * 83 + BASE83_ALPHABET.index(ch)
    assert dc == 0xFF0000


@pytest.mark.parametrize(("x_components", "y_components"), [(0, 3), (4, 10), (-1, -1)])
def test_out_of_range_component_counts_are_rejected(x_components: int, y_components: int) -> None:
    with pytest.raises(ValueError):
        blurhash_encode(_gradient(8, 8), x_components, y_components)


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((8, 8, 3), dtype=np.float32),
        np.zeros((8, 8), dtype=np.uint8),
        np.zeros((0, 8, 3), dtype=np.uint8),
    ],
)
def test_non_rgb_uint8_input_is_rejected(image: np.ndarray) -> None:
    with pytest.raises(ValueError):
        blurhash_encode(image)
