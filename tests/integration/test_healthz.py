"""GET /healthz on the embedded backend: degraded without a live worker, ok with one."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask

from service.bootstrap import build_services
from service.http.app import create_app
from service.settings import ServiceSettings


def api(tmp_path: Path) -> Flask:
    """Return the API over a fresh local backend."""
    return create_app(build_services(ServiceSettings(data_dir=str(tmp_path))))


def test_healthz_is_degraded_with_a_reason_when_no_worker_ever_polled(tmp_path: Path) -> None:
    response = api(tmp_path).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["checks"]["workers"] == {
        "status": "degraded",
        "reason": "no worker has ever polled the queue",
    }


def test_healthz_is_ok_once_a_worker_has_beaten_recently(tmp_path: Path) -> None:
    app = api(tmp_path)
    app.extensions["copper"].heartbeats.beat("worker:test")
    document = app.test_client().get("/healthz").json
    assert document["status"] == "ok"
    assert document["checks"]["queue"]["status"] == "ok"


def test_healthz_is_degraded_when_uploads_wait_and_the_last_heartbeat_is_old(
    tmp_path: Path,
) -> None:
    # GIVEN a worker that beat a minute ago and then died, and an upload event waiting
    app = api(tmp_path)
    services = app.extensions["copper"]
    services.heartbeats.beat("worker:gone", at=time.time() - 60)
    services.queue.send("{}")
    # WHEN the API is asked THEN both checks say why uploads are stuck
    document = app.test_client().get("/healthz").json
    assert document["status"] == "degraded"
    assert document["checks"]["workers"]["status"] == "degraded"
    assert document["checks"]["queue"]["status"] == "degraded"


def test_healthz_reports_an_unreadable_queue_database_as_degraded_not_an_error(
    tmp_path: Path,
) -> None:
    app = api(tmp_path)
    services = app.extensions["copper"]
    services.heartbeats.beat("worker:test")
    services.queue.database.close()
    (tmp_path / "queue.db").unlink()
    (tmp_path / "queue.db").mkdir()  # the database is now a directory: it cannot be opened
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["checks"]["workers"]["status"] == "degraded"
