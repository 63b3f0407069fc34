"""Lambda entry point of the sweeper (scheduled): fail dead-lettered and overdue works."""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from ingest.sweeper import Sweeper
from service.bootstrap import build_sweeper
from service.logs import configure_logging

logger = Logger(service="copper-sweeper")
configure_logging("copper-sweeper")
metrics = Metrics(namespace="CopperPrintGallery", service="copper-sweeper")


@functools.cache
def sweeper() -> Sweeper:
    """Build the sweeper once per cold start."""
    return build_sweeper()


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run one sweep (an EventBridge schedule invokes this) and report what it changed."""
    report = sweeper().sweep()
    metrics.add_metric("swept_dead_lettered", MetricUnit.Count, len(report.dead_lettered))
    metrics.add_metric("swept_overdue", MetricUnit.Count, len(report.expired))
    return report.to_dict()
