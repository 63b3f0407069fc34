"""Colour management: convert to sRGB for the web and report what the conversion lost."""

from __future__ import annotations

import numpy as np
import pyvips

from pipeline.intake import Header
from pipeline.model import Fidelity
from pipeline.samples import to_display_range

INTENT = "relative"
# A profile-less CMYK file was made for print: map its ink black to screen black, as
# prepress tools do with black-point compensation, so rich blacks do not turn slate grey.
DEFAULT_CMYK = {"input_profile": "cmyk", "intent": INTENT, "black_point_compensation": True}
FIDELITY_PROXY_EDGE = 256
GAMUT_TOLERANCE = 0.01
WARN_SHARE = 0.01
WARN_DELTA_E = 3.0

# XYZ (D50, the ICC profile connection space) to linear sRGB, Bradford-adapted.
XYZ_D50_TO_LINEAR_SRGB = np.array(
    [
        [3.1338561, -1.6168667, -0.4906146],
        [-0.9787684, 1.9161415, 0.0334540],
        [0.0719453, -0.2289914, 1.4052427],
    ]
)
LINEAR_SRGB_TO_XYZ_D50 = np.linalg.inv(XYZ_D50_TO_LINEAR_SRGB)
D50_WHITE = np.array([0.9642, 1.0, 0.8249])
EPSILON_F = 6 / 29  # where the CIELAB f(t) curve turns from cube root to linear


def is_managed(header: Header) -> bool:
    """Return whether the original needs an ICC conversion (embedded profile, or CMYK)."""
    return header.icc_profile is not None or header.is_cmyk


def to_srgb(image: pyvips.Image, header: Header) -> pyvips.Image:
    """Return 8-bit sRGB pixels (alpha kept) from the decoded original."""
    image = to_display_range(image, header)
    if header.icc_profile is not None:
        return image.icc_transform("srgb", embedded=True, intent=INTENT, depth=8)
    if header.is_cmyk:
        return image.icc_transform("srgb", depth=8, **DEFAULT_CMYK)
    if image.interpretation != "srgb" or image.format != "uchar":
        image = image.colourspace("srgb")
    return image.cast("uchar") if image.format != "uchar" else image


def drop_alpha(image: pyvips.Image) -> pyvips.Image:
    """Return the image without its alpha band."""
    return image.extract_band(0, n=image.bands - 1) if image.hasalpha() else image


def source_lab(image: pyvips.Image, header: Header) -> pyvips.Image:
    """Return the original's colours as PCS Lab (D50), unclipped."""
    if header.icc_profile is not None:
        return image.icc_import(embedded=True, pcs="lab", intent=INTENT)
    return image.icc_import(pcs="lab", **DEFAULT_CMYK)


def lab_to_linear_srgb(lab: np.ndarray) -> np.ndarray:
    """Return linear sRGB (unclipped) for PCS Lab (D50) pixels."""
    lightness, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    fy = (lightness + 16) / 116
    f = np.stack([fy + a / 500, fy, fy - b / 200], axis=-1)
    xyz = np.where(f > EPSILON_F, f**3, 3 * EPSILON_F**2 * (f - 4 / 29)) * D50_WHITE
    linear: np.ndarray = xyz @ XYZ_D50_TO_LINEAR_SRGB.T
    return linear


def linear_srgb_to_lab(linear: np.ndarray) -> np.ndarray:
    """Return PCS Lab (D50) for linear sRGB pixels."""
    xyz = linear @ LINEAR_SRGB_TO_XYZ_D50.T / D50_WHITE
    f = np.where(xyz > EPSILON_F**3, np.cbrt(xyz), xyz / (3 * EPSILON_F**2) + 4 / 29)
    fx, fy, fz = f[..., 0], f[..., 1], f[..., 2]
    return np.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], axis=-1)


def as_stored(linear: np.ndarray) -> np.ndarray:
    """Return linear sRGB as an 8-bit sRGB rendition stores it: clipped, then quantised."""
    clipped = np.clip(linear, 0.0, 1.0)
    encoded = np.where(clipped <= 0.0031308, 12.92 * clipped, 1.055 * clipped ** (1 / 2.4) - 0.055)
    encoded = np.round(encoded * 255) / 255
    stored: np.ndarray = np.where(
        encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4
    )
    return stored


def out_of_gamut_share(linear: np.ndarray) -> float:
    """Return the share of pixels (linear sRGB, unclipped) that sRGB cannot show."""
    outside = np.any((linear < -GAMUT_TOLERANCE) | (linear > 1 + GAMUT_TOLERANCE), axis=-1)
    return float(outside.mean())


def measure_fidelity(decoded: pyvips.Image, header: Header, profile_name: str) -> Fidelity:
    """Compare the original's colours with their stored sRGB values on a small proxy.

    The sRGB side is computed from the source's Lab (a relative-colorimetric conversion to a
    matrix profile is a clip in linear sRGB), which spares building two more colour transforms.
    """
    if not is_managed(header):
        return Fidelity(profile_name, 0.0, 0.0, False)
    proxy = drop_alpha(to_display_range(decoded, header))
    factor = max(1, max(proxy.width, proxy.height) // FIDELITY_PROXY_EDGE)
    proxy = proxy.shrink(factor, factor).cast(proxy.format)  # a box average is enough here
    before = source_lab(proxy, header)
    linear = lab_to_linear_srgb(before.numpy())
    stored = linear_srgb_to_lab(as_stored(linear)).astype(np.float32)
    after = pyvips.Image.new_from_array(stored, interpretation="lab")
    share = out_of_gamut_share(linear)
    max_delta_e = float(before.dE00(after).max())
    warning = share >= WARN_SHARE and max_delta_e >= WARN_DELTA_E
    return Fidelity(profile_name, round(share, 4), round(max_delta_e, 2), warning)


def profile_name(header: Header) -> str:
    """Return a readable name for the original's colour space."""
    if header.icc_profile is not None:
        return icc_description(header.icc_profile) or "embedded ICC profile"
    if header.is_cmyk:
        return "CMYK (default profile)"
    return "sRGB (assumed, no profile)"


def icc_description(profile: bytes) -> str | None:
    """Return the 'desc' text of an ICC profile (v2 textDescription or v4 mluc), if readable."""
    try:
        count = int.from_bytes(profile[128:132], "big")
        for index in range(min(count, 100)):
            entry = profile[132 + 12 * index : 144 + 12 * index]
            if entry[:4] == b"desc":
                offset, size = int.from_bytes(entry[4:8], "big"), int.from_bytes(entry[8:12], "big")
                return _decode_text_tag(profile[offset : offset + size])
    except (ValueError, IndexError):
        return None
    return None


def _decode_text_tag(tag: bytes) -> str | None:
    if tag[:4] == b"desc":
        length = int.from_bytes(tag[8:12], "big")
        text = tag[12 : 12 + length].split(b"\0", 1)[0].decode("latin-1")
    elif tag[:4] == b"mluc":
        size, offset = int.from_bytes(tag[20:24], "big"), int.from_bytes(tag[24:28], "big")
        text = tag[offset : offset + size].decode("utf-16-be", errors="replace")
    else:
        return None
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text[:80] or None
