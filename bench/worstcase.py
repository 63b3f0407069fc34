"""The processor's worst case: `copper process --deep-zoom` on the largest originals allowed.

The Lambda processor's timeout (serverless.yml `processorTimeout`) and the queue's visibility
timeout (at least six times it) are sized from this measurement: each input sits at the
pipeline's pixel limit (150 MP) in a format whose decode cannot shrink on load, the process
runs pinned to one core (a 2048 MB Lambda has about 1.2 vCPU), and the slowest run, times the
headroom, rounded up to 10 s, is the timeout it recommends.

    python -m bench.worstcase [--repeat N] [--megapixels MP]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyvips

from bench.process import pinned
from pipeline.settings import Limits

HEADROOM = 3.0
INPUTS_DIR = Path("var/bench/worstcase")


@dataclass(frozen=True)
class Case:
    """One worst-case original: a name, a file name and how to write it."""

    name: str
    filename: str
    write: Callable[[pyvips.Image, Path], None]
    grain_sigma: float  # as much grain as keeps a 150 MP file under the byte limit


def scene(width: int, height: int, grain_sigma: float) -> pyvips.Image:
    """Return an 8-bit sRGB picture of smooth gradients with grain (harder to compress)."""
    x = pyvips.Image.xyz(width, height)
    ramp_x = x[0] * (255.0 / width)
    ramp_y = x[1] * (255.0 / height)
    grain = pyvips.Image.gaussnoise(width, height, sigma=grain_sigma, mean=0)
    bands = [ramp_x + grain, ramp_y + grain, (ramp_x + ramp_y) / 2 - grain]
    return bands[0].bandjoin(bands[1:]).cast("uchar").copy(interpretation="srgb")


def write_jpeg(image: pyvips.Image, path: Path) -> None:
    """Write a quality-95 JPEG without chroma subsampling (the most entropy data per pixel)."""
    image.jpegsave(str(path), Q=95, subsample_mode="off")


def write_png(image: pyvips.Image, path: Path) -> None:
    """Write an interlaced (Adam7) PNG, which libvips must decode whole before shrinking."""
    image.pngsave(str(path), compression=6, interlace=True)


def write_tiff16(image: pyvips.Image, path: Path) -> None:
    """Write a 16-bit deflate TIFF (the pipeline maps 16-bit samples before shrinking)."""
    (image.cast("ushort") * 257).cast("ushort").copy(interpretation="rgb16").tiffsave(
        str(path), compression="deflate", predictor="horizontal", tile=False
    )


CASES = (
    Case("jpeg", "worst.jpg", write_jpeg, 12.0),
    Case("png-interlaced", "worst-interlaced.png", write_png, 0.8),
    Case("tiff-16bit", "worst-16bit.tif", write_tiff16, 2.0),
)


def side_for(megapixels: float) -> tuple[int, int]:
    """Return a 3:2 width and height holding about `megapixels` million pixels."""
    height = int(math.sqrt(megapixels * 1e6 / 1.5))
    return int(height * 1.5), height


def prepare(cases: Sequence[Case], megapixels: float) -> dict[str, Path]:
    """Write each case's original once into INPUTS_DIR (kept for later runs)."""
    width, height = side_for(megapixels)
    folder = INPUTS_DIR / f"{width}x{height}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in cases:
        path = folder / case.filename
        if not path.exists():
            print(f"writing {path} ({width} × {height})", file=sys.stderr, flush=True)
            case.write(scene(width, height, case.grain_sigma), path)
        if path.stat().st_size > Limits().max_bytes:
            print(f"{path} is over the byte limit: the pipeline refuses it", file=sys.stderr)
        paths[case.name] = path
    return paths


def run_pinned(path: Path, out: Path) -> tuple[float, int]:
    """Run `copper process` on one core; return (wall s, exit code)."""
    shutil.rmtree(out, ignore_errors=True)
    copper = Path(sys.executable).with_name("copper")
    started = time.perf_counter()
    done = subprocess.run(
        [str(copper), "process", str(path), "--out", str(out), "--deep-zoom", "--timeout", "900"],
        capture_output=True,
        check=False,
        preexec_fn=pinned(0),
    )
    return time.perf_counter() - started, done.returncode


def recommended_timeout(slowest: float) -> int:
    """Return the slowest run times the headroom, rounded up to 10 s."""
    return int(math.ceil(slowest * HEADROOM / 10.0) * 10)


def measure(paths: dict[str, Path], repeat: int) -> dict[str, dict[str, object]]:
    """Time every case `repeat` times; return each case's runs, bytes and exit codes."""
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="copper-worst-") as scratch:
        for name, path in paths.items():
            runs, codes = [], set()
            for _ in range(repeat):
                wall, code = run_pinned(path, Path(scratch) / name)
                runs.append(round(wall, 2))
                codes.add(code)
            results[name] = {"bytes": path.stat().st_size, "runs": runs, "exit": sorted(codes)}
    return results


def render(results: dict[str, dict[str, object]], megapixels: float) -> str:
    """Return the table and the recommendation as text."""
    lines = [f"worst case: copper process, one core, {megapixels:g} MP originals", ""]
    lines.append(f"{'input':<16}{'MB':>8}{'slowest s':>11}  runs s            exit")
    slowest = 0.0
    for name, row in results.items():
        runs = row["runs"]
        assert isinstance(runs, list)
        slowest = max(slowest, *runs)
        size = int(str(row["bytes"])) / 1e6
        lines.append(f"{name:<16}{size:>8.1f}{max(runs):>11.2f}  {runs!s:<18}{row['exit']}")
    timeout = recommended_timeout(slowest)
    lines += [
        "",
        f"slowest {slowest:.2f} s × headroom {HEADROOM:g} → processor timeout {timeout} s;",
        f"queue visibility timeout ≥ 6 × {timeout} = {6 * timeout} s (AWS's rule for SQS sources)",
    ]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines.append(f"largest child peak RSS: {peak:.0f} MB")
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.worstcase", description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per input (default 3)")
    limit = Limits().max_pixels / 1e6 * 0.999
    parser.add_argument(
        "--megapixels", type=float, default=limit, help=f"size of each input (default {limit:g})"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare the inputs, time them, print the table; exit 1 if any run failed."""
    args = parse(argv)
    paths = prepare(CASES, args.megapixels)
    results = measure(paths, args.repeat)
    print(render(results, args.megapixels))
    report = Path("var/bench/worstcase.json")
    report.write_text(json.dumps({"megapixels": args.megapixels, "results": results}, indent=2))
    failed = any(row["exit"] != [0] for row in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
