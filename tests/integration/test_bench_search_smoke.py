"""Smoke test: the search benchmark runs end to end in --quick mode and writes every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from numbers import Real
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LATENCY_FIELDS = ("p50_ms", "p99_ms", "mean_ms", "max_ms")


def assert_numbers(record: dict, fields: tuple[str, ...], where: str) -> None:
    """Assert that every named field of a record is a number (never how large it is)."""
    for field in fields:
        assert isinstance(record.get(field), Real), (where, field, record.get(field))


def test_quick_search_benchmark_writes_every_figure(tmp_path: Path) -> None:
    """`python -m bench.search --quick` exits 0 and reports a number for every measurement."""
    command = [sys.executable, "-m", "bench.search", "--quick", "--out", str(tmp_path)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "PASS" in done.stdout or "MISS" in done.stdout
    report = json.loads((tmp_path / "search.json").read_text())
    assert_numbers(report, ("generation_s", "peak_rss_mb", "seconds"), "report")
    assert_numbers(report["content_write"], ("artworks_s", "artworks_per_s"), "content_write")
    assert_numbers(report["index_build"], ("seconds", "documents_per_s", "db_mb"), "index_build")
    for kind in ("text", "facet", "colour"):
        assert_numbers(report["search"][kind], (*LATENCY_FIELDS, "mean_matches"), kind)
    for kind in ("listing_first_page", "listing_deep_pages", "search_text"):
        assert_numbers(report["api"][kind], LATENCY_FIELDS, kind)
    counts = report["counts"]
    assert counts["indexed"] == counts["artworks"]
    assert counts["listed_public"] == counts["visible"]
    assert {check["pass"] for check in report["targets"]} <= {True, False}
    assert len(report["targets"]) == 6


def test_the_generated_artists_have_unique_display_names_as_the_store_requires() -> None:
    import random

    from bench.search import make_artists

    artists = make_artists(500, random.Random(1))
    assert len({artist.display_name for artist in artists}) == 500
