"""A missing setting on the AWS backend is named, with its meaning, before anything is built.

The commands run as an operator runs them: the installed console script, in a scrubbed
environment (no AWS_* or COPPER_* variables, a home directory with no AWS configuration).
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

import pytest

from service.config import MissingSettings
from testkit.cli import COPPER

AWS_REQUIRED = ("COPPER_OPENSEARCH_URL", "COPPER_QUEUE_URL", "COPPER_DEAD_LETTER_QUEUE_URL")


def scrubbed(home: Path, **settings: str) -> dict[str, str]:
    """Return an environment with no AWS_* or COPPER_* variables, plus `settings`."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "COPPER_", "BOTO"))
    }
    return kept | {"HOME": str(home), **settings}


def copper(home: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """Run `copper` in a scrubbed environment with `settings`."""
    return subprocess.run(
        [str(COPPER), *args],
        env=scrubbed(home, **settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "command", [("api", "--port", "0"), ("dlq", "list"), ("reindex",), ("sweep",)]
)
def test_every_command_on_aws_with_nothing_set_names_every_missing_setting_and_exits_2(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    result = copper(tmp_path, *command, COPPER_BACKEND="aws")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for variable in (*AWS_REQUIRED, "AWS_REGION"):
        assert variable in result.stderr
    assert "URL of the SQS queue of upload events" in result.stderr  # each with its meaning


def test_only_the_settings_still_missing_are_named(tmp_path: Path) -> None:
    result = copper(
        tmp_path,
        "dlq",
        "list",
        COPPER_BACKEND="aws",
        AWS_DEFAULT_REGION="eu-west-1",
        COPPER_OPENSEARCH_URL="http://127.0.0.1:9",
    )
    assert result.returncode == 2, result.stderr
    assert "COPPER_QUEUE_URL" in result.stderr
    assert "COPPER_DEAD_LETTER_QUEUE_URL" in result.stderr
    assert "COPPER_OPENSEARCH_URL" not in result.stderr
    assert "AWS_REGION" not in result.stderr


def test_copper_dev_refuses_another_backend_before_building_anything(tmp_path: Path) -> None:
    data = tmp_path / "var"
    result = copper(tmp_path, "dev", COPPER_BACKEND="aws", COPPER_DATA_DIR=str(data))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "copper dev runs the embedded backend" in result.stderr
    assert "COPPER_QUEUE_URL" not in result.stderr  # nothing was built, nothing checked
    assert not data.exists()


def test_a_lambda_cold_start_on_aws_with_nothing_set_names_every_missing_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "COPPER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("COPPER_BACKEND", "aws")
    from handlers import sweep

    sweep.sweeper.cache_clear()
    with caplog.at_level(logging.ERROR, logger="copper"), pytest.raises(MissingSettings) as missing:
        sweep.sweeper()
    sweep.sweeper.cache_clear()
    assert set(missing.value.variables) == {*AWS_REQUIRED, "AWS_REGION"}
    [record] = [r for r in caplog.records if r.name.startswith("copper")]
    for variable in (*AWS_REQUIRED, "AWS_REGION"):
        assert variable in record.getMessage()
