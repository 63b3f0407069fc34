"""Generated demo artworks: colourful, varied abstract images for `copper seed` and benchmarks."""

from __future__ import annotations

import random

import numpy as np
import pyvips

SHAPES = ("landscape", "portrait", "square", "panorama")
ASPECTS = {"landscape": (3, 2), "portrait": (4, 5), "square": (1, 1), "panorama": (5, 2)}
PALETTES = (
    ((192, 57, 43), (241, 196, 15), (44, 62, 80)),
    ((26, 188, 156), (52, 73, 94), (236, 240, 241)),
    ((142, 68, 173), (231, 76, 60), (253, 227, 167)),
    ((39, 174, 96), (22, 160, 133), (243, 156, 18)),
    ((41, 128, 185), (236, 240, 241), (192, 57, 43)),
    ((211, 84, 0), (44, 62, 80), (241, 196, 15)),
)


def artwork_image(seed: int, long_edge: int = 1600, shape: str | None = None) -> pyvips.Image:
    """Return an sRGB abstract painting: a colour field with soft discs and stripes."""
    rng = random.Random(seed)
    shape = shape or SHAPES[seed % len(SHAPES)]
    across, down = ASPECTS[shape]
    width = long_edge if across >= down else long_edge * across // down
    height = long_edge * down // across if across >= down else long_edge
    palette = np.array(PALETTES[seed % len(PALETTES)], dtype=np.float32)
    rng_np = np.random.default_rng(seed)
    palette = np.clip(palette + rng_np.normal(0, 18, palette.shape), 0, 255)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = x / width, y / height
    angle = rng.uniform(0, np.pi)
    t = np.clip(
        0.5 + 0.5 * np.sin((u * np.cos(angle) + v * np.sin(angle)) * rng.uniform(2, 6)), 0, 1
    )
    canvas = palette[0] * (1 - t[..., None]) + palette[1] * t[..., None]
    for _ in range(rng.randint(3, 7)):
        cx, cy, radius = rng.random(), rng.random(), rng.uniform(0.08, 0.3)
        distance = np.hypot((u - cx) * width / height, v - cy)
        mask = np.clip((radius - distance) / (radius * 0.25), 0, 1)[..., None]
        colour = palette[rng.randrange(3)]
        canvas = canvas * (1 - mask * 0.85) + colour * mask * 0.85
    grain = rng_np.normal(0, 4, (height, width, 1)).astype(np.float32)
    pixels = np.clip(canvas + grain, 0, 255).astype(np.uint8)
    return pyvips.Image.new_from_memory(pixels.tobytes(), width, height, 3, "uchar")


def artwork_jpeg(seed: int, long_edge: int = 1600, shape: str | None = None) -> bytes:
    """Return a demo artwork as JPEG bytes."""
    return artwork_image(seed, long_edge, shape).jpegsave_buffer(Q=88)
