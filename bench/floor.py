"""The floor: bare pyvips producing the pipeline's rendition set, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pyvips

from pipeline.encode import save_options
from pipeline.geometry import oriented_size
from pipeline.plan import RenditionPlan, plan_renditions
from pipeline.settings import PipelineSettings

Encoded = tuple[str, str, int, int, int]  # (name, format, width, height, bytes)


def oriented_header_size(path: Path) -> tuple[int, int]:
    """Return the displayed (width, height) of a file from its header alone."""
    header = pyvips.Image.new_from_file(str(path))
    orientation = header.get("orientation") if "orientation" in header.get_fields() else 1
    return oriented_size(header.width, header.height, orientation)


def plan_for(path: Path, settings: PipelineSettings) -> RenditionPlan:
    """Return the pipeline's rendition plan for a file."""
    return plan_renditions(*oriented_header_size(path), settings)


def encode_all(image: pyvips.Image, name: str, settings: PipelineSettings) -> list[Encoded]:
    """Encode one image in every configured format."""
    out = []
    for fmt in settings.formats:
        suffix, options = save_options(fmt, settings.encoders)
        data = image.write_to_buffer(suffix, keep="none", **options)
        out.append((name, fmt, image.width, image.height, len(data)))
    return out


def run(path: Path, settings: PipelineSettings) -> list[Encoded]:
    """Decode once with shrink-on-load, resize down the ladder, encode everything."""
    plan = plan_for(path, settings)
    edge = max(plan.base_width, plan.base_height)
    base = pyvips.Image.thumbnail(str(path), edge, height=edge, size="down").copy_memory()
    out: list[Encoded] = []
    current = base
    for size in plan.sizes:
        if (current.width, current.height) != (size.width, size.height):
            scale = size.width / current.width
            current = current.resize(scale, vscale=size.height / current.height).copy_memory()
        out += encode_all(current, size.name, settings)
    side = plan.thumbnail.side
    thumb = base.thumbnail_image(side, height=side, crop="attention")
    return out + encode_all(thumb, plan.thumbnail.name, settings)
