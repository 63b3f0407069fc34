"""`copper process` writes a tile pyramid only when asked, under a manifest key of its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testkit import images
from tests.integration.test_cli_process import run_copper

SMALL_TILES = {"COPPER_DEEP_ZOOM_MIN_EDGE": "640", "COPPER_LADDER": "320,640"}


@pytest.fixture
def large_jpeg(tmp_path: Path) -> Path:
    """A 900 × 600 JPEG: larger than a 640 px ladder's top rendition."""
    path = tmp_path / "large.jpg"
    path.write_bytes(images.jpeg(images.photo(900, 600, seed=31)))
    return path


def test_without_the_flag_the_output_and_manifest_are_unchanged(
    large_jpeg: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_copper("process", large_jpeg, "--out", out, env=SMALL_TILES)
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    assert set(manifest) == {"source", "pipeline_version", "renditions", "facts"}
    assert not (out / "tiles").exists()
    assert {r["format"] for r in manifest["renditions"]} == {"avif", "webp", "jpeg"}


def test_with_deep_zoom_the_pyramid_is_written_and_listed_under_its_own_key(
    large_jpeg: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_copper("process", large_jpeg, "--out", out, "--deep-zoom", env=SMALL_TILES)
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    pyramid = manifest["deep_zoom"]
    assert (pyramid["format"], pyramid["width"], pyramid["height"]) == ("dzi", 900, 600)
    assert Path(pyramid["path"]) == out / "tiles" / "image.dzi"
    assert Path(pyramid["path"]).read_text().count('Width="900"') == 1
    tiles = list((out / "tiles" / "image_files").rglob("*.jpg"))
    assert len(tiles) == pyramid["tiles"]
    assert all(r["format"] != "dzi" for r in manifest["renditions"])
    assert not [p for p in out.iterdir() if p.name.startswith(".copper-staging-")]
