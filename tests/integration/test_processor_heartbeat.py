"""The processor handler beats once per batch, paced, and a failed beat fails no message."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from copper.worker import LambdaContext, sqs_event
from handlers.process_uploads import build_handler
from messaging.heartbeat import Beat, PacedHeartbeat
from messaging.queue import QueueUnavailable
from service.bootstrap import Services, build_services
from service.processing import build_consumer
from service.settings import ServiceSettings


class UnreachableHeartbeats:
    """A heartbeat store that is down: every beat raises, as the adapters do in an outage."""

    def __init__(self) -> None:
        self.attempts = 0

    def beat(self, worker: str, at: float | None = None) -> None:
        """Fail like an unreachable store."""
        self.attempts += 1
        raise QueueUnavailable("heartbeat store unavailable (simulated)")

    def newest(self) -> Beat | None:
        """Fail like an unreachable store."""
        raise QueueUnavailable("heartbeat store unavailable (simulated)")


def one_batch(tmp_path: Path) -> tuple[dict[str, Any], Services]:
    """Return a batch of one queued message and the services it came from."""
    services = build_services(ServiceSettings(data_dir=str(tmp_path)))
    services.queue.send('{"not": "an S3 notification"}')
    return sqs_event(services.queue.receive()), services


def test_each_batch_records_a_heartbeat_at_most_once_per_interval(tmp_path: Path) -> None:
    event, services = one_batch(tmp_path)
    consumer = build_consumer(services)
    beat = PacedHeartbeat(services.heartbeats, "processor:test", interval=3600)
    handler = build_handler(lambda: consumer, beat)
    before = time.time()
    handler(event, LambdaContext())
    first = services.heartbeats.newest()
    assert first is not None and first.worker == "processor:test" and first.at >= before - 1
    handler(event, LambdaContext())
    assert services.heartbeats.newest() == first


def test_a_heartbeat_store_outage_never_fails_a_message(tmp_path: Path) -> None:
    event, services = one_batch(tmp_path)
    consumer = build_consumer(services)
    plain = build_handler(lambda: consumer)(event, LambdaContext())
    store = UnreachableHeartbeats()
    beat = PacedHeartbeat(store, "processor:test", interval=0.001)
    beating = build_handler(lambda: consumer, beat)(event, LambdaContext())
    assert store.attempts == 1
    assert beating == plain
