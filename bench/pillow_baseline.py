"""The Pillow baseline: a straightforward Pillow implementation of the JPEG and WebP renditions.

It converts an original with an embedded ICC profile (Adobe RGB, CMYK, ...) to sRGB with
Pillow's ImageCms (LittleCMS, relative colorimetric), as the pipeline does: without that its
CMYK renditions differ from the pipeline's by a mean CIEDE2000 of 10.5 and its Adobe RGB ones
by 3.1 (1.2 for both with it), so they would not be the same renditions.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from pipeline.plan import plan_renditions
from pipeline.settings import PipelineSettings

FORMATS = ("webp", "jpeg")
Encoded = tuple[str, str, int, int, int]  # (name, format, width, height, bytes)


def encode_all(image: Image.Image, name: str, settings: PipelineSettings) -> list[Encoded]:
    """Encode one image as WebP and JPEG with the pipeline's quality and effort."""
    jpeg, webp = settings.encoders.jpeg, settings.encoders.webp
    options = {
        "webp": {"format": "WEBP", "quality": webp.quality, "method": webp.effort},
        "jpeg": {
            "format": "JPEG",
            "quality": jpeg.quality,
            "optimize": True,
            "progressive": jpeg.progressive,
        },
    }
    out = []
    for fmt in FORMATS:
        buffer = io.BytesIO()
        image.save(buffer, **options[fmt])
        out.append((name, fmt, image.width, image.height, buffer.tell()))
    return out


SRGB = ImageCms.createProfile("sRGB")


def open_rgb(path: Path) -> Image.Image:
    """Open, apply EXIF orientation and convert to 8-bit sRGB (through the embedded profile)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(path)
        image = ImageOps.exif_transpose(image)
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "CMYK"):
        return image.convert("RGB")
    source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    intent = ImageCms.Intent.RELATIVE_COLORIMETRIC
    return ImageCms.profileToProfile(image, source, SRGB, renderingIntent=intent, outputMode="RGB")


def run(path: Path, settings: PipelineSettings) -> list[Encoded]:
    """Resize the full image to every ladder size with LANCZOS and encode; fit the thumbnail."""
    image = open_rgb(path)
    plan = plan_renditions(image.width, image.height, settings)
    out: list[Encoded] = []
    for size in plan.sizes:
        resized = image.resize((size.width, size.height), Image.Resampling.LANCZOS)
        out += encode_all(resized, size.name, settings)
    side = plan.thumbnail.side
    thumb = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    return out + encode_all(thumb, plan.thumbnail.name, settings)
