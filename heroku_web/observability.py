"""Request ids and structured logs: one id follows a visitor's request into the API."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-Id"
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
EXTRA_FIELDS = ("path", "status", "ms", "method", "error")

access_log = logging.getLogger("heroku_web.access")


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line carrying the request id."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as JSON."""
        entry: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        entry |= {name: getattr(record, name) for name in EXTRA_FIELDS if hasattr(record, name)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add `request_id` to the record."""
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "") if has_request_context() else ""
        return True


def configure_logging() -> None:
    """Send the gallery's logs to stderr as JSON lines (once per process)."""
    logger = logging.getLogger("heroku_web")
    if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def adopt_request_id() -> None:
    """Adopt a valid incoming X-Request-Id (Heroku's router sends one), or make one."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if REQUEST_ID_PATTERN.match(offered) else uuid.uuid4().hex
    g.started = time.perf_counter()


def log_request(response: Response) -> Response:
    """Echo the request id and log the request with its duration."""
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    access_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.full_path.rstrip("?"),
            "status": response.status_code,
            "ms": round(elapsed, 1),
        },
    )
    return response


def install_request_ids(app: Flask) -> None:
    """Give every request an id, log it, and return it in the response."""
    configure_logging()
    app.before_request(adopt_request_id)
    app.after_request(log_request)
