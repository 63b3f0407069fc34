"""`copper process` on transparent art: the JPEG renditions show it on a visible mat."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import pyvips

from testkit.cli import COPPER

SIDE = 600


def white_logo(path: Path) -> Path:
    """Write a white ring on a fully transparent background as a PNG."""
    xyz = pyvips.Image.xyz(SIDE, SIDE)
    radius = ((xyz[0] - SIDE / 2) ** 2 + (xyz[1] - SIDE / 2) ** 2) ** 0.5
    alpha = ((radius - SIDE / 4).abs() < SIDE / 16).ifthenelse(255, 0).cast("uchar")
    white = (pyvips.Image.black(SIDE, SIDE, bands=3) + 255).cast("uchar")
    white.bandjoin(alpha).copy(interpretation="srgb").write_to_file(str(path))
    return path


def process(source: Path, out: Path, env: dict[str, str]) -> dict:
    """Run `copper process` and return its manifest."""
    result = subprocess.run(
        [str(COPPER), "process", str(source), "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, **env},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    manifest: dict = json.loads(result.stdout)
    return manifest


@pytest.mark.parametrize(
    ("env", "mat"), [({}, (0x2B, 0x2B, 0x2B)), ({"COPPER_MAT": "#ff0000"}, (255, 0, 0))]
)
def test_a_white_logo_on_transparency_shows_on_its_mat_in_every_jpeg(
    tmp_path: Path, env: dict[str, str], mat: tuple[int, int, int]
) -> None:
    manifest = process(white_logo(tmp_path / "logo.png"), tmp_path / "out", env)
    for entry in manifest["renditions"]:
        if entry["format"] != "jpeg" or entry["name"] == "thumb":
            continue
        pixels = pyvips.Image.new_from_file(entry["path"]).numpy().astype(np.float64)
        side = pixels.shape[0]
        ring = pixels[side // 2, side // 4 - 1 : side // 4 + 2].mean(axis=0)
        assert np.abs(pixels[0, 0] - mat).mean() < 8
        assert np.abs(ring - pixels[0, 0]).mean() > 100
    palette = manifest["facts"]["palette"]
    assert palette and palette[0]["family"] == "white"
