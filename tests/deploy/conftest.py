"""Fixtures of the deployment checks: the built artefact and the packaged template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from testkit.ci import missing

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / ".serverless" / "cloudformation-template-update-stack.json"
PROD_TEMPLATE = ROOT / "build" / "serverless-prod" / "cloudformation-template-update-stack.json"
ARTEFACT = ROOT / "build" / "lambda" / "copper-lambda.tar.gz"


def require(path: Path, how: str) -> None:
    """Skip when `path` is missing on a developer's machine; fail in CI (CI=true)."""
    if path.exists():
        return
    missing(f"{path.relative_to(ROOT)} is missing: run `{how}`")


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    """Return the CloudFormation template `osls package` wrote."""
    require(TEMPLATE, "make deploy-check")
    return json.loads(TEMPLATE.read_text())


@pytest.fixture(scope="session")
def prod_template() -> dict[str, Any]:
    """Return the CloudFormation template `osls package --stage prod` wrote."""
    require(PROD_TEMPLATE, "make deploy-check")
    return json.loads(PROD_TEMPLATE.read_text())


@pytest.fixture(scope="session")
def artefact() -> Path:
    """Return the path of the Lambda artefact `deploy/build_artifact.py` wrote."""
    require(ARTEFACT, "make artifact")
    return ARTEFACT
