"""Smoke test: the benchmark runs end to end in --quick mode and writes a complete report."""

from __future__ import annotations

import json
import subprocess
import sys
from numbers import Real
from pathlib import Path

from bench.inputs import SPECS

REPO = Path(__file__).resolve().parents[2]
FIELDS = ("pipeline_s", "floor_s", "pillow_s", "rss_peak_mb", "rss_imports_mb")


def test_quick_benchmark_writes_every_figure(tmp_path: Path) -> None:
    """`python -m bench.pipeline --quick --repeat 1` exits 0 with numeric figures per input."""
    command = [sys.executable, "-m", "bench.pipeline", "--quick", "--repeat", "1", "--passes", "1"]
    command += ["--out", str(tmp_path / "out"), "--inputs", str(tmp_path / "inputs")]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert set(report["inputs"]) == {spec.name for spec in SPECS}
    for name, record in report["inputs"].items():
        for field in FIELDS:
            assert isinstance(record.get(field), Real), (name, field, record.get(field))
    for workers in report["throughput"]["workers"].values():
        assert isinstance(workers["images_per_s"], Real)
