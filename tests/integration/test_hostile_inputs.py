"""Hostile inputs through the real command: rejected or processed in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from testkit import images
from testkit.cli import COPPER

MEMORY_BOUND_KB = 400 * 1024
MEASURE = (
    "import json, resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(json.dumps({'code': done.returncode, 'stdout': done.stdout, 'peak_kb': peak}))\n"
)

HOSTILE: dict[str, tuple[Callable[[], bytes], int]] = {
    "decompression bomb png": (images.decompression_bomb_png, 3),
    "png claiming 65000x65000": (lambda: images.png_claiming(65000, 65000), 3),
    "jpeg claiming 65000x65000": (lambda: images.jpeg_claiming(65000, 65000), 3),
    "truncated jpeg": (images.truncated_jpeg, 3),
    "jpeg with a zip appended": (lambda: images.jpeg_with_zip()[0], 0),
    "gif with 400 frames": (lambda: images.animated_gif(400, 320, 240), 0),
    "svg": (images.svg, 3),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_is_handled_within_a_memory_bound(name: str, tmp_path: Path) -> None:
    make, expected_exit = HOSTILE[name]
    source = tmp_path / "upload.bin"
    source.write_bytes(make())
    command = [
        str(COPPER),
        "process",
        str(source),
        "--out",
        str(tmp_path / "out"),
        "--timeout",
        "60",
    ]
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, timeout=120
    )
    report = json.loads(measured.stdout)
    assert report["code"] == expected_exit, report["stdout"]
    document = json.loads(report["stdout"])
    assert ("error" in document) == (expected_exit != 0)
    assert report["peak_kb"] < MEMORY_BOUND_KB, f"peak RSS {report['peak_kb'] / 1024:.0f} MB"
