"""Image similarity for tests: SSIM, CIEDE2000 and sRGB → CIELAB, in plain numpy."""

from __future__ import annotations

import numpy as np
import pyvips

_SSIM_SIGMA = 1.5
_SSIM_RADIUS = 5  # 11-tap Gaussian window, as in Wang et al. (2004)
_SSIM_K1, _SSIM_K2 = 0.01, 0.03
_LUMA = np.array([0.299, 0.587, 0.114])

_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_D65_WHITE = np.array([0.95047, 1.0, 1.08883])


def to_array(image: pyvips.Image | np.ndarray) -> np.ndarray:
    """Return the pixels as a (height, width, bands) numpy array of the image's own dtype."""
    pixels = image.numpy() if isinstance(image, pyvips.Image) else np.asarray(image)
    return pixels.reshape(pixels.shape[0], pixels.shape[1], -1)


def _grey(pixels: np.ndarray, data_range: float | None) -> np.ndarray:
    """Return luma scaled to 0..1: integer dtypes by their maximum, others by data_range."""
    if data_range is None:
        is_int = np.issubdtype(pixels.dtype, np.integer)
        data_range = float(np.iinfo(pixels.dtype).max) if is_int else 255.0
    values = pixels.astype(np.float64) / data_range
    return values[:, :, :3] @ _LUMA if values.shape[2] >= 3 else values[:, :, 0]


def _gaussian_window(radius: int) -> np.ndarray:
    """Return a normalised 1-D Gaussian kernel of 2 * radius + 1 taps."""
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-(offsets**2) / (2 * _SSIM_SIGMA**2))
    return kernel / kernel.sum()


def _filter(values: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Convolve separably with a symmetric kernel, keeping only the 'valid' region."""
    taps = len(kernel)
    rows = sum(k * values[i : values.shape[0] - taps + 1 + i] for i, k in enumerate(kernel))
    return sum(k * rows[:, i : rows.shape[1] - taps + 1 + i] for i, k in enumerate(kernel))


def ssim(
    a: pyvips.Image | np.ndarray, b: pyvips.Image | np.ndarray, data_range: float | None = None
) -> float:
    """Return the mean Gaussian-weighted SSIM of two same-size images, compared as greyscale."""
    x, y = _grey(to_array(a), data_range), _grey(to_array(b), data_range)
    if x.shape != y.shape:
        raise ValueError(f"images differ in size: {x.shape} vs {y.shape}")
    kernel = _gaussian_window(min(_SSIM_RADIUS, (min(x.shape) - 1) // 2))
    c1, c2 = _SSIM_K1**2, _SSIM_K2**2
    mu_x, mu_y = _filter(x, kernel), _filter(y, kernel)
    var_x = _filter(x * x, kernel) - mu_x**2
    var_y = _filter(y * y, kernel) - mu_y**2
    cov = _filter(x * y, kernel) - mu_x * mu_y
    numerator = (2 * mu_x * mu_y + c1) * (2 * cov + c2)
    denominator = (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    return float(np.mean(numerator / denominator))


def _lab_f(t: np.ndarray) -> np.ndarray:
    """Apply the CIE Lab companding function."""
    epsilon, kappa = 216.0 / 24389.0, 24389.0 / 27.0
    return np.where(t > epsilon, np.cbrt(t), (kappa * t + 16.0) / 116.0)


def srgb_to_lab(rgb: np.ndarray | tuple[float, float, float]) -> np.ndarray:
    """Convert sRGB of shape (..., 3), 0..255 (floats allowed), to CIELAB (D65 white)."""
    encoded = np.asarray(rgb, dtype=np.float64) / 255.0
    if encoded.shape[-1:] != (3,):
        raise ValueError(f"expected shape (..., 3), got {encoded.shape}")
    linear = np.where(encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4)
    f = _lab_f((linear @ _SRGB_TO_XYZ.T) / _D65_WHITE)
    return np.stack(
        [
            116.0 * f[..., 1] - 16.0,
            500.0 * (f[..., 0] - f[..., 1]),
            200.0 * (f[..., 1] - f[..., 2]),
        ],
        axis=-1,
    )


def _hue_degrees(b: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Return the hue angle in degrees, 0..360 (0 for achromatic colours)."""
    return np.where((a == 0) & (b == 0), 0.0, np.degrees(np.arctan2(b, a)) % 360.0)


def delta_e2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """Return CIEDE2000 colour differences of Lab arrays of shape (..., 3) (kL = kC = kH = 1)."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=np.float64), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=np.float64), -1, 0)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = _hue_degrees(b1, a1p), _hue_degrees(b2, a2p)

    chroma_product = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma_product == 0, 0.0, dh)
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * np.sqrt(chroma_product) * np.sin(np.radians(dh / 2))

    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        np.abs(h1p - h2p) <= 180,
        h_sum / 2,
        np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2),
    )
    h_mean = np.where(chroma_product == 0, h_sum, h_mean)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    rotation = -np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))) * (
        2 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    )
    return np.sqrt(
        (d_l / s_l) ** 2
        + (d_c / s_c) ** 2
        + (d_h / s_h) ** 2
        + rotation * (d_c / s_c) * (d_h / s_h)
    )
