"""Lambda entry point of the scheduled audit: publish how far the projections drift.

The `audit_problems` metric counts what differs from the content store after repairing what
can be repaired; an alarm fires when it is above zero. The report is logged for the operator.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from ingest.audit import Auditor
from service.bootstrap import build_auditor
from service.logs import configure_logging

logger = Logger(service="copper-audit")
configure_logging("copper-audit")
metrics = Metrics(namespace="CopperPrintGallery", service="copper-audit")


@functools.cache
def auditor() -> Auditor:
    """Build the audit once per cold start."""
    return build_auditor()


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Audit and repair (an EventBridge schedule invokes this); publish what is left."""
    report = auditor().audit(repair=bool(event.get("repair", True)))
    metrics.add_metric("audit_problems", MetricUnit.Count, len(report.unresolved))
    metrics.add_metric("audit_repaired", MetricUnit.Count, len(report.repaired))
    logger.info("audit", extra={"report": report.to_dict()})
    return report.to_dict()
