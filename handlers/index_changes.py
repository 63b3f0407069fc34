"""Lambda entry point of the search indexer: batches of the content table's stream records.

Each record names a changed artwork or artist (keys only); the indexer writes the documents
it feeds. Partial batch responses: only failed records are reported, so the event source
mapping retries them (bisecting the batch) and, after its bounded retries, sends them to the
on-failure destination. Locally the worker feeds the change log through this same handler.
"""

from __future__ import annotations

import functools
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
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)

from content.stream import record_of
from search.indexer import Indexer
from service.bootstrap import build_indexer
from service.logs import configure_logging

logger = Logger(service="copper-indexer")
configure_logging("copper-indexer")
metrics = Metrics(namespace="CopperPrintGallery", service="copper-indexer")
batch = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@functools.cache
def indexer() -> Indexer:
    """Build the indexer once per cold start."""
    return build_indexer()


def build_handler(get_indexer: Callable[[], Indexer]) -> Handler:
    """Return a Lambda handler over the indexer `get_indexer` returns (local runs pass theirs)."""

    def record_handler(record: DynamoDBRecord) -> None:
        """Apply one stream record; raising marks it failed."""
        changed = record_of(record.raw_event)
        if changed is None:
            return  # a uniqueness guard item: nothing to index
        try:
            synced = get_indexer().refresh(*changed)
        except Exception:
            metrics.add_metric(name="index_failed", unit=MetricUnit.Count, value=1)
            logger.exception("change not indexed; it will be retried", extra={"record": changed})
            raise
        metrics.add_metric(name="indexed", unit=MetricUnit.Count, value=synced)

    @metrics.log_metrics
    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
        """Index one batch of stream records and report the records that failed."""
        return process_partial_response(
            event=event, record_handler=record_handler, processor=batch, context=context
        )

    return handler


handler = build_handler(indexer)
