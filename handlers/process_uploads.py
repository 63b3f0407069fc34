"""Lambda entry point of the image processor: SQS batches of S3 notifications.

Partial batch responses: only the records that failed are reported in `batchItemFailures`,
so SQS retries just those (and dead-letters them after `maxReceiveCount`).

Each batch also records a heartbeat (at most once per interval per container, best
effort: a failed beat is logged and never fails a message), which `/healthz` reads.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ingest.consumer import Consumer
from ingest.messages import artwork_of
from messaging.heartbeat import PacedHeartbeat, container_worker_name
from service.adapters import Adapters
from service.bootstrap import build_adapters
from service.logs import configure_logging
from service.processing import build_consumer

logger = Logger(service="copper-processor")
configure_logging("copper-processor")  # the services' own loggers, in the same JSON shape
metrics = Metrics(namespace="CopperPrintGallery", service="copper-processor")
batch = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@functools.cache
def adapters() -> Adapters:
    """Build the adapters once per cold start."""
    return build_adapters()


@functools.cache
def consumer() -> Consumer:
    """Build the processor once per cold start."""
    return build_consumer(adapters())


@functools.cache
def heartbeat() -> PacedHeartbeat:
    """Build this container's paced, best-effort heartbeat once per cold start."""
    found = adapters()
    name = container_worker_name()
    return PacedHeartbeat(found.heartbeats, name, found.settings.heartbeat_interval)


def build_handler(
    get_consumer: Callable[[], Consumer], beat: Callable[[], object] | None = None
) -> Handler:
    """Return a Lambda handler over the consumer `get_consumer` returns (local runs pass theirs).

    `beat`, when given, is called once per batch; it must not raise (see PacedHeartbeat).
    """

    def record_handler(record: SQSRecord) -> None:
        """Handle one SQS record; raising marks it failed."""
        started = time.perf_counter()
        logger.append_keys(message_id=record.message_id)
        logger.set_correlation_id(artwork_of(record.body))
        try:
            handled = get_consumer().handle_message(
                record.message_id,
                record.body,
                int(record.attributes.approximate_receive_count),
                int(record.attributes.sent_timestamp) / 1000,
            )
        except Exception:
            metrics.add_metric(name="failed", unit=MetricUnit.Count, value=1)
            logger.exception("message failed; it will be retried")
            raise
        for outcome in handled.outcomes:
            metrics.add_metric(name=outcome.value, unit=MetricUnit.Count, value=1)
        elapsed = (time.perf_counter() - started) * 1000
        metrics.add_metric(name="duration", unit=MetricUnit.Milliseconds, value=elapsed)
        metrics.add_metric(name="bytes", unit=MetricUnit.Bytes, value=handled.original_bytes)
        logger.info(
            "message handled",
            extra={
                "outcomes": [o.value for o in handled.outcomes],
                "bytes": handled.original_bytes,
            },
        )

    @metrics.log_metrics
    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
        """Process one SQS batch and report the records that failed."""
        if beat is not None:
            beat()
        return process_partial_response(
            event=event, record_handler=record_handler, processor=batch, context=context
        )

    return handler


handler = build_handler(consumer, lambda: heartbeat()())
