"""The pipeline's outputs: renditions and facts, as plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rendition:
    """One encoded web image."""

    name: str
    format: str
    width: int
    height: int
    data: bytes = field(repr=False)
    quality: int | None = None
    effort: int | None = None
    encode_seconds: float = field(default=0.0, compare=False)

    @property
    def extension(self) -> str:
        """Return the file extension for this rendition's format."""
        return {"jpeg": "jpg"}.get(self.format, self.format)

    @property
    def filename(self) -> str:
        """Return the file name this rendition is stored under."""
        return f"{self.name}.{self.extension}"

    def describe(self) -> dict[str, Any]:
        """Return the manifest entry for this rendition (no pixels)."""
        entry: dict[str, Any] = {
            "name": self.name,
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "bytes": len(self.data),
        }
        if self.quality is not None:
            entry["quality"] = self.quality
        if self.effort is not None:
            entry["effort"] = self.effort
        return entry


@dataclass(frozen=True)
class PaletteColour:
    """One colour of the palette, with its share of the image."""

    lab: tuple[float, float, float]
    hex: str
    family: str
    weight: float


@dataclass(frozen=True)
class PrintSize:
    """The largest print at one resolution."""

    dpi: int
    width_in: float
    height_in: float
    width_cm: float
    height_cm: float


@dataclass(frozen=True)
class Fidelity:
    """How faithfully sRGB screens can show the original's colours."""

    source_profile: str
    out_of_gamut_share: float
    max_delta_e: float
    warning: bool


@dataclass(frozen=True)
class Facts:
    """What the pipeline learned about an original."""

    width: int
    height: int
    orientation: str
    source_format: str
    has_alpha: bool
    frames: int
    palette: tuple[PaletteColour, ...]
    blurhash: str
    phash: str
    print: tuple[PrintSize, ...]
    fidelity: Fidelity
    embedded: dict[str, Any] | None = None  # the file's own title, description and keywords

    def to_dict(self) -> dict[str, Any]:
        """Return the facts as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class TilePyramid:
    """A Deep Zoom pyramid: its `.dzi` descriptor and tiles, by path inside its folder."""

    width: int
    height: int
    tile_size: int
    overlap: int
    format: str
    levels: int
    marked_from: int | None  # the lowest level that carries the watermark; None: none does
    descriptor: bytes = field(repr=False)
    tiles: tuple[tuple[str, bytes], ...] = field(repr=False)
    seconds: float = field(default=0.0, compare=False)

    DESCRIPTOR = "image.dzi"

    @property
    def bytes(self) -> int:
        """Return the size of the descriptor and every tile."""
        return len(self.descriptor) + sum(len(data) for _, data in self.tiles)

    def describe(self) -> dict[str, Any]:
        """Return the manifest entry for this pyramid (no pixels)."""
        entry: dict[str, Any] = {
            "name": "deep-zoom",
            "format": "dzi",
            "width": self.width,
            "height": self.height,
            "tile_size": self.tile_size,
            "overlap": self.overlap,
            "tile_format": self.format,
            "levels": self.levels,
            "tiles": len(self.tiles),
            "bytes": self.bytes,
        }
        if self.marked_from is not None:
            entry["watermarked_from_level"] = self.marked_from
        return entry


@dataclass(frozen=True)
class ProcessResult:
    """Renditions and facts for one original, and the tile pyramid of a large one."""

    renditions: tuple[Rendition, ...]
    facts: Facts
    pipeline_version: str
    pyramid: TilePyramid | None = None
