"""Pure geometry: sizes, crops, orientation classes and print sizes."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import PrintSize

SQUARE_TOLERANCE = 0.05
PANORAMA_RATIO = 2.0
CM_PER_INCH = 2.54
PRINT_DPIS = (300, 150)


@dataclass(frozen=True)
class Box:
    """A rectangle in pixel coordinates."""

    left: int
    top: int
    width: int
    height: int


def fit_long_edge(width: int, height: int, long_edge: int) -> tuple[int, int]:
    """Return (width, height) scaled so the long edge is `long_edge`, at least 1 px each."""
    scale = long_edge / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def oriented_size(width: int, height: int, exif_orientation: int) -> tuple[int, int]:
    """Return the displayed size once EXIF orientation (1-8) is applied."""
    return (height, width) if exif_orientation in (5, 6, 7, 8) else (width, height)


def orientation_class(width: int, height: int) -> str:
    """Classify an image as landscape, portrait, square or panorama."""
    ratio = max(width, height) / min(width, height)
    if ratio >= PANORAMA_RATIO:
        return "panorama"
    if ratio <= 1 + SQUARE_TOLERANCE:
        return "square"
    return "landscape" if width > height else "portrait"


def square_crop(width: int, height: int, focal: tuple[float, float]) -> Box:
    """Return the largest square centred on the focal point (fractions), kept inside the image."""
    side = min(width, height)
    fx, fy = (min(max(v, 0.0), 1.0) for v in focal)
    left = min(max(round(fx * width - side / 2), 0), width - side)
    top = min(max(round(fy * height - side / 2), 0), height - side)
    return Box(left, top, side, side)


def anchor(
    canvas: tuple[int, int], mark: tuple[int, int], position: str, margin: int
) -> tuple[int, int]:
    """Return the top-left corner of a mark placed at one of the 9 anchor positions."""
    (cw, ch), (mw, mh) = canvas, mark
    column = 0 if "left" in position else 2 if "right" in position else 1
    row = 0 if "top" in position else 2 if "bottom" in position else 1
    xs = (margin, (cw - mw) // 2, cw - mw - margin)
    ys = (margin, (ch - mh) // 2, ch - mh - margin)
    return max(0, xs[column]), max(0, ys[row])


def print_sizes(
    width: int, height: int, dpis: tuple[int, ...] = PRINT_DPIS
) -> tuple[PrintSize, ...]:
    """Return the largest print at each resolution, in inches and centimetres."""
    return tuple(
        PrintSize(
            dpi=dpi,
            width_in=round(width / dpi, 2),
            height_in=round(height / dpi, 2),
            width_cm=round(width / dpi * CM_PER_INCH, 1),
            height_cm=round(height / dpi * CM_PER_INCH, 1),
        )
        for dpi in dpis
    )
