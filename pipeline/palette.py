"""Dominant-colour palette: sRGB→Lab conversion, colour-family names and k-means in Lab."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from pipeline.model import PaletteColour

# sRGB (D65) → XYZ matrix and the D65 reference white.
_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_XYZ_TO_SRGB = np.linalg.inv(_SRGB_TO_XYZ)
_D65_WHITE = np.array([0.95047, 1.0, 1.08883])
_CIE_EPSILON = 216.0 / 24389.0
_CIE_KAPPA = 24389.0 / 27.0

# sRGB byte → linear light, precomputed for all 256 values.
_SRGB_CHANNEL = np.arange(256, dtype=np.float64) / 255.0
_LINEAR_LUT = np.where(
    _SRGB_CHANNEL <= 0.04045,
    _SRGB_CHANNEL / 12.92,
    ((_SRGB_CHANNEL + 0.055) / 1.055) ** 2.4,
)

# Colour-family thresholds (CIE LCh: L 0..100, chroma, hue angle in degrees).
ACHROMATIC_MAX_CHROMA = 10.0
BLACK_MAX_LIGHTNESS = 20.0
WHITE_MIN_LIGHTNESS = 85.0
# Hue bins as (exclusive upper bound in degrees, family), scanned in order.
HUE_BINS: tuple[tuple[float, str], ...] = (
    (50.0, "red"),
    (85.0, "orange"),
    (115.0, "yellow"),
    (170.0, "green"),
    (225.0, "teal"),
    (312.0, "blue"),
    (340.0, "purple"),
    (360.0, "red"),
)
# A warm hue (within BROWN_HUE_RANGE degrees) darker than this lightness is "brown".
BROWN_HUE_RANGE = (20.0, 115.0)
BROWN_MAX_LIGHTNESS: dict[str, float] = {"red": 40.0, "orange": 62.0, "yellow": 45.0}
# A red hue at least this light is "pink".
PINK_MIN_LIGHTNESS = 60.0

# k-means settings.
KMEANS_SEED = 0
# The first draws of np.random.default_rng(KMEANS_SEED), written out so that a palette of up
# to 9 colours never imports numpy.random (about 15 ms of a fresh `copper process`).
KMEANS_DRAWS = (
    0.6369616873214543,
    0.2697867137638703,
    0.04097352393619469,
    0.016527635528529094,
    0.8132702392002724,
    0.9127555772777217,
    0.6066357757671799,
    0.7294965609839984,
)
KMEANS_MAX_ITERATIONS = 20
KMEANS_TOLERANCE = 0.5  # stop once no centre moves further than this (ΔE76)
MERGE_DELTA_E = 3.0
ALPHA_THRESHOLD = 128


def _lab_f(t: np.ndarray) -> np.ndarray:
    """Apply the CIE Lab companding function."""
    return np.where(t > _CIE_EPSILON, np.cbrt(t), (_CIE_KAPPA * t + 16.0) / 116.0)


def _lab_f_inverse(f: np.ndarray) -> np.ndarray:
    """Invert the CIE Lab companding function."""
    cube = f**3
    return np.where(cube > _CIE_EPSILON, cube, (116.0 * f - 16.0) / _CIE_KAPPA)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Convert uint8 sRGB of shape (..., 3) to float64 CIELAB (D65)."""
    rgb = np.asarray(rgb)
    if rgb.shape[-1:] != (3,):
        raise ValueError(f"expected an array of shape (..., 3), got {rgb.shape}")
    linear = _LINEAR_LUT[rgb.astype(np.uint8, copy=False)]
    f = _lab_f((linear @ _SRGB_TO_XYZ.T) / _D65_WHITE)
    lightness = 116.0 * f[..., 1] - 16.0
    a = 500.0 * (f[..., 0] - f[..., 1])
    b = 200.0 * (f[..., 1] - f[..., 2])
    return np.stack([lightness, a, b], axis=-1)


def _lab_to_srgb_bytes(lab: np.ndarray) -> np.ndarray:
    """Convert Lab of shape (..., 3) to sRGB bytes, clipping out-of-gamut values."""
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, fy - lab[..., 2] / 200.0], axis=-1)
    linear = np.clip((_lab_f_inverse(f) * _D65_WHITE) @ _XYZ_TO_SRGB.T, 0.0, 1.0)
    srgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1.0 / 2.4) - 0.055)
    result: np.ndarray = np.clip(np.rint(srgb * 255.0), 0, 255).astype(np.uint8)
    return result


def lab_to_hex(lab: np.ndarray | tuple[float, float, float]) -> str:
    """Return the '#rrggbb' sRGB hex code of a Lab colour (clipped to the gamut)."""
    r, g, b = (int(v) for v in _lab_to_srgb_bytes(np.asarray(lab)))
    return f"#{r:02x}{g:02x}{b:02x}"


def _hue_family(hue: float) -> str:
    """Return the family of a hue angle in degrees (0..360)."""
    for upper, family in HUE_BINS:
        if hue < upper:
            return family
    return HUE_BINS[-1][1]


def colour_family(lab: np.ndarray | tuple[float, float, float]) -> str:
    """Name the colour family of a Lab colour (black, grey, …, purple, pink)."""
    lightness, a, b = (float(v) for v in lab)
    chroma = float(np.hypot(a, b))
    if chroma < ACHROMATIC_MAX_CHROMA:
        if lightness < BLACK_MAX_LIGHTNESS:
            return "black"
        return "white" if lightness > WHITE_MIN_LIGHTNESS else "grey"
    hue = float(np.degrees(np.arctan2(b, a))) % 360.0
    family = _hue_family(hue)
    warm = BROWN_HUE_RANGE[0] <= hue < BROWN_HUE_RANGE[1]
    if warm and lightness < BROWN_MAX_LIGHTNESS.get(family, -1.0):
        return "brown"
    if family == "red" and lightness >= PINK_MIN_LIGHTNESS:
        return "pink"
    return family


def _unique_colours(
    pixels: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct colours of (N, 3) uint8 pixels and the weight of each (default 1)."""
    packed = (
        (pixels[:, 0].astype(np.uint32) << 16)
        | (pixels[:, 1].astype(np.uint32) << 8)
        | pixels[:, 2].astype(np.uint32)
    )
    values, inverse, counts = np.unique(packed, return_inverse=True, return_counts=True)
    colours = np.stack([values >> 16, (values >> 8) & 255, values & 255], axis=-1)
    totals = counts if weights is None else np.bincount(inverse.reshape(-1), weights=weights)
    return colours.astype(np.uint8), totals.astype(np.float64)


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Return the exact (N, K) squared Euclidean distances between points and centres."""
    diff = points[:, None, :] - centres[None, :, :]
    distances: np.ndarray = (diff**2).sum(axis=2)
    return distances


def _nearest_centre(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Return the index of the nearest centre for each point."""
    # |p|² is the same for every centre, so it can be left out of the comparison.
    nearest: np.ndarray = np.argmin(
        (centres**2).sum(axis=1)[None, :] - 2.0 * (points @ centres.T), axis=1
    )
    return nearest


def seeded_draws() -> Iterator[float]:
    """Yield the uniform draws of np.random.default_rng(KMEANS_SEED), in order."""
    yield from KMEANS_DRAWS
    rng = np.random.default_rng(KMEANS_SEED)
    rng.random(len(KMEANS_DRAWS))
    while True:
        yield float(rng.random())


def _init_centres(points: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Pick up to k initial centres with weighted, fixed-seed k-means++."""
    draws = seeded_draws()
    centres = [points[int(np.argmax(weights))]]
    closest = _squared_distances(points, centres[0][None, :])[:, 0]
    while len(centres) < k:
        cumulative = np.cumsum(weights * closest)
        if cumulative[-1] <= 0.0:
            break
        index = int(np.searchsorted(cumulative, next(draws) * cumulative[-1], side="right"))
        centre = points[min(index, len(points) - 1)]
        centres.append(centre)
        closest = np.minimum(closest, _squared_distances(points, centre[None, :])[:, 0])
    return np.array(centres)


def _kmeans(points: np.ndarray, weights: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Run weighted Lloyd k-means; return centres and the weight each one holds."""
    centres = _init_centres(points, weights, k)
    for _ in range(KMEANS_MAX_ITERATIONS):
        labels = _nearest_centre(points, centres)
        totals = np.bincount(labels, weights=weights, minlength=len(centres))
        previous = centres.copy()
        for channel in range(3):
            sums = np.bincount(labels, weights=weights * points[:, channel], minlength=len(centres))
            np.divide(sums, totals, out=centres[:, channel], where=totals > 0)
        if np.abs(centres - previous).max() < KMEANS_TOLERANCE:
            break
    labels = _nearest_centre(points, centres)
    totals = np.bincount(labels, weights=weights, minlength=len(centres))
    keep = totals > 0
    return centres[keep], totals[keep]


def _merge_close(centres: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge centres closer than MERGE_DELTA_E (ΔE76) into their weighted mean."""
    centres, totals = centres.copy(), totals.copy()
    while len(centres) > 1:
        dist = np.sqrt(_squared_distances(centres, centres))
        np.fill_diagonal(dist, np.inf)
        i, j = np.unravel_index(int(np.argmin(dist)), dist.shape)
        if dist[i, j] >= MERGE_DELTA_E:
            break
        total = totals[i] + totals[j]
        centres[i] = (centres[i] * totals[i] + centres[j] * totals[j]) / total
        totals[i] = total
        centres, totals = np.delete(centres, j, axis=0), np.delete(totals, j)
    return centres, totals


def _rounded_weights(totals: np.ndarray) -> list[float]:
    """Round shares to 4 decimals, giving the rounding residual to the largest share."""
    weights = [round(float(w), 4) for w in totals / totals.sum()]
    weights[0] = round(weights[0] + 1.0 - sum(weights), 4)
    return weights


def _rounded_lab(lab: np.ndarray) -> tuple[float, float, float]:
    """Round Lab components to 2 decimals (normalising -0.0 to 0.0)."""
    lightness, a, b = (round(float(v), 2) + 0.0 for v in lab)
    return (lightness, a, b)


def _flat_mask(mask: np.ndarray, rgb: np.ndarray, name: str) -> np.ndarray:
    """Check that a per-pixel array matches the image and return it flattened."""
    mask = np.asarray(mask)
    if mask.shape != rgb.shape[:2]:
        raise ValueError(f"{name} shape {mask.shape} does not match image {rgb.shape[:2]}")
    return mask.reshape(-1)


def _validated_pixels(
    rgb: np.ndarray, alpha: np.ndarray | None, coverage: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Check the inputs and return the (N, 3) counted pixels and their weights (None: 1 each)."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected a uint8 H×W×3 array, got {rgb.dtype} {rgb.shape}")
    if alpha is not None and coverage is not None:
        raise ValueError("give alpha or coverage, not both")
    pixels = rgb.reshape(-1, 3)
    if alpha is not None:
        return pixels[_flat_mask(alpha, rgb, "alpha") >= ALPHA_THRESHOLD], None
    if coverage is not None:
        weights = _flat_mask(coverage, rgb, "coverage").astype(np.float64)
        return pixels[weights > 0], weights[weights > 0]
    return pixels, None


def extract_palette(
    rgb: np.ndarray,
    k: int = 6,
    *,
    alpha: np.ndarray | None = None,
    coverage: np.ndarray | None = None,
) -> tuple[PaletteColour, ...]:
    """Return up to k dominant colours of a small uint8 image, heaviest first.

    `alpha` counts only the pixels at least half opaque; `coverage` (e.g. alpha) weights each
    pixel instead, so thin strokes that no pixel of a small proxy fully covers still count.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    pixels, weights = _validated_pixels(rgb, alpha, coverage)
    if len(pixels) == 0:
        return ()
    colours, counts = _unique_colours(pixels, weights)
    centres, totals = _merge_close(*_kmeans(srgb_to_lab(colours), counts, k))
    order = sorted(range(len(centres)), key=lambda i: (-totals[i], *centres[i]))
    centres, totals = centres[order], totals[order]
    return tuple(
        PaletteColour(
            lab=_rounded_lab(c),
            hex=lab_to_hex(c),
            family=colour_family(c),
            weight=weight,
        )
        for c, weight in zip(centres, _rounded_weights(totals), strict=True)
    )
