"""Render the planned renditions from one decoded sRGB base image."""

from __future__ import annotations

import pyvips

from pipeline.encode import encode
from pipeline.geometry import square_crop
from pipeline.mat import Colour
from pipeline.metadata import credit_xmp, for_publication
from pipeline.model import Rendition
from pipeline.plan import RenditionPlan, Thumbnail
from pipeline.settings import PipelineSettings
from pipeline.watermark import apply_watermark


def render(
    base: pyvips.Image,
    plan: RenditionPlan,
    settings: PipelineSettings,
    logo: pyvips.Image | None,
    mat: Colour,
) -> list[Rendition]:
    """Encode every planned size in every format, chaining each size from the one above.

    JPEG renditions of transparent art are flattened onto `mat`.
    """
    xmp = credit_xmp(settings.copyright, settings.credit)
    renditions: list[Rendition] = []
    current = base
    for size in plan.sizes:
        current = resize_exact(current, size.width, size.height)
        image = apply_watermark(current, settings.watermark, logo) if size.watermark else current
        renditions += encode_all(image, size.name, settings, xmp, mat)
    thumbnail = square_thumbnail(base, plan.thumbnail)
    return renditions + encode_all(thumbnail, "thumb", settings, xmp, mat)


def encode_all(
    image: pyvips.Image, name: str, settings: PipelineSettings, xmp: bytes | None, mat: Colour
) -> list[Rendition]:
    """Encode one image in every configured format with publication metadata only."""
    public, keep = for_publication(image.copy_memory(), xmp)
    return [encode(public, name, fmt, settings.encoders, keep, mat) for fmt in settings.formats]


def resize_exact(image: pyvips.Image, width: int, height: int) -> pyvips.Image:
    """Resize to exactly width × height in memory, premultiplying alpha."""
    if (image.width, image.height) == (width, height):
        return image
    hscale, vscale = width / image.width, height / image.height
    if not image.hasalpha():
        return image.resize(hscale, vscale=vscale).copy_memory()
    resized = image.premultiply().resize(hscale, vscale=vscale).unpremultiply()
    return resized.cast("uchar").copy(interpretation="srgb").copy_memory()


def square_thumbnail(base: pyvips.Image, thumbnail: Thumbnail) -> pyvips.Image:
    """Return the square thumbnail: a crop around the focal point, else an attention crop."""
    side = thumbnail.side
    if thumbnail.focal is None:
        return base.thumbnail_image(side, height=side, crop="attention")
    box = square_crop(base.width, base.height, thumbnail.focal)
    square = base.crop(box.left, box.top, box.width, box.height)
    return resize_exact(square, side, side)
