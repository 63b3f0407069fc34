"""Every pipeline knob, declared once with its default and a one-line description."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kernel.settings import ORIGINAL_MAX_BYTES, check, setting

PIPELINE_VERSION = "2026.12.4"

Format = Literal["avif", "webp", "jpeg"]
TileFormat = Literal["jpeg", "webp"]
Position = Literal[
    "top-left",
    "top",
    "top-right",
    "left",
    "center",
    "right",
    "bottom-left",
    "bottom",
    "bottom-right",
    "tiled",
]
POSITIONS: tuple[str, ...] = Position.__args__  # type: ignore[attr-defined]
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Limits:
    """What an original may be before any pixel is decoded."""

    max_bytes: int = setting(ORIGINAL_MAX_BYTES, "Largest original file accepted, in bytes.")
    max_pixels: int = setting(150_000_000, "Most pixels in one frame (about a 150 MP print file).")
    max_dimension: int = setting(32_768, "Longest side accepted, in pixels.")
    max_frames: int = setting(1_000, "Most frames or pages in an animated or multi-page file.")
    max_total_pixels: int = setting(
        500_000_000, "Most pixels summed over all frames of an animated or multi-page file."
    )


@dataclass(frozen=True)
class JpegEncoder:
    """JPEG encoder settings (libjpeg-turbo through libvips)."""

    quality: int = setting(82, "JPEG quality, 1-100.")
    progressive: bool = setting(True, "Write progressive (interlaced) JPEG.")

    def __post_init__(self) -> None:
        check(1 <= self.quality <= 100, "JPEG quality must be 1-100")


@dataclass(frozen=True)
class WebpEncoder:
    """WebP encoder settings (libwebp through libvips)."""

    quality: int = setting(80, "WebP quality, 1-100.")
    effort: int = setting(2, "WebP effort (libwebp 'method'), 0 fastest to 6 slowest.")

    def __post_init__(self) -> None:
        check(1 <= self.quality <= 100, "WebP quality must be 1-100")
        check(0 <= self.effort <= 6, "WebP effort must be 0-6")


@dataclass(frozen=True)
class AvifEncoder:
    """AVIF encoder settings (libheif + AOM through libvips)."""

    quality: int = setting(55, "AVIF quality, 1-100.")
    effort: int = setting(0, "AVIF effort, 0 fastest to 9 slowest (measured: docs/benchmarks.md).")

    def __post_init__(self) -> None:
        check(1 <= self.quality <= 100, "AVIF quality must be 1-100")
        check(0 <= self.effort <= 9, "AVIF effort must be 0-9")


@dataclass(frozen=True)
class Encoders:
    """Encoder settings for every web format."""

    jpeg: JpegEncoder = setting(JpegEncoder(), "JPEG encoder.")
    webp: WebpEncoder = setting(WebpEncoder(), "WebP encoder.")
    avif: AvifEncoder = setting(AvifEncoder(), "AVIF encoder.")


@dataclass(frozen=True)
class Watermark:
    """A visible mark on public renditions: text or a logo image."""

    text: str | None = setting(None, "Text of the mark, e.g. '© Jane Doe'.", env=False)
    logo: bytes | None = setting(
        None, "A logo image (PNG with alpha is best) used instead of text.", env=False
    )
    position: Position = setting("bottom-right", "One of 9 anchor points, or 'tiled'.")
    opacity: float = setting(0.4, "Opacity of the mark, 0-1.")
    scale: float = setting(0.25, "Width of the mark relative to the rendition's width, 0-1.")
    min_edge: int = setting(1024, "Only renditions whose long edge is at least this are marked.")

    def __post_init__(self) -> None:
        check(self.position in POSITIONS, f"watermark position must be one of {POSITIONS}")
        check(0 <= self.opacity <= 1, "watermark opacity must be 0-1")
        check(0 < self.scale <= 1, "watermark scale must be above 0 and at most 1")

    @property
    def enabled(self) -> bool:
        """Return whether there is anything to draw."""
        return bool(self.text or self.logo)


@dataclass(frozen=True)
class DeepZoom:
    """A Deep Zoom tile pyramid of a large work, for looking closely (an extra output)."""

    enabled: bool = setting(True, "Write a tile pyramid for works larger than `min_edge`.")
    min_edge: int = setting(
        2400, "Only originals whose long edge exceeds this get a pyramid (the largest rendition)."
    )
    tile_size: int = setting(510, "Tile side in pixels, without the overlap (510 + 2 = 512).")
    overlap: int = setting(1, "Pixels each tile shares with its neighbours on every side.")
    format: TileFormat = setting("jpeg", "Tile format: jpeg or webp.")
    quality: int = setting(80, "Tile quality, 1-100.")

    def __post_init__(self) -> None:
        check(self.min_edge > 0, "the deep zoom min edge must be positive")
        check(64 <= self.tile_size <= 4096, "the tile size must be 64-4096")
        check(0 <= self.overlap <= 8, "the tile overlap must be 0-8")
        check(self.format in ("jpeg", "webp"), "the tile format is jpeg or webp")
        check(1 <= self.quality <= 100, "the tile quality must be 1-100")


@dataclass(frozen=True)
class PipelineSettings:
    """Everything that decides the renditions and facts of one original."""

    limits: Limits = setting(Limits(), "Intake limits checked on the header.")
    ladder: tuple[int, ...] = setting(
        (320, 640, 1024, 1600, 2400), "Long-edge sizes of the renditions; never upscaled."
    )
    formats: tuple[Format, ...] = setting(("avif", "webp", "jpeg"), "Formats of every rendition.")
    thumbnail_size: int = setting(400, "Side of the square thumbnail, in pixels.")
    encoders: Encoders = setting(Encoders(), "Encoder settings per format.")
    watermark: Watermark = setting(Watermark(), "Watermark for the larger renditions.")
    deep_zoom: DeepZoom = setting(DeepZoom(), "Tile pyramid of large works, for the zoom viewer.")
    copyright: str | None = setting(None, "Copyright line written into every rendition.", env=False)
    credit: str | None = setting(
        None, "Artist credit (creator) written into every rendition.", env=False
    )
    focal_point: tuple[float, float] | None = setting(
        None,
        "Focal point (x, y) as fractions of the oriented original; else attention crop.",
        env=False,
    )
    palette_size: int = setting(6, "Number of palette colours reported, 5-6.")
    mat: str = setting(
        "", "Background of JPEG renditions of transparent art, #rrggbb; empty: chosen by contrast."
    )
    version: str = setting(
        PIPELINE_VERSION, "Pipeline version stored with every record.", env=False
    )

    def __post_init__(self) -> None:
        check(bool(self.ladder) and min(self.ladder) > 0, "the ladder needs positive sizes")
        check(bool(self.formats), "at least one format is needed")
        check(set(self.formats) <= {"avif", "webp", "jpeg"}, "formats are avif, webp, jpeg")
        check(self.thumbnail_size > 0, "the thumbnail size must be positive")
        check(1 <= self.palette_size <= 8, "the palette size must be 1-8")
        check(
            not self.mat or HEX_COLOUR.fullmatch(self.mat) is not None,
            "the mat must be a colour written #rrggbb, or empty",
        )
