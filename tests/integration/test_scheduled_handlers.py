"""The scheduled functions (sweeper, audit) as Lambda runs them, on a captured EventBridge event.

They build their services from the environment like every handler; here the embedded
backend in a temporary directory stands in for the AWS one.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from content.model import Status
from copper.worker import LambdaContext
from handlers import audit, sweep
from service.bootstrap import build_services

EVENT = json.loads(
    (Path(__file__).parents[1] / "events" / "eventbridge-scheduled.json").read_text()
)


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point the handlers at a fresh embedded backend; rebuild them for this test."""
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COPPER_TOKEN_SECRET", secrets.token_urlsafe(40))
    sweep.sweeper.cache_clear()
    audit.auditor.cache_clear()
    yield build_services()
    sweep.sweeper.cache_clear()
    audit.auditor.cache_clear()


def test_the_scheduled_sweep_fails_an_overdue_work_and_reports_it(environment: Any) -> None:
    artist = environment.accounts.register("ada@example.com", "a long password", "Ada")
    work = environment.artworks.create(artist.id, {"title": "Tide"})
    stuck = replace(work, status=Status.PROCESSING, deadline="2020-01-01T00:00:00.000Z")
    environment.repository.save_artwork(stuck, work.version)
    assert sweep.handler(EVENT, LambdaContext()) == {"dead_lettered": [], "expired": [work.id]}
    assert environment.repository.get_artwork(work.id).status is Status.FAILED


def test_the_scheduled_audit_repairs_and_reports_what_is_left(environment: Any) -> None:
    environment.blobs.put("originals/nobody/nothing/u1", b"x", "image/jpeg")
    report = audit.handler(EVENT, LambdaContext())
    assert report["ok"] is True
    assert [finding["kind"] for finding in report["repaired"]] == ["orphan_original"]
    assert not environment.blobs.exists("originals/nobody/nothing/u1")
