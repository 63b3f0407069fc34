"""What a missing prerequisite means: a skip on a developer's machine, a failure in CI."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """Return whether the tests run in CI (CI=true or CI=1)."""
    return os.environ.get("CI", "").lower() in ("true", "1")


def missing(message: str) -> None:
    """Skip the test for a missing prerequisite, or fail it in CI where nothing may be skipped."""
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)
