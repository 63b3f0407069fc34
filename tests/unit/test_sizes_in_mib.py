"""Byte sizes read the same everywhere: binary megabytes, written "MiB" (250 MiB = 262,144,000 B).

The README states the upload limit as 250 MiB; the rejection message, the studio's upload
page and its script say the same, never "262 MB".
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from heroku_artist import present
from kernel.settings import ORIGINAL_MAX_BYTES
from pipeline import intake
from pipeline.errors import RejectedInput
from pipeline.settings import Limits

ROOT = Path(__file__).resolve().parents[2]
CASES = [
    (262_144_000, "250 MiB"),
    (ORIGINAL_MAX_BYTES, "250 MiB"),
    (300_000_000, "286 MiB"),
    (5_000_000, "4.8 MiB"),
    (1_048_576, "1.0 MiB"),
    (10 * 1_048_576, "10 MiB"),
]


@pytest.mark.parametrize(("size", "text"), CASES)
def test_the_pipeline_says_sizes_in_mib(size: int, text: str) -> None:
    assert intake.megabytes(size) == text


@pytest.mark.parametrize(("size", "text"), CASES)
def test_the_studio_says_sizes_in_mib(size: int, text: str) -> None:
    assert present.megabytes(size) == text


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_the_upload_script_says_sizes_in_mib() -> None:
    source = (ROOT / "heroku_artist/static/upload.js").read_text()
    start = source.index("function megabytes(")
    function = source[start : source.index("\n  }\n", start) + 4]
    sizes = json.dumps([size for size, _ in CASES])
    script = f"{function}\nconsole.log(JSON.stringify({sizes}.map(megabytes)));"
    shown = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(shown.stdout) == [text for _, text in CASES]


def test_a_file_over_the_limit_is_refused_in_the_readmes_words() -> None:
    with pytest.raises(RejectedInput) as refused:
        intake.check_size(300_000_000, Limits())
    assert str(refused.value) == "The file is 286 MiB; the largest accepted is 250 MiB."
