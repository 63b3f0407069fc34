"""Plan the rendition set as data, before any pixel is touched."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.geometry import fit_long_edge
from pipeline.settings import PipelineSettings


@dataclass(frozen=True)
class SizedRendition:
    """One rung of the width ladder: every format is encoded at this size."""

    name: str
    width: int
    height: int
    watermark: bool


@dataclass(frozen=True)
class Thumbnail:
    """The square thumbnail: cropped around a focal point, else by libvips' attention crop."""

    name: str
    side: int
    focal: tuple[float, float] | None


@dataclass(frozen=True)
class RenditionPlan:
    """Decode once at `base` size, then derive every rendition from it, largest first."""

    base_width: int
    base_height: int
    sizes: tuple[SizedRendition, ...]
    thumbnail: Thumbnail


def size_name(long_edge: int) -> str:
    """Return the name of a ladder rendition, e.g. '1024px'."""
    return f"{long_edge}px"


def ladder_for(long_edge: int, ladder: tuple[int, ...]) -> tuple[int, ...]:
    """Return the ladder rungs that fit, largest first, topped by the original size if smaller."""
    rungs = sorted((r for r in ladder if r <= long_edge), reverse=True)
    if long_edge < max(ladder) and (not rungs or rungs[0] != long_edge):
        rungs.insert(0, long_edge)
    return tuple(rungs)


def base_long_edge(width: int, height: int, settings: PipelineSettings) -> int:
    """Return the long edge to decode at: the top rung, or more if the thumbnail needs it."""
    long_edge, short_edge = max(width, height), min(width, height)
    for_thumbnail = -(-settings.thumbnail_size * long_edge // short_edge)
    return min(long_edge, max(max(settings.ladder), for_thumbnail))


def plan_renditions(width: int, height: int, settings: PipelineSettings) -> RenditionPlan:
    """Plan the renditions of an oriented original of width × height pixels."""
    base_edge = base_long_edge(width, height, settings)
    base_width, base_height = fit_long_edge(width, height, base_edge)
    sizes = tuple(
        SizedRendition(
            name=size_name(rung),
            width=fit_long_edge(width, height, rung)[0],
            height=fit_long_edge(width, height, rung)[1],
            watermark=settings.watermark.enabled and rung >= settings.watermark.min_edge,
        )
        for rung in ladder_for(max(width, height), settings.ladder)
    )
    side = min(settings.thumbnail_size, base_width, base_height)
    thumbnail = Thumbnail("thumb", side, settings.focal_point)
    return RenditionPlan(base_width, base_height, sizes, thumbnail)
