"""Measure encoder settings (time, bytes, SSIM) at one rendition size to choose the defaults."""

from __future__ import annotations

import argparse
import statistics
import time

import pyvips

from testkit.images import photo
from testkit.similarity import ssim

CANDIDATES: tuple[tuple[str, str, dict[str, object]], ...] = (
    ("jpeg", ".jpg", {"Q": 75, "optimize_coding": True, "interlace": True}),
    ("jpeg", ".jpg", {"Q": 82, "optimize_coding": True, "interlace": True}),
    ("jpeg", ".jpg", {"Q": 88, "optimize_coding": True, "interlace": True}),
    *(("webp", ".webp", {"Q": q, "effort": e}) for q in (75, 80, 82, 85) for e in (2, 3, 4, 6)),
    *(
        ("avif", ".avif", {"Q": q, "effort": e, "compression": "av1"})
        for q in (45, 55, 65)
        for e in (0, 2, 4)
    ),
)


def measure(
    image: pyvips.Image, suffix: str, options: dict[str, object], repeat: int
) -> tuple[float, bytes]:
    """Return the median encode time and the encoded bytes."""
    times, data = [], b""
    for _ in range(repeat):
        started = time.perf_counter()
        data = image.write_to_buffer(suffix, keep="none", **options)
        times.append(time.perf_counter() - started)
    return statistics.median(times), data


def main() -> None:
    """Print one line per candidate setting."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edge", type=int, default=2048, help="long edge of the test rendition")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = photo(6000, 4000, seed=7).thumbnail_image(args.edge, height=args.edge).copy_memory()
    print(
        f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}, "
        f"{source.width}x{source.height} photo-like rendition, median of {args.repeat}"
    )
    print(f"{'format':6} {'settings':28} {'ms':>7} {'KB':>7} {'SSIM':>7}")
    for fmt, suffix, options in CANDIDATES:
        seconds, data = measure(source, suffix, options, args.repeat)
        decoded = pyvips.Image.new_from_buffer(data, "")
        shown = ", ".join(f"{k}={v}" for k, v in options.items() if k in ("Q", "effort"))
        print(
            f"{fmt:6} {shown:28} {seconds * 1000:7.0f} {len(data) / 1024:7.1f} "
            f"{ssim(source, decoded):7.4f}"
        )


if __name__ == "__main__":
    main()
