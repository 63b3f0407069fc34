"""Trust a decode only if the decoder says it is whole and its pixels are plausible."""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyvips

from pipeline.errors import RejectedInput
from pipeline.intake import Original, corrupt
from pipeline.sniff import TIFF, Kind

if TYPE_CHECKING:
    from PIL import Image

    from pipeline.fallback import Variant

# libjpeg reports damaged entropy data only as warnings; junk between header segments, which
# healthy files from some cameras and editors carry, is "extraneous bytes before marker" —
# except before a restart marker (0xd0-0xd7), which sits inside the entropy-coded data: bytes
# left over there mean the data between two restarts did not decode as coded.
DAMAGE_WARNINGS = ("corrupt jpeg data", "premature end of jpeg file")
HARMLESS_WARNINGS = ("extraneous bytes before marker",)
RESTART_MARKER = re.compile(r"before marker 0xd[0-7]\b")
FLAT_OVERHEAD = 2048  # headers of a flat file; bigger ones (profiles, previews) ask Pillow
FLAT_BYTES_PER_PIXEL = 1 / 32  # a flat picture compresses to far less than this

UNREADABLE, BLANK, PICTURE = "unreadable", "blank", "picture"

_watch_lock = threading.Lock()


class _Collector(logging.Handler):
    """Collect the messages libvips logs as warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message."""
        self.messages.append(record.getMessage())


@contextmanager
def decoder_warnings(kind: Kind) -> Iterator[None]:
    """Reject a decode during which libjpeg warned of damaged data.

    libvips logs from its worker threads, so one decode at a time per process is watched.
    """
    logger = logging.getLogger("pyvips")
    collector = _Collector()
    with _watch_lock:
        level = logger.level
        if not logger.isEnabledFor(logging.WARNING):
            logger.setLevel(logging.WARNING)
        logger.addHandler(collector)
        try:
            yield
        finally:
            logger.removeHandler(collector)
            logger.setLevel(level)
    if any(is_damage(message) for message in collector.messages):
        raise corrupt(kind)


def is_damage(message: str) -> bool:
    """Return whether a decoder warning says the pixel data is damaged."""
    text = message.lower()
    if not any(w in text for w in DAMAGE_WARNINGS):
        return False
    return RESTART_MARKER.search(text) is not None or not any(w in text for w in HARMLESS_WARNINGS)


def is_blank(image: pyvips.Image) -> bool:
    """Return whether every band holds a single value, or the alpha band is all zero.

    Exactly one value: a decoder that zero-fills leaves no variation at all, while a genuinely
    dark or low-contrast picture still varies in its own sample format.
    """
    stats = image.stats()
    if image.hasalpha() and stats(1, image.bands)[0] == 0:  # the alpha band's maximum
        return True
    return all(stats(0, band)[0] == stats(1, band)[0] for band in range(1, image.bands + 1))


def check_plausible(image: pyvips.Image, original: Original, kind: Kind) -> None:
    """Refuse a blank decode unless the file itself is plausibly blank."""
    if not is_blank(image):
        return
    if original.size <= FLAT_OVERHEAD + image.width * image.height * FLAT_BYTES_PER_PIXEL:
        return  # small enough to be the flat picture it decoded to
    verdict, variant = second_opinion(original, kind)
    if verdict == UNREADABLE:
        raise corrupt(kind)
    if verdict == PICTURE:
        raise undecodable(kind, variant)


def explain_refusal(error: RejectedInput, original: Original, kind: Kind) -> RejectedInput:
    """Tell a valid TIFF variant this decoder refuses apart from a damaged file."""
    if kind is not TIFF or error.code != "corrupt":
        return error
    verdict, variant = second_opinion(original, kind)
    return undecodable(kind, variant) if verdict == PICTURE else error


def second_opinion(original: Original, kind: Kind) -> tuple[str, Variant | None]:
    """Decode with Pillow; return UNREADABLE, BLANK or PICTURE and the TIFF's variant.

    A variant that only tifffile reads (64-bit samples) was decoded by tifffile itself, so
    its flat decode is the file's own.
    """
    from PIL import Image  # imported only on these rare paths

    from pipeline.fallback import tiff_variant
    from pipeline.widetiff import first_ifd_tags

    source = io.BytesIO(original.data) if original.data is not None else original.file
    try:
        with Image.open(source) as picture:
            tags = dict(getattr(picture, "tag_v2", {}))
            variant = tiff_variant(tags) if kind is TIFF else None
            if variant is None or variant.decoder != "tifffile":
                picture.draft("RGB", (256, 256))
                return (BLANK if pillow_blank(picture) else PICTURE), variant
    except Exception:  # Pillow raises many kinds of error on damaged data, or has no mode
        directory = first_ifd_tags(original) if kind is TIFF else None
        variant = tiff_variant(directory) if directory else None
    if variant is not None and variant.decoder == "tifffile":
        return BLANK, variant
    return UNREADABLE, None


def pillow_blank(picture: Image.Image) -> bool:
    """Return whether Pillow's pixels are flat (within 2 of 255) or wholly transparent."""
    if picture.mode.startswith(("I", "F")):  # one band of 16 or 32 bits: compare to its range
        values = [v for v in picture.convert("F").getextrema() if isinstance(v, float | int)]
        full = 1.0 if picture.mode == "F" else 65535.0
        return max(values) - min(values) <= full * 2 / 255
    bands = picture.convert("RGBA").getextrema()
    extrema = [band for band in bands if isinstance(band, tuple)]
    return extrema[3][1] == 0 or all(high - low <= 2 for low, high in extrema[:3])


def undecodable(kind: Kind, variant: Variant | None) -> RejectedInput:
    """Return the rejection for a valid file whose pixels this pipeline cannot read."""
    what = f"This {kind.label}" + (f", which {variant.description}," if variant else "")
    return RejectedInput(
        f"{what} is valid, but its pixels cannot be read here and would publish as a blank "
        "picture. Please export it again with standard compression (for TIFF: LZW, Deflate "
        "or none, pixels interleaved) and re-upload it.",
        code="undecodable",
    )
