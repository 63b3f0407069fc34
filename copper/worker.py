"""The local stand-ins for Lambda's event sources: poll the queue (and the change log).

Each batch is turned into the event Lambda would send (SQS records with their attributes)
and passed, with a Lambda-like context, to the same handler function that runs on AWS.
Records listed in `batchItemFailures` stay in the queue and reappear after the visibility
timeout; the others are deleted. A worker killed mid-batch deletes nothing, so its messages
reappear too.

`ChangeFeed` does the same for the content store's change log: each due batch becomes a
DynamoDB Streams event for the indexer handler; failed records are retried with backoff,
so search catches up by itself once an index outage ends.
Between polls the worker runs its periodic tasks (`copper.periodic`): the heartbeat that
tells `/healthz` a consumer is alive, and whatever else a deployment plugs in. Given the
pid of the process that started it, the worker stops when that parent is gone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from content.changes import Change, ChangeLog
from content.stream import sequence_number, stream_event
from copper.periodic import PeriodicTask, Schedule
from kernel.errors import Transient
from messaging.queue import MAX_BATCH, Message, MessageQueue

log = logging.getLogger("copper.worker")

QUEUE_ARN = "arn:aws:sqs:local:000000000000:copper-uploads"
FUNCTION_TIMEOUT_MS = 900_000
CHANGE_POLL_SECONDS = 0.25

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def sqs_event(messages: list[Message], queue_arn: str = QUEUE_ARN) -> dict[str, Any]:
    """Return the Lambda event of an SQS batch, shaped as AWS shapes it."""
    return {
        "Records": [
            {
                "messageId": message.id,
                "receiptHandle": message.receipt,
                "body": message.body,
                "attributes": {
                    "ApproximateReceiveCount": str(message.receive_count),
                    "SentTimestamp": str(int(message.sent_at * 1000)),
                    "SenderId": "local",
                    "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000)),
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(message.body.encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "local",
            }
            for message in messages
        ]
    }


@dataclass
class LambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    function_name: str = "copper-process-uploads"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 2048
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:copper-process"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/copper-process-uploads"
    log_stream_name: str = "local"
    deadline: float = field(default_factory=lambda: time.monotonic() + FUNCTION_TIMEOUT_MS / 1000)

    def get_remaining_time_in_millis(self) -> int:
        """Return the milliseconds left before the invocation times out."""
        return max(0, int((self.deadline - time.monotonic()) * 1000))


@dataclass
class ChangeFeed:
    """Feeds due change-log entries to the indexer handler as DynamoDB stream batches.

    A failed change backs off (doubling, up to 30 s). While some do, the feed probes the index
    with the first of them about once a second; the first success makes them all due again,
    so search catches up within moments of an outage's end, not at the next backoff.
    """

    log: ChangeLog
    handler: Handler
    batch_size: int = 100
    lease_seconds: float = 60.0
    probe_every: float = 1.0
    backing_off: bool = False
    _probed_at: float = 0.0

    def run_once(self) -> int:
        """Index one batch of due changes (or one probe), if any; return how many were claimed."""
        changes = self.log.claim(self.batch_size, self.lease_seconds)
        if not changes and self.backing_off and self._probe_due():
            changes = self.log.claim_early(self.lease_seconds)
        if not changes:
            return 0
        failed = self._index(changes)
        self.log.retry_later([c for c in changes if sequence_number(c) in failed])
        self.log.acknowledge([c for c in changes if sequence_number(c) not in failed])
        if len(failed) < len(changes) and self.backing_off:
            self.log.wake()
        self.backing_off = bool(failed)
        return len(changes)

    def _index(self, changes: list[Change]) -> set[str]:
        """Hand the changes to the handler; return the sequence numbers of those that failed."""
        try:
            response = self.handler(
                stream_event(changes), LambdaContext(function_name="copper-index-changes")
            )
        except Exception:
            log.warning("the indexer failed a whole batch; it will be retried", exc_info=True)
            return {sequence_number(change) for change in changes}
        return {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}

    def _probe_due(self) -> bool:
        """Return whether it is time to probe the index again (and note that it is)."""
        now = time.monotonic()
        if now - self._probed_at < self.probe_every:
            return False
        self._probed_at = now
        return True

    def settled(self) -> bool:
        """Return whether no change waits (due now or after a retry's backoff)."""
        return self.log.backlog().count == 0

    def drain(self, max_batches: int = 1000) -> int:
        """Index batches until none is due; return how many changes were claimed."""
        claimed = 0
        for _ in range(max_batches):
            count = self.run_once()
            if count == 0:
                break
            claimed += count
        return claimed


@dataclass
class Worker:
    """Polls one queue and invokes a handler with each batch (and drains the change log).

    `periodic` holds `(interval_seconds, callable)` tasks that `run` calls between polls
    when due (first on its first pass); an exception in one is logged and the loop goes on.
    `parent_pid`, when set, is the pid of the supervising process: `run` returns once the
    worker's parent is another process (the supervisor died and the worker was adopted).
    """

    queue: MessageQueue
    handler: Handler
    batch_size: int = MAX_BATCH
    wait_seconds: float = 1.0
    changes: ChangeFeed | None = None
    periodic: tuple[PeriodicTask, ...] = ()
    parent_pid: int | None = None

    def run_once(self, wait_seconds: float = 0) -> int:
        """Process one batch, if any, then index due changes; return how many messages.

        With a change log to drain, the queue is long-polled for a quarter second at most,
        so a change waits about that long for the index.
        """
        if self.changes is not None:
            wait_seconds = min(wait_seconds, CHANGE_POLL_SECONDS)
        messages = self.queue.receive(self.batch_size, wait_seconds=wait_seconds)
        if self.changes is not None:
            self.changes.run_once()
        if not messages:
            return 0
        response = self.handler(sqs_event(messages), LambdaContext())
        failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        for message in messages:
            if message.id not in failed:
                self.queue.delete(message.receipt)
        return len(messages)

    def drain(self, max_batches: int = 10_000) -> int:
        """Process batches until none is visible; return how many messages were handled."""
        handled = 0
        for _ in range(max_batches):
            count = self.run_once()
            if count == 0:
                break
            handled += count
        if self.changes is not None:
            self.changes.drain()
        return handled

    def orphaned(self) -> bool:
        """Return whether the supervising parent is gone."""
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def run(self, stop: threading.Event) -> None:
        """Process batches and due periodic tasks until `stop` is set or the parent is gone.

        A queue outage is waited out.
        """
        schedule = Schedule(self.periodic)
        while not stop.is_set():
            if self.orphaned():
                log.warning("parent process gone; stopping", extra={"parent": self.parent_pid})
                return
            schedule.run_due()
            try:
                self.run_once(self.wait_seconds)
            except Transient:
                log.warning("queue or change log unavailable; retrying shortly", exc_info=True)
                stop.wait(1.0)
