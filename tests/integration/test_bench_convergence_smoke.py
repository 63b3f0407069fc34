"""The convergence benchmark runs end to end on a tiny load (its figures are not judged here)."""

from __future__ import annotations

import subprocess
import sys


def test_the_convergence_benchmark_prints_both_phases_and_the_catch_up_time() -> None:
    command = [sys.executable, "-m", "bench.convergence", "--works", "5", "--outage", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    lines = [line for line in result.stdout.splitlines() if not line.startswith("{")]
    assert lines[0].startswith("change-to-searchable, 5 changes per phase")
    assert any(line.startswith("steady (index up)") for line in lines)
    assert any(line.startswith("after the outage ends") for line in lines)
    assert lines[-1].startswith("every change searchable")
