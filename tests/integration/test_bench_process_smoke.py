"""Smoke test: the whole-process benchmark runs copper and bare pyvips on a tiny input."""

from __future__ import annotations

import json
import subprocess
import sys
from numbers import Real
from pathlib import Path
from typing import Any

import pytest

from testkit import images

REPO = Path(__file__).resolve().parents[2]
PEERS = ("sharp-each", "sharp-once", "thumbor")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run `python -m bench.process` once on a 900 × 600 JPEG with the peers left out."""
    tmp = tmp_path_factory.mktemp("bench-process")
    source = tmp / "tiny.jpg"
    source.write_bytes(images.jpeg(images.photo(900, 600, seed=3)))
    command = [sys.executable, "-m", "bench.process", "--input", str(source), "--no-peers"]
    command += ["--repeat", "1", "--out", str(tmp / "out")]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((tmp / "out" / "process.json").read_text())


def test_copper_and_bare_pyvips_are_timed_and_the_peers_left_out(report: dict[str, Any]) -> None:
    """Both engines have a numeric median and a complete rendition set; no peer runs."""
    engines = report["engines"]
    assert set(engines) == {"copper", "pyvips", *PEERS}
    for key in ("copper", "pyvips"):
        record = engines[key]
        assert record["error"] is None, record["error"]
        assert len(record["runs"]) == 1
        assert isinstance(record["wall_s"], Real) and isinstance(record["cpu_s"], Real)
        assert record["same_set"] is True, record["set_difference"]
        assert record["renditions"] == record["expected_renditions"] == report["renditions"]
    assert all(engines[key]["available"] is False for key in PEERS)


def test_only_the_pyvips_target_is_checked_without_peers(report: dict[str, Any]) -> None:
    """The copper / bare pyvips ratio gets a verdict; the peers' targets are not checked."""
    checked = {t["metric"]: t["pass"] is not None for t in report["targets"]}
    assert checked == {
        "copper / bare pyvips": True,
        "speed-up vs idiomatic sharp": False,
        "speed-up vs thumbor": False,
    }


def test_bare_pyvips_writes_the_renditions_copper_process_writes(report: dict[str, Any]) -> None:
    """The bare script writes the same file names, formats and sizes as `copper process`."""
    engines = report["engines"]
    copper = {tuple(item[:4]) for item in engines["copper"]["written"]}
    bare = {tuple(item[:4]) for item in engines["pyvips"]["written"]}
    assert copper == bare
    assert {name.split(".")[0] for name, *_ in copper} == {"900px", "640px", "320px", "thumb"}
    assert {fmt for _name, fmt, *_ in copper} == {"avif", "webp", "jpeg"}
    assert len(copper) == 12
    assert ("thumb.avif", "avif", 400, 400) in copper
