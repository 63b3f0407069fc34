"""Facts about an original: size class, palette, placeholder, perceptual hash, print sizes.

Transparent art: the palette names the art's own colours, each pixel weighted by its alpha (the
mat is a presentation choice, not a colour of the work); the placeholder and the perceptual hash
describe the picture as shown, flattened on the same mat as the JPEG renditions (the gallery
paints the placeholder behind every image, so alpha renditions are seen on it too).
"""

from __future__ import annotations

import numpy as np
import pyvips

from pipeline.geometry import orientation_class, print_sizes
from pipeline.intake import Header
from pipeline.mat import Colour, flatten
from pipeline.model import Facts, Fidelity
from pipeline.palette import extract_palette
from pipeline.phash import perceptual_hash
from pipeline.placeholder import blurhash_encode

PROXY_EDGE = 128
PALETTE_EDGE = 64
BLURHASH_EDGE = 32
PHASH_SIDE = 32


def compute_facts(
    base: pyvips.Image, header: Header, fidelity: Fidelity, palette_size: int, mat: Colour
) -> Facts:
    """Return the facts of an original, measured on one small proxy of its sRGB base image."""
    width, height = header.oriented_size
    proxy = base.thumbnail_image(PROXY_EDGE, height=PROXY_EDGE).copy_memory()
    small = proxy.thumbnail_image(PALETTE_EDGE, height=PALETTE_EDGE)
    coverage = small.extract_band(small.bands - 1).numpy() if small.hasalpha() else None
    return Facts(
        width=width,
        height=height,
        orientation=orientation_class(width, height),
        source_format=header.kind.name,
        has_alpha=bool(base.hasalpha()),
        frames=header.frames,
        palette=extract_palette(rgb_array(small), palette_size, coverage=coverage),
        blurhash=blurhash_encode(rgb_array(flatten(proxy.thumbnail_image(BLURHASH_EDGE), mat))),
        phash=perceptual_hash(grey_square(flatten(proxy, mat))),
        print=print_sizes(width, height),
        fidelity=fidelity,
        embedded=header.embedded.to_dict(),
    )


def rgb_array(image: pyvips.Image) -> np.ndarray:
    """Return the colour bands of an sRGB image as an H×W×3 uint8 array."""
    colour = image.extract_band(0, n=3) if image.bands >= 3 else image.bandjoin([image, image])
    return np.ascontiguousarray(colour.cast("uchar").numpy(), dtype=np.uint8)


def grey_square(proxy: pyvips.Image) -> np.ndarray:
    """Return a PHASH_SIDE² greyscale array of an opaque image (aspect ignored)."""
    grey = proxy.colourspace("b-w").extract_band(0)
    square: np.ndarray = grey.resize(
        PHASH_SIDE / grey.width, vscale=PHASH_SIDE / grey.height
    ).numpy()
    return square
