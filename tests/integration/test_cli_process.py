"""`copper process` as a user runs it: the installed console script in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import pyvips

from testkit.cli import COPPER

MANIFEST_KEYS = {"name", "format", "width", "height", "bytes", "path", "quality"}
FACT_KEYS = {"width", "height", "orientation", "palette", "phash", "blurhash", "print", "fidelity"}


def run_copper(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the copper console script and capture its output."""
    command = [str(COPPER), *map(str, args)]
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=environment
    )


@pytest.fixture
def landscape_jpeg(tmp_path: Path) -> Path:
    """A 1500×1000 JPEG with smooth colour."""
    xyz = pyvips.Image.xyz(1500, 1000)
    image = (xyz[0] / 6).bandjoin([xyz[1] / 4, (xyz[0] + xyz[1]) / 10]).cast("uchar")
    path = tmp_path / "landscape.jpg"
    image.copy(interpretation="srgb").write_to_file(str(path), Q=90)
    return path


def test_processing_a_jpeg_prints_the_manifest_and_writes_every_rendition(
    landscape_jpeg: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_copper("process", landscape_jpeg, "--out", out)
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    renditions = manifest["renditions"]
    assert {r["format"] for r in renditions} == {"avif", "webp", "jpeg"}
    assert {r["name"] for r in renditions} == {"1500px", "1024px", "640px", "320px", "thumb"}
    for entry in renditions:
        assert entry.keys() >= MANIFEST_KEYS
        written = Path(entry["path"])
        assert written.parent == out
        assert written.stat().st_size == entry["bytes"]
        header = pyvips.Image.new_from_file(str(written))
        assert (header.width, header.height) == (entry["width"], entry["height"])
    assert {r["effort"] for r in renditions if r["format"] != "jpeg"}
    assert manifest["facts"].keys() >= FACT_KEYS
    assert (manifest["facts"]["width"], manifest["facts"]["height"]) == (1500, 1000)
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(r["path"]).name for r in renditions)


def test_options_set_the_watermark_focal_point_and_copyright(
    landscape_jpeg: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_copper(
        "process", landscape_jpeg, "--out", out, "--watermark-text", "© Ada",
        "--watermark-position", "top-left", "--focal-point", "0.1,0.9",
        "--copyright", "© 2026 Ada", "--credit", "Ada",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert b"2026 Ada" in (out / "1024px.jpg").read_bytes()


def test_a_text_file_posing_as_an_image_exits_3_with_a_reason_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_text("name,width\nsunset,10\n")
    out = tmp_path / "out"
    result = run_copper("process", fake, "--out", out)
    assert result.returncode == 3
    assert json.loads(result.stdout)["error"]["code"] == "unsupported_type"
    assert not out.exists()


def test_a_rejected_input_adds_nothing_to_an_existing_directory(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.png"
    data = pyvips.Image.xyz(300, 300).cast("uchar").write_to_buffer(".png")
    truncated.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run_copper("process", truncated, "--out", out)
    assert result.returncode == 3
    assert json.loads(result.stdout)["error"]["code"] == "corrupt"
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_an_unwritable_output_directory_is_an_internal_error_with_json(
    landscape_jpeg: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run_copper("process", landscape_jpeg, "--out", blocker / "out")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "output_unwritable"


def test_the_watchdog_reports_a_timeout_removes_partial_output_and_exits_1(
    tmp_path: Path,
) -> None:
    staging = tmp_path / "out" / ".copper-staging-x"
    staging.mkdir(parents=True)
    (staging / "half.avif").write_bytes(b"partial")
    script = (
        "import sys, time; from pathlib import Path\n"
        "from copper.process_file import start_watchdog\n"
        "start_watchdog(0.2, Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "time.sleep(60)\n"
    )
    command = [sys.executable, "-c", script, str(staging), str(tmp_path / "out")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "timeout"
    assert not (tmp_path / "out").exists()


def test_settings_from_the_environment_shape_the_renditions(
    landscape_jpeg: Path, tmp_path: Path
) -> None:
    environment = {"COPPER_FORMATS": "webp", "COPPER_LADDER": "300,900"}
    result = run_copper("process", landscape_jpeg, "--out", tmp_path / "out", env=environment)
    assert result.returncode == 0, result.stderr
    renditions = json.loads(result.stdout)["renditions"]
    assert {(r["name"], r["format"]) for r in renditions} == {
        ("900px", "webp"),
        ("300px", "webp"),
        ("thumb", "webp"),
    }


def test_an_invalid_setting_stops_the_command_with_exit_2_and_its_name(
    landscape_jpeg: Path, tmp_path: Path
) -> None:
    environment = {"COPPER_ENCODERS_WEBP_EFFORT": "11"}
    result = run_copper("process", landscape_jpeg, "--out", tmp_path / "out", env=environment)
    assert result.returncode == 2
    assert "WebP effort must be 0-6" in result.stderr
    assert not (tmp_path / "out").exists()


def test_copper_settings_lists_every_variable_with_the_value_in_force() -> None:
    result = run_copper("settings", env={"COPPER_ENCODERS_AVIF_QUALITY": "61"})
    assert result.returncode == 0
    assert "COPPER_ENCODERS_AVIF_QUALITY=61  # AVIF quality, 1-100." in result.stdout
    assert "COPPER_LADDER=320,640,1024,1600,2400" in result.stdout
