"""Facts about an original: size class, palette, placeholder, perceptual hash, print sizes."""

from __future__ import annotations

import numpy as np
import pyvips

from pipeline.geometry import orientation_class, print_sizes
from pipeline.intake import Header
from pipeline.model import Facts, Fidelity
from pipeline.palette import extract_palette
from pipeline.phash import perceptual_hash
from pipeline.placeholder import blurhash_encode

PROXY_EDGE = 128
PALETTE_EDGE = 64
BLURHASH_EDGE = 32
PHASH_SIDE = 32
WHITE = (255, 255, 255)


def compute_facts(
    base: pyvips.Image, header: Header, fidelity: Fidelity, palette_size: int
) -> Facts:
    """Return the facts of an original, measured on one small proxy of its sRGB base image."""
    width, height = header.oriented_size
    proxy = base.thumbnail_image(PROXY_EDGE, height=PROXY_EDGE).copy_memory()
    small = proxy.thumbnail_image(PALETTE_EDGE, height=PALETTE_EDGE)
    alpha = small.extract_band(small.bands - 1).numpy() if small.hasalpha() else None
    return Facts(
        width=width,
        height=height,
        orientation=orientation_class(width, height),
        source_format=header.kind.name,
        has_alpha=bool(base.hasalpha()),
        frames=header.frames,
        palette=extract_palette(rgb_array(small), palette_size, alpha=alpha),
        blurhash=blurhash_encode(rgb_array(flatten(proxy.thumbnail_image(BLURHASH_EDGE)))),
        phash=perceptual_hash(grey_square(proxy)),
        print=print_sizes(width, height),
        fidelity=fidelity,
    )


def flatten(image: pyvips.Image) -> pyvips.Image:
    """Return the image flattened onto white if it has alpha."""
    return image.flatten(background=list(WHITE)) if image.hasalpha() else image


def rgb_array(image: pyvips.Image) -> np.ndarray:
    """Return the colour bands of an sRGB image as an H×W×3 uint8 array."""
    colour = image.extract_band(0, n=3) if image.bands >= 3 else image.bandjoin([image, image])
    return np.ascontiguousarray(colour.cast("uchar").numpy(), dtype=np.uint8)


def grey_square(proxy: pyvips.Image) -> np.ndarray:
    """Return a PHASH_SIDE² greyscale array of the whole image (aspect ignored)."""
    grey = flatten(proxy).colourspace("b-w").extract_band(0)
    square: np.ndarray = grey.resize(
        PHASH_SIDE / grey.width, vscale=PHASH_SIDE / grey.height
    ).numpy()
    return square
