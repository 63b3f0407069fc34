"""thumbor's Pillow engine as a whole process: write a job's renditions, one request each.

`THUMBOR_PYTHON bench/thumbor_renditions.py JOB.json OUT_DIR`, run by the interpreter of a
separate venv that has thumbor installed (nothing of the project is imported). Each output goes
the way one thumbor request goes: the original's bytes are loaded into a fresh engine, oriented,
then resized (Pillow's JPEG draft mode first) or, for the square thumbnail, centre-cropped at
full size and resized (thumbor's smart crop needs detectors it does not install), then encoded
with the job's quality. thumbor has no setting for WebP's method, so Pillow's default applies.
Formats thumbor cannot write here (AVIF without Pillow's AVIF plug-in) are left out: the
benchmark asks `--formats` first and gives this script only what it can write.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from thumbor.config import Config
from thumbor.context import Context
from thumbor.engines.pil import HAVE_AVIF, Engine


def context_for(job: dict[str, Any]) -> Context:
    """Return a thumbor context configured with the job's encoder settings."""
    avif = next((f for f in job["formats"] if f["format"] == "avif"), None)
    config = Config(
        PROGRESSIVE_JPEG=True,
        RESPECT_ORIENTATION=True,
        AVIF_SPEED=9 - avif["effort"] if avif else None,  # libvips' effort 0 is AOM speed 9
    )
    return Context(config=config)


def render(buffer: bytes, extension: str, out: dict[str, Any], context: Context) -> Engine:
    """Load the original into a fresh engine and size it as one request would."""
    engine = Engine(context)
    engine.load(buffer, extension)
    engine.reorientate()
    if out["square"]:
        width, height = engine.size
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 2
        engine.crop(left, top, left + side, top + side)
    engine.resize(out["width"], out["height"])
    return engine


def main(job_path: str, out_dir: str) -> None:
    """Write every output of the job into `out_dir`."""
    job = json.loads(Path(job_path).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    context = context_for(job)
    source = Path(job["input"])
    extension = source.suffix.lower()
    side = job["thumbnail"]["side"]
    outputs = [s | {"square": False} for s in job["sizes"]]
    outputs.append(
        {"name": job["thumbnail"]["name"], "width": side, "height": side, "square": True}
    )
    for item in outputs:
        for fmt in job["formats"]:
            engine = render(source.read_bytes(), extension, item, context)
            data = engine.read(f".{fmt['extension']}", fmt["quality"])
            (out / f"{item['name']}.{fmt['extension']}").write_bytes(data)


def formats() -> list[str]:
    """Return the formats this thumbor can write."""
    return ["webp", "jpeg", *(["avif"] if HAVE_AVIF else [])]


if __name__ == "__main__":
    if sys.argv[1:] == ["--formats"]:
        print(json.dumps(formats()))
    else:
        main(*sys.argv[1:3])
