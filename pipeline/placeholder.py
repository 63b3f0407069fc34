"""BlurHash placeholder encoding, vectorised in numpy and identical to the reference package."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

BASE83_ALPHABET = (
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
)
MIN_COMPONENTS = 1
MAX_COMPONENTS = 9

# sRGB byte → linear light, computed with the reference's exact scalar formula.
_LINEAR_LUT = np.array(
    [
        v / 255.0 / 12.92 if v / 255.0 <= 0.04045 else math.pow((v / 255.0 + 0.055) / 1.055, 2.4)
        for v in range(256)
    ]
)


def _base83(value: int, length: int) -> str:
    """Encode a non-negative integer as a fixed-length base83 string."""
    digits = []
    for _ in range(length):
        value, digit = divmod(value, 83)
        digits.append(BASE83_ALPHABET[digit])
    if value:
        raise ValueError("value too large for the requested base83 length")
    return "".join(reversed(digits))


@lru_cache(maxsize=64)
def _cosines(size: int, components: int) -> np.ndarray:
    """Return cos(pi * i * x / size) for each component i and position x."""
    return np.array(
        [
            [math.cos(math.pi * float(i) * float(x) / float(size)) for x in range(size)]
            for i in range(components)
        ]
    )


def _components(linear: np.ndarray, x_components: int, y_components: int) -> np.ndarray:
    """Return the (y_components * x_components, 3) cosine factors, row-major by component."""
    height, width = linear.shape[:2]
    norm = np.full((y_components, x_components), 2.0)
    norm[0, 0] = 1.0
    cos_x = _cosines(width, x_components)
    cos_y = _cosines(height, y_components)
    # Same operation order as the reference: (norm * cos_x) * cos_y, then * pixel.
    basis = (norm[:, :, None, None] * cos_x[None, :, None, :]) * cos_y[:, None, :, None]
    products = basis[..., None] * linear[None, None]
    products = products.reshape(y_components * x_components, height * width, 3)
    # A cumulative sum adds pixels strictly in order (y, then x), as the reference does.
    sums = np.cumsum(products, axis=1)[:, -1, :]
    return sums / (float(width) * float(height))


def _linear_to_srgb(value: float) -> int:
    """Convert linear light to an sRGB byte, rounding as the reference does."""
    value = max(0.0, min(1.0, value))
    if value <= 0.0031308:
        return int(value * 12.92 * 255 + 0.5)
    return int((1.055 * math.pow(value, 1 / 2.4) - 0.055) * 255 + 0.5)


def _quantise_ac(value: float, norm: float) -> int:
    """Quantise one AC channel value to 0..18."""
    scaled = math.copysign(math.pow(abs(value / norm), 0.5), value / norm)
    return int(max(0.0, min(18.0, math.floor(scaled * 9.0 + 9.5))))


def _encode_factors(factors: list[list[float]], x_components: int, y_components: int) -> str:
    """Pack the DC and AC factors into a BlurHash string."""
    dc, ac = factors[0], factors[1:]
    max_ac = max((abs(channel) for factor in ac for channel in factor), default=0.0)
    quant_max = int(max(0, min(82, math.floor(max_ac * 166 - 0.5))))
    ac_norm = float(quant_max + 1) / 166.0
    dc_value = (
        (_linear_to_srgb(dc[0]) << 16) + (_linear_to_srgb(dc[1]) << 8) + _linear_to_srgb(dc[2])
    )
    parts = [
        _base83((x_components - 1) + (y_components - 1) * 9, 1),
        _base83(quant_max, 1),
        _base83(dc_value, 4),
    ]
    for r, g, b in ac:
        value = (
            _quantise_ac(r, ac_norm) * 19 * 19
            + _quantise_ac(g, ac_norm) * 19
            + _quantise_ac(b, ac_norm)
        )
        parts.append(_base83(value, 2))
    return "".join(parts)


def blurhash_encode(rgb: np.ndarray, x_components: int = 4, y_components: int = 3) -> str:
    """Return the BlurHash of a small uint8 H×W×3 sRGB image."""
    for count in (x_components, y_components):
        if not MIN_COMPONENTS <= count <= MAX_COMPONENTS:
            raise ValueError(f"component counts must be 1..9, got {x_components}×{y_components}")
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or rgb.size == 0:
        raise ValueError(f"expected a non-empty uint8 H×W×3 array, got {rgb.dtype} {rgb.shape}")
    factors = _components(_LINEAR_LUT[rgb], x_components, y_components)
    return _encode_factors(factors.tolist(), x_components, y_components)
