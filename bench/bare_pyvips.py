"""Bare pyvips as a whole process: write a job's renditions and nothing else.

`python bench/bare_pyvips.py JOB.json OUT_DIR`. It imports pyvips alone (nothing of the
project), decodes once with shrink-on-load at the job's base size, chains each size from the
one above, crops the square thumbnail by attention and writes every size in every format with
the job's libvips saver options. The job (bench/process.py writes it) is the pipeline's plan.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pyvips


def write_all(image: pyvips.Image, name: str, job: dict[str, Any], out: Path) -> None:
    """Write one image in every format of the job, keeping no metadata."""
    for fmt in job["formats"]:
        path = out / f"{name}.{fmt['extension']}"
        image.write_to_file(str(path), keep="none", **fmt["vips"])


def main(job_path: str, out_dir: str) -> None:
    """Render the job's renditions into `out_dir`."""
    job = json.loads(Path(job_path).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pyvips.cache_set_max(0)
    edge = max(job["base"]["width"], job["base"]["height"])
    base = pyvips.Image.thumbnail(job["input"], edge, height=edge, size="down").copy_memory()
    current = base
    for size in job["sizes"]:
        if (current.width, current.height) != (size["width"], size["height"]):
            scale = size["width"] / current.width
            current = current.resize(scale, vscale=size["height"] / current.height).copy_memory()
        write_all(current, size["name"], job, out)
    side = job["thumbnail"]["side"]
    thumb = base.thumbnail_image(side, height=side, crop="attention")
    write_all(thumb, job["thumbnail"]["name"], job, out)


if __name__ == "__main__":
    main(*sys.argv[1:3])
