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

PALETTE_EDGE = 64
BLURHASH_EDGE = 32
PHASH_SIDE = 32
WHITE = (255, 255, 255)


def compute_facts(
    base: pyvips.Image, header: Header, fidelity: Fidelity, palette_size: int
) -> Facts:
    """Return the facts of an original, measured on its decoded sRGB base image."""
    width, height = header.oriented_size
    small = base.thumbnail_image(PALETTE_EDGE, height=PALETTE_EDGE)
    alpha = small.extract_band(small.bands - 1).numpy() if small.hasalpha() else None
    return Facts(
        width=width,
        height=height,
        orientation=orientation_class(width, height),
        source_format=header.kind.name,
        has_alpha=bool(base.hasalpha()),
        frames=header.frames,
        palette=extract_palette(rgb_array(small), palette_size, alpha=alpha),
        blurhash=blurhash_encode(rgb_array(flatten(base.thumbnail_image(BLURHASH_EDGE)))),
        phash=perceptual_hash(grey_square(base)),
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


def grey_square(base: pyvips.Image) -> np.ndarray:
    """Return a PHASH_SIDE² greyscale array of the whole image (aspect ignored)."""
    grey = flatten(base).colourspace("b-w").extract_band(0)
    small = grey.thumbnail_image(PHASH_SIDE * 4, height=PHASH_SIDE * 4, size="force")
    return small.resize(PHASH_SIDE / small.width, vscale=PHASH_SIDE / small.height).numpy()
