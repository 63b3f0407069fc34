"""A fresh `copper process` loads only what processing one file needs, and computes the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import numpy as np
import pytest

from copper.cli.root import COMMANDS, main
from pipeline.palette import KMEANS_DRAWS, KMEANS_SEED, seeded_draws
from pipeline.phash import median_of
from testkit import images

ROOT = Path(__file__).resolve().parents[2]
# What `copper process` never needs: the services, the web and AWS stacks, and the modules
# that numpy.median, numpy.random and xml.sax.saxutils would pull in.
NOT_NEEDED = {
    "flask",
    "werkzeug",
    "boto3",
    "botocore",
    "aws_lambda_powertools",
    "PIL",
    "content",
    "search",
    "ingest",
    "messaging",
    "storage",
    "handlers",
    "copper.cli.flow",
    "copper.cli.admin",
    "copper.cli.run",
    "numpy.ma",
    "numpy.random",
    "urllib.request",
    "http.client",
}
PROBE = """
import json, sys
from copper.cli import main
try:
    main(sys.argv[1:])
finally:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_fresh_copper_process_loads_nothing_it_does_not_use(tmp_path: Path) -> None:
    """GIVEN a fresh interpreter WHEN `copper process` runs THEN no unneeded module loads."""
    source = tmp_path / "photo.jpg"
    source.write_bytes(images.jpeg(images.photo(480, 320, seed=2)))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "process", str(source), "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["renditions"]
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "pipeline.process" in loaded
    top_level = {name.split(".")[0] for name in loaded}
    assert not (loaded | top_level) & NOT_NEEDED, sorted((loaded | top_level) & NOT_NEEDED)


def test_every_command_loads_by_name_and_help_lists_them_all() -> None:
    """The lazy group resolves each name to its command; `copper --help` lists every one."""
    context = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(context, name)
        assert command is not None and command.name == name
    assert main.list_commands(context) == sorted(COMMANDS)
    assert main.get_command(context, "no-such-command") is None


@pytest.mark.parametrize("size", [1, 2, 63, 64])
def test_the_phash_median_is_numpys(size: int) -> None:
    """median_of gives np.median's value for odd and even counts."""
    values = np.random.default_rng(size).normal(size=size)
    assert median_of(values) == float(np.median(values))


def test_the_written_out_kmeans_draws_are_the_seeded_generators() -> None:
    """The palette's k-means++ draws equal default_rng(KMEANS_SEED), past the constants too."""
    count = len(KMEANS_DRAWS) + 4
    draws = seeded_draws()
    expected = np.random.default_rng(KMEANS_SEED).random(count)
    assert [next(draws) for _ in range(count)] == expected.tolist()
