"""Structured JSON logs for every `copper.*` logger: Powertools' format, with the request id.

The same fields locally and on Lambda: level, location, message, timestamp, service, and, in
a request, the `request_id` the web app sent (or the API made), plus any `extra=` keys such
as `correlation_id` (the artwork id that follows an upload to its record).
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import IO

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

ROOT = "copper"
# The id of the request being served (set by the HTTP layer for the request's duration).
REQUEST_ID: ContextVar[str | None] = ContextVar("copper_request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Add the current request's id to records logged while a request is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach `request_id` when in a request (never drop the record)."""
        request_id = REQUEST_ID.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


def json_handler(service: str, stream: IO[str] | None = None) -> logging.Handler:
    """Return a handler writing JSON lines for `service` to `stream` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(LambdaPowertoolsFormatter(service=service))
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(service: str, level: int = logging.INFO) -> None:
    """Send the `copper.*` loggers to stderr as JSON, once per process."""
    logger = logging.getLogger(ROOT)
    if any(getattr(handler, "copper_json", False) for handler in logger.handlers):
        return
    handler = json_handler(service)
    handler.copper_json = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
