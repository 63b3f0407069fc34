"""The gallery benchmark runs end to end on a tiny gallery."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from bench.web import main
from testkit.ci import missing

pytestmark = pytest.mark.browser


def test_the_gallery_benchmark_reports_server_times_and_grid_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not shutil.which("/usr/bin/chromium"):
        missing("Chromium is not installed (make browser)")
    args = ["--quick", "--count", "40", "--samples", "3", "--silent", "--out", str(tmp_path)]
    # its own thread: Playwright's sync API refuses a thread where the shared browser runs
    outcome: list[int] = []
    runner = threading.Thread(target=lambda: outcome.append(main(args)))
    runner.start()
    runner.join(timeout=600)
    assert outcome == [0]
    report = json.loads((tmp_path / "web.json").read_text())
    assert set(report["server_ms"]) == {"home", "grid", "artwork", "search", "similar"}
    assert report["seeded"]["works"] == 40
    assert report["grid_view"]["images"] >= 1 and report["grid_view"]["bytes"] > 0
    assert report["viewer_first_tile_ms"]["n"] >= 1 and report["viewer_first_tile_ms"]["p50"] >= 0
    printed = capsys.readouterr().out
    assert "PASS" in printed or "MISS" in printed
