"""Smoke test: the flow benchmark runs end to end in --quick mode and writes every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from numbers import Real
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_flow_benchmark_writes_every_figure(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "bench.flow",
        "--quick",
        "--count",
        "3",
        "--out",
        str(tmp_path),
        "--inputs",
        str(tmp_path / "inputs"),
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "PASS" in done.stdout or "MISS" in done.stdout
    report = json.loads((tmp_path / "flow-quick.json").read_text())
    for part, fields in {
        "pipeline": ("wall_s", "per_minute"),
        "flow": ("wall_s", "per_minute", "latency_p50_s", "latency_p95_s"),
    }.items():
        for field in fields:
            assert isinstance(report[part][field], Real), (part, field)
    assert report["flow"]["images"] == 3
    assert isinstance(report["ratio"], Real)
