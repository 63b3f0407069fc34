"""One contract for every heartbeat store: SQLite and DynamoDB (moto) answer alike."""

from __future__ import annotations

import time

from messaging.heartbeat import Beat, Heartbeats, PacedHeartbeat


def test_a_store_without_beats_has_no_newest_beat(heartbeats: Heartbeats) -> None:
    assert heartbeats.newest() is None


def test_the_newest_beat_is_the_latest_of_any_worker(heartbeats: Heartbeats) -> None:
    heartbeats.beat("worker:a", at=1000.0)
    heartbeats.beat("worker:b", at=1005.5)
    heartbeats.beat("worker:a", at=1002.0)
    assert heartbeats.newest() == Beat("worker:b", 1005.5)


def test_a_worker_beating_again_moves_its_beat_forward(heartbeats: Heartbeats) -> None:
    heartbeats.beat("worker:a", at=1000.0)
    heartbeats.beat("worker:a", at=1010.0)
    assert heartbeats.newest() == Beat("worker:a", 1010.0)


def test_a_late_older_beat_never_replaces_a_newer_one(heartbeats: Heartbeats) -> None:
    heartbeats.beat("worker:a", at=1010.0)
    heartbeats.beat("worker:a", at=1000.0)
    assert heartbeats.newest() == Beat("worker:a", 1010.0)


def test_a_beat_without_a_time_is_recorded_as_now(heartbeats: Heartbeats) -> None:
    before = time.time()
    heartbeats.beat("worker:a")
    newest = heartbeats.newest()
    assert newest is not None
    assert before - 1 <= newest.at <= time.time() + 1


def test_a_paced_heartbeat_writes_at_most_once_per_interval(heartbeats: Heartbeats) -> None:
    now = [100.0]
    paced = PacedHeartbeat(heartbeats, "worker:a", interval=5, clock=lambda: now[0])
    assert paced() is True
    first = heartbeats.newest()
    now[0] = 103.0
    assert paced() is False
    assert heartbeats.newest() == first
    now[0] = 105.0
    assert paced() is True
