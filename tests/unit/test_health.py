"""The /healthz decision: degraded when no worker polls or waiting messages go unconsumed."""

from __future__ import annotations

from messaging.heartbeat import Beat
from service.health import Bounds, Observed, assess, report

LOCAL = Bounds(worker_age=30, backlog_age=300, workers_poll=True)
LAMBDA = Bounds(worker_age=30, backlog_age=300, workers_poll=False)
NOW = 10_000.0


def observed(beat_age: float | None, waiting: int = 0, oldest: float | None = None) -> Observed:
    """Return observations with a heartbeat `beat_age` seconds old (None: never)."""
    beat = None if beat_age is None else Beat("worker:a", NOW - beat_age)
    return Observed(NOW, beat, waiting, oldest)


def statuses(document: dict) -> dict[str, str]:
    """Return each check's status."""
    return {name: check["status"] for name, check in document["checks"].items()}


def test_a_recent_heartbeat_and_an_empty_queue_are_ok() -> None:
    document = report(assess(observed(2), LOCAL))
    assert document["status"] == "ok"
    assert statuses(document) == {"workers": "ok", "queue": "ok"}


def test_no_heartbeat_ever_is_degraded_with_a_reason_when_workers_should_poll() -> None:
    document = report(assess(observed(None), LOCAL))
    assert document["status"] == "degraded"
    assert document["checks"]["workers"]["status"] == "degraded"
    assert document["checks"]["workers"]["reason"] == "no worker has ever polled the queue"


def test_a_heartbeat_older_than_the_bound_is_degraded_locally() -> None:
    checks = assess(observed(31), LOCAL)
    assert not checks["workers"].ok
    assert "31 s" in checks["workers"].reason


def test_an_idle_lambda_processor_with_an_empty_queue_is_ok() -> None:
    assert report(assess(observed(3600), LAMBDA))["status"] == "ok"
    assert report(assess(observed(None), LAMBDA))["status"] == "ok"


def test_waiting_messages_without_a_recent_heartbeat_are_degraded_on_lambda() -> None:
    checks = assess(observed(60, waiting=4), LAMBDA)
    assert checks["workers"].ok
    assert not checks["queue"].ok
    assert "4 messages waiting" in checks["queue"].reason


def test_waiting_messages_with_a_recent_heartbeat_are_ok_while_young() -> None:
    assert report(assess(observed(5, waiting=4, oldest=120), LOCAL))["status"] == "ok"
    assert report(assess(observed(5, waiting=4), LAMBDA))["status"] == "ok"


def test_a_message_waiting_longer_than_the_backlog_bound_is_degraded() -> None:
    checks = assess(observed(5, waiting=2, oldest=301), LOCAL)
    assert checks["workers"].ok
    assert not checks["queue"].ok
    assert "301 s" in checks["queue"].reason
