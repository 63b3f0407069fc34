"""Fixtures of the deployment checks: the built artefact and the packaged template."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / ".serverless" / "cloudformation-template-update-stack.json"
ARTEFACT = ROOT / "build" / "lambda" / "copper-lambda.tar.gz"


def require(path: Path, how: str) -> None:
    """Skip when `path` is missing on a developer's machine; fail in CI (CI=true)."""
    if path.exists():
        return
    message = f"{path.relative_to(ROOT)} is missing: run `{how}`"
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    """Return the CloudFormation template `osls package` wrote."""
    require(TEMPLATE, "make deploy-check")
    return json.loads(TEMPLATE.read_text())


@pytest.fixture(scope="session")
def artefact() -> Path:
    """Return the path of the Lambda artefact `deploy/build_artifact.py` wrote."""
    require(ARTEFACT, "make artifact")
    return ARTEFACT
