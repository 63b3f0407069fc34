"""Benchmark inputs, made with the test kit's generators once and reused if present."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyvips

from testkit import images
from testkit.icc import ADOBE_RGB

QUICK_DIVISOR = 5  # --quick scales each side by 1/5, i.e. ~1/25 of the pixels
WARMUP_SIZE = (1200, 800)
JPEG_QUALITY = 92


@dataclass(frozen=True)
class InputSpec:
    """One benchmark input: a name, a file name, a size and how to write it."""

    name: str
    filename: str
    width: int
    height: int
    kind: str

    @property
    def megapixels(self) -> float:
        """Return the pixel count in millions."""
        return self.width * self.height / 1e6


SPECS: tuple[InputSpec, ...] = (
    InputSpec("jpeg-24mp", "jpeg-24mp.jpg", 6000, 4000, "jpeg"),
    InputSpec("adobergb-24mp", "adobergb-24mp.jpg", 6000, 4000, "adobergb"),
    InputSpec("cmyk-12mp", "cmyk-12mp.jpg", 4243, 2828, "cmyk"),
    InputSpec("png-24mp", "png-24mp.png", 6000, 4000, "png"),
    InputSpec("png16-12mp", "png16-12mp.png", 4243, 2828, "png16"),
    InputSpec("tiff-100mp", "tiff-100mp.tif", 12247, 8165, "tiff"),
)


def specs(quick: bool) -> tuple[InputSpec, ...]:
    """Return the input set, scaled down to ~1/25 of the pixels for --quick."""
    if not quick:
        return SPECS
    return tuple(
        InputSpec(
            s.name,
            s.filename,
            round(s.width / QUICK_DIVISOR),
            round(s.height / QUICK_DIVISOR),
            s.kind,
        )
        for s in SPECS
    )


def write_jpeg(image: pyvips.Image, path: Path) -> None:
    """Write a camera-like sRGB JPEG."""
    path.write_bytes(images.jpeg(image, quality=JPEG_QUALITY))


def write_adobergb(image: pyvips.Image, path: Path) -> None:
    """Write an Adobe RGB (1998) JPEG: pixels converted, profile embedded."""
    path.write_bytes(images.jpeg(images.tagged(image, ADOBE_RGB), quality=JPEG_QUALITY))


def write_cmyk(image: pyvips.Image, path: Path) -> None:
    """Write a CMYK JPEG with libvips' built-in CMYK profile embedded."""
    path.write_bytes(images.cmyk_jpeg(image, embed_profile=True, quality=JPEG_QUALITY))


def write_png(image: pyvips.Image, path: Path) -> None:
    """Write an 8-bit RGB PNG."""
    image.pngsave(str(path), keep="none")


def write_png16(image: pyvips.Image, path: Path) -> None:
    """Write a 16-bit RGB PNG."""
    path.write_bytes(images.png16(image))


def write_tiff(image: pyvips.Image, path: Path) -> None:
    """Write an 8-bit RGB strip TIFF, LZW-compressed."""
    images.write_tiff(image, path, compression="lzw")


WRITERS: dict[str, Callable[[pyvips.Image, Path], None]] = {
    "jpeg": write_jpeg,
    "adobergb": write_adobergb,
    "cmyk": write_cmyk,
    "png": write_png,
    "png16": write_png16,
    "tiff": write_tiff,
}


def ensure(spec: InputSpec, directory: Path, seed: int = 7) -> Path:
    """Return the path of an input, generating it first if it is missing."""
    path = directory / spec.filename
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    WRITERS[spec.kind](images.photo(spec.width, spec.height, seed), partial)
    partial.replace(path)
    return path


def ensure_all(directory: Path, quick: bool, only: str | None = None) -> dict[str, Path]:
    """Return {name: path} for the input set (or the one named), generating what is missing."""
    chosen = [s for s in specs(quick) if only in (None, s.name)]
    if not chosen:
        names = ", ".join(s.name for s in SPECS)
        raise SystemExit(f"unknown input {only!r}; choose one of: {names}")
    return {s.name: ensure(s, directory) for s in chosen}


def warmup(directory: Path) -> Path:
    """Return a small JPEG used for each process's untimed warm-up run."""
    return ensure(InputSpec("warmup", "warmup.jpg", *WARMUP_SIZE, "jpeg"), directory, seed=1)


def profile_description(path: Path) -> str:
    """Return the description of the ICC profile embedded in a file, or 'none'."""
    image = pyvips.Image.new_from_file(str(path))
    if "icc-profile-data" not in image.get_fields():
        return "none"
    from PIL import ImageCms  # lazy: keeps Pillow out of the RSS child's imports

    profile = ImageCms.ImageCmsProfile(io.BytesIO(image.get("icc-profile-data")))
    return ImageCms.getProfileDescription(profile).strip()
