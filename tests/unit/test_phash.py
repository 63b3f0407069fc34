"""Unit tests for pipeline.phash: the DCT perceptual hash and Hamming distance."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from pipeline.phash import hamming_distance, perceptual_hash

Scene = Callable[[int], np.ndarray]


def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return pixel-centre x and y coordinates in 0..1 for a square image."""
    centres = (np.arange(size) + 0.5) / size
    x, y = np.meshgrid(centres, centres)
    return x, y


def _sun(size: int) -> np.ndarray:
    """Horizontal gradient with a bright disc."""
    x, y = _grid(size)
    image = 60.0 + 120.0 * x
    image[(x - 0.35) ** 2 + (y - 0.4) ** 2 < 0.04] = 230.0
    return image


def _window(size: int) -> np.ndarray:
    """Vertical gradient with a dark rectangle."""
    x, y = _grid(size)
    image = 200.0 - 150.0 * y
    image[(x > 0.55) & (x < 0.9) & (y > 0.2) & (y < 0.7)] = 20.0
    return image


def _diagonal(size: int) -> np.ndarray:
    """Two halves split on the diagonal, with a grey square."""
    x, y = _grid(size)
    image = np.where(x + y > 1.0, 210.0, 40.0)
    image[(np.abs(x - 0.25) < 0.1) & (np.abs(y - 0.75) < 0.15)] = 128.0
    return image


SCENES: list[Scene] = [_sun, _window, _diagonal]


def _downscale(image: np.ndarray, size: int = 32) -> np.ndarray:
    """Box-average a square image down to size×size."""
    factor = image.shape[0] // size
    return image.reshape(size, factor, size, factor).mean(axis=(1, 3))


def _box_blur(image: np.ndarray, radius: int) -> np.ndarray:
    """Blur with a (2r+1)² box filter, padding with edge values."""
    padded = np.pad(image, radius, mode="edge")
    out = np.zeros_like(image)
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            out += padded[dy : dy + image.shape[0], dx : dx + image.shape[1]]
    return out / (2 * radius + 1) ** 2


def _reference_hash(grey: np.ndarray) -> str:
    """Compute pHash straight from the DCT-II definition, as an independent check."""
    n = np.arange(32)
    basis = np.array([np.cos(np.pi * (2 * n + 1) * k / 64) for k in range(8)])
    scale = np.array([np.sqrt(1 / 32)] + [np.sqrt(2 / 32)] * 7)
    coefficients = np.array(
        [
            [scale[u] * scale[v] * np.sum(grey * np.outer(basis[u], basis[v])) for v in range(8)]
            for u in range(8)
        ]
    ).reshape(-1)
    median = np.median(coefficients[1:])
    bits = "".join("1" if c > median else "0" for c in coefficients)
    return f"{int(bits, 2):016x}"


def test_hash_is_sixteen_lowercase_hex_characters() -> None:
    digest = perceptual_hash(_downscale(_sun(256)))
    assert len(digest) == 16
    assert all(ch in "0123456789abcdef" for ch in digest)


@pytest.mark.parametrize("scene", SCENES)
def test_hash_matches_the_dct_definition(scene: Scene) -> None:
    grey = _downscale(scene(256))
    assert perceptual_hash(grey) == _reference_hash(grey)


def test_hash_of_random_noise_matches_the_dct_definition() -> None:
    grey = np.random.default_rng(10).uniform(0, 255, size=(32, 32))
    assert perceptual_hash(grey) == _reference_hash(grey)


def test_hash_of_zero_mean_input_excludes_the_dc_term_from_the_median() -> None:
    grey = np.random.default_rng(13).uniform(-1.0, 1.0, size=(32, 32))
    assert perceptual_hash(grey) == _reference_hash(grey)


def test_image_built_from_known_dct_coefficients_has_the_expected_bits() -> None:
    # Synthesise a 32×32 image whose orthonormal 8×8 low-frequency DCT block is known.
    coefficients = np.random.default_rng(14).permutation(64).astype(np.float64) + 10.0
    coefficients[0] = 500.0
    n = np.arange(32)
    scale = np.array([np.sqrt(1 / 32)] + [np.sqrt(2 / 32)] * 7)
    basis = np.array([scale[k] * np.cos(np.pi * (2 * n + 1) * k / 64) for k in range(8)])
    grey = basis.T @ coefficients.reshape(8, 8) @ basis
    median = np.median(coefficients[1:])
    expected = int("".join("1" if c > median else "0" for c in coefficients), 2)
    assert perceptual_hash(grey) == f"{expected:016x}"


def test_uint8_and_float_input_give_the_same_hash() -> None:
    grey = _downscale(_window(256)).round()
    assert perceptual_hash(grey.astype(np.uint8)) == perceptual_hash(grey)


def test_hash_is_deterministic() -> None:
    grey = _downscale(_diagonal(256))
    assert perceptual_hash(grey) == perceptual_hash(grey.copy())


@pytest.mark.parametrize("scene", SCENES)
def test_resized_noisy_and_blurred_copies_hash_within_six_bits(scene: Scene) -> None:
    original = perceptual_hash(_downscale(scene(256)))
    base = _downscale(scene(256))
    noise = np.random.default_rng(11).normal(0.0, 6.0, size=base.shape)
    variants = {
        "smaller source": _downscale(scene(128)),
        "larger source": _downscale(scene(512)),
        "noise": np.clip(base + noise, 0, 255),
        "blur": _downscale(_box_blur(scene(256), 3)),
        "quantised": np.round(base / 16) * 16,
        "brighter": base * 0.9 + 10,
    }
    for name, variant in variants.items():
        assert hamming_distance(original, perceptual_hash(variant)) <= 6, name


def test_different_images_differ_by_at_least_twenty_bits() -> None:
    hashes = [perceptual_hash(_downscale(scene(256))) for scene in SCENES]
    for i in range(len(hashes)):
        for j in range(i + 1, len(hashes)):
            assert hamming_distance(hashes[i], hashes[j]) >= 20, (i, j)


def test_inverted_image_flips_nearly_every_bit() -> None:
    grey = _downscale(_sun(256))
    assert hamming_distance(perceptual_hash(grey), perceptual_hash(255 - grey)) >= 60


@pytest.mark.parametrize("shape", [(31, 32), (64, 64), (32, 32, 3)])
def test_hash_rejects_inputs_that_are_not_32_by_32(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        perceptual_hash(np.zeros(shape))


def test_hamming_distance_of_a_hash_to_itself_is_zero() -> None:
    assert hamming_distance("8f3c0a1b2d4e6f70", "8f3c0a1b2d4e6f70") == 0


def test_hamming_distance_counts_differing_bits() -> None:
    assert hamming_distance("0000000000000000", "ffffffffffffffff") == 64
    assert hamming_distance("0000000000000001", "0000000000000003") == 1
    assert hamming_distance("ffffffffffffffff", "7ffffffffffffffe") == 2
    assert hamming_distance("00000000000000f0", "000000000000000f") == 8


def test_hamming_distance_is_symmetric_and_case_insensitive() -> None:
    a, b = "8f3c0a1b2d4e6f70", "0123456789abcdef"
    assert hamming_distance(a, b) == hamming_distance(b, a) == hamming_distance(a.upper(), b)


def test_hamming_distance_rejects_hashes_of_different_lengths() -> None:
    with pytest.raises(ValueError):
        hamming_distance("ff", "fff")
