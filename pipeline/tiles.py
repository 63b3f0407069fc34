"""Plan and cut the Deep Zoom tile pyramid of a large work (what the zoom viewer shows).

The plan is data: a pyramid only for an original whose long edge exceeds
`deep_zoom.min_edge` (the largest rendition), its levels as Deep Zoom numbers them (level n is
the full size halved, rounded up, until 1 × 1), and the levels that carry the watermark. A
level stands for a rendition of its size, so the rendition rule applies: a level is marked
when its long edge reaches `watermark.min_edge`. The marked levels are cut from the full-size
image with the mark drawn on it (at the same relative size and place as on a rendition); the
smaller levels are cut again from the clean image, so they stay clean like small renditions.
Tiles carry no metadata; JPEG tiles of transparent art are flattened on the mat.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pyvips

from pipeline.mat import Colour, flatten
from pipeline.model import TilePyramid
from pipeline.render import resize_exact
from pipeline.settings import PipelineSettings

IMAGE_NAME = "image"
FILES_FOLDER = f"{IMAGE_NAME}_files/"
EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}
WEBP_EFFORT = 2

Mark = Callable[[pyvips.Image], pyvips.Image]


@dataclass(frozen=True)
class TilePlan:
    """What pyramid to cut: size, tiling, tile encoding and the marked levels."""

    width: int
    height: int
    tile_size: int
    overlap: int
    format: str
    quality: int
    marked_from: int | None  # the lowest level that carries the watermark; None: none does

    @property
    def levels(self) -> tuple[tuple[int, int], ...]:
        """Return each level's size, level 0 (1 × 1) first, the full size last."""
        return level_sizes(self.width, self.height)


def level_sizes(width: int, height: int) -> tuple[tuple[int, int], ...]:
    """Return the Deep Zoom level sizes: the full size halved (rounded up) down to 1 × 1."""
    top = (max(width, height) - 1).bit_length()
    return tuple(
        (-(-width // 2 ** (top - n)), -(-height // 2 ** (top - n))) for n in range(top + 1)
    )


def plan_tiles(width: int, height: int, settings: PipelineSettings) -> TilePlan | None:
    """Return the pyramid of an oriented original of width × height, or None if too small."""
    deep_zoom = settings.deep_zoom
    if not deep_zoom.enabled or max(width, height) <= deep_zoom.min_edge:
        return None
    marked_from = None
    if settings.watermark.enabled:
        marked = [
            n
            for n, size in enumerate(level_sizes(width, height))
            if max(size) >= settings.watermark.min_edge
        ]
        marked_from = marked[0] if marked else None
    return TilePlan(
        width,
        height,
        deep_zoom.tile_size,
        deep_zoom.overlap,
        deep_zoom.format,
        deep_zoom.quality,
        marked_from,
    )


def make_pyramid(
    full: pyvips.Image, plan: TilePlan, mark: Mark, mat: Colour, clean: pyvips.Image | None = None
) -> TilePyramid:
    """Cut the planned pyramid from the full-size sRGB image.

    `mark` draws the watermark; `clean` is an unmarked smaller copy (the rendition base) to
    cut the unmarked levels from when it is large enough, else they come from `full`.
    """
    started = time.perf_counter()
    top = mark(full) if plan.marked_from is not None else full
    descriptor, files = cut(flatten(top, mat) if plan.format == "jpeg" else top, plan)
    top_clean = (plan.marked_from or 0) - 1
    if top_clean >= 0:
        width, height = plan.levels[top_clean]
        source = clean if clean is not None and clean.width >= width else full
        small = resize_exact(source, width, height)
        _, lower = cut(flatten(small, mat) if plan.format == "jpeg" else small, plan)
        files |= {path: data for path, data in lower.items() if level_of(path) <= top_clean}
    return TilePyramid(
        width=plan.width,
        height=plan.height,
        tile_size=plan.tile_size,
        overlap=plan.overlap,
        format=plan.format,
        levels=len(plan.levels),
        marked_from=plan.marked_from,
        descriptor=descriptor,
        tiles=tuple(sorted(files.items())),
        seconds=time.perf_counter() - started,
    )


def cut(image: pyvips.Image, plan: TilePlan) -> tuple[bytes, dict[str, bytes]]:
    """Return the `.dzi` descriptor and the tiles (by path) of one dzsave pass, nothing else.

    libvips' `vips-properties.xml` (the source's metadata) is left out, and tiles keep none.
    """
    options = f"Q={plan.quality}" + (f",effort={WEBP_EFFORT}" if plan.format == "webp" else "")
    archive = image.dzsave_buffer(
        imagename=IMAGE_NAME,
        layout="dz",
        suffix=f".{EXTENSIONS[plan.format]}[{options}]",
        tile_size=plan.tile_size,
        overlap=plan.overlap,
        depth="onepixel",
        container="zip",
        compression=0,
        keep="none",
    )
    descriptor, tiles = b"", {}
    extension = f".{EXTENSIONS[plan.format]}"
    with zipfile.ZipFile(io.BytesIO(archive)) as entries:
        for name in entries.namelist():
            if name == f"{IMAGE_NAME}.dzi":
                descriptor = entries.read(name)
            elif name.startswith(FILES_FOLDER) and name.endswith(extension):
                tiles[name] = entries.read(name)
    return descriptor, tiles


def level_of(path: str) -> int:
    """Return the level a tile's path names (`image_files/{level}/{col}_{row}.jpg`)."""
    return int(path.removeprefix(FILES_FOLDER).split("/", 1)[0])
