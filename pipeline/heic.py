"""Decode HEVC-coded HEIC with pillow-heif: the bundled libvips has no HEVC decoder."""

from __future__ import annotations

import numpy as np
import pillow_heif
import pyvips


def decode_hevc(source: bytes | str, long_edge: int) -> pyvips.Image:
    """Decode the primary image of an HEIC file, keep its ICC profile, shrink to `long_edge`."""
    heif = pillow_heif.open_heif(source, convert_hdr_to_8bit=True)
    pixels = np.asarray(heif.to_pillow())
    image = pyvips.Image.new_from_array(pixels)
    image = image.copy(interpretation="srgb" if image.bands >= 3 else "b-w")
    profile = heif.info.get("icc_profile")
    if profile:
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", bytes(profile))
    return image.thumbnail_image(long_edge, height=long_edge, size="down").copy_memory()
